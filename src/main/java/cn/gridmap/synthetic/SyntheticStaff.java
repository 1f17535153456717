package cn.gridmap.synthetic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import cn.gridmap.GridmapConfig;
import cn.gridmap.element.CopyWriter;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The synthetic city's staff, derived from its regions with a fixed seed: a full-time grid worker per grid (who is
 * also the backup of the next grid of her community), part-time workers in a quarter of the grids, a liaison per
 * micro-grid, 4,111 三官一律 members (the number Zhenjiang reports) spread over the grids, a dispatcher (派遣员) and a
 * shift lead (值班长) per street, per district and for the city, and a handler per department office (one office of each kind per
 * district). All are users marked derived whose login is disabled (no password), except a few demo accounts whose
 * generated passwords go to the demo-users file (GRIDMAP_EVENTS_DEMO_USERS_FILE; .gridmap/demo-users.txt by the
 * launcher): a grid worker, a dispatcher, a department handler, a planner, an approver per level and an analyst.
 */
@ApplicationScoped
public class SyntheticStaff {
    private static final Logger LOG = Logger.getLogger(SyntheticStaff.class);
    private static final long LOCK = 0x6772_6964_7374_66L; // "gridstf"
    /** 三官一律 members, as Zhenjiang reports them. */
    static final int SANGUAN_YILV = 4_111;
    /** Their mix: police officers, lawyers, judges, prosecutors (per mille). */
    private static final String[] SANGUAN_DUTIES = {"police", "lawyer", "judge", "prosecutor"};
    private static final int[] SANGUAN_SHARE = {400, 300, 200, 100};
    /** The district of the demo accounts (润州区), the one the planner's tests draw in too. */
    static final String DEMO_DISTRICT = "321111";

    private final DataSource dataSource;
    private final GridmapConfig config;

    public SyntheticStaff(@io.quarkus.agroal.DataSource("owner") DataSource dataSource, GridmapConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    /** After the city and its elements (+700): the regions are there. */
    void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 750) StartupEvent e) throws SQLException, IOException {
        if (config.city().loadOnStart()) {
            loadIfEmpty();
        }
    }

    /** A current region; for a 专属网格 its head's name and title and the grid it was carved from. */
    private record Reg(String code, String name, String level, String parent, String kind, String head, String headTitle, String carvedFrom) {
        boolean exclusive() {
            return "exclusive".equals(kind);
        }
    }

    /** A user to write: roles and scope as PostgreSQL array literals. */
    private record U(String username, String displayName, String roles, String scope) {
    }

    private record A(String username, String duty, String region, String department) {
    }

    /** @return users written, 0 when the staff were already there */
    public int loadIfEmpty() throws SQLException, IOException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
                }
                if (exists(c, "SELECT EXISTS (SELECT 1 FROM staff_assignment WHERE derived)")
                        || !exists(c, "SELECT EXISTS (SELECT 1 FROM region WHERE level = 'grid' AND generation_high IS NULL)")) {
                    c.rollback();
                    return 0;
                }
                long t0 = System.nanoTime();
                Map<String, String> demo = new LinkedHashMap<>();
                int n = write(c, readRegions(c), cityCode(c), demo);
                Map<String, String> passwords = demoPasswords(c, demo);
                c.commit();
                writeDemoFile(passwords, demo);
                LOG.infof("synthetic staff: %d users (login disabled but %d demo accounts) in %.1f s", n, passwords.size(),
                        (System.nanoTime() - t0) / 1e9);
                return n;
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            }
        }
    }

    private static boolean exists(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static List<Reg> readRegions(Connection c) throws SQLException {
        List<Reg> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT code, name, level, parent_code, properties ->> 'kind', "
                + "properties -> 'responsible' ->> 'name', properties -> 'responsible' ->> 'title', properties -> 'carvedFrom' ->> 0 "
                + "FROM region WHERE generation_high IS NULL AND level <> 'city' ORDER BY code");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Reg(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        rs.getString(7), rs.getString(8)));
            }
        }
        return out;
    }

    private static String cityCode(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT code FROM region WHERE level = 'city' AND generation_high IS NULL");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private int write(Connection c, List<Reg> regions, String city, Map<String, String> demo) throws SQLException {
        Random rnd = new Random(config.city().seed() ^ 0x5747_4146L);
        List<U> users = new ArrayList<>();
        List<A> assignments = new ArrayList<>();
        List<String[]> departments = new ArrayList<>();
        Map<String, List<Reg>> gridsOfCommunity = new TreeMap<>();
        List<Reg> grids = new ArrayList<>();
        List<Reg> exclusive = new ArrayList<>();
        for (Reg r : regions) {
            if (r.level().equals("grid")) {
                if (r.exclusive()) {
                    exclusive.add(r);
                } else {
                    gridsOfCommunity.computeIfAbsent(r.parent(), k -> new ArrayList<>()).add(r);
                }
                grids.add(r);
            }
        }
        // a 专属网格's head is its unit's responsible person; the worker of the grid it was carved from backs her up
        Map<String, List<String>> backupOf = new java.util.HashMap<>();
        for (Reg g : exclusive) {
            String head = "zs." + g.code();
            users.add(new U(head, g.head() == null ? SyntheticNames.person(rnd, rnd.nextBoolean()) : g.head(), "{gridworker}", "{" + g.code() + "}"));
            assignments.add(new A(head, "head", g.code(), null));
            if (g.carvedFrom() != null) {
                backupOf.computeIfAbsent(g.carvedFrom(), k -> new ArrayList<>()).add(g.code());
            }
        }
        Map<String, String> kinds = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT kind, name FROM department_kind ORDER BY kind"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                kinds.put(rs.getString(1), rs.getString(2));
            }
        }
        String demoStreet = null;
        String demoGrid = null;
        if (city != null) { // the city's 数字城管 command centre: a dispatcher and a shift lead for the whole city
            users.add(new U("pq." + city, SyntheticNames.person(rnd, rnd.nextBoolean()), "{dispatcher}", "{" + city + "}"));
            assignments.add(new A("pq." + city, "dispatcher", city, null));
            users.add(new U("zbz." + city, SyntheticNames.person(rnd, rnd.nextBoolean()), "{dispatcher}", "{" + city + "}"));
            assignments.add(new A("zbz." + city, "shift_lead", city, null));
        }
        for (Reg r : regions) {
            switch (r.level()) {
                case "district" -> {
                    users.add(new U("pq." + r.code(), SyntheticNames.person(rnd, rnd.nextBoolean()), "{dispatcher}", "{" + r.code() + "}"));
                    assignments.add(new A("pq." + r.code(), "dispatcher", r.code(), null));
                    users.add(new U("zbz." + r.code(), SyntheticNames.person(rnd, rnd.nextBoolean()), "{dispatcher}", "{" + r.code() + "}"));
                    assignments.add(new A("zbz." + r.code(), "shift_lead", r.code(), null));
                    for (Map.Entry<String, String> k : kinds.entrySet()) {
                        String dept = r.code() + "-" + k.getKey();
                        departments.add(new String[] {dept, k.getKey(), r.name() + k.getValue(), r.code()});
                        users.add(new U("bm." + dept, SyntheticNames.person(rnd, rnd.nextBoolean()), "{department}", "{" + r.code() + "}"));
                        assignments.add(new A("bm." + dept, "department", r.code(), dept));
                    }
                }
                case "street" -> {
                    users.add(new U("pq." + r.code(), SyntheticNames.person(rnd, rnd.nextBoolean()), "{dispatcher}", "{" + r.code() + "}"));
                    assignments.add(new A("pq." + r.code(), "dispatcher", r.code(), null));
                    users.add(new U("zbz." + r.code(), SyntheticNames.person(rnd, rnd.nextBoolean()), "{dispatcher}", "{" + r.code() + "}"));
                    assignments.add(new A("zbz." + r.code(), "shift_lead", r.code(), null));
                    if (demoStreet == null && r.code().startsWith(DEMO_DISTRICT)) {
                        demoStreet = r.code();
                    }
                }
                case "microgrid" -> {
                    users.add(new U("ll." + r.code(), SyntheticNames.person(rnd, rnd.nextBoolean()), "{liaison}", "{" + r.code() + "}"));
                    assignments.add(new A("ll." + r.code(), "liaison", r.code(), null));
                }
                default -> {
                }
            }
        }
        for (List<Reg> inCommunity : gridsOfCommunity.values()) {
            for (int i = 0; i < inCommunity.size(); i++) {
                Reg g = inCommunity.get(i);
                Reg next = inCommunity.size() > 1 ? inCommunity.get((i + 1) % inCommunity.size()) : null;
                String worker = "wg." + g.code();
                List<String> scope = new ArrayList<>(List.of(g.code()));
                if (next != null) {
                    scope.add(next.code());
                }
                List<String> carved = backupOf.getOrDefault(g.code(), List.of());
                scope.addAll(carved);
                users.add(new U(worker, SyntheticNames.person(rnd, rnd.nextBoolean()), "{gridworker}", "{" + String.join(",", scope) + "}"));
                assignments.add(new A(worker, "fulltime", g.code(), null));
                if (next != null) {
                    assignments.add(new A(worker, "backup", next.code(), null));
                }
                for (String e : carved) {
                    assignments.add(new A(worker, "backup", e, null));
                }
                if (rnd.nextInt(4) == 0) {
                    users.add(new U("wgp." + g.code(), SyntheticNames.person(rnd, rnd.nextBoolean()), "{gridworker}", "{" + g.code() + "}"));
                    assignments.add(new A("wgp." + g.code(), "parttime", g.code(), null));
                }
                if (demoGrid == null && demoStreet != null && g.code().startsWith(demoStreet)) {
                    demoGrid = g.code();
                }
            }
        }
        for (int i = 0; i < SANGUAN_YILV && !grids.isEmpty(); i++) {
            Reg g = grids.get((int) ((long) i * grids.size() / SANGUAN_YILV));
            int pick = rnd.nextInt(1000);
            int d = 0;
            int acc = SANGUAN_SHARE[0];
            while (pick >= acc) {
                d++;
                acc += SANGUAN_SHARE[d];
            }
            String name = String.format("sg.%04d", i + 1);
            users.add(new U(name, SyntheticNames.person(rnd, rnd.nextBoolean()), "{liaison}", "{" + g.code() + "}"));
            assignments.add(new A(name, SANGUAN_DUTIES[d], g.code(), null));
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        try (CopyWriter w = new CopyWriter(copy, "COPY department (code, kind, name, district_code, derived) FROM STDIN (FORMAT csv)")) {
            for (String[] d : departments) {
                w.row().field(d[0]).field(d[1]).field(d[2]).field(d[3]).field(true).end();
            }
            w.finish();
        }
        try (CopyWriter w = new CopyWriter(copy, "COPY app_user (username, display_name, password_hash, roles, scope, pii, enabled, created_by, derived) "
                + "FROM STDIN (FORMAT csv)")) {
            for (U u : users) {
                w.row().field(u.username()).field(u.displayName()).field(cn.gridmap.security.Accounts.NO_PASSWORD).field(u.roles())
                        .field(u.scope()).field(false).field(true).field("synthetic").field(true).end();
            }
            w.finish();
        }
        try (CopyWriter w = new CopyWriter(copy, "COPY staff_assignment (username, duty, region_code, department_code, derived) FROM STDIN (FORMAT csv)")) {
            for (A a : assignments) {
                CopyWriter.Rows row = w.row().field(a.username()).field(a.duty()).field(a.region());
                if (a.department() == null) {
                    row.nul();
                } else {
                    row.field(a.department());
                }
                row.field(true).end();
            }
            w.finish();
        }
        if (demoStreet != null && demoGrid != null) {
            String community = demoGrid.substring(0, 12);
            demo.put("wg." + demoGrid, "grid worker (专职网格员) of grid " + demoGrid);
            demo.put("pq." + demoStreet, "dispatcher (派遣员) of street " + demoStreet);
            demo.put("zbz." + demoStreet, "shift lead (值班长) of street " + demoStreet);
            demo.put("bm." + DEMO_DISTRICT + "-cg", "department handler (城市管理局) of district " + DEMO_DISTRICT);
            demo.put("demo.planner", "planner of district " + DEMO_DISTRICT + "|planner|" + DEMO_DISTRICT);
            demo.put("demo.approver.community", "approver of community " + community + "|approver|" + community);
            demo.put("demo.approver.street", "approver of street " + demoStreet + "|approver|" + demoStreet);
            demo.put("demo.approver.district", "approver of district " + DEMO_DISTRICT + "|approver|" + DEMO_DISTRICT);
            demo.put("demo.approver.city", "approver of the city|approver|" + city);
            demo.put("demo.analyst", "analyst of the city|analyst|" + city);
        }
        return users.size();
    }

    /** Gives each demo account a random password (new accounts for the roles no staff member has). */
    private static Map<String, String> demoPasswords(Connection c, Map<String, String> demo) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        SecureRandom random = new SecureRandom();
        for (Map.Entry<String, String> d : demo.entrySet()) {
            byte[] b = new byte[12];
            random.nextBytes(b);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            String hash = BcryptUtil.bcryptHash(password);
            String[] parts = d.getValue().split("\\|");
            if (parts.length == 3) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO app_user (username, display_name, password_hash, roles, scope, pii, "
                        + "enabled, created_by, derived) VALUES (?, ?, ?, ARRAY[?], ARRAY[?], false, true, 'synthetic', true) ON CONFLICT DO NOTHING")) {
                    ps.setString(1, d.getKey());
                    ps.setString(2, parts[0]);
                    ps.setString(3, hash);
                    ps.setString(4, parts[1]);
                    ps.setString(5, parts[2]);
                    ps.executeUpdate();
                }
                d.setValue(parts[0]);
            } else {
                try (PreparedStatement ps = c.prepareStatement("UPDATE app_user SET password_hash = ?, pii = true WHERE username = ?")) {
                    ps.setString(1, hash);
                    ps.setString(2, d.getKey());
                    ps.executeUpdate();
                }
            }
            out.put(d.getKey(), password);
        }
        return out;
    }

    private void writeDemoFile(Map<String, String> passwords, Map<String, String> what) throws IOException {
        if (passwords.isEmpty()) {
            return;
        }
        String file = config.events().demoUsersFile().filter(f -> !f.isBlank()).orElse(null);
        if (file == null) {
            LOG.infof("demo accounts %s have random passwords (set GRIDMAP_EVENTS_DEMO_USERS_FILE to have them written down; an admin can "
                    + "set others with PATCH /api/users/{username})", passwords.keySet());
            return;
        }
        Path p = Path.of(file);
        Files.deleteIfExists(p);
        Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        StringBuilder sb = new StringBuilder("# gridmap demo accounts of the synthetic city (derived data): username password  what\n");
        passwords.forEach((u, pw) -> sb.append(u).append(' ').append(pw).append("  ").append(what.get(u)).append('\n'));
        Files.writeString(p, sb.toString(), StandardCharsets.UTF_8);
        LOG.infof("demo accounts and their passwords written to %s", p);
    }
}
