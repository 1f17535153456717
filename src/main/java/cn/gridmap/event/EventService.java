package cn.gridmap.event;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cn.gridmap.GridmapConfig;
import cn.gridmap.geo.Coordinates;
import cn.gridmap.geo.InputCrs;
import cn.gridmap.geocode.GeocodeService;
import cn.gridmap.lookup.PointLookupService;
import cn.gridmap.region.RegionRecord;
import cn.gridmap.region.RegionService;
import cn.gridmap.security.Caller;
import cn.gridmap.security.Masking;
import cn.gridmap.security.PersonalDataProtector;
import cn.gridmap.security.Roles;
import cn.gridmap.security.ScopedConnection;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The events loop: intake (a point in any supported CRS, or an address), routing (point → grid → on-duty worker, the
 * class → department; near a grid edge → the 边界待确认 adjudication queue), the closed loop's transitions with their
 * stages and deadlines, the append-only log, the dispatcher's queues and the worker's own list. Every read and write
 * runs in a transaction scoped to the caller's area (row-level security as the second wall).
 */
@ApplicationScoped
public class EventService {
    public static final List<String> SOURCES = List.of("patrol", "hotline12345", "open311", "citizen", "system", "volunteer");
    static final ObjectMapper JSON = new ObjectMapper();
    /** At least this close to a grid edge, a point is near the boundary (whatever its accuracy). */
    static final double MIN_BOUNDARY_METERS = 10;
    static final int MAX_DESCRIPTION = 4000;

    private final DataSource dataSource;
    private final PointLookupService lookup;
    private final GeocodeService geocode;
    private final RegionService regions;
    private final Staffing staffing;
    private final Deadlines deadlines;
    private final PersonalDataProtector protector;
    private final GridmapConfig config;
    private final Attachments attachments;
    private final jakarta.enterprise.inject.Instance<IntakeListener> listeners;

    public EventService(DataSource dataSource, PointLookupService lookup, GeocodeService geocode, RegionService regions, Staffing staffing,
            Deadlines deadlines, PersonalDataProtector protector, GridmapConfig config, Attachments attachments,
            jakarta.enterprise.inject.Instance<IntakeListener> listeners) {
        this.attachments = attachments;
        this.listeners = listeners;
        this.dataSource = dataSource;
        this.lookup = lookup;
        this.geocode = geocode;
        this.regions = regions;
        this.staffing = staffing;
        this.deadlines = deadlines;
        this.protector = protector;
        this.config = config;
    }

    // ------------------------------------------------------------------ records on the wire

    public record Routing(boolean nearBoundary, double boundaryDistanceMeters, List<String> candidates) {
    }

    public record Duplicate(long id, String state, String reportedAt, double distanceMeters) {
    }

    /**
     * 201 of POST /api/events; {@code repeated}: true when this report was sent before with the same clientId (the first
     * answer again, nothing stored).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Created(long id, String state, String gridCode, String microgridCode, String assignee, String departmentCode,
            String dueAt, Routing routing, List<Duplicate> duplicates, Boolean repeated) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EventView(long id, String externalId, String classCode, String className, String majorClass, String state, String source,
            String description, String address, double lon, double lat, String districtCode, String gridCode, String microgridCode,
            String assignee, String departmentCode, String queue, String queueReason, String queueRegion, List<String> candidates,
            String occurredAt, String reportedAt, String reportedBy, String dueAt, boolean overdue, int escalations, int reworks,
            Long duplicateOf, String urgency, String callerName, String callerPhone, String satisfaction, Boolean solved, String closedAt,
            Boolean closedOnTime, boolean derived, List<String> actions) {
    }

    public record LogEntry(long id, String at, String actor, String role, String action, String fromState, String toState, String note,
            String attachment, JsonNode detail) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(long id, String classCode, String className, String state, String source, String description, String address,
            double lon, double lat, String gridCode, String assignee, String departmentCode, String queue, String queueReason,
            List<String> candidates, String reportedAt, String dueAt, boolean overdue, Double distanceMeters, Double bearingDegrees) {
    }

    public record Items(List<Item> items, int count) {
    }

    /** A transition not allowed from the event's state: 409 with the actions that are. */
    public static final class NotAllowed extends RuntimeException {
        private final String state;
        private final List<String> allowed;

        NotAllowed(String action, String state, List<String> allowed) {
            super(action + " is not allowed from state " + state + "; allowed now: " + allowed);
            this.state = state;
            this.allowed = allowed;
        }

        public String state() {
            return state;
        }

        public List<String> allowed() {
            return allowed;
        }
    }

    /**
     * What a source other than the JSON body adds to an intake (12345 orders, Open311 requests); {@code clientKey}: the
     * reporter's own key of this report (a phone's queued write), {@code attachment}: a photo of it.
     */
    public record Extra(String externalId, String callerName, String callerPhone, String urgency, Instant reportedAt, String reporter,
            String clientKey, String attachment) {
        static final Extra NONE = new Extra(null, null, null, null, null, null, null, null);
    }

    // ------------------------------------------------------------------ intake

    /** POST /api/events {classCode, lon, lat, crs?, address?, description, source, accuracyMeters?}. */
    public Created intake(Caller caller, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("send a JSON object {classCode, lon, lat, crs?, address?, description, source, accuracyMeters?}");
        }
        for (java.util.Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!Set.of("classCode", "lon", "lat", "crs", "address", "description", "source", "accuracyMeters", "urgency", "clientId",
                    "attachment").contains(f)) {
                throw ApiException.badRequest("unknown field '" + f + "'; fields are classCode, lon, lat, crs, address, description, source, "
                        + "accuracyMeters, urgency, clientId, attachment");
            }
        }
        Double x = number(body, "lon");
        Double y = number(body, "lat");
        Double accuracy = number(body, "accuracyMeters");
        String urgency = text(body, "urgency");
        if (urgency != null && !Set.of("normal", "urgent").contains(urgency)) {
            throw ApiException.badRequest("urgency must be normal or urgent, got '" + urgency + "'");
        }
        return intake(caller, text(body, "classCode"), x, y, text(body, "crs"), text(body, "address"), text(body, "description"),
                text(body, "source"), accuracy, new Extra(null, null, null, urgency, null, null, clientKey(body), text(body, "attachment")));
    }

    /** Intake from any front door; every problem is a 4xx with its reason, and nothing is stored then. */
    public Created intake(Caller caller, String classCode, Double x, Double y, String crs, String address, String description, String source,
            Double accuracy, Extra extra) {
        Deadlines.EventClass k = deadlines.eventClass(classCode);
        if (classCode == null) {
            throw ApiException.badRequest("classCode is required (a 4-digit event class, e.g. 0102 暴露垃圾; GET /api/event-classes)");
        }
        if (k == null) {
            throw ApiException.badRequest("unknown classCode '" + classCode + "' (GET /api/event-classes lists them)");
        }
        if (description == null || description.isBlank()) {
            throw ApiException.badRequest("description is required");
        }
        if (description.length() > MAX_DESCRIPTION) {
            throw ApiException.badRequest("description is longer than " + MAX_DESCRIPTION + " characters");
        }
        if (source == null || !SOURCES.contains(source)) {
            throw ApiException.badRequest("source must be one of " + SOURCES + ", got " + (source == null ? "nothing" : "'" + source + "'"));
        }
        if (accuracy != null && (!(accuracy >= 0) || accuracy > 5000)) {
            throw ApiException.badRequest("accuracyMeters must be between 0 and 5000, got " + accuracy);
        }
        if (address != null && address.length() > 200) {
            throw ApiException.badRequest("address is longer than 200 characters");
        }
        if (extra.clientKey() != null) {
            Created before = repeated(caller, extra.reporter() == null ? caller.name() : extra.reporter(), extra.clientKey());
            if (before != null) {
                return before;
            }
        }
        checkAttachment(caller, extra.attachment());
        double lon;
        double lat;
        String rawLocation;
        String rawCrs;
        String method;
        double score;
        if (x != null || y != null) {
            if (x == null || y == null) {
                throw ApiException.badRequest("send both lon and lat (or an address instead)");
            }
            InputCrs c = InputCrs.parse(crs == null || crs.isBlank() ? "4326" : crs);
            double[] ll = c.toWgs84(x, y);
            if (!Double.isFinite(ll[0]) || !Double.isFinite(ll[1])) {
                throw ApiException.badRequest("lon,lat " + x + "," + y + " cannot be converted from crs " + c.id() + " to WGS84");
            }
            Coordinates.checkLonLat(ll[0], ll[1]);
            lon = ll[0];
            lat = ll[1];
            rawLocation = x + "," + y;
            rawCrs = c.id();
            method = "point";
            score = 1;
        } else if (address != null && !address.isBlank()) {
            GeocodeService.GeocodeResult g = geocode.geocode(address);
            if (g.match() == null) {
                throw ApiException.badRequest("the address '" + address + "' could not be placed: " + g.reason()
                        + (g.candidates() == null || g.candidates().isEmpty() ? "" : "; candidates: " + g.candidates()));
            }
            lon = g.match().lon();
            lat = g.match().lat();
            rawLocation = address;
            rawCrs = null;
            method = "geocode:" + g.match().method();
            score = g.match().score();
        } else {
            throw ApiException.badRequest("a place is required: lon and lat (crs optional, default 4326), or an address");
        }
        double threshold = Math.max(MIN_BOUNDARY_METERS, accuracy == null ? 0 : accuracy);
        PointLookupService.Near near = lookup.near(lon, lat, threshold);
        if (near == null) {
            throw ApiException.badRequest(String.format("the point %.6f,%.6f lies outside the city", lon, lat));
        }
        if (!caller.scope().covers(near.districtCode(), near.microgridCode())) {
            throw new ApiException(403, "the point lies in grid " + near.gridCode() + ", outside your scope " + caller.scope().codes());
        }
        boolean adjudication = !near.otherGrids().isEmpty();
        List<String> candidates = new ArrayList<>();
        candidates.add(near.gridCode());
        candidates.addAll(near.otherGrids());
        Instant now = Instant.now();
        Instant reportedAt = extra.reportedAt() == null ? now : extra.reportedAt();
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            long id = nextId(c);
            String state = adjudication ? Loop.ADJUDICATION : Loop.REPORTED;
            String assignee = adjudication ? null : staffing.onDuty(c, near.gridCode(), now);
            String department = staffing.department(c, k.departmentKind(), near.districtCode());
            String queueRegion = adjudication ? commonParent(candidates) : near.chain().get(2).code();
            try (PreparedStatement ps = c.prepareStatement(EventSql.INSERT_EVENT)) {
                int i = 1;
                ps.setLong(i++, id);
                ps.setString(i++, extra.externalId() == null ? "ev-" + id : extra.externalId());
                ps.setString(i++, k.code());
                ps.setTimestamp(i++, Timestamp.from(reportedAt));
                ps.setString(i++, description.strip());
                ps.setString(i++, address == null || address.isBlank() ? null : address.strip());
                ps.setString(i++, rawLocation);
                ps.setString(i++, rawCrs);
                ps.setDouble(i++, lon);
                ps.setDouble(i++, lat);
                ps.setString(i++, near.districtCode());
                ps.setString(i++, near.microgridCode());
                ps.setString(i++, method);
                ps.setDouble(i++, score);
                ps.setString(i++, state);
                ps.setString(i++, source);
                ps.setTimestamp(i++, Timestamp.from(reportedAt));
                ps.setString(i++, extra.reporter() == null ? caller.name() : extra.reporter());
                setDouble(ps, i++, accuracy);
                ps.setInt(i++, near.generation());
                ps.setString(i++, near.gridCode());
                ps.setString(i++, assignee);
                ps.setString(i++, department);
                ps.setString(i++, adjudication ? "adjudication" : "new");
                ps.setString(i++, adjudication ? String.format("%.1f m from the edge of grid %s (threshold %.0f m): %s", near.boundaryDistanceMeters(),
                        near.gridCode(), threshold, String.join(" / ", candidates)) : null);
                ps.setString(i++, queueRegion);
                ps.setArray(i++, adjudication ? c.createArrayOf("text", candidates.toArray()) : null);
                ps.setString(i++, extra.urgency());
                ps.setString(i++, extra.callerName() == null ? null : protector.encrypt(extra.callerName()));
                String phone = extra.callerPhone() == null ? null : extra.callerPhone().replaceAll("\\D", "");
                ps.setString(i++, phone == null || phone.isEmpty() ? null : protector.encrypt(phone));
                ps.setString(i++, phone == null || phone.isEmpty() ? null : protector.blindIndex(phone));
                ps.setString(i++, extra.clientKey());
                ps.executeUpdate();
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState()) && extra.clientKey() != null) { // the same report at the same moment
                    throw new ApiException(409, "this report (clientId " + extra.clientKey() + ") is being stored by another request: send it again");
                }
                throw e;
            }
            Instant due = null;
            if (!adjudication) {
                due = startStage(c, id, k.code(), "register", now);
                setDue(c, id);
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("source", source);
            detail.put("gridCode", near.gridCode());
            detail.put("boundaryDistanceMeters", near.boundaryDistanceMeters());
            if (adjudication) {
                detail.put("candidates", candidates);
            }
            if (assignee != null) {
                detail.put("assignee", assignee);
            }
            log(c, id, now, caller, actingRole(caller), "report", null, state, null, extra.attachment(), detail, null);
            List<Duplicate> dups = duplicates(c, id, k.code(), lon, lat);
            tilesChanged(c, id);
            sc.commit();
            tell(new IntakeListener.Reported(id, k.code(), k.departmentKind(), lon, lat, near.gridCode(), near.districtCode()));
            return new Created(id, state, near.gridCode(), near.microgridCode(), assignee, department, iso(due),
                    new Routing(adjudication, near.boundaryDistanceMeters(), adjudication ? candidates : List.of()), dups, null);
        } catch (SQLException e) {
            throw new IllegalStateException("intake failed: " + e.getMessage(), e);
        }
    }

    private void tell(IntakeListener.Reported r) {
        for (IntakeListener l : listeners) {
            try {
                l.reported(r);
            } catch (RuntimeException e) {
                org.jboss.logging.Logger.getLogger(EventService.class).warnf(e, "event %d: intake listener %s failed", r.id(), l.getClass().getSimpleName());
            }
        }
    }

    /**
     * A line in an event's log that is no transition (a notice sent about it): the state stays as it is. {@code action}
     * names what happened, {@code detail} what it concerned.
     */
    public void note(Caller caller, long id, String action, String note, Map<String, Object> detail) {
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            Row r = row(c, id, false);
            log(c, id, Instant.now(), caller, actingRole(caller), action, r.state(), r.state(), note, null, detail);
            sc.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("event " + id + " note failed: " + e.getMessage(), e);
        }
    }

    /** The answer to a report this reporter sent before with the same key (nothing is stored again), or null. */
    private Created repeated(Caller caller, String reporter, String key) {
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope());
                PreparedStatement ps = sc.connection().prepareStatement(EventSql.BY_CLIENT_KEY)) {
            ps.setString(1, reporter);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String micro = rs.getString(3);
                List<String> candidates = strings(rs.getArray(8));
                return new Created(rs.getLong(1), rs.getString(2), micro.substring(0, 15), micro, rs.getString(4), rs.getString(5),
                        iso(rs.getTimestamp(6)), new Routing(Loop.ADJUDICATION.equals(rs.getString(7)), 0, candidates), List.of(), true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("report lookup failed: " + e.getMessage(), e);
        }
    }

    /** A photo reference ({@code file:<id>}) must name a photo the caller may see; other references (URLs) pass as text. */
    private void checkAttachment(Caller caller, String attachment) {
        if (attachment == null) {
            return;
        }
        if (attachment.length() > 500) {
            throw ApiException.badRequest("attachment (a reference: a URL or a file id) is longer than 500 characters");
        }
        if (attachment.startsWith("file:") && !attachments.visible(caller, attachment)) {
            throw ApiException.badRequest("attachment " + attachment + " names no photo of yours (POST /api/files first)");
        }
    }

    /** The phone's own key of a queued write (a UUID), or null; a 400 for one of another shape. */
    public static String clientKey(JsonNode body) {
        JsonNode k = body.get("clientId");
        if (k == null || k.isNull()) {
            return null;
        }
        if (!k.isTextual() || !k.asText().matches("[A-Za-z0-9._:-]{8,64}")) {
            throw ApiException.badRequest("clientId must be 8 to 64 letters, digits or ._:- (a UUID), got " + k);
        }
        return k.asText();
    }

    /** The lowest region holding all these grids: their community, else their street, else their district. */
    private String commonParent(List<String> grids) {
        RegionRecord first = regions.get(grids.get(0));
        List<RegionRecord.RegionRef> chain = first.chain();
        for (int level = chain.size() - 2; level >= 1; level--) {
            String code = chain.get(level).code();
            boolean all = true;
            for (String g : grids.subList(1, grids.size())) {
                RegionRecord r = regions.get(g);
                if (r == null || r.chain().size() <= level || !r.chain().get(level).code().equals(code)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return code;
            }
        }
        return chain.get(0).code();
    }

    private List<Duplicate> duplicates(Connection c, long id, String classCode, double lon, double lat) throws SQLException {
        double meters = config.events().duplicateMeters();
        List<Duplicate> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(EventSql.DUPLICATES)) {
            ps.setDouble(1, lon);
            ps.setDouble(2, lat);
            ps.setString(3, classCode);
            ps.setLong(4, id);
            ps.setDouble(5, meters / (111_320 * Math.cos(Math.toRadians(lat))));
            ps.setDouble(6, meters);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Duplicate(rs.getLong(1), rs.getString(2), iso(rs.getTimestamp(3)), Math.round(rs.getDouble(4) * 10) / 10.0));
                }
            }
        }
        return out;
    }

    /** GET /api/events/{id}/duplicates: open events of its class within the duplicate distance, nearest first. */
    public List<Duplicate> duplicatesOf(Caller caller, long id) {
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Row e = row(sc.connection(), id, false);
            return duplicates(sc.connection(), id, e.classCode(), e.lon(), e.lat());
        } catch (SQLException ex) {
            throw new IllegalStateException("duplicates failed: " + ex.getMessage(), ex);
        }
    }

    // ------------------------------------------------------------------ reads

    /** The stored event as the loop needs it. */
    record Row(long id, String classCode, String state, String districtCode, String microgridCode, String assignee, String departmentCode,
            String queue, List<String> candidates, double lon, double lat, int reworks, String source) {
        String gridCode() {
            return microgridCode.substring(0, 15);
        }
    }

    private Row row(Connection c, long id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(forUpdate ? EventSql.ROW_FOR_UPDATE : EventSql.ROW)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("no event " + id);
                }
                return new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        rs.getString(7), rs.getString(8), strings(rs.getArray(9)), rs.getDouble(10), rs.getDouble(11), rs.getInt(12),
                        rs.getString(13));
            }
        }
    }

    public EventView get(Caller caller, long id) {
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            return view(sc.connection(), caller, id);
        } catch (SQLException e) {
            throw new IllegalStateException("event read failed: " + e.getMessage(), e);
        }
    }

    private EventView view(Connection c, Caller caller, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EventSql.VIEW)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("no event " + id);
                }
                String micro = rs.getString(13);
                String phoneEnc = rs.getString(30);
                String nameEnc = rs.getString(29);
                // the event as the loop sees it, from the same row (the actions the caller may take now)
                Row r = new Row(rs.getLong(1), rs.getString(3), rs.getString(6), rs.getString(12), micro, rs.getString(14), rs.getString(15),
                        rs.getString(16), strings(rs.getArray(19)), rs.getDouble(10), rs.getDouble(11), rs.getInt(26), rs.getString(7));
                return new EventView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        rs.getString(7), rs.getString(8), rs.getString(9), rs.getDouble(10), rs.getDouble(11), rs.getString(12),
                        micro.substring(0, 15), micro, rs.getString(14), rs.getString(15), rs.getString(16), rs.getString(17),
                        rs.getString(18), strings(rs.getArray(19)), iso(rs.getTimestamp(20)), iso(rs.getTimestamp(21)), rs.getString(22),
                        iso(rs.getTimestamp(23)), rs.getBoolean(24), rs.getInt(25), rs.getInt(26), (Long) rs.getObject(27, Long.class),
                        rs.getString(28), nameEnc == null ? null : maskName(protector.decrypt(nameEnc)),
                        phoneEnc == null ? null : Masking.phone(protector.decrypt(phoneEnc)), rs.getString(31),
                        (Boolean) rs.getObject(32), iso(rs.getTimestamp(33)), (Boolean) rs.getObject(34), rs.getBoolean(35),
                        allowed(c, caller, r));
            }
        }
    }

    /** 张** : the surname only (a reporter's, a dispute party's, a tagged person's name on the wire). */
    public static String maskName(String name) {
        return name == null || name.isEmpty() ? name : name.substring(0, 1) + "*".repeat(Math.max(1, name.length() - 1));
    }

    public List<LogEntry> log(Caller caller, long id) {
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            Row r = row(c, id, false);
            checkSees(c, caller, r);
            List<LogEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(EventSql.LOG)) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String d = rs.getString(10);
                        out.add(new LogEntry(rs.getLong(1), iso(rs.getTimestamp(2)), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), d == null ? null : JSON.readTree(d)));
                    }
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("log detail is not JSON: " + e.getMessage(), e);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("log read failed: " + e.getMessage(), e);
        }
    }

    /** A grid worker sees the loop of her own events only; a department handler those of its department. */
    private void checkSees(Connection c, Caller caller, Row r) throws SQLException {
        if (caller.principal().hasAny(Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.ANALYST, Roles.PLANNER, Roles.APPROVER))) {
            return;
        }
        if (caller.principal().has(Roles.GRIDWORKER) && caller.name().equals(r.assignee())) {
            return;
        }
        if (caller.principal().has(Roles.DEPARTMENT) && staffing.handles(c, caller.name(), r.departmentCode())) {
            return;
        }
        if (caller.principal().has(Roles.LIAISON)) {
            return; // liaisons and 三官一律 follow what happens in their grid
        }
        throw new ApiException(403, "event " + r.id() + " is not yours: it is assigned to " + r.assignee()
                + (r.departmentCode() == null ? "" : " with department " + r.departmentCode()));
    }

    // ------------------------------------------------------------------ transitions

    /** POST /api/events/{id}/transitions {action, note?, attachment?, …}. */
    public EventView transition(Caller caller, long id, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("send {action, note?, attachment?, …}; actions: " + Loop.table().keySet());
        }
        String action = text(body, "action");
        Loop.Transition t = action == null ? null : Loop.get(action);
        if (t == null) {
            throw ApiException.badRequest("action must be one of " + Loop.table().keySet() + ", got " + (action == null ? "nothing" : "'" + action + "'"));
        }
        String note = text(body, "note");
        if (note != null && note.length() > 2000) {
            throw ApiException.badRequest("note is longer than 2000 characters");
        }
        String attachment = text(body, "attachment");
        String key = clientKey(body);
        if (!Loop.roleMay(t, caller.principal().roles())) {
            throw new ApiException(403, action + " is taken by " + t.actors().stream().map(a -> a.name().toLowerCase()).toList()
                    + "; your roles " + caller.principal().roles().stream().sorted().toList() + " do not take it");
        }
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            Row r = row(c, id, true);
            if (key != null && done(c, caller, id, key)) { // sent before: the event as it is now
                return view(c, caller, id);
            }
            checkAttachment(caller, attachment);
            String role = actor(c, caller, r, t);
            if (role == null) {
                throw new ApiException(403, action + " on event " + id + " is for " + who(t, r) + ", not " + caller.name());
            }
            if (!t.from().contains(r.state())) {
                throw new NotAllowed(action, r.state(), allowed(c, caller, r));
            }
            Instant now = Instant.now();
            Map<String, Object> detail = new LinkedHashMap<>();
            String to = apply(c, caller, r, t, body, note, now, detail);
            log(c, id, now, caller, role, action, r.state(), to, note, attachment, detail.isEmpty() ? null : detail, key);
            setDue(c, id);
            tilesChanged(c, id);
            EventView v = view(c, caller, id);
            sc.commit();
            return v;
        } catch (SQLException e) {
            throw new IllegalStateException(action + " failed: " + e.getMessage(), e);
        }
    }

    /** Whether this caller's write with this key was done on this event already (read under the event's row lock). */
    private static boolean done(Connection c, Caller caller, long id, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EventSql.LOG_BY_CLIENT_KEY)) {
            ps.setString(1, caller.name());
            ps.setString(2, key);
            ps.setLong(3, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The role in which the caller takes {@code t} on this event, or null if she may not. */
    private String actor(Connection c, Caller caller, Row r, Loop.Transition t) throws SQLException {
        var p = caller.principal();
        for (Loop.Actor a : t.actors()) {
            switch (a) {
                case DISPATCHER -> {
                    if (p.has(Roles.DISPATCHER)) {
                        return Roles.DISPATCHER;
                    }
                }
                case HANDLER -> {
                    if (r.departmentCode() != null && p.has(Roles.DEPARTMENT) && staffing.handles(c, caller.name(), r.departmentCode())) {
                        return Roles.DEPARTMENT;
                    }
                    if (r.departmentCode() == null && p.has(Roles.GRIDWORKER) && caller.name().equals(r.assignee())) {
                        return Roles.GRIDWORKER;
                    }
                }
                case ASSIGNEE -> {
                    if (p.has(Roles.GRIDWORKER) && caller.name().equals(r.assignee())) {
                        return Roles.GRIDWORKER;
                    }
                }
                case SYSTEM -> {
                    if (p.has(Roles.SYSTEM)) {
                        return Roles.SYSTEM;
                    }
                }
            }
        }
        return p.has(Roles.ADMIN) ? Roles.ADMIN : null;
    }

    private static String who(Loop.Transition t, Row r) {
        List<String> out = new ArrayList<>();
        for (Loop.Actor a : t.actors()) {
            switch (a) {
                case DISPATCHER -> out.add("a dispatcher");
                case HANDLER -> out.add(r.departmentCode() != null ? "department " + r.departmentCode() : "the assigned worker " + r.assignee());
                case ASSIGNEE -> out.add("the assigned worker " + r.assignee());
                case SYSTEM -> out.add("a system client");
            }
        }
        return String.join(" or ", out);
    }

    /** The actions this caller may take on this event now. */
    private List<String> allowed(Connection c, Caller caller, Row r) throws SQLException {
        List<String> out = new ArrayList<>();
        for (String a : Loop.actionsFrom(r.state())) {
            Loop.Transition t = Loop.get(a);
            if (Loop.roleMay(t, caller.principal().roles()) && actor(c, caller, r, t) != null) {
                out.add(a);
            }
        }
        return out;
    }

    private String apply(Connection c, Caller caller, Row r, Loop.Transition t, JsonNode body, String note, Instant now,
            Map<String, Object> detail) throws SQLException {
        String to = t.to() == null ? r.state() : t.to();
        switch (t.action()) {
            case "arrive" -> {
                Double lon = number(body, "lon");
                Double lat = number(body, "lat");
                if (lon == null || lat == null) {
                    throw ApiException.badRequest("arrive needs lon and lat (WGS84): where you are on site");
                }
                Coordinates.checkLonLat(lon, lat);
                Double accuracy = number(body, "accuracyMeters");
                if (accuracy != null && (!(accuracy >= 0) || accuracy > 5000)) {
                    throw ApiException.badRequest("accuracyMeters must be between 0 and 5000, got " + accuracy);
                }
                detail.put("lon", lon);
                detail.put("lat", lat);
                if (accuracy != null) {
                    detail.put("accuracyMeters", accuracy);
                }
                detail.put("distanceMeters", Math.round(Coordinates.distanceMeters(lon, lat, r.lon(), r.lat()) * 10) / 10.0);
            }
            case "register" -> {
                closeStages(c, r.id(), now, detail, "register");
                startStage(c, r.id(), r.classCode(), "dispatch", now);
            }
            case "adjudicate" -> {
                String grid = text(body, "gridCode");
                if (grid == null || !r.candidates().contains(grid)) {
                    throw ApiException.badRequest("gridCode must be one of the candidates " + r.candidates() + ", got "
                            + (grid == null ? "nothing" : "'" + grid + "'"));
                }
                String micro = grid.equals(r.gridCode()) ? r.microgridCode() : regions.nearestChild(c, grid, r.lon(), r.lat());
                RegionRecord g = regions.get(grid);
                String district = g.chain().get(1).code();
                if (!caller.scope().covers(district, micro)) {
                    throw new ApiException(403, "grid " + grid + " lies outside your scope " + caller.scope().codes());
                }
                String assignee = staffing.onDuty(c, grid, now);
                String department = staffing.department(c, deadlines.eventClass(r.classCode()).departmentKind(), district);
                if (!district.equals(r.districtCode())) {
                    try (PreparedStatement ps = c.prepareStatement(EventSql.MOVE_DISTRICT)) {
                        ps.setLong(1, r.id());
                        ps.setString(2, district);
                        ps.execute();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(EventSql.ADJUDICATED)) {
                    ps.setString(1, micro);
                    ps.setString(2, district);
                    ps.setString(3, grid);
                    ps.setString(4, assignee);
                    ps.setString(5, department);
                    ps.setString(6, g.chain().get(2).code());
                    ps.setLong(7, r.id());
                    ps.executeUpdate();
                }
                detail.put("gridCode", grid);
                detail.put("microgridCode", micro);
                detail.put("assignee", assignee);
                startStage(c, r.id(), r.classCode(), "register", now);
            }
            case "dispatch" -> {
                String assignee = text(body, "assignee");
                if (assignee != null) {
                    if (!staffing.worksIn(c, assignee, r.gridCode())) {
                        throw ApiException.badRequest(assignee + " is no grid worker of grid " + r.gridCode()
                                + " (GET /api/regions/" + r.gridCode() + "/staff)");
                    }
                } else {
                    assignee = r.assignee() != null && staffing.worksIn(c, r.assignee(), r.gridCode()) ? r.assignee()
                            : staffing.onDuty(c, r.gridCode(), now);
                }
                String department = text(body, "departmentCode");
                if (department != null && !staffing.departmentExists(c, department)) {
                    throw ApiException.badRequest("no department " + department);
                }
                if (department == null) {
                    department = r.departmentCode();
                }
                if (assignee == null && department == null) {
                    throw ApiException.badRequest("nobody is on duty in grid " + r.gridCode() + " and no department handles class "
                            + r.classCode() + ": name an assignee");
                }
                closeStages(c, r.id(), now, detail, "dispatch");
                try (PreparedStatement ps = c.prepareStatement(EventSql.DISPATCHED)) {
                    ps.setString(1, assignee);
                    ps.setString(2, department);
                    ps.setLong(3, r.id());
                    ps.executeUpdate();
                }
                detail.put("assignee", assignee);
                if (department != null) {
                    detail.put("departmentCode", department);
                }
                queue(c, r.id(), null, null);
                startStage(c, r.id(), r.classCode(), "accept", now);
                detail.put("handleDueAt", iso(startStage(c, r.id(), r.classCode(), "handle", now)));
            }
            case "accept" -> {
                closeStages(c, r.id(), now, detail, "accept");
            }
            case "handle" -> {
                if (note == null) {
                    throw ApiException.badRequest("handle needs a note: what was done");
                }
                closeStages(c, r.id(), now, detail, "accept", "handle");
                startStage(c, r.id(), r.classCode(), "verify", now);
            }
            case "verify" -> {
                JsonNode passed = body.get("passed");
                if (passed == null || !passed.isBoolean()) {
                    throw ApiException.badRequest("verify needs passed: true (the result holds on site) or false (rework)");
                }
                closeStages(c, r.id(), now, detail, "verify");
                detail.put("passed", passed.asBoolean());
                if (passed.asBoolean()) {
                    startStage(c, r.id(), r.classCode(), "close", now);
                } else {
                    to = Loop.REWORK;
                    update(c, EventSql.REWORKED, r.id());
                    startStage(c, r.id(), r.classCode(), "accept", now);
                    detail.put("handleDueAt", iso(startStage(c, r.id(), r.classCode(), "handle", now)));
                }
            }
            case "close" -> {
                closeStages(c, r.id(), now, detail, "close");
                try (PreparedStatement ps = c.prepareStatement(EventSql.CLOSED)) {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setLong(2, r.id());
                    ps.setLong(3, r.id());
                    ps.executeUpdate();
                }
            }
            case "evaluate" -> {
                String s = text(body, "satisfaction");
                if (s == null || !Set.of("satisfied", "basic", "unsatisfied").contains(s)) {
                    throw ApiException.badRequest("satisfaction must be satisfied (满意), basic (基本满意) or unsatisfied (不满意)");
                }
                JsonNode solved = body.get("solved");
                if (solved != null && !solved.isBoolean() && !solved.isNull()) {
                    throw ApiException.badRequest("solved must be true or false");
                }
                try (PreparedStatement ps = c.prepareStatement(EventSql.EVALUATED)) {
                    ps.setString(1, s);
                    if (solved == null || solved.isNull()) {
                        ps.setNull(2, Types.BOOLEAN);
                    } else {
                        ps.setBoolean(2, solved.asBoolean());
                    }
                    ps.setLong(3, r.id());
                    ps.executeUpdate();
                }
                detail.put("satisfaction", s);
                if (solved != null && !solved.isNull()) {
                    detail.put("solved", solved.asBoolean());
                }
            }
            case "return" -> {
                if (note == null) {
                    throw ApiException.badRequest("return needs a note: why it is not yours (the legal basis)");
                }
                closeStages(c, r.id(), now, detail, "accept", "handle");
                startStage(c, r.id(), r.classCode(), "dispatch", now);
                queue(c, r.id(), "new", "returned by " + caller.name() + ": " + note);
            }
            case "suspend" -> {
                if (note == null) {
                    throw ApiException.badRequest("suspend needs a note: why it cannot be solved within the limit");
                }
                closeStages(c, r.id(), now, detail, "dispatch", "accept", "handle");
                queue(c, r.id(), null, null);
            }
            case "extend" -> {
                Double days = number(body, "workingDays");
                Double hours = number(body, "workingHours");
                if ((days == null) == (hours == null) || (days != null && !(days > 0 && days <= 60)) || (hours != null && !(hours > 0 && hours <= 480))) {
                    throw ApiException.badRequest("extend needs workingDays (0 < d ≤ 60) or workingHours (0 < h ≤ 480), one of them");
                }
                if (note == null) {
                    throw ApiException.badRequest("extend needs a note: why more time");
                }
                Duration more = days != null ? deadlines.duration(java.math.BigDecimal.valueOf(days), "working_days")
                        : deadlines.duration(java.math.BigDecimal.valueOf(hours), "working_hours");
                try (PreparedStatement ps = c.prepareStatement(EventSql.OPEN_HANDLE_STAGE)) {
                    ps.setLong(1, r.id());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            Instant from = rs.getTimestamp(2).toInstant();
                            Instant until = deadlines.later(from, more);
                            try (PreparedStatement u = c.prepareStatement(EventSql.EXTEND_STAGE)) {
                                u.setTimestamp(1, Timestamp.from(until));
                                u.setLong(2, rs.getLong(1));
                                u.executeUpdate();
                            }
                            detail.put("fromDueAt", iso(from));
                            detail.put("toDueAt", iso(until));
                        }
                    }
                }
            }
            case "void" -> {
                Long dup = body.has("duplicateOf") ? (body.get("duplicateOf").canConvertToLong() ? body.get("duplicateOf").asLong() : -1L) : null;
                if (dup != null) {
                    if (dup == r.id() || dup <= 0) {
                        throw ApiException.badRequest("duplicateOf must be the id of another event");
                    }
                    row(c, dup, false); // 404 when the original is unknown or outside the scope
                    update(c, EventSql.DUPLICATE, dup, r.id());
                    detail.put("duplicateOf", dup);
                } else if (note == null) {
                    throw ApiException.badRequest("void needs a note (why it is no case) or duplicateOf (the event it repeats)");
                }
                closeStages(c, r.id(), now, detail, "register", "dispatch", "accept", "handle", "verify", "close");
                queue(c, r.id(), null, null);
            }
            default -> throw new IllegalStateException("no rule for " + t.action());
        }
        try (PreparedStatement ps = c.prepareStatement(EventSql.SET_STATE)) {
            ps.setString(1, to);
            ps.setLong(2, r.id());
            ps.executeUpdate();
        }
        return to;
    }

    // ------------------------------------------------------------------ stages, log

    Instant startStage(Connection c, long id, String classCode, String stage, Instant from) throws SQLException {
        return startStage(c, id, stage, from, deadlines.due(classCode, stage, from));
    }

    /** A new stage of the event, due at {@code due}; @return its due time. */
    static Instant startStage(Connection c, long id, String stage, Instant from, Instant due) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EventSql.INSERT_STAGE)) {
            ps.setLong(1, id);
            ps.setString(2, stage);
            ps.setTimestamp(3, Timestamp.from(from));
            ps.setTimestamp(4, Timestamp.from(due));
            ps.executeUpdate();
        }
        String flag = EventSql.startedFlag(stage);
        if (flag != null) {
            update(c, flag, id);
        }
        return due;
    }

    /** Ends the open stages of these names at {@code at}; @return each one's name and whether it was done in time. */
    static Map<String, Boolean> closeStages(Connection c, long id, Instant at, String... stages) throws SQLException {
        Map<String, Boolean> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(EventSql.CLOSE_STAGES)) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setLong(3, id);
            ps.setArray(4, c.createArrayOf("text", stages));
            List<Object[]> ended = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getBoolean(2));
                    ended.add(new Object[] {rs.getString(1), rs.getBoolean(2), rs.getLong(3)});
                }
            }
            for (Object[] e : ended) {
                try (PreparedStatement u = c.prepareStatement(EventSql.STAGE_ENDED)) {
                    int k = Deadlines.STAGES.indexOf((String) e[0]) + 1;
                    u.setInt(1, k);
                    u.setInt(2, k);
                    u.setLong(3, (Long) e[2]);
                    u.setInt(4, k);
                    u.setInt(5, k);
                    u.setString(6, (String) e[0]);
                    u.setBoolean(7, (Boolean) e[1]);
                    u.setString(8, (String) e[0]);
                    u.setBoolean(9, (Boolean) e[1]);
                    u.setLong(10, id);
                    u.executeUpdate();
                }
            }
        }
        return out;
    }

    /** Rewrites every event's stage summary (the flags and sums the metrics count) from its stages: after a bulk load of histories. */
    public static int summarizeStages(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EventSql.STAGE_SUMMARY)) {
            return ps.executeUpdate();
        }
    }

    /** Ends stages and notes in the log's detail which were in time (the metrics can be recomputed from the log). */
    private static void closeStages(Connection c, long id, Instant at, Map<String, Object> detail, String... stages) throws SQLException {
        Map<String, Boolean> done = closeStages(c, id, at, stages);
        if (!done.isEmpty()) {
            @SuppressWarnings("unchecked")
            Map<String, Boolean> onTime = (Map<String, Boolean>) detail.computeIfAbsent("onTime", k -> new LinkedHashMap<String, Boolean>());
            onTime.putAll(done);
        }
    }

    static void tilesChanged(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EventSql.TILES_CHANGED)) {
            ps.setLong(1, id);
            ps.execute();
        }
    }

    private static void setDue(Connection c, long id) throws SQLException {
        update(c, EventSql.SET_DUE, id, id);
    }

    private static void queue(Connection c, long id, String queue, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EventSql.SET_QUEUE)) {
            ps.setString(1, queue);
            ps.setString(2, reason);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    private static void update(Connection c, String sql, long... ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < ids.length; i++) {
                ps.setLong(i + 1, ids[i]);
            }
            ps.executeUpdate();
        }
    }

    static void log(Connection c, long id, Instant at, Caller caller, String role, String action, String from, String to, String note,
            String attachment, Map<String, Object> detail) throws SQLException {
        log(c, id, at, caller, role, action, from, to, note, attachment, detail, null);
    }

    static void log(Connection c, long id, Instant at, Caller caller, String role, String action, String from, String to, String note,
            String attachment, Map<String, Object> detail, String clientKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EventSql.INSERT_LOG)) {
            ps.setLong(1, id);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setString(3, caller.name());
            ps.setString(4, role);
            ps.setString(5, action);
            ps.setString(6, from);
            ps.setString(7, to);
            ps.setString(8, note);
            ps.setString(9, attachment);
            try {
                ps.setString(10, detail == null ? null : JSON.writeValueAsString(detail));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            ps.setString(11, clientKey);
            ps.executeUpdate();
        }
    }

    /** The role a caller reports in (the first of hers in this order). */
    static String actingRole(Caller caller) {
        for (String r : List.of(Roles.GRIDWORKER, Roles.LIAISON, Roles.DISPATCHER, Roles.DEPARTMENT, Roles.SYSTEM, Roles.INTAKE, Roles.VOLUNTEER,
                Roles.ADMIN)) {
            if (caller.principal().has(r)) {
                return r;
            }
        }
        return caller.principal().roles().stream().sorted().findFirst().orElse("system");
    }

    private static long nextId(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT nextval('element_seq')"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ------------------------------------------------------------------ queues and lists

    public static final List<String> QUEUES = List.of("new", "adjudication", "overdue", "redispatch");

    /** GET /api/events/queue?kind=&region=: what waits for a dispatcher, the soonest due first. */
    public Items queue(Caller caller, String kind, String region, int limit) {
        if (kind == null || !QUEUES.contains(kind)) {
            throw ApiException.badRequest("kind must be one of " + QUEUES + ", got " + (kind == null ? "nothing" : "'" + kind + "'"));
        }
        List<Object> values = new ArrayList<>();
        String where = switch (kind) {
            case "new" -> "e.queue = 'new'";
            case "adjudication" -> "e.state = 'adjudication'";
            case "redispatch" -> "e.queue = 'redispatch'";
            default -> "e.overdue AND e.state NOT IN ('closed', 'evaluated', 'voided')";
        };
        where += regionCondition(region, values);
        return items(caller, EventSql.items(where, "e.due_at NULLS LAST, e.reported_at, e.id", false), values, limit, null);
    }

    /** GET /api/me/events?near=lon,lat: my open events (assigned to me, or to my department), nearest first. */
    public Items mine(Caller caller, String near, int limit) {
        double[] at = null;
        if (near != null && !near.isBlank()) {
            at = Coordinates.parsePair(near);
            Coordinates.checkLonLat(at[0], at[1]);
        }
        List<Object> values = new ArrayList<>();
        String where = "e.state NOT IN ('closed', 'evaluated', 'voided') AND (e.assignee = ? OR e.department_code IN "
                + "(SELECT a.department_code FROM staff_assignment a WHERE a.username = ? AND a.duty = 'department'))";
        values.add(caller.name());
        values.add(caller.name());
        return items(caller, EventSql.items(where, at == null ? "e.due_at NULLS LAST, e.id" : "distance, e.id", at != null), values, limit, at);
    }

    /** The reports this caller made, newest first (a volunteer's tips and where they are in the loop). */
    public Items reportedBy(Caller caller, String source, int limit) {
        List<Object> values = new ArrayList<>();
        values.add(caller.name());
        values.add(source);
        return items(caller, EventSql.items("e.reported_by = ? AND e.source = ?", "e.reported_at DESC, e.id DESC", false), values, limit, null);
    }

    /** One reporter's contribution: reports, those taken up as cases (registered or further), those closed. */
    public record Contribution(String reporter, long reports, long cases, long closed) {
    }

    /** Contributions of the reporters of a source in a region (code prefix; empty: the caller's whole scope), most reports first. */
    public List<Contribution> contributions(Caller caller, String source, String region, int limit) {
        String prefix = region == null || region.isBlank() ? "" : region.trim();
        if (!prefix.isEmpty() && !prefix.matches("\\d{6}|\\d{9}|\\d{12}|\\d{15}|\\d{18}")) {
            throw ApiException.badRequest("region must be a region code (6 to 18 digits), got '" + region + "'");
        }
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope());
                PreparedStatement ps = sc.connection().prepareStatement(EventSql.CONTRIBUTIONS)) {
            String district = prefix.length() == 6 ? prefix : ""; // a district: by its code (镇江新区's streets carry other prefixes)
            ps.setString(1, source);
            ps.setString(2, district);
            ps.setString(3, district);
            ps.setString(4, district.isEmpty() ? prefix + "%" : "%");
            ps.setInt(5, limit);
            List<Contribution> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Contribution(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("contributions failed: " + e.getMessage(), e);
        }
    }

    private String regionCondition(String region, List<Object> values) {
        if (region == null || region.isBlank()) {
            return "";
        }
        String code = region.trim();
        if (!code.matches("\\d{6}|\\d{9}|\\d{12}|\\d{15}|\\d{18}")) {
            throw ApiException.badRequest("region must be a region code (6 to 18 digits), got '" + region + "'");
        }
        if (code.length() == 6) {
            values.add(code);
            return " AND e.district_code = ?";
        }
        values.add(code);
        values.add(code + "\uffff");
        return " AND e.microgrid_code >= ? AND e.microgrid_code < ?";
    }

    private Items items(Caller caller, String sql, List<Object> values, int limit, double[] at) {
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("limit must be between 1 and 1000");
        }
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            List<Item> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                if (at != null) {
                    ps.setDouble(i++, at[0]);
                    ps.setDouble(i++, at[1]);
                }
                for (Object v : values) {
                    ps.setObject(i++, v);
                }
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Item(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                                rs.getString(7), rs.getDouble(8), rs.getDouble(9), rs.getString(10).substring(0, 15), rs.getString(11),
                                rs.getString(12), rs.getString(13), rs.getString(14), strings(rs.getArray(15)), iso(rs.getTimestamp(16)),
                                iso(rs.getTimestamp(17)), rs.getBoolean(18), at == null ? null : Math.round(rs.getDouble(19) * 10) / 10.0,
                                at == null ? null : Coordinates.bearingDegrees(at[0], at[1], rs.getDouble(8), rs.getDouble(9))));
                    }
                }
            }
            return new Items(out, out.size());
        } catch (SQLException e) {
            throw new IllegalStateException("event list failed: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ small helpers

    /** Times on the wire: ISO 8601 in the city's offset, to the second (2026-12-02T09:30:00+08:00). */
    private static final java.time.format.DateTimeFormatter WIRE = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

    public static String iso(Timestamp t) {
        return t == null ? null : iso(t.toInstant());
    }

    public static String iso(Instant t) {
        return t == null ? null : WIRE.format(t.atZone(WorkClock.CITY));
    }

    static Instant instant(String v, String name) {
        if (v == null || v.isBlank()) {
            throw ApiException.badRequest(name + " is required (ISO 8601 with an offset, e.g. 2026-12-01T08:30:00+08:00)");
        }
        try {
            return OffsetDateTime.parse(v.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " must be an ISO 8601 time with an offset (2026-12-01T08:30:00+08:00), got '" + v + "'");
        }
    }

    private static List<String> strings(Array a) throws SQLException {
        return a == null ? null : List.of((String[]) a.getArray());
    }

    static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest(field + " must be a string");
        }
        String s = n.asText().strip();
        return s.isEmpty() ? null : s;
    }

    static Double number(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw ApiException.badRequest(field + " must be a number");
        }
        return n.asDouble();
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.REAL);
        } else {
            ps.setDouble(i, v);
        }
    }
}
