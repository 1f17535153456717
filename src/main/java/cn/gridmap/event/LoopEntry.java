package cn.gridmap.event;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.postgresql.PGConnection;

import cn.gridmap.element.CopyWriter;
import cn.gridmap.region.RegionService;
import cn.gridmap.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Bulk entry into the loop, inside an import's transaction (all or nothing): the events an import just stored (12345
 * work orders) are routed as one intake would route them — the grid's on-duty worker, the class's department of the
 * district, the dispatcher's new queue, a register stage whose clock starts now (when the orders reach the city's
 * dispatchers) and a report row in the log. Rows an import updated keep their place in the loop.
 */
@ApplicationScoped
public class LoopEntry {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSXXX");
    private final Deadlines deadlines;
    private final RegionService regions;

    public LoopEntry(Deadlines deadlines, RegionService regions) {
        this.deadlines = deadlines;
        this.regions = regions;
    }

    /** @return events entered */
    public long enter(Connection c, long importJob, Caller caller) throws SQLException {
        Instant now = Instant.now();
        Map<String, String> onDuty = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(EventSql.ON_DUTY_ALL)) {
            ps.setTimestamp(1, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    onDuty.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        Set<String> departments = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT code FROM department"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                departments.add(rs.getString(1));
            }
        }
        int generation = regions.currentGeneration(c);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE loop_entry (id BIGINT PRIMARY KEY, assignee TEXT, department_code TEXT, due_at TIMESTAMPTZ) ON COMMIT DROP");
        }
        var copy = c.unwrap(PGConnection.class).getCopyAPI();
        long n = 0;
        Map<String, Instant> dueByClass = new HashMap<>();
        record New(long id, String classCode, String micro, String district) {
        }
        java.util.List<New> fresh = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(EventSql.NEW_FROM_IMPORT)) { // read first: one COPY or one query at a time
            ps.setLong(1, importJob);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    fresh.add(new New(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
        }
        try (CopyWriter w = new CopyWriter(copy, "COPY loop_entry FROM STDIN (FORMAT csv)")) {
            for (New e : fresh) {
                Deadlines.EventClass k = deadlines.eventClass(e.classCode());
                String dept = k == null || k.departmentKind() == null ? null : e.district() + "-" + k.departmentKind();
                Instant due = dueByClass.computeIfAbsent(e.classCode(), x -> deadlines.due(x, "register", now));
                w.row().field(e.id()).field(onDuty.get(e.micro().substring(0, 15))).field(dept != null && departments.contains(dept) ? dept : null)
                        .field(TS.format(due.atZone(WorkClock.CITY))).end();
                n++;
            }
            w.finish();
        }
        try (PreparedStatement ps = c.prepareStatement(EventSql.ENTER_FROM_IMPORT)) {
            ps.setInt(1, generation);
            ps.setString(2, caller.name());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(EventSql.STAGES_FROM_IMPORT)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(EventSql.LOG_FROM_IMPORT)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, caller.name());
            ps.setString(3, EventService.actingRole(caller));
            ps.setString(4, "12345 import " + importJob);
            ps.setString(5, "{\"source\":\"hotline12345\",\"importJob\":" + importJob + "}");
            ps.executeUpdate();
        }
        return n;
    }
}
