package cn.gridmap.field;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.event.EventService;
import cn.gridmap.event.Staffing;
import cn.gridmap.event.WorkClock;
import cn.gridmap.region.RegionRecord;
import cn.gridmap.region.RegionService;
import cn.gridmap.security.Caller;
import cn.gridmap.security.ScopedConnection;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * 三官一律进网格 (Zhenjiang): the judges, prosecutors, police officers and lawyers each grid has (their staff
 * assignments), the activities they record there (visits, 普法 sessions, consultations, mediations), and the counts of
 * both per level: for each child of a region, its members by duty, the grids that have one, and its activities by kind.
 */
@ApplicationScoped
public class Sanguan {
    public static final List<String> DUTIES = List.of("judge", "prosecutor", "police", "lawyer");
    public static final List<String> KINDS = List.of("visit", "legal_education", "consultation", "mediation");

    private final DataSource dataSource;
    private final Staffing staffing;
    private final RegionService regions;

    public Sanguan(DataSource dataSource, Staffing staffing, RegionService regions) {
        this.dataSource = dataSource;
        this.staffing = staffing;
        this.regions = regions;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Activity(long id, String member, String duty, String kind, String gridCode, String at, int attendees, String note,
            boolean derived, Boolean repeated) {
    }

    public record Child(String code, String name, String level, long grids, long gridsWithMembers, Map<String, Long> members,
            Map<String, Long> activities, long gridsWithActivities, long attendees) {
    }

    public record Member(String username, String displayName, String duty, Map<String, Long> activities) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stats(String code, String name, String level, String from, String to, List<Child> children, List<Member> members) {
    }

    /** POST /api/sanguan/activities {kind, gridCode, at?, attendees?, note?, clientId?}: by a member of that grid. */
    public Activity record(Caller caller, JsonNode body) {
        JsonNode b = Patrols.object(body, "{kind, gridCode, at?, attendees?, note?, clientId?}");
        String kind = b.path("kind").asText(null);
        if (kind == null || !KINDS.contains(kind)) {
            throw ApiException.badRequest("kind must be one of " + KINDS + " (走访, 普法, 法律咨询, 调解), got " + b.get("kind"));
        }
        String grid = b.path("gridCode").asText("");
        if (!grid.matches("[0-9]{15}")) {
            throw ApiException.badRequest("gridCode is a grid's 15-digit code, got " + b.get("gridCode"));
        }
        String duty = staffing.assignments(caller.name()).stream().filter(a -> a.regionCode().equals(grid) && DUTIES.contains(a.duty()))
                .map(Staffing.Assignment::duty).findFirst().orElseThrow(() -> new ApiException(403, caller.name()
                        + " is no 三官一律 member of grid " + grid + " (a judge, prosecutor, police officer or lawyer assigned to it)"));
        Instant at = Patrols.time(b.get("at"), "at");
        Double attendees = Patrols.number(b, "attendees", 0.0);
        if (attendees < 0 || attendees > 100_000 || attendees != Math.floor(attendees)) {
            throw ApiException.badRequest("attendees is a whole number from 0 to 100000, got " + b.get("attendees"));
        }
        String note = b.path("note").isTextual() ? b.get("note").asText().strip() : null;
        if (note != null && note.length() > 2000) {
            throw ApiException.badRequest("note is longer than 2000 characters");
        }
        String key = EventService.clientKey(b);
        RegionRecord g = regions.get(grid);
        String district = g.chain().get(1).code();
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            if (key != null) {
                Activity before = one(c, FieldSql.ACTIVITY_BY_KEY, true, caller.name(), key);
                if (before != null) {
                    return before;
                }
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement(FieldSql.INSERT_ACTIVITY)) {
                ps.setString(1, caller.name());
                ps.setString(2, duty);
                ps.setString(3, kind);
                ps.setString(4, grid);
                ps.setString(5, district);
                ps.setTimestamp(6, Timestamp.from(at));
                ps.setInt(7, attendees.intValue());
                ps.setString(8, note == null || note.isEmpty() ? null : note);
                ps.setString(9, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            Activity out = one(c, FieldSql.ACTIVITY, null, id);
            sc.commit();
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("activity failed: " + e.getMessage(), e);
        }
    }

    /** GET /api/sanguan/activities?region=&from=&to=&limit=: newest first, inside the caller's scope. */
    public List<Activity> list(Caller caller, String region, String from, String to, int limit) {
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("limit must be between 1 and 1000");
        }
        String prefix = region == null || region.isBlank() ? "" : region.trim();
        if (!prefix.isEmpty() && !prefix.matches("[0-9]{6}|[0-9]{9}|[0-9]{12}|[0-9]{15}")) {
            throw ApiException.badRequest("region is a region code (6 to 15 digits), got '" + region + "'");
        }
        Instant[] period = period(from, to);
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope());
                PreparedStatement ps = sc.connection().prepareStatement(FieldSql.ACTIVITIES)) {
            ps.setString(1, prefix + "%");
            ps.setTimestamp(2, Timestamp.from(period[0]));
            ps.setTimestamp(3, Timestamp.from(period[1]));
            ps.setInt(4, limit);
            List<Activity> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(activity(rs, null));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("activities failed: " + e.getMessage(), e);
        }
    }

    /** GET /api/regions/{code}/sanguan?from=&to=: per child, or for a grid per member. */
    public Stats stats(Caller caller, String code, String from, String to) {
        Instant[] period = period(from, to);
        Levels.View v = Levels.of(regions, caller, code);
        RegionRecord r = v.region();
        String f = EventService.iso(period[0]).substring(0, 10);
        String t = EventService.iso(period[1].minusSeconds(1)).substring(0, 10);
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            if (r.level().equals("grid") || r.level().equals("microgrid")) {
                Map<String, Map<String, Long>> byMember = new TreeMap<>();
                try (PreparedStatement ps = c.prepareStatement(FieldSql.ACTIVITIES_BY_MEMBER)) {
                    ps.setString(1, r.code().substring(0, 15));
                    ps.setTimestamp(2, Timestamp.from(period[0]));
                    ps.setTimestamp(3, Timestamp.from(period[1]));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            byMember.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getLong(3));
                        }
                    }
                }
                List<Member> members = new ArrayList<>();
                for (Staffing.Member m : staffing.ofRegion(r.code().substring(0, 15)).staff()) {
                    if (DUTIES.contains(m.duty()) && m.region().equals(r.code().substring(0, 15))) {
                        members.add(new Member(m.username(), m.displayName(), m.duty(), byMember.getOrDefault(m.username(), Map.of())));
                    }
                }
                return new Stats(r.code(), r.name(), r.level(), f, t, null, members);
            }
            Map<String, Staffing.Duties> staff = staffing.dutyCounts(v.prefixes(), DUTIES);
            Map<String, Map<String, long[]>> acts = new LinkedHashMap<>();
            List<String> child = new ArrayList<>();
            List<String> prefix = new ArrayList<>();
            v.prefixes().forEach((k, ps) -> ps.forEach(p -> {
                child.add(k);
                prefix.add(p);
            }));
            try (PreparedStatement ps = c.prepareStatement(FieldSql.ACTIVITIES_BY_CHILD)) {
                ps.setArray(1, c.createArrayOf("text", child.toArray()));
                ps.setArray(2, c.createArrayOf("text", prefix.toArray()));
                ps.setArray(3, c.createArrayOf("text", prefix.stream().map(FieldSql::above).toArray()));
                ps.setTimestamp(4, Timestamp.from(period[0]));
                ps.setTimestamp(5, Timestamp.from(period[1]));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) { // a row without a kind: the child's own (its grids with an activity, its attendees)
                        acts.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2) == null ? "" : rs.getString(2),
                                new long[] {rs.getLong(3), rs.getLong(4), rs.getLong(5)});
                    }
                }
            }
            List<Child> out = new ArrayList<>();
            for (RegionRecord k : v.children().values()) {
                Staffing.Duties members = staff.get(k.code());
                Map<String, Long> byKind = new TreeMap<>();
                long[] total = {0, 0, 0};
                for (Map.Entry<String, long[]> e : acts.getOrDefault(k.code(), Map.of()).entrySet()) {
                    if (e.getKey().isEmpty()) {
                        total = e.getValue();
                    } else {
                        byKind.put(e.getKey(), e.getValue()[0]);
                    }
                }
                long gridsActive = total[1];
                long attendees = total[2];
                long grids = k.level().equals("grid") ? 1 : k.descendantCounts() == null ? 0 : k.descendantCounts().getOrDefault("grid", 0L);
                out.add(new Child(k.code(), k.name(), k.level(), grids, members.regions(), members.byDuty(), byKind, gridsActive, attendees));
            }
            return new Stats(r.code(), r.name(), r.level(), f, t, out, null);
        } catch (SQLException e) {
            throw new IllegalStateException("三官一律 stats failed: " + e.getMessage(), e);
        }
    }

    /** [from, to) from two days; neither given: all time (a list's default). */
    static Instant[] periodOrAll(String from, String to) {
        return from == null && to == null ? new Instant[] {Instant.EPOCH, Instant.now().plusSeconds(86_400)} : period(from, to);
    }

    /** [from, to) from two days (default: this year to today, the city's time). */
    static Instant[] period(String from, String to) {
        try {
            LocalDate today = LocalDate.now(WorkClock.CITY);
            LocalDate f = from == null || from.isBlank() ? today.withDayOfYear(1) : LocalDate.parse(from.trim());
            LocalDate t = to == null || to.isBlank() ? today : LocalDate.parse(to.trim());
            if (t.isBefore(f)) {
                throw ApiException.badRequest("to (" + t + ") lies before from (" + f + ")");
            }
            return new Instant[] {f.atStartOfDay(WorkClock.CITY).toInstant(), t.plusDays(1).atStartOfDay(WorkClock.CITY).toInstant()};
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("from and to are days (2026-01-01), got '" + from + "', '" + to + "'");
        }
    }

    private static Activity one(Connection c, String sql, Boolean repeated, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? activity(rs, repeated) : null;
            }
        }
    }

    private static Activity activity(ResultSet rs, Boolean repeated) throws SQLException {
        return new Activity(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), EventService.iso(rs.getTimestamp(6)),
                rs.getInt(7), rs.getString(8), rs.getBoolean(9), repeated);
    }

}
