package cn.gridmap.event;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.region.RegionRecord;
import cn.gridmap.region.RegionService;
import cn.gridmap.security.Accounts;
import cn.gridmap.security.Audit;
import cn.gridmap.security.Caller;
import cn.gridmap.security.Roles;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Who the events go to: the staff assigned to regions (grid workers, backups, liaisons, 三官一律, dispatchers,
 * department handlers), the roster's absences, and from them the on-duty worker of a grid and the handler of a
 * department.
 */
@ApplicationScoped
public class Staffing {
    /** Grid duties in the order they take a grid's events: the full-time worker, her backup, a part-time worker. */
    /** The duties that make a grid one's own: its head (专属网格长), full-time worker, backup, part-time worker. */
    public static final List<String> GRID_DUTIES = List.of("head", "fulltime", "backup", "parttime");

    public record Member(String username, String displayName, String duty, String region, String departmentCode, boolean onDuty,
            String absentUntil) {
    }

    /** GET /api/regions/{code}/staff: who is assigned here (a grid with its micro-grids), who dispatches above it, counts below. */
    public record RegionStaff(String code, String name, String level, List<Member> staff, List<Member> dispatchers,
            Map<String, Long> countsByDuty) {
    }

    public record Absence(long id, String username, String startsAt, String endsAt, String reason, String createdBy) {
    }

    private final DataSource dataSource;
    private final RegionService regions;
    private final Accounts accounts;
    private final Audit audit;

    public Staffing(DataSource dataSource, RegionService regions, Accounts accounts, Audit audit) {
        this.dataSource = dataSource;
        this.regions = regions;
        this.accounts = accounts;
        this.audit = audit;
    }

    public RegionStaff ofRegion(String code) {
        RegionRecord r = regions.get(code);
        if (r == null) {
            throw ApiException.notFound("no region " + code);
        }
        Instant now = Instant.now();
        try (Connection c = dataSource.getConnection()) {
            List<Member> here = new ArrayList<>();
            if (r.level().equals("grid")) {
                here.addAll(members(c, EventSql.STAFF_OF_GRID, now, code, code + "%"));
            } else {
                here.addAll(members(c, EventSql.STAFF_AT, now, code));
            }
            List<String> above = new ArrayList<>();
            for (RegionRecord.RegionRef ref : r.chain()) {
                if ((ref.level().equals("street") || ref.level().equals("district")) && !ref.code().equals(code)) {
                    above.add(ref.code());
                }
            }
            List<Member> dispatchers = above.isEmpty() ? List.of()
                    : members(c, EventSql.DISPATCHERS_AT, now, (Object) above.toArray(String[]::new));
            Map<String, Long> counts = new TreeMap<>();
            List<String> prefixes = new ArrayList<>(List.of(code));
            if (r.level().equals("district")) { // 镇江新区's streets carry other prefixes than their district's
                regions.children(code).forEach(s -> prefixes.add(s.code()));
            }
            if (!r.level().equals("city")) {
                try (PreparedStatement ps = c.prepareStatement(EventSql.STAFF_COUNTS)) {
                    ps.setArray(1, c.createArrayOf("text", prefixes.stream().map(p -> p + "%").toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            counts.put(rs.getString(1), rs.getLong(2));
                        }
                    }
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement(EventSql.STAFF_COUNTS_ALL); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        counts.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            return new RegionStaff(r.code(), r.name(), r.level(), named(here), named(dispatchers), counts);
        } catch (SQLException e) {
            throw new IllegalStateException("staff of " + code + " failed: " + e.getMessage(), e);
        }
    }

    private static List<Member> members(Connection c, String sql, Instant now, Object... params) throws SQLException {
        List<Member> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(now));
            for (int i = 0; i < params.length; i++) {
                if (params[i] instanceof String[] a) {
                    ps.setArray(i + 2, c.createArrayOf("text", a));
                } else {
                    ps.setObject(i + 2, params[i]);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String until = EventService.iso(rs.getTimestamp(5));
                    out.add(new Member(rs.getString(1), null, rs.getString(2), rs.getString(3), rs.getString(4), until == null, until));
                }
            }
        }
        return out;
    }

    private List<Member> named(List<Member> ms) {
        Map<String, String> names = accounts.displayNames(ms.stream().map(Member::username).distinct().toList());
        return ms.stream().map(m -> new Member(m.username(), names.get(m.username()), m.duty(), m.region(), m.departmentCode(), m.onDuty(),
                m.absentUntil())).toList();
    }

    /**
     * The grid worker who takes a grid's new events at {@code at}: its full-time worker, else (absent) her backup, else a
     * part-time worker; null when nobody is on duty (the event then waits in the dispatcher's queue).
     */
    public String onDuty(Connection c, String gridCode, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EventSql.ON_DUTY)) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setString(2, gridCode);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String u = rs.getString(1);
                    if (accounts.active(u, Roles.GRIDWORKER)) {
                        return u;
                    }
                }
            }
        }
        return null;
    }

    /** Whether this user is a handler of that department. */
    public boolean handles(Connection c, String username, String departmentCode) throws SQLException {
        if (departmentCode == null) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement(EventSql.HANDLES)) {
            ps.setString(1, username);
            ps.setString(2, departmentCode);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Whether this user is a grid worker (full-time, backup or part-time) of that grid. */
    public boolean worksIn(Connection c, String username, String gridCode) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EventSql.WORKS_IN)) {
            ps.setString(1, username);
            ps.setString(2, gridCode);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    public boolean departmentExists(Connection c, String code) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EventSql.DEPARTMENT)) {
            ps.setString(1, code);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The department of a kind in a district, if the city has one. */
    public String department(Connection c, String kind, String districtCode) throws SQLException {
        if (kind == null) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement(EventSql.DEPARTMENT)) {
            ps.setString(1, districtCode + "-" + kind);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** A child region's assignments of some duties: how many of each duty, and in how many regions (grids) they are. */
    public record Duties(Map<String, Long> byDuty, long regions) {
    }

    /**
     * The assignments of these duties each child region holds: {@code prefixes} maps a child's code to the code prefixes
     * of its regions (a district's streets may carry other prefixes than its own code). One scan: per duty, and per child.
     */
    public Map<String, Duties> dutyCounts(Map<String, List<String>> prefixes, java.util.Collection<String> duties) {
        List<String> child = new ArrayList<>();
        List<String> prefix = new ArrayList<>();
        prefixes.forEach((c, ps) -> ps.forEach(p -> {
            child.add(c);
            prefix.add(p);
        }));
        Map<String, Map<String, Long>> byDuty = new java.util.LinkedHashMap<>();
        Map<String, Long> regionsOf = new java.util.HashMap<>();
        prefixes.keySet().forEach(c -> byDuty.put(c, new TreeMap<>()));
        if (!child.isEmpty()) {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(EventSql.DUTY_COUNTS)) {
                ps.setArray(1, c.createArrayOf("text", child.toArray()));
                ps.setArray(2, c.createArrayOf("text", prefix.toArray()));
                ps.setArray(3, c.createArrayOf("text", duties.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getString(2) == null) { // the child's own row of the grouping sets
                            regionsOf.put(rs.getString(1), rs.getLong(4));
                        } else {
                            byDuty.get(rs.getString(1)).put(rs.getString(2), rs.getLong(3));
                        }
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("duty counts failed: " + e.getMessage(), e);
            }
        }
        Map<String, Duties> out = new java.util.LinkedHashMap<>();
        byDuty.forEach((c, m) -> out.put(c, new Duties(m, regionsOf.getOrDefault(c, 0L))));
        return out;
    }

    /** One of a staff member's assignments: a region and the duty she holds there. */
    public record Assignment(String regionCode, String duty, String departmentCode) {
    }

    /** Where a staff member works, grids first (full-time, backup, part-time), then the rest in duty order. */
    public List<Assignment> assignments(String username) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(EventSql.ASSIGNMENTS)) {
            ps.setString(1, username);
            List<Assignment> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Assignment(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("assignments of " + username + " failed: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ the roster's absences

    public List<Absence> absences(String username) {
        List<Absence> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(EventSql.ABSENCES)) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Absence(rs.getLong(1), rs.getString(2), EventService.iso(rs.getTimestamp(3)), EventService.iso(rs.getTimestamp(4)),
                            rs.getString(5), rs.getString(6)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("absences failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** POST /api/staff/{username}/absences {from, to, reason}: by an admin or a dispatcher whose scope holds the worker's region. */
    public Absence addAbsence(Caller caller, String username, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("send {from, to, reason}: ISO-8601 date-times with an offset");
        }
        Instant from = EventService.instant(body.path("from").asText(null), "from");
        Instant to = EventService.instant(body.path("to").asText(null), "to");
        if (!to.isAfter(from)) {
            throw ApiException.badRequest("to must be after from");
        }
        String reason = body.path("reason").asText("").trim();
        if (reason.isEmpty() || reason.length() > 200) {
            throw ApiException.badRequest("reason is required (1 to 200 characters)");
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            checkMayManage(c, caller, username);
            long id;
            try (PreparedStatement ps = c.prepareStatement(EventSql.INSERT_ABSENCE)) {
                ps.setString(1, username);
                ps.setTimestamp(2, Timestamp.from(from));
                ps.setTimestamp(3, Timestamp.from(to));
                ps.setString(4, reason);
                ps.setString(5, caller.name());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            audit.record(c, caller, "staff.absence", username, List.of(String.valueOf(id)), null, "ok", from + ".." + to + " " + reason);
            c.commit();
            return absences(username).stream().filter(a -> a.id() == id).findFirst().orElseThrow();
        } catch (SQLException e) {
            throw new IllegalStateException("absence failed: " + e.getMessage(), e);
        }
    }

    public void deleteAbsence(Caller caller, String username, long id) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            checkMayManage(c, caller, username);
            try (PreparedStatement ps = c.prepareStatement(EventSql.DELETE_ABSENCE)) {
                ps.setLong(1, id);
                ps.setString(2, username);
                if (ps.executeUpdate() == 0) {
                    throw ApiException.notFound("no absence " + id + " of " + username);
                }
            }
            audit.record(c, caller, "staff.absence.delete", username, List.of(String.valueOf(id)), null, "ok", null);
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("absence failed: " + e.getMessage(), e);
        }
    }

    /** A staff member's regions must lie in the caller's scope (404 for a user who is no staff member). */
    private void checkMayManage(Connection c, Caller caller, String username) throws SQLException {
        List<String> assigned = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(EventSql.ASSIGNED_REGIONS)) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assigned.add(rs.getString(1));
                }
            }
        }
        if (assigned.isEmpty()) {
            throw ApiException.notFound("no staff member " + username);
        }
        for (String code : assigned) {
            RegionRecord r = regions.get(code);
            if (r == null || !caller.scope().coversRegion(r.chain().stream().map(RegionRecord.RegionRef::code).toList())) {
                throw new ApiException(403, username + " works in " + code + ", outside your scope " + caller.scope().codes());
            }
        }
    }
}
