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

import cn.gridmap.GridmapConfig;
import cn.gridmap.element.CopyWriter;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The synthetic city's record of its grid programmes until the day its event histories end (1 January to 31 October
 * 2026), with a fixed seed and marked derived: each 三官一律 member's activities in her grid (one to three a month, the
 * kinds her duty does most). Runs once, after the staff and the event lifecycles.
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

    public SyntheticProgrammes(@io.quarkus.agroal.DataSource("owner") DataSource owner, GridmapConfig config) {
        this.owner = owner;
        this.config = config;
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
                    try (ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM sanguan_activity WHERE derived)")) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            c.rollback();
                            return 0;
                        }
                    }
                }
                long t0 = System.nanoTime();
                long n = activities(c);
                c.commit();
                LOG.infof("synthetic programmes: %d 三官一律 activities (%.1f s)", n, (System.nanoTime() - t0) / 1e9);
                return n;
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            }
        }
    }

    private long activities(Connection c) throws SQLException {
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
