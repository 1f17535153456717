package cn.gridmap.edit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cn.gridmap.geo.GeoJson;
import cn.gridmap.region.RegionService;
import cn.gridmap.region.RegionShape;
import cn.gridmap.security.Audit;
import cn.gridmap.security.Caller;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/** Change sets: create, read, list, and the draft view of regions (base generation + the change set's overlay). */
@ApplicationScoped
public class ChangeSetService {
    static final Set<String> STATES = Set.of("draft", "submitted", "approved", "scheduled", "published", "withdrawn");

    /** A change set on the wire. */
    public record ChangeSet(long id, String title, String description, String author, String state, int revision, int baseGeneration,
            String createdAt, String updatedAt, List<Op> ops, List<Issue> issues, Map<String, Object> summary) {
    }

    /** One applied operation (undone ones stay listed for redo). */
    public record Op(int seq, int revision, JsonNode op, boolean undone, String at) {
    }

    /** POST /api/changesets. */
    public record NewChangeSet(String title, String description) {
    }

    /** The answer to an accepted operation. */
    public record OpResult(int revision, List<String> changed, List<Issue> issues, Object preview) {
    }

    /** A stale revision: 409 with the current one. */
    public static final class StaleRevision extends RuntimeException {
        private final int current;

        StaleRevision(int current) {
            super("the change set is at revision " + current + ": reload it and apply the operation again");
            this.current = current;
        }

        public int current() {
            return current;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final DataSource dataSource;
    private final RegionService regions;
    private final Audit audit;

    public ChangeSetService(DataSource dataSource, RegionService regions, Audit audit) {
        this.dataSource = dataSource;
        this.regions = regions;
        this.audit = audit;
    }

    public ChangeSet create(Caller caller, NewChangeSet n) {
        if (n == null || n.title() == null || n.title().isBlank()) {
            throw ApiException.badRequest("a JSON body {title, description} with a title is required");
        }
        if (n.title().length() > 200 || (n.description() != null && n.description().length() > 10_000)) {
            throw ApiException.badRequest("title: at most 200 characters; description: at most 10,000");
        }
        int base = regions.currentGeneration();
        if (base == 0) {
            throw new ApiException(409, "no city is loaded yet: there is no generation to change");
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            long id;
            try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.INSERT)) {
                ps.setString(1, n.title().trim());
                ps.setString(2, n.description());
                ps.setString(3, caller.name());
                ps.setInt(4, base);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            audit.record(c, caller, "changeset.create", "changeset:" + id, List.of(String.valueOf(id)), null, "ok", n.title().trim());
            c.commit();
            return get(id);
        } catch (SQLException e) {
            throw new IllegalStateException("change set insert failed: " + e.getMessage(), e);
        }
    }

    public ChangeSet get(long id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ChangeSetSql.BY_ID)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("no change set " + id);
                }
                return changeSet(rs, ops(c, id));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("change set query failed: " + e.getMessage(), e);
        }
    }

    /** The newest first; without ops (GET one for them). */
    public List<ChangeSet> list(String state, int limit, int offset) {
        if (state != null && !state.isBlank() && !STATES.contains(state.trim())) {
            throw ApiException.badRequest("state must be one of " + new java.util.TreeSet<>(STATES) + ", got '" + state + "'");
        }
        String s = state == null || state.isBlank() ? null : state.trim();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ChangeSetSql.LIST)) {
            ps.setString(1, s);
            ps.setString(2, s);
            ps.setInt(3, limit);
            ps.setInt(4, offset);
            List<ChangeSet> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(changeSet(rs, null));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("change set query failed: " + e.getMessage(), e);
        }
    }

    /**
     * The shared boundary of two regions of one level in the draft view, as a FeatureCollection of LineStrings whose
     * end nodes are pinned (an edit of the edge keeps them); 422 with the issue when they share no boundary.
     */
    public ObjectNode edges(long id, String a, String b) {
        get(id);
        if (a == null || b == null || a.isBlank() || b.isBlank()) {
            throw ApiException.badRequest("a and b (two region codes of one level) are required");
        }
        if (a.trim().equals(b.trim())) {
            throw ApiException.badRequest("a and b must be two different regions");
        }
        RegionShape ra = regions.shape(a.trim());
        RegionShape rb = regions.shape(b.trim());
        if (ra.level() != rb.level()) {
            throw ApiException.badRequest(ra.code() + " is a " + ra.level().wireName() + " and " + rb.code() + " a "
                    + rb.level().wireName() + ": a shared edge is between two regions of one level");
        }
        Geometry ga = draft(id, ra);
        Geometry gb = draft(id, rb);
        ArrayNode features = JSON.createArrayNode();
        for (SharedEdges.Edge e : SharedEdges.of(ra.level().wireName(), ra.code(), ga, rb.code(), gb)) {
            ObjectNode p = JSON.createObjectNode();
            p.put("a", ra.code());
            p.put("b", rb.code());
            p.put("level", ra.level().wireName());
            p.put("closed", e.closed());
            p.put("startPinned", !e.closed());
            p.put("endPinned", !e.closed());
            ArrayNode pinned = p.putArray("pinned");
            if (!e.closed()) {
                pinned.add(JSON.createArrayNode().add(e.start().x).add(e.start().y));
                pinned.add(JSON.createArrayNode().add(e.end().x).add(e.end().y));
            }
            p.put("vertices", e.line().getNumPoints());
            features.add(GeoJson.feature(e.line(), p));
        }
        return GeoJson.featureCollection(features);
    }

    /**
     * Applies one operation {@code {revision, op, …}} to a draft: all or nothing, at the revision the client saw (409
     * otherwise), by its author or an admin. Supported so far: {@code reshapeEdge {a, b, line}} for two neighbouring
     * regions of one parent (micro-grids of one grid); the other operations answer 422 until they are built.
     */
    public OpResult apply(Caller caller, long id, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("a JSON object {revision, op, …} is required");
        }
        if (!body.path("revision").isInt()) {
            throw ApiException.badRequest("revision (the change set's revision you edited) is required, as a whole number");
        }
        Prepared op = prepare(body);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            int revision = lock(c, caller, id, body.path("revision").asInt());
            List<String> changed = carryOut(c, id, op);
            try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.DROP_UNDONE)) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            int seq;
            try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.NEXT_SEQ)) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    seq = rs.getInt(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.INSERT_OP)) {
                ps.setLong(1, id);
                ps.setInt(2, seq);
                ps.setInt(3, revision + 1);
                ps.setString(4, body.toString());
                ps.executeUpdate();
            }
            bump(c, id, revision + 1);
            audit.record(c, caller, "changeset.op", "changeset:" + id, changed, null, "ok", op.name());
            c.commit();
            return new OpResult(revision + 1, changed, List.of(), null);
        } catch (SQLException e) {
            throw new IllegalStateException("change set update failed: " + e.getMessage(), e);
        }
    }

    /**
     * Undo (the last applied operation) or redo (the first undone one). The draft is rebuilt by replaying the applied
     * operations on the base generation, so it is always what those operations make. {@code revision} is optional.
     */
    public OpResult undoOrRedo(Caller caller, long id, JsonNode body, boolean undo) {
        Integer seen = body != null && body.path("revision").isInt() ? body.path("revision").asInt() : null;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            int revision = lock(c, caller, id, seen);
            List<Op> ops = ops(c, id);
            Op target = null;
            for (Op o : ops) {
                if (undo && !o.undone()) {
                    target = o; // the last applied one
                } else if (!undo && o.undone() && target == null) {
                    target = o; // the first undone one
                }
            }
            if (target == null) {
                throw new ApiException(409, undo ? "nothing to undo in change set " + id : "nothing to redo in change set " + id);
            }
            try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.MARK_UNDONE)) {
                ps.setBoolean(1, undo);
                ps.setLong(2, id);
                ps.setInt(3, target.seq());
                ps.executeUpdate();
            }
            List<String> changed = replay(c, id);
            bump(c, id, revision + 1);
            audit.record(c, caller, undo ? "changeset.undo" : "changeset.redo", "changeset:" + id, changed, null, "ok",
                    "op " + target.seq());
            c.commit();
            return new OpResult(revision + 1, changed, List.of(), null);
        } catch (SQLException e) {
            throw new IllegalStateException("change set update failed: " + e.getMessage(), e);
        }
    }

    /** Clears the overlay and applies the operations not undone, in order; the codes the overlay held before or holds now. */
    private List<String> replay(Connection c, long id) throws SQLException {
        java.util.Set<String> changed = new java.util.TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.CLEAR_OVERLAY)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    changed.add(rs.getString(1));
                }
            }
        }
        for (Op o : ops(c, id)) {
            if (!o.undone()) {
                try {
                    changed.addAll(carryOut(c, id, prepare(o.op())));
                } catch (EditRejected | ApiException e) {
                    throw new ApiException(409, "operation " + o.seq() + " no longer applies: " + e.getMessage());
                }
            }
        }
        return List.copyOf(changed);
    }

    /** An operation checked for shape (before any lock): its name and regions, and the line. */
    private record Prepared(String name, RegionShape a, RegionShape b, org.locationtech.jts.geom.LineString line) {
    }

    private Prepared prepare(JsonNode body) {
        String op = body.path("op").asText("");
        if (!op.equals("reshapeEdge")) {
            if (Set.of("split", "merge", "moveMicrogrids", "createMicrogrids", "rename").contains(op)) {
                throw new EditRejected(List.of(Issue.error("not-yet", null, null, null, "该操作尚未实现: " + op,
                        "the operation " + op + " is not built yet", null)));
            }
            throw ApiException.badRequest("op must be one of reshapeEdge, split, merge, moveMicrogrids, createMicrogrids, rename; got '"
                    + op + "'");
        }
        String a = text(body, "a");
        String b = text(body, "b");
        org.locationtech.jts.geom.LineString line = line(body.path("line"));
        if (a.equals(b)) {
            throw ApiException.badRequest("a and b must be two different regions");
        }
        RegionShape ra = regions.shape(a);
        RegionShape rb = regions.shape(b);
        if (ra.level() != rb.level() || ra.level().ordinal() < cn.gridmap.region.Level.GRID.ordinal()) {
            throw new EditRejected(List.of(Issue.error("locked-or-mixed", ra.level().wireName(), a, b,
                    "只能改两个同级的网格或微网格之间的边界", "reshapeEdge works on two grids or two micro-grids of one level", null)));
        }
        if (ra.parentCode() == null || !ra.parentCode().equals(rb.parentCode())) {
            throw new EditRejected(List.of(Issue.error("parents-differ", ra.level().wireName(), a, b,
                    a + " 与 " + b + " 不在同一上级区划内(跨上级的边界调整尚未实现)",
                    a + " and " + b + " have different parents (an edge between parents is not built yet)", null)));
        }
        return new Prepared(op, ra, rb, line);
    }

    /** Computes the operation on the draft and writes its regions into the overlay; the codes it changed. */
    private List<String> carryOut(Connection c, long id, Prepared op) throws SQLException {
        RegionShape ra = op.a();
        RegionShape rb = op.b();
        EdgeReshape.Result r = EdgeReshape.apply(ra.level().wireName(), ra.code(), draft(c, id, ra), rb.code(), draft(c, id, rb), op.line());
        org.locationtech.jts.io.WKBWriter wkb = new org.locationtech.jts.io.WKBWriter();
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.UPSERT_OVERLAY)) {
            for (Object[] row : new Object[][] {{ra, r.a()}, {rb, r.b()}}) {
                RegionShape shape = (RegionShape) row[0];
                ps.setLong(1, id);
                ps.setString(2, shape.code());
                ps.setString(3, shape.level().wireName());
                ps.setString(4, shape.name());
                ps.setString(5, shape.parentCode());
                ps.setBytes(6, wkb.write((Geometry) row[1]));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return List.of(ra.code(), rb.code());
    }

    /** Locks the change set for this transaction: a draft, edited by its author or an admin, at the revision seen. */
    private static int lock(Connection c, Caller caller, long id, Integer seen) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.LOCK)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("no change set " + id);
                }
                if (!"draft".equals(rs.getString(1))) {
                    throw new ApiException(409, "change set " + id + " is " + rs.getString(1) + ", not a draft");
                }
                if (!caller.name().equals(rs.getString(3)) && !caller.principal().has(cn.gridmap.security.Roles.ADMIN)) {
                    throw new ApiException(403, "only its author (" + rs.getString(3) + ") or an admin edits change set " + id);
                }
                int revision = rs.getInt(2);
                if (seen != null && seen != revision) {
                    throw new StaleRevision(revision);
                }
                return revision;
            }
        }
    }

    private static void bump(Connection c, long id, int revision) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.BUMP)) {
            ps.setInt(1, revision);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.path(field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw ApiException.badRequest(field + " (a region code) is required");
        }
        return v.asText().trim();
    }

    /** A GeoJSON LineString of WGS84 coordinates: at least 2 and at most 10,000 finite positions inside lon/lat ranges. */
    private static org.locationtech.jts.geom.LineString line(JsonNode g) {
        if (!g.isObject() || !"LineString".equals(g.path("type").asText())) {
            throw new EditRejected(List.of(Issue.error("not-a-linestring", null, null, null, "line 必须是 GeoJSON LineString",
                    "line must be a GeoJSON LineString", null)));
        }
        JsonNode cs = g.path("coordinates");
        if (!cs.isArray() || cs.size() < 2 || cs.size() > 10_000) {
            throw new EditRejected(List.of(Issue.error("bad-coordinates", null, null, null, "line 需要 2 到 10000 个坐标",
                    "line needs 2 to 10,000 positions", null)));
        }
        org.locationtech.jts.geom.Coordinate[] out = new org.locationtech.jts.geom.Coordinate[cs.size()];
        for (int i = 0; i < cs.size(); i++) {
            JsonNode p = cs.get(i);
            if (!p.isArray() || p.size() < 2 || !p.get(0).isNumber() || !p.get(1).isNumber()) {
                throw new EditRejected(List.of(Issue.error("bad-coordinates", null, null, null, "第 " + i + " 个坐标不是 [经度, 纬度]",
                        "position " + i + " is not [lon, lat]", null)));
            }
            double x = p.get(0).asDouble();
            double y = p.get(1).asDouble();
            if (!Double.isFinite(x) || !Double.isFinite(y) || x < -180 || x > 180 || y < -90 || y > 90) {
                throw new EditRejected(List.of(Issue.error("bad-coordinates", null, null, null, "第 " + i + " 个坐标超出经纬度范围",
                        "position " + i + " is outside longitude/latitude ranges (metres given as degrees?)", null)));
            }
            out[i] = new org.locationtech.jts.geom.Coordinate(x, y);
        }
        return new org.locationtech.jts.geom.GeometryFactory(new org.locationtech.jts.geom.PrecisionModel(), cn.gridmap.geo.Srid.STORAGE)
                .createLineString(out);
    }

    /** A region's geometry in the change set's draft, read on the caller's connection (inside its transaction). */
    private static Geometry draft(Connection c, long id, RegionShape r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.OVERLAY)) {
            ps.setLong(1, id);
            ps.setString(2, r.code());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return r.geom();
                }
                if (rs.getBoolean(1)) {
                    throw ApiException.notFound("region " + r.code() + " is deleted in change set " + id);
                }
                return new WKBReader(r.geom().getFactory()).read(rs.getBytes(2));
            }
        } catch (ParseException e) {
            throw new IllegalStateException("draft read failed: " + e.getMessage(), e);
        }
    }

    /** A region's geometry in the change set's draft: the overlay's when it changed it, else the base generation's. */
    private Geometry draft(long id, RegionShape r) {
        try (Connection c = dataSource.getConnection()) {
            return draft(c, id, r);
        } catch (SQLException e) {
            throw new IllegalStateException("draft read failed: " + e.getMessage(), e);
        }
    }

    private static List<Op> ops(Connection c, long id) throws SQLException {
        List<Op> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.OPS)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        out.add(new Op(rs.getInt(1), rs.getInt(2), JSON.readTree(rs.getString(3)), rs.getBoolean(4),
                                rs.getObject(5, OffsetDateTime.class).toString()));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalStateException("stored op is not JSON", e);
                    }
                }
            }
        }
        return out;
    }

    private static ChangeSet changeSet(ResultSet rs, List<Op> ops) throws SQLException {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("ops", ops == null ? null : ops.stream().filter(o -> !o.undone()).count());
        return new ChangeSet(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6), rs.getInt(7),
                rs.getObject(8, OffsetDateTime.class).toString(), rs.getObject(9, OffsetDateTime.class).toString(), ops, List.of(), summary);
    }
}
