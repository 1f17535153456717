package cn.gridmap.event;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.security.Audit;
import cn.gridmap.security.Caller;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The time limits per event class and stage (工作时 / 工作日, event_time_limit) and the deadlines they make on the
 * workday calendar; the classes with their departments. Read again after an edit here and at least once a minute.
 */
@ApplicationScoped
public class Deadlines {
    public static final List<String> STAGES = List.of("register", "dispatch", "accept", "handle", "verify", "close");
    public static final Set<String> UNITS = Set.of("working_hours", "working_days");

    public record Limit(String stage, BigDecimal amount, String unit, String source) {
    }

    /** An event class (GB/T 30428.2 小类) with the department kind that handles it and its limits per stage. */
    public record EventClass(String code, String majorName, String name, String departmentKind, List<Limit> limits) {
    }

    private record Read(Map<String, EventClass> classes, long at) {
    }

    private static final long MAX_AGE_NANOS = 60_000_000_000L;
    private final DataSource dataSource;
    private final WorkCalendar calendar;
    private final Audit audit;
    private volatile Read read;

    public Deadlines(DataSource dataSource, WorkCalendar calendar, Audit audit) {
        this.dataSource = dataSource;
        this.calendar = calendar;
        this.audit = audit;
    }

    public Map<String, EventClass> classes() {
        Read r = read;
        if (r == null || System.nanoTime() - r.at() > MAX_AGE_NANOS) {
            r = new Read(load(), System.nanoTime());
            read = r;
        }
        return r.classes();
    }

    public EventClass eventClass(String code) {
        return code == null ? null : classes().get(code.trim());
    }

    private Map<String, EventClass> load() {
        Map<String, EventClass> out = new LinkedHashMap<>();
        Map<String, List<Limit>> limits = new HashMap<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(EventSql.TIME_LIMITS); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    limits.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new Limit(rs.getString(2), rs.getBigDecimal(3), rs.getString(4), rs.getString(5)));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(EventSql.CLASSES); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String code = rs.getString(1);
                    List<Limit> l = new ArrayList<>(limits.getOrDefault(code, List.of()));
                    l.sort(java.util.Comparator.comparingInt(x -> STAGES.indexOf(x.stage())));
                    out.put(code, new EventClass(code, rs.getString(2), rs.getString(3), rs.getString(4), List.copyOf(l)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("event classes failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** The limit of a stage as working time (a working day = the day's working hours). */
    public Duration limit(String classCode, String stage) {
        EventClass k = eventClass(classCode);
        Limit l = k == null ? null : k.limits().stream().filter(x -> x.stage().equals(stage)).findFirst().orElse(null);
        if (l == null) {
            return Duration.ofHours(8); // a class added in SQL without limits: one working day, rather than none
        }
        return duration(l.amount(), l.unit());
    }

    Duration duration(BigDecimal amount, String unit) {
        long minutes = unit.equals("working_days") ? amount.multiply(BigDecimal.valueOf(calendar.clock().workingDay().toMinutes())).longValue()
                : amount.multiply(BigDecimal.valueOf(60)).longValue();
        return Duration.ofMinutes(minutes);
    }

    /** When a stage started at {@code from} is due. */
    public Instant due(String classCode, String stage, Instant from) {
        return calendar.clock().plusWorkingTime(from.atZone(WorkClock.CITY), limit(classCode, stage)).toInstant();
    }

    /** A due time moved on by some working time (an approved extension). */
    public Instant later(Instant due, Duration workingTime) {
        return calendar.clock().plusWorkingTime(due.atZone(WorkClock.CITY), workingTime).toInstant();
    }

    /** PUT /api/event-classes/{code}/limits/{stage} {amount, unit, source?} (admins; audited). */
    public EventClass putLimit(Caller caller, String code, String stage, JsonNode body) {
        EventClass k = eventClass(code);
        if (k == null) {
            throw ApiException.notFound("no event class " + code);
        }
        if (!STAGES.contains(stage)) {
            throw ApiException.badRequest("stage must be one of " + STAGES + ", got '" + stage + "'");
        }
        if (body == null || !body.path("amount").isNumber()) {
            throw ApiException.badRequest("send {amount, unit: working_hours|working_days, source?}: amount is a number");
        }
        BigDecimal amount = body.path("amount").decimalValue();
        if (amount.signum() <= 0 || amount.compareTo(BigDecimal.valueOf(9999)) > 0 || amount.scale() > 2) {
            throw ApiException.badRequest("amount must be above 0 and at most 9999, with at most 2 decimals; got " + amount);
        }
        String unit = body.path("unit").asText("");
        if (!UNITS.contains(unit)) {
            throw ApiException.badRequest("unit must be working_hours or working_days, got '" + unit + "'");
        }
        String source = body.path("source").asText("").trim();
        if (source.length() > 200) {
            throw ApiException.badRequest("source is at most 200 characters");
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(EventSql.PUT_LIMIT)) {
                ps.setString(1, k.code());
                ps.setString(2, stage);
                ps.setBigDecimal(3, amount);
                ps.setString(4, unit);
                ps.setString(5, source.isEmpty() ? "set by " + caller.name() : source);
                ps.setString(6, caller.name());
                ps.executeUpdate();
            }
            audit.record(c, caller, "event-class.limit", "event-class:" + k.code(), List.of(stage), null, "ok", amount + " " + unit);
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("limit failed: " + e.getMessage(), e);
        }
        read = null;
        return eventClass(k.code());
    }
}
