package cn.gridmap.synthetic;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import javax.sql.DataSource;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import cn.gridmap.GridmapConfig;
import cn.gridmap.element.CopyWriter;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The synthetic city's record of its grid programmes until the day its event histories end (1 January to 31 October
 * 2026), with a fixed seed and marked derived: each 三官一律 member's activities in her grid (one to three a month, the
 * kinds her duty does most); the dispute bodies with their mediators and a dispute history at Zhenjiang's rate; the
 * 特殊人群 visits of the tagged people. Each part runs once, after the staff, the beats and the event lifecycles.
 */
@ApplicationScoped
public class SyntheticProgrammes {
    private static final Logger LOG = Logger.getLogger(SyntheticProgrammes.class);
    private static final long LOCK = 0x6772_6964_7072_67L; // "gridprg"
    static final LocalDate FROM = LocalDate.of(2026, 1, 1);
    static final LocalDate UNTIL = LocalDate.of(2026, 11, 1);
    private static final ZoneId CITY = ZoneId.of("Asia/Shanghai");

    private final DataSource owner;
    private final GridmapConfig config;
    private final cn.gridmap.event.WorkCalendar calendar;
    private final cn.gridmap.security.PersonalDataProtector protector;

    public SyntheticProgrammes(@io.quarkus.agroal.DataSource("owner") DataSource owner, GridmapConfig config, cn.gridmap.event.WorkCalendar calendar,
            cn.gridmap.security.PersonalDataProtector protector) {
        this.owner = owner;
        this.config = config;
        this.calendar = calendar;
        this.protector = protector;
    }

    void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 765) StartupEvent e) throws SQLException {
        if (config.city().loadOnStart()) {
            loadIfEmpty();
        }
    }

    private record Member(String username, String duty, String grid, String district) {
    }

    /** @return rows written, 0 when done before */
    public long loadIfEmpty() throws SQLException {
        try (Connection c = owner.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
                    try (ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM sanguan_activity WHERE derived) AND EXISTS (SELECT 1 FROM dispute_body) "
                            + "AND EXISTS (SELECT 1 FROM care_visit WHERE derived)")) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            c.rollback();
                            return 0;
                        }
                    }
                }
                long t0 = System.nanoTime();
                long n = activities(c);
                long b = disputeBodies(c);
                long d = disputes(c);
                long v = careVisits(c);
                c.commit();
                LOG.infof("synthetic programmes: %d 三官一律 activities, %d dispute bodies, %d disputes, %d 特殊人群 visits (%.1f s)", n, b, d, v,
                        (System.nanoTime() - t0) / 1e9);
                return n + b + d + v;
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            }
        }
    }

    private long activities(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM sanguan_activity WHERE derived)")) {
            rs.next();
            if (rs.getBoolean(1)) {
                return 0;
            }
        }
        List<Member> members = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.username, a.duty, a.region_code, g.path FROM staff_assignment a "
                + "JOIN region g ON g.code = a.region_code AND g.generation_high IS NULL AND g.level = 'grid' "
                + "WHERE a.derived AND a.duty IN ('judge', 'prosecutor', 'police', 'lawyer') AND a.username LIKE 'sg.%' ORDER BY a.username, a.region_code");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                members.add(new Member(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4).split("/")[1]));
            }
        }
        try (CopyWriter w = new CopyWriter(c.unwrap(PGConnection.class).getCopyAPI(), "COPY sanguan_activity (member, duty, kind, grid_code, "
                + "district_code, at, attendees, note, derived) FROM STDIN (FORMAT csv)")) {
            for (Member m : members) {
                Random rnd = new Random(config.city().seed() * 31 + m.username().hashCode());
                for (LocalDate month = FROM; month.isBefore(UNTIL); month = month.plusMonths(1)) {
                    int k = 1 + rnd.nextInt(3);
                    for (int i = 0; i < k; i++) {
                        String kind = kind(m.duty(), rnd);
                        LocalDate day = month.plusDays(rnd.nextInt(month.lengthOfMonth()));
                        java.time.Instant at = day.atTime(9 + rnd.nextInt(8), rnd.nextInt(60)).atZone(CITY).toInstant();
                        int attendees = kind.equals("legal_education") ? 15 + rnd.nextInt(60) : kind.equals("visit") ? 1 + rnd.nextInt(4) : 1 + rnd.nextInt(3);
                        w.row().field(m.username()).field(m.duty()).field(kind).field(m.grid()).field(m.district())
                                .field(at.toString()).field(attendees).field(note(kind)).field(true).end();
                    }
                }
            }
            return w.finish();
        }
    }

    /**
     * The bodies disputes go to, one of each kind per region: a people's mediation committee per community, a 矛盾纠纷调处中心
     * per street and per district, the district court's 诉讼服务中心 (诉前调解); each handled by a mediator user
     * (tj./tjz./tjq./fy. + the region code, no password until an admin sets one) scoped to its region.
     */
    private long disputeBodies(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM dispute_body)")) {
            rs.next();
            if (rs.getBoolean(1)) {
                return 0;
            }
        }
        Random rnd = new Random(config.city().seed() ^ 0x6a66_6a66L);
        long n = 0;
        try (PreparedStatement q = c.prepareStatement("SELECT level, code, name FROM region WHERE level IN ('district', 'street', 'community') "
                + "AND generation_high IS NULL ORDER BY code");
                PreparedStatement body = c.prepareStatement("INSERT INTO dispute_body (code, kind, name, region_code, handler, derived) "
                        + "VALUES (?, ?, ?, ?, ?, true)");
                PreparedStatement user = c.prepareStatement("INSERT INTO app_user (username, display_name, password_hash, roles, scope, pii, enabled, "
                        + "created_by, derived) VALUES (?, ?, ?, '{mediator}', ARRAY[?], false, true, 'synthetic', true) ON CONFLICT DO NOTHING");
                ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                String level = rs.getString(1);
                String code = rs.getString(2);
                String name = rs.getString(3);
                List<String[]> kinds = switch (level) {
                    case "community" -> List.<String[]>of(new String[] {"mediation_committee", "tj.", name + "人民调解委员会"});
                    case "street" -> List.<String[]>of(new String[] {"street_center", "tjz.", name + "矛盾纠纷调处中心"});
                    default -> List.of(new String[] {"district_center", "tjq.", name + "矛盾纠纷调处中心"},
                            new String[] {"court", "fy.", name + "人民法院诉讼服务中心"});
                };
                for (String[] k : kinds) {
                    String handler = k[1] + code;
                    body.setString(1, handler);
                    body.setString(2, k[0]);
                    body.setString(3, k[2]);
                    body.setString(4, code);
                    body.setString(5, handler);
                    body.addBatch();
                    user.setString(1, handler);
                    user.setString(2, SyntheticNames.person(rnd, rnd.nextBoolean()));
                    user.setString(3, cn.gridmap.security.Accounts.NO_PASSWORD);
                    user.setString(4, code);
                    user.addBatch();
                    n++;
                }
            }
            body.executeBatch();
            user.executeBatch();
        }
        return n;
    }

    /** Types of the synthetic disputes, with weights (per mille): neighbours and families first, as in 镇江's reports. */
    private static final String[] DISPUTE_TYPES = {"neighbour", "family", "property_management", "consumer", "contract", "debt", "labour", "traffic",
        "public_order", "land", "medical", "environment", "other"};
    private static final int[] DISPUTE_WEIGHTS = {250, 180, 100, 60, 70, 80, 90, 70, 40, 15, 10, 15, 20};
    /** Zhenjiang 2025: 63,965 disputes for its 3.2 M people, a year. */
    static final double DISPUTES_PER_PERSON_YEAR = 63_965 / 3_210_000.0;

    private record Place(double lon, double lat, String district, String micro, String[] chain) {
    }

    private record Synth(int id, String district, String micro, java.time.Instant received, java.time.Instant closed, boolean resolved,
            int satisfaction, int parties, String bodyName, String handler) {
    }

    /**
     * A dispute history until the day the event histories end, at the city's rate (镇江 2025), each received at a house of
     * the city, routed by the service's own rule to the body of its place, closed mostly in time (调处率 and 调解成功率 near
     * the reported 98.6 % and 99.7 %, lower here so that the dashboards have something to show), most of them evaluated.
     * Parties are synthetic names and phones, encrypted like any party.
     */
    private long disputes(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM dispute)")) {
            rs.next();
            if (rs.getBoolean(1)) {
                return 0;
            }
        }
        long people;
        long houses;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM house)")) {
            rs.next();
            people = rs.getLong(1);
            houses = rs.getLong(2);
        }
        double years = java.time.temporal.ChronoUnit.DAYS.between(FROM, UNTIL) / 365.0;
        int total = (int) Math.round(people * DISPUTES_PER_PERSON_YEAR * years);
        if (total == 0 || houses == 0) {
            return 0;
        }
        // where disputes happen: a fixed sample of houses, with the chain of their micro-grid
        List<Place> places = new ArrayList<>();
        long step = Math.max(1, houses / Math.max(1, Math.min(houses, total)));
        try (PreparedStatement ps = c.prepareStatement("SELECT ST_X(h.geom), ST_Y(h.geom), h.district_code, h.microgrid_code, g.path FROM house h "
                + "JOIN region g ON g.code = left(h.microgrid_code, 15) AND g.generation_high IS NULL WHERE h.id % ? = 0 ORDER BY h.id")) {
            ps.setLong(1, step);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    places.add(new Place(rs.getDouble(1), rs.getDouble(2), rs.getString(3), rs.getString(4), rs.getString(5).split("/")));
                }
            }
        }
        if (places.isEmpty()) {
            return 0;
        }
        java.util.Map<String, String[]> bodies = new java.util.HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT kind, region_code, code, name, handler FROM dispute_body")) {
            while (rs.next()) {
                bodies.put(rs.getString(1) + ":" + rs.getString(2), new String[] {rs.getString(3), rs.getString(4), rs.getString(5)});
            }
        }
        java.util.Map<String, String[]> lawyers = new java.util.HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT a.region_code, a.username, coalesce(u.display_name, a.username) "
                + "FROM staff_assignment a JOIN app_user u ON u.username = a.username WHERE a.duty = 'lawyer' ORDER BY a.region_code, a.username")) {
            while (rs.next()) {
                lawyers.putIfAbsent(rs.getString(1), new String[] {rs.getString(2), rs.getString(3) + " (网格律师)"});
            }
        }
        cn.gridmap.event.WorkClock clock = calendar.clock();
        Random rnd = new Random(config.city().seed() ^ 0x6469_7370L);
        long from = FROM.atStartOfDay(CITY).toEpochSecond();
        long until = UNTIL.atStartOfDay(CITY).toEpochSecond();
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        List<Synth> made = new ArrayList<>();
        long written;
        try (CopyWriter d = new CopyWriter(copy, "COPY dispute (id, code, type, tier, description, amount_yuan, parties_count, geom, district_code, "
                + "microgrid_code, state, outcome, routed_kind, routed_code, routed_name, handler, rule, received_by, received_at, routed_at, due_at, "
                + "closed_at, closed_on_time, result, satisfaction, derived) FROM STDIN (FORMAT csv)")) {
            for (int id = 1; id <= total; id++) {
                Place at = places.get(rnd.nextInt(places.size()));
                String type = pick(rnd);
                java.math.BigDecimal amount = amount(type, rnd);
                int involved = rnd.nextInt(50) == 0 ? 5 + rnd.nextInt(36) : rnd.nextInt(10) == 0 ? 1 : 2;
                cn.gridmap.field.Disputes.Choice choice = cn.gridmap.field.Disputes.choose(type, amount, involved);
                String[] body = route(choice.kind(), at, bodies, lawyers);
                String kind = body[3];
                long received = from + (long) (rnd.nextDouble() * (until - from));
                java.time.ZonedDateTime r = java.time.Instant.ofEpochSecond(received).atZone(CITY);
                int days = cn.gridmap.field.Disputes.TIER_DAYS.get(choice.tier());
                java.time.Instant due = clock.plusWorkingDays(r, days).toInstant();
                // closed within the limit mostly, a few late; the last weeks' still open
                double share = rnd.nextInt(100) < 93 ? 0.1 + 0.9 * rnd.nextDouble() : 1.05 + rnd.nextDouble();
                java.time.Instant closed = clock.plusWorkingTime(r, clock.workingDay().multipliedBy(days).multipliedBy(Math.round(share * 1000)).dividedBy(1000))
                        .toInstant();
                boolean open = closed.getEpochSecond() >= until;
                boolean resolved = rnd.nextInt(1000) < 975;
                boolean evaluated = !open && rnd.nextInt(10) < 8;
                int satisfaction = !evaluated ? 0 : resolved ? (rnd.nextInt(10) < 6 ? 5 : rnd.nextInt(10) < 8 ? 4 : 3) : 2 + rnd.nextInt(2);
                String state = open ? (rnd.nextBoolean() ? "routed" : "accepted") : evaluated ? "evaluated" : resolved ? "resolved" : "failed";
                String code = String.format("JF%s%s%06d", at.district(), r.toLocalDate().toString().replace("-", ""), id);
                String point = "SRID=4326;POINT(" + at.lon() + " " + at.lat() + ")";
                String receivedBy = "synthetic";
                var row = d.row().field(id).field(code).field(type).field(choice.tier()).field(cn.gridmap.field.Disputes.TYPES.get(type) + "（合成数据）");
                if (amount == null) {
                    row.field((String) null);
                } else {
                    row.field(amount.toPlainString());
                }
                row.field(involved).field(point).field(at.district()).field(at.micro()).field(state).field(open ? null : resolved ? "resolved" : "failed")
                        .field(kind).field(body[0]).field(body[1]).field(body[2]).field(choice.rule()).field(receivedBy)
                        .field(r.toInstant().toString()).field(r.toInstant().toString()).field(due.toString()).field(open ? null : closed.toString());
                if (open) {
                    row.field((String) null).field((String) null);
                } else {
                    row.field(!closed.isAfter(due)).field(resolved ? "达成调解协议（合成数据）" : "调解不成，告知诉讼途径（合成数据）");
                }
                if (satisfaction == 0) {
                    row.field((String) null);
                } else {
                    row.field(satisfaction);
                }
                row.field(true).end();
                made.add(new Synth(id, at.district(), at.micro(), r.toInstant(), open ? null : closed, resolved, satisfaction, Math.min(involved, 2),
                        body[1], body[2]));
            }
            written = d.finish();
        }
        // the parties and the steps, in their own COPYs (one COPY at a time on a connection)
        try (CopyWriter p = new CopyWriter(copy, "COPY dispute_party (dispute_id, seq, role, name_enc, phone_enc, phone_bidx, district_code, "
                + "microgrid_code) FROM STDIN (FORMAT csv)")) {
            for (Synth x : made) {
                for (int s = 1; s <= x.parties(); s++) {
                    String phone = SyntheticNames.mobile(rnd);
                    p.row().field(x.id()).field(s).field(s == 1 ? "applicant" : "respondent").field(protector.encrypt(SyntheticNames.person(rnd, rnd.nextBoolean())))
                            .field(protector.encrypt(phone)).field(protector.blindIndex(phone)).field(x.district()).field(x.micro()).end();
                }
            }
            p.finish();
        }
        try (CopyWriter l = new CopyWriter(copy, "COPY dispute_log (dispute_id, at, actor, action, from_state, to_state, note, district_code, "
                + "microgrid_code) FROM STDIN (FORMAT csv)")) {
            for (Synth x : made) {
                l.row().field(x.id()).field(x.received().toString()).field("synthetic").field("receive").field((String) null).field("routed")
                        .field("统一受理, 分流交办: " + x.bodyName()).field(x.district()).field(x.micro()).end();
                if (x.closed() != null) {
                    l.row().field(x.id()).field(x.closed().toString()).field(x.handler()).field(x.resolved() ? "resolve" : "fail").field("routed")
                            .field(x.resolved() ? "resolved" : "failed").field((String) null).field(x.district()).field(x.micro()).end();
                }
                if (x.satisfaction() > 0) {
                    l.row().field(x.id()).field(x.closed().plusSeconds(86_400).toString()).field("synthetic").field("evaluate")
                            .field(x.resolved() ? "resolved" : "failed").field("evaluated").field("回访满意度 " + x.satisfaction()).field(x.district())
                            .field(x.micro()).end();
                }
            }
            l.finish();
        }
        try (Statement s = c.createStatement()) {
            // the police stations of the disputes routed to the police: the beat at the dispute's place, else the street centre
            s.execute("UPDATE dispute d SET routed_code = st.code, routed_name = st.name || ' (' || b.code || ')', handler = b.officer FROM police_beat b "
                    + "JOIN police_station st ON st.code = b.station_code WHERE d.derived AND d.routed_kind = 'police_station' AND d.handler = '' "
                    + "AND b.officer IS NOT NULL AND ST_Covers(b.geom, d.geom)");
            s.execute("UPDATE dispute d SET routed_kind = 'street_center', routed_code = x.code, routed_name = x.name, handler = x.handler FROM dispute_body x "
                    + "WHERE d.derived AND d.routed_kind = 'police_station' AND d.handler = '' AND x.kind = 'street_center' "
                    + "AND x.region_code = split_part((SELECT path FROM region g WHERE g.code = left(d.microgrid_code, 15) AND g.generation_high IS NULL), '/', 3)");
            s.execute("SELECT setval('dispute_id_seq', (SELECT max(id) FROM dispute)), setval('dispute_code_seq', (SELECT max(id) FROM dispute))");
        }
        return written;
    }

    /** The body of a kind at a place, from the loaded maps: {code, name, handler, kind}; police stations are filled in afterwards. */
    private static String[] route(String kind, Place at, java.util.Map<String, String[]> bodies, java.util.Map<String, String[]> lawyers) {
        String grid = at.micro().substring(0, 15);
        switch (kind) {
            case "sanguan_member" -> {
                String[] l = lawyers.get(grid);
                return l != null ? new String[] {grid, l[1], l[0], kind} : route("mediation_committee", at, bodies, lawyers);
            }
            case "police_station" -> {
                return new String[] {at.chain()[2], "", "", kind};
            }
            default -> {
                String region = kind.equals("mediation_committee") ? at.chain()[3] : kind.equals("street_center") ? at.chain()[2] : at.chain()[1];
                String[] b = bodies.get(kind + ":" + region);
                if (b == null) {
                    cn.gridmap.field.Disputes.Choice up = cn.gridmap.field.Disputes.above(kind);
                    if (up == null) {
                        throw new IllegalStateException("no dispute body of kind " + kind + " for " + region);
                    }
                    return route(up.kind(), at, bodies, lawyers);
                }
                return new String[] {b[0], b[1], b[2], kind};
            }
        }
    }

    private static String pick(Random rnd) {
        int r = rnd.nextInt(1000);
        for (int i = 0; i < DISPUTE_TYPES.length; i++) {
            r -= DISPUTE_WEIGHTS[i];
            if (r < 0) {
                return DISPUTE_TYPES[i];
            }
        }
        return "other";
    }

    /** The sum at stake: none for most neighbour and family quarrels; log-normal around ¥8,000 for money matters. */
    private static java.math.BigDecimal amount(String type, Random rnd) {
        if (java.util.Set.of("neighbour", "family", "public_order", "other").contains(type) && rnd.nextInt(10) < 7) {
            return null;
        }
        double median = java.util.Set.of("land", "medical").contains(type) ? 60_000 : 8_000;
        return java.math.BigDecimal.valueOf(Math.round(median * Math.exp(1.1 * rnd.nextGaussian())));
    }

    /**
     * The 特殊人群 visits of the tagged people until the histories end: by the full-time grid worker of their grid, at the
     * frequency of their tags, mostly on time (a visit every 0.6–1.1 of the period), one in eight late by up to another
     * period, so that some are overdue on the last day; most at home, some by phone or video.
     */
    private long careVisits(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM care_visit WHERE derived)")) {
            rs.next();
            if (rs.getBoolean(1)) {
                return 0;
            }
        }
        java.util.Map<String, Integer> every = new java.util.HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT tag, every_days FROM care_frequency")) {
            while (rs.next()) {
                every.put(rs.getString(1), rs.getInt(2));
            }
        }
        long from = FROM.atStartOfDay(CITY).toEpochSecond();
        long until = UNTIL.atStartOfDay(CITY).toEpochSecond();
        // read first, then write: one connection holds one COPY and no open cursor at a time
        record Tagged(long id, String[] tags, String district, String micro, double lon, double lat) {
        }
        List<Tagged> people = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT p.id, p.tags, p.district_code, p.microgrid_code, ST_X(h.geom), ST_Y(h.geom) "
                + "FROM person p JOIN house h ON h.id = p.house_id WHERE p.tags <> '{}' ORDER BY p.id")) {
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    people.add(new Tagged(rs.getLong(1), (String[]) rs.getArray(2).getArray(), rs.getString(3), rs.getString(4), rs.getDouble(5),
                            rs.getDouble(6)));
                }
            }
        }
        try (CopyWriter w = new CopyWriter(c.unwrap(PGConnection.class).getCopyAPI(), "COPY care_visit (person_id, visitor, at, kind, geom, "
                + "district_code, microgrid_code, derived) FROM STDIN (FORMAT csv)")) {
            for (Tagged p : people) {
                int days = java.util.Arrays.stream(p.tags()).filter(every::containsKey).mapToInt(every::get).min().orElse(0);
                if (days == 0) {
                    continue;
                }
                Random rnd = new Random(config.city().seed() * 37 + p.id());
                String visitor = "wg." + p.micro().substring(0, 15);
                String point = "SRID=4326;POINT(" + p.lon() + " " + p.lat() + ")";
                long period = days * 86_400L;
                for (long t = from + (long) (rnd.nextDouble() * period); t < until;) {
                    int k = rnd.nextInt(20);
                    String kind = k < 14 ? "home" : k < 18 ? "phone" : k < 19 ? "video" : "office";
                    // during the day, 9:00 to 17:00
                    long day = java.time.Instant.ofEpochSecond(t).atZone(CITY).toLocalDate().atTime(9, 0).atZone(CITY).toEpochSecond();
                    long at = day + rnd.nextInt(8 * 3600);
                    if (at >= until) {
                        break;
                    }
                    w.row().field(p.id()).field(visitor).field(java.time.Instant.ofEpochSecond(at).toString()).field(kind).field(point)
                            .field(p.district()).field(p.micro()).field(true).end();
                    double next = rnd.nextInt(8) == 0 ? 1.1 + rnd.nextDouble() : 0.6 + 0.5 * rnd.nextDouble();
                    t = at + (long) (next * period);
                }
            }
            return w.finish();
        }
    }

    /** What each duty does most: lawyers advise, judges and prosecutors teach the law, police officers visit and mediate. */
    private static String kind(String duty, Random rnd) {
        int r = rnd.nextInt(10);
        return switch (duty) {
            case "lawyer" -> r < 5 ? "consultation" : r < 8 ? "legal_education" : "mediation";
            case "judge" -> r < 4 ? "legal_education" : r < 8 ? "mediation" : "consultation";
            case "prosecutor" -> r < 6 ? "legal_education" : r < 8 ? "visit" : "consultation";
            default -> r < 5 ? "visit" : r < 8 ? "mediation" : "legal_education";
        };
    }

    private static String note(String kind) {
        return switch (kind) {
            case "visit" -> "入户走访（合成数据）";
            case "legal_education" -> "普法宣讲（合成数据）";
            case "consultation" -> "法律咨询（合成数据）";
            default -> "参与调解（合成数据）";
        };
    }
}
