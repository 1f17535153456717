package cn.gridmap.event;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.GridmapConfig;
import cn.gridmap.security.Audit;
import cn.gridmap.security.Caller;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/** The workday calendar as stored (public holidays, adjusted working days), its edits, and the clock it makes. */
@ApplicationScoped
public class WorkCalendar {
    /** A day that is not what Monday-to-Friday says, with its name and where it comes from. */
    public record Day(String day, boolean workday, String name, String source, String updatedBy, String updatedAt) {
    }

    private final DataSource dataSource;
    private final Audit audit;
    private final List<WorkClock.Interval> hours;
    /** The clock and when it was read: another replica's edit reaches this one within a minute. */
    private record Read(WorkClock clock, long at) {
    }

    private static final long MAX_AGE_NANOS = 60_000_000_000L;
    private volatile Read clock;

    public WorkCalendar(DataSource dataSource, Audit audit, GridmapConfig config) {
        this.dataSource = dataSource;
        this.audit = audit;
        this.hours = WorkClock.parseHours(config.events().workingHours());
    }

    /** The clock of the stored calendar (read again after an edit here, and at least once a minute). */
    public WorkClock clock() {
        Read r = clock;
        if (r == null || System.nanoTime() - r.at() > MAX_AGE_NANOS) {
            Map<LocalDate, Boolean> overrides = new HashMap<>();
            days().forEach(d -> overrides.put(LocalDate.parse(d.day()), d.workday()));
            r = new Read(new WorkClock(overrides, hours), System.nanoTime());
            clock = r;
        }
        return r.clock();
    }

    /** GET /api/workdays?from=&to=: the listed days between two dates (both optional, inclusive). */
    public List<Day> days(String from, String to) {
        LocalDate a = date(from, "from", LocalDate.MIN);
        LocalDate b = date(to, "to", LocalDate.MAX);
        return days().stream().filter(d -> !LocalDate.parse(d.day()).isBefore(a) && !LocalDate.parse(d.day()).isAfter(b)).toList();
    }

    private List<Day> days() {
        List<Day> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(EventSql.CALENDAR);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Day(rs.getString(1), rs.getBoolean(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("calendar query failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** PUT /api/workdays/{day} {workday, name, source?}: a holiday or an adjusted working day (admin, audited). */
    public Day put(Caller caller, String dayText, JsonNode body) {
        LocalDate day = date(dayText, "day", null);
        if (body == null || !body.isObject() || !body.path("workday").isBoolean()) {
            throw ApiException.badRequest("a JSON object {workday: true|false, name, source?} is required");
        }
        String name = body.path("name").asText("").trim();
        if (name.isEmpty() || name.length() > 60 || name.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("name (1 to 60 characters, e.g. 春节 or 春节调休上班) is required");
        }
        String source = body.path("source").isTextual() && !body.path("source").asText().isBlank() ? body.path("source").asText().trim()
                : "entered by " + caller.name();
        if (source.length() > 200) {
            throw ApiException.badRequest("source is at most 200 characters");
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(EventSql.PUT_DAY)) {
            ps.setObject(1, day);
            ps.setBoolean(2, body.path("workday").asBoolean());
            ps.setString(3, name);
            ps.setString(4, source);
            ps.setString(5, caller.name());
            ps.executeUpdate();
            audit.record(c, caller, "calendar.put", "workday:" + day, List.of(day.toString()), null, "ok",
                    (body.path("workday").asBoolean() ? "workday " : "day off ") + name);
        } catch (SQLException e) {
            throw new IllegalStateException("calendar update failed: " + e.getMessage(), e);
        }
        clock = null;
        return days(day.toString(), day.toString()).get(0);
    }

    /** DELETE /api/workdays/{day}: the day follows Monday-to-Friday again (404 when it was not listed). */
    public void delete(Caller caller, String dayText) {
        LocalDate day = date(dayText, "day", null);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(EventSql.DELETE_DAY)) {
            ps.setObject(1, day);
            if (ps.executeUpdate() == 0) {
                throw ApiException.notFound("the calendar does not list " + day);
            }
            audit.record(c, caller, "calendar.delete", "workday:" + day, List.of(day.toString()), null, "ok", null);
        } catch (SQLException e) {
            throw new IllegalStateException("calendar update failed: " + e.getMessage(), e);
        }
        clock = null;
    }

    private static LocalDate date(String text, String field, LocalDate absent) {
        if (text == null || text.isBlank()) {
            if (absent == null) {
                throw ApiException.badRequest(field + " (an ISO date such as 2026-10-01) is required");
            }
            return absent;
        }
        try {
            LocalDate d = LocalDate.parse(text.trim());
            if (d.getYear() < 2000 || d.getYear() > 2100) {
                throw ApiException.badRequest(field + " must be between 2000 and 2100, got " + d);
            }
            return d;
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.badRequest(field + " must be an ISO date such as 2026-10-01, got '" + text + "'");
        }
    }
}
