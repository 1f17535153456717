package cn.gridmap.field;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cn.gridmap.GridmapConfig;
import cn.gridmap.event.EventService;
import cn.gridmap.event.Staffing;
import cn.gridmap.event.WorkClock;
import cn.gridmap.geo.GeoJson;
import cn.gridmap.lookup.PointLookupService;
import cn.gridmap.region.Level;
import cn.gridmap.region.RegionRecord.RegionRef;
import cn.gridmap.region.RegionService;
import cn.gridmap.region.RegionShape;
import cn.gridmap.security.Caller;
import cn.gridmap.security.ScopedConnection;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * 巡查走访: a grid worker starts a patrol on her phone, its track arrives in batches (each point placed in its micro-grid;
 * a point outside the city is counted, not kept), and she stops it. Every write is safe to send twice — a start with
 * the same client key, a batch with the same points, a second stop — because a phone that lost its connection sends
 * its queue again. Her grids' micro-grids show which were visited this week (by any patrol).
 */
@ApplicationScoped
public class Patrols {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How far ahead of the server's clock a phone's time may be, and how old a queued action may be. */
    private static final Duration CLOCK_SLACK = Duration.ofMinutes(10);
    private static final Duration OLDEST = Duration.ofDays(7);

    private final DataSource dataSource;
    private final PointLookupService lookup;
    private final RegionService regions;
    private final Staffing staffing;
    private final GridmapConfig config;

    public Patrols(DataSource dataSource, PointLookupService lookup, RegionService regions, Staffing staffing, GridmapConfig config) {
        this.dataSource = dataSource;
        this.lookup = lookup;
        this.regions = regions;
        this.staffing = staffing;
        this.config = config;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Patrol(long id, String username, String startedAt, String endedAt, long points, double lengthMeters, List<String> microgrids,
            JsonNode track, Boolean created) {
    }

    public record Batch(long patrolId, int received, int stored, int repeated, int outside, long points) {
    }

    /** POST /api/patrols {clientId?, lon, lat, at?}. */
    public Patrol start(Caller caller, JsonNode body) {
        JsonNode b = object(body, "{clientId?, lon, lat, at?}");
        String key = EventService.clientKey(b);
        double lon = number(b, "lon");
        double lat = number(b, "lat");
        Instant at = time(b.get("at"), "at");
        Placed p = place(lon, lat);
        if (p == null) {
            throw ApiException.badRequest(String.format("the point %.6f,%.6f where the patrol starts lies outside the city", lon, lat));
        }
        if (!caller.scope().covers(p.district, p.micro)) {
            throw new ApiException(403, "the patrol starts in micro-grid " + p.micro + ", outside your scope " + caller.scope().codes());
        }
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            if (key != null) {
                Long known = single(c, FieldSql.PATROL_BY_KEY, caller.name(), key);
                if (known != null) {
                    return summary(c, known, false, false);
                }
            }
            Long open = single(c, FieldSql.OPEN_PATROL, caller.name());
            if (open != null) {
                throw new ApiException(409, "patrol " + open + " is still going: stop it first (POST /api/patrols/" + open + "/stop)");
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement(FieldSql.INSERT_PATROL)) {
                ps.setString(1, caller.name());
                ps.setString(2, key);
                ps.setTimestamp(3, Timestamp.from(at));
                ps.setString(4, p.district);
                ps.setString(5, p.micro);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            insertPoints(c, id, List.of(new Point(at, lon, lat, number(b, "accuracyMeters", null), p)));
            Patrol out = summary(c, id, false, true);
            sc.commit();
            return out;
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) { // the same start, sent twice at once
                throw new ApiException(409, "a patrol of yours was started at the same moment: GET it or stop it");
            }
            throw new IllegalStateException("patrol start failed: " + e.getMessage(), e);
        }
    }

    /** POST /api/patrols/{id}/points {points: [{lon, lat, at, accuracyMeters?}, …]}. */
    public Batch points(Caller caller, long id, JsonNode body) {
        JsonNode b = object(body, "{points: [{lon, lat, at, accuracyMeters?}, …]}");
        JsonNode arr = b.get("points");
        if (arr == null || !arr.isArray() || arr.isEmpty()) {
            throw ApiException.badRequest("points must be a non-empty array of {lon, lat, at, accuracyMeters?}");
        }
        int max = config.field().maxPatrolPoints();
        if (arr.size() > max) {
            throw ApiException.badRequest("a batch has at most " + max + " points, this one has " + arr.size() + ": send it in parts");
        }
        List<Point> points = new ArrayList<>();
        int outside = 0;
        Set<Instant> seen = new java.util.HashSet<>();
        for (int i = 0; i < arr.size(); i++) {
            JsonNode n = arr.get(i);
            if (!n.isObject()) {
                throw ApiException.badRequest("points[" + i + "] is not an object {lon, lat, at}");
            }
            double lon;
            double lat;
            Instant at;
            Double acc;
            try {
                lon = number(n, "lon");
                lat = number(n, "lat");
                if (n.get("at") == null || n.get("at").isNull()) {
                    throw ApiException.badRequest("at is required (ISO 8601 with an offset)");
                }
                at = time(n.get("at"), "at");
                acc = number(n, "accuracyMeters", null);
                if (acc != null && (!(acc >= 0) || acc > 5000)) {
                    throw ApiException.badRequest("accuracyMeters must be between 0 and 5000, got " + acc);
                }
                cn.gridmap.geo.Coordinates.checkLonLat(lon, lat);
            } catch (ApiException | cn.gridmap.geo.InvalidGeoInputException e) {
                throw ApiException.badRequest("points[" + i + "]: " + e.getMessage());
            }
            Placed p = place(lon, lat);
            if (p == null) {
                outside++;
                continue;
            }
            if (seen.add(at)) {
                points.add(new Point(at, lon, lat, acc, p));
            }
        }
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            Row r = mine(c, caller, id, true);
            Instant until = (r.endedAt == null ? Instant.now() : r.endedAt).plus(r.endedAt == null ? CLOCK_SLACK : Duration.ZERO);
            for (Point p : points) {
                if (p.at.isBefore(r.startedAt) || p.at.isAfter(until)) {
                    throw ApiException.badRequest("a point at " + EventService.iso(p.at) + " lies outside patrol " + id + " ("
                            + EventService.iso(r.startedAt) + " – " + (r.endedAt == null ? "now" : EventService.iso(r.endedAt)) + ")");
                }
            }
            int stored = insertPoints(c, id, points);
            long total = count(c, id);
            sc.commit();
            return new Batch(id, arr.size(), stored, points.size() - stored, outside, total);
        } catch (SQLException e) {
            throw new IllegalStateException("patrol points failed: " + e.getMessage(), e);
        }
    }

    /** POST /api/patrols/{id}/stop {at?}: a second stop answers the patrol as it is. */
    public Patrol stop(Caller caller, long id, JsonNode body) {
        JsonNode b = body == null || body.isNull() ? JSON.createObjectNode() : object(body, "{at?}");
        Instant at = time(b.get("at"), "at");
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            Row r = mine(c, caller, id, true);
            if (r.endedAt == null) {
                Instant last = lastPoint(c, id);
                Instant end = last != null && last.isAfter(at) ? last : at;
                if (end.isBefore(r.startedAt)) {
                    throw ApiException.badRequest("a patrol cannot stop (" + EventService.iso(end) + ") before it started (" + EventService.iso(r.startedAt) + ")");
                }
                try (PreparedStatement ps = c.prepareStatement(FieldSql.STOP_PATROL)) {
                    ps.setTimestamp(1, Timestamp.from(end));
                    ps.setLong(2, id);
                    ps.executeUpdate();
                }
            }
            Patrol out = summary(c, id, false, null);
            sc.commit();
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("patrol stop failed: " + e.getMessage(), e);
        }
    }

    /** GET /api/patrols/{id}: the patrol with its track (a GeoJSON LineString); 404 outside the caller's scope. */
    public Patrol get(Caller caller, long id) {
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            if (row(c, id, false) == null) {
                throw ApiException.notFound("no patrol " + id + " in your scope");
            }
            return summary(c, id, true, null);
        } catch (SQLException e) {
            throw new IllegalStateException("patrol " + id + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * GET /api/me/grids?date=: my grids and their micro-grids as GeoJSON, each micro-grid with whether a patrol visited it
     * in the week (Monday to Sunday, the city's time) holding {@code date} (default today).
     */
    public ObjectNode myGrids(Caller caller, String date) {
        LocalDate day;
        try {
            day = date == null || date.isBlank() ? LocalDate.now(WorkClock.CITY) : LocalDate.parse(date.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("date must be a day (2026-12-02), got '" + date + "'");
        }
        LocalDate monday = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        Instant from = monday.atStartOfDay(WorkClock.CITY).toInstant();
        Instant to = monday.plusWeeks(1).atStartOfDay(WorkClock.CITY).toInstant();
        Map<String, String> grids = new LinkedHashMap<>();
        for (Staffing.Assignment a : staffing.assignments(caller.name())) {
            if (Staffing.GRID_DUTIES.contains(a.duty()) && a.regionCode().length() == 15) {
                grids.putIfAbsent(a.regionCode(), a.duty());
            }
        }
        ArrayNode features = JSON.createArrayNode();
        int visited = 0;
        int total = 0;
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            Map<String, Object[]> visits = new LinkedHashMap<>();
            if (!grids.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(FieldSql.VISITS)) {
                    ps.setTimestamp(1, Timestamp.from(from));
                    ps.setTimestamp(2, Timestamp.from(to));
                    ps.setArray(3, c.createArrayOf("text", grids.keySet().stream().map(g -> g + "%").toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            visits.put(rs.getString(1), new Object[] {rs.getLong(2), rs.getTimestamp(3), strings(rs.getArray(4))});
                        }
                    }
                }
            }
            for (RegionShape g : regions.shapes(c, grids.keySet())) {
                ObjectNode p = JSON.createObjectNode();
                p.put("code", g.code());
                p.put("name", g.name());
                p.put("level", "grid");
                p.put("duty", grids.get(g.code()));
                org.locationtech.jts.geom.Point centre = g.geom().getInteriorPoint();
                p.putArray("centre").add(round(centre.getX())).add(round(centre.getY()));
                features.add(GeoJson.feature(g.geom(), p));
                for (RegionShape m : regions.childShapes(c, g.code())) {
                    Object[] v = visits.get(m.code());
                    ObjectNode q = JSON.createObjectNode();
                    q.put("code", m.code());
                    q.put("name", m.name());
                    q.put("level", "microgrid");
                    q.put("grid", g.code());
                    q.put("visited", v != null);
                    if (v != null) {
                        q.put("points", (Long) v[0]);
                        q.put("lastVisitedAt", EventService.iso((Timestamp) v[1]));
                        ArrayNode by = q.putArray("visitedBy");
                        ((List<?>) v[2]).forEach(u -> by.add((String) u));
                        visited++;
                    }
                    total++;
                    features.add(GeoJson.feature(m.geom(), q));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("my grids failed: " + e.getMessage(), e);
        }
        ObjectNode out = GeoJson.featureCollection(features);
        out.put("username", caller.name());
        out.put("weekFrom", monday.toString());
        out.put("weekTo", monday.plusDays(6).toString());
        out.put("microgrids", total);
        out.put("visited", visited);
        return out;
    }

    // ------------------------------------------------------------------ helpers

    private record Placed(String district, String micro) {
    }

    private record Point(Instant at, double lon, double lat, Double accuracy, Placed where) {
    }

    private record Row(long id, String username, Instant startedAt, Instant endedAt) {
    }

    private Placed place(double lon, double lat) {
        List<RegionRef> chain = lookup.chainAt(lon, lat);
        return chain.isEmpty() ? null : new Placed(chain.get(Level.DISTRICT.ordinal()).code(), chain.get(Level.MICROGRID.ordinal()).code());
    }

    private static int insertPoints(Connection c, long id, List<Point> points) throws SQLException {
        if (points.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement(FieldSql.INSERT_POINTS)) {
            ps.setLong(1, id);
            ps.setArray(2, c.createArrayOf("timestamptz", points.stream().map(p -> Timestamp.from(p.at)).toArray()));
            ps.setArray(3, c.createArrayOf("float8", points.stream().map(p -> p.lon).toArray()));
            ps.setArray(4, c.createArrayOf("float8", points.stream().map(p -> p.lat).toArray()));
            ps.setArray(5, c.createArrayOf("float4", points.stream().map(p -> p.accuracy == null ? null : p.accuracy.floatValue()).toArray()));
            ps.setArray(6, c.createArrayOf("text", points.stream().map(p -> p.where.district).toArray()));
            ps.setArray(7, c.createArrayOf("text", points.stream().map(p -> p.where.micro).toArray()));
            return ps.executeUpdate();
        }
    }

    /** The caller's own patrol (404 for someone else's or an unknown one), locked when {@code lock}. */
    private static Row mine(Connection c, Caller caller, long id, boolean lock) throws SQLException {
        Row r = row(c, id, lock);
        if (r == null || !r.username.equals(caller.name())) {
            throw ApiException.notFound("no patrol " + id + " of yours");
        }
        return r;
    }

    private static Row row(Connection c, long id, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(lock ? FieldSql.PATROL_FOR_UPDATE : FieldSql.PATROL)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Timestamp end = rs.getTimestamp(4);
                return new Row(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(), end == null ? null : end.toInstant());
            }
        }
    }

    private static Patrol summary(Connection c, long id, boolean track, Boolean created) throws SQLException {
        Row r = row(c, id, false);
        long n;
        double length;
        List<String> micro;
        try (PreparedStatement ps = c.prepareStatement(FieldSql.PATROL_SUMMARY)) {
            ps.setLong(1, id);
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                n = rs.getLong(1);
                length = Math.round(rs.getDouble(2) * 10) / 10.0;
                micro = strings(rs.getArray(3));
            }
        }
        JsonNode line = null;
        if (track) {
            try (PreparedStatement ps = c.prepareStatement(FieldSql.PATROL_TRACK)) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        try {
                            line = JSON.readTree(rs.getString(1));
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            }
        }
        return new Patrol(id, r.username, EventService.iso(r.startedAt), r.endedAt == null ? null : EventService.iso(r.endedAt), n, length, micro,
                line, created);
    }

    private static long count(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM patrol_point WHERE patrol_id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Instant lastPoint(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT max(at) FROM patrol_point WHERE patrol_id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp t = rs.getTimestamp(1);
                return t == null ? null : t.toInstant();
            }
        }
    }

    private static Long single(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** A 400 for the first field of {@code b} not among {@code fields}, naming them ({@code where}: the object's place, or null). */
    static void onlyFields(JsonNode b, String where, List<String> fields) {
        for (java.util.Iterator<String> it = b.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!fields.contains(f)) {
                throw ApiException.badRequest((where == null ? "" : where + ": ") + "unknown field '" + f + "'; fields are " + String.join(", ", fields));
            }
        }
    }

    static JsonNode object(JsonNode body, String shape) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("send a JSON object " + shape);
        }
        return body;
    }

    static double number(JsonNode b, String name) {
        Double d = number(b, name, null);
        if (d == null) {
            throw ApiException.badRequest(name + " is required (a number)");
        }
        return d;
    }

    static Double number(JsonNode b, String name, Double otherwise) {
        JsonNode n = b.get(name);
        if (n == null || n.isNull()) {
            return otherwise;
        }
        if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
            throw ApiException.badRequest(name + " must be a number, got " + n);
        }
        return n.asDouble();
    }

    /** A phone's time: ISO 8601 with an offset, not in the future, not older than a week; now when absent. */
    static Instant time(JsonNode n, String name) {
        Instant now = Instant.now();
        if (n == null || n.isNull()) {
            return now;
        }
        Instant t;
        try {
            t = java.time.OffsetDateTime.parse(n.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " must be ISO 8601 with an offset (2026-12-02T09:30:00+08:00), got " + n);
        }
        if (t.isAfter(now.plus(CLOCK_SLACK))) {
            throw ApiException.badRequest(name + " " + n.asText() + " lies in the future (is the phone's clock right?)");
        }
        if (t.isBefore(now.minus(OLDEST))) {
            throw ApiException.badRequest(name + " " + n.asText() + " is more than 7 days old");
        }
        return t;
    }

    private static List<String> strings(Array a) throws SQLException {
        if (a == null) {
            return List.of();
        }
        return List.of((String[]) a.getArray());
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
