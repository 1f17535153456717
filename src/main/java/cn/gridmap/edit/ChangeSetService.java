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

import org.locationtech.jts.geom.Envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cn.gridmap.GridmapConfig;
import cn.gridmap.element.ElementPlacement;
import cn.gridmap.geo.BBox;
import cn.gridmap.geo.GeoJson;
import cn.gridmap.region.Level;
import cn.gridmap.region.RegionService;
import cn.gridmap.security.AreaScope;
import cn.gridmap.security.Audit;
import cn.gridmap.security.Caller;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Change sets: create, read, list; the draft view (base generation + overlay) and its shared edges; operations with
 * undo, redo and rebase. Sign-off and publishing are {@link SignOff}'s; what a change moves is {@link Preview}'s.
 */
@ApplicationScoped
public class ChangeSetService {
    static final Set<String> STATES = Set.of("draft", "submitted", "approved", "scheduled", "published", "withdrawn");

    /** A change set on the wire. */
    public record ChangeSet(long id, String title, String description, String author, String state, int revision, int baseGeneration,
            String createdAt, String updatedAt, String unlocks, String effectiveFrom, List<String> chain, Integer generation, List<Op> ops,
            JsonNode issues, Map<String, Object> summary, List<SignOff.Approval> approvals, String submittedAt) {
    }

    /** One applied operation (undone ones stay listed for redo). */
    public record Op(int seq, int revision, JsonNode op, boolean undone, String at) {
    }

    /** POST /api/changesets; {@code unlocks}: the highest level whose boundary may move (grid, community or street). */
    public record NewChangeSet(String title, String description, String unlocks) {
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

    static final ObjectMapper JSON = new ObjectMapper();
    private final DataSource dataSource;
    private final RegionService regions;
    private final Audit audit;
    private final GridmapConfig config;
    private final ElementPlacement placement;

    public ChangeSetService(DataSource dataSource, RegionService regions, Audit audit, GridmapConfig config, ElementPlacement placement) {
        this.dataSource = dataSource;
        this.regions = regions;
        this.audit = audit;
        this.config = config;
        this.placement = placement;
    }

    public ChangeSet create(Caller caller, NewChangeSet n) {
        if (n == null || n.title() == null || n.title().isBlank()) {
            throw ApiException.badRequest("a JSON body {title, description} with a title is required");
        }
        if (n.title().length() > 200 || (n.description() != null && n.description().length() > 10_000)) {
            throw ApiException.badRequest("title: at most 200 characters; description: at most 10,000");
        }
        String unlocks = n.unlocks() == null || n.unlocks().isBlank() ? "grid" : n.unlocks().trim();
        if (!Set.of("grid", "community", "street").contains(unlocks)) {
            throw ApiException.badRequest("unlocks must be grid (the default), community or street: the highest level whose boundary the change "
                    + "set may move (district and city boundaries are administrative and never move here); got '" + n.unlocks() + "'");
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
                ps.setString(5, unlocks);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            audit.record(c, caller, "changeset.create", "changeset:" + id, List.of(String.valueOf(id)), null, "ok", n.title().trim()
                    + " (unlocks " + unlocks + ")");
            c.commit();
            return get(id);
        } catch (SQLException e) {
            throw new IllegalStateException("change set insert failed: " + e.getMessage(), e);
        }
    }

    /** One change set as a caller may see it: the whole city, one touching her area, or her own (else 404). */
    public ChangeSet get(Caller caller, long id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ChangeSetSql.VISIBLE)) {
            bindArea(c, ps, 1, caller);
            ps.setLong(4, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    throw ApiException.notFound("no change set " + id + " in your area");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("change set query failed: " + e.getMessage(), e);
        }
        return get(id);
    }

    /** Binds (all, codes, author) of the area filter from parameter {@code i}. */
    private static void bindArea(Connection c, PreparedStatement ps, int i, Caller caller) throws SQLException {
        AreaScope scope = caller.principal().scope();
        ps.setBoolean(i, scope.all() || caller.principal().has(cn.gridmap.security.Roles.ADMIN));
        ps.setArray(i + 1, c.createArrayOf("text", scope.codes().toArray()));
        ps.setString(i + 2, caller.name());
    }

    public ChangeSet get(long id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ChangeSetSql.BY_ID)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("no change set " + id);
                }
                return changeSet(c, rs, true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("change set query failed: " + e.getMessage(), e);
        }
    }

    /** The newest first; without ops (GET one for them). */
    public List<ChangeSet> list(Caller caller, String state, boolean queue, int limit, int offset, SignOff signOff) {
        if (state != null && !state.isBlank() && !STATES.contains(state.trim())) {
            throw ApiException.badRequest("state must be one of " + new java.util.TreeSet<>(STATES) + ", got '" + state + "'");
        }
        String s = state == null || state.isBlank() ? null : state.trim();
        String st = queue ? "submitted" : s;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ChangeSetSql.LIST)) {
            ps.setString(1, st);
            ps.setString(2, st);
            bindArea(c, ps, 3, caller);
            ps.setInt(6, queue ? 10_000 : limit);
            ps.setInt(7, queue ? 0 : offset);
            List<ChangeSet> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ChangeSet cs = changeSet(c, rs, false);
                    if (!queue || (!cs.author().equals(caller.name()) && signOff.canSignNext(c, caller, cs.id()))) {
                        out.add(cs);
                    }
                }
            }
            return queue ? out.subList(Math.min(offset, out.size()), Math.min(offset + limit, out.size())) : out;
        } catch (SQLException e) {
            throw new IllegalStateException("change set query failed: " + e.getMessage(), e);
        }
    }

    /**
     * The shared boundary of two regions of one level in the draft view, as a FeatureCollection of LineStrings whose
     * end nodes are pinned (an edit of the edge keeps them); 422 with the issue when they share no boundary.
     */
    public ObjectNode edges(Caller caller, long id, String a, String b) {
        get(caller, id);
        if (a == null || b == null || a.isBlank() || b.isBlank()) {
            throw ApiException.badRequest("a and b (two region codes of one level) are required");
        }
        if (a.trim().equals(b.trim())) {
            throw ApiException.badRequest("a and b must be two different regions");
        }
        try (Connection c = dataSource.getConnection()) {
            Draft d = Draft.load(c, id, regions);
            Draft.Row ra = d.find(a.trim()).orElseThrow(() -> ApiException.notFound("no region " + a.trim() + " in change set " + id));
            Draft.Row rb = d.find(b.trim()).orElseThrow(() -> ApiException.notFound("no region " + b.trim() + " in change set " + id));
            if (ra.level() != rb.level()) {
                throw ApiException.badRequest(ra.code() + " is a " + ra.level().wireName() + " and " + rb.code() + " a "
                        + rb.level().wireName() + ": a shared edge is between two regions of one level");
            }
            ArrayNode features = JSON.createArrayNode();
            for (SharedEdges.Edge e : SharedEdges.of(ra.level().wireName(), ra.code(), ra.geom(), rb.code(), rb.geom())) {
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
        } catch (SQLException e) {
            throw new IllegalStateException("draft read failed: " + e.getMessage(), e);
        }
    }

    /**
     * The draft view of one level: the base generation with the change set's overlay (changed and new regions replace
     * or join the base ones, retired ones are left out), optionally within a bbox, as GeoJSON. Each feature says
     * whether the change set changed it ({@code changed}, {@code created}).
     */
    public ObjectNode regions(Caller caller, long id, String levelName, String bboxText) {
        get(caller, id);
        Level level = Level.fromWire(levelName);
        if (level == null) {
            throw ApiException.badRequest("level must be one of city, district, street, community, grid, microgrid; got '" + levelName + "'");
        }
        BBox bbox = BBox.parse(bboxText);
        Envelope box = bbox == null ? new Envelope(-180, 180, -90, 90) : new Envelope(bbox.minLon(), bbox.maxLon(), bbox.minLat(), bbox.maxLat());
        int max = config.api().maxFeatures();
        try (Connection c = dataSource.getConnection()) {
            Draft d = Draft.load(c, id, regions);
            List<Draft.Row> rows = d.inBox(level, box);
            if (rows.size() > max) {
                throw ApiException.badRequest("the request matches " + rows.size() + " " + level.wireName() + " regions, more than the limit of "
                        + max + "; use a smaller bbox or a coarser level");
            }
            Set<String> overlay = new java.util.HashSet<>();
            Set<String> created = new java.util.HashSet<>();
            for (Draft.Row r : d.overlay()) {
                overlay.add(r.code());
                if (!r.base()) {
                    created.add(r.code());
                }
            }
            ArrayNode features = JSON.createArrayNode();
            for (Draft.Row r : rows) {
                ObjectNode p = JSON.createObjectNode();
                p.put("code", r.code());
                p.put("name", r.name());
                p.put("level", r.level().wireName());
                p.put("parentCode", r.parentCode());
                p.put("changed", overlay.contains(r.code()));
                p.put("created", created.contains(r.code()));
                ObjectNode f = GeoJson.feature(r.geom(), p);
                f.put("id", r.code());
                features.add(f);
            }
            ObjectNode fc = GeoJson.featureCollection(features);
            fc.put("numberMatched", rows.size());
            ArrayNode retired = fc.putArray("retired");
            for (Draft.Row r : d.overlay()) {
                if (r.deleted() && r.base() && r.level() == level) {
                    retired.add(r.code());
                }
            }
            return fc;
        } catch (SQLException e) {
            throw new IllegalStateException("draft read failed: " + e.getMessage(), e);
        }
    }

    /**
     * Applies one operation {@code {revision, op, …}} to a draft: all or nothing, at the revision the client saw (409
     * otherwise), by its author or an admin, inside the caller's area scope. Editing a submitted or approved change
     * set sends it back to draft: an edit voids the approvals.
     */
    public OpResult apply(Caller caller, long id, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("a JSON object {revision, op, …} is required");
        }
        if (!body.path("revision").isInt()) {
            throw ApiException.badRequest("revision (the change set's revision you edited) is required, as a whole number");
        }
        return applyOps(caller, id, List.of(body), body.path("revision").asInt());
    }

    /**
     * Boundaries drawn in another GIS (a GeoPackage or a zipped Shapefile, {@link BoundaryFile}) become one
     * {@code redraw} operation of the draft: the children of {@code parent} as the file draws them, validated, stored
     * and previewed like any edit (never written to the regions before sign-off). {@code revision}: the one the
     * planner saw, or null for the current one.
     */
    public OpResult importBoundaries(Caller caller, long id, String parent, Integer revision, byte[] body, String contentType) {
        if (parent == null || !parent.trim().matches("[0-9]{6,18}")) {
            throw ApiException.badRequest("parent is required: the grid whose micro-grids, or the community whose grids, the file draws");
        }
        List<EditOp.Part> parts = BoundaryFile.read(body, contentType);
        if (parts.size() > EditOp.MAX_PARTS) {
            throw ApiException.badRequest("the file holds " + parts.size() + " features; one import redraws at most " + EditOp.MAX_PARTS);
        }
        ObjectNode op = JSON.createObjectNode();
        op.put("op", "redraw");
        op.put("revision", revision != null ? revision : get(caller, id).revision());
        op.put("parent", parent.trim());
        ArrayNode ps = op.putArray("parts");
        for (EditOp.Part p : parts) {
            ObjectNode o = ps.addObject();
            if (p.code() != null) {
                o.put("code", p.code());
            }
            if (p.name() != null) {
                o.put("name", p.name());
            }
            o.set("geometry", GeoJson.geometry(p.geometry()));
        }
        return apply(caller, id, op);
    }

    /**
     * Many operations in one transaction on one loaded draft (the service's own derivations: the synthetic city's 专属网格);
     * each is checked and stored as if applied alone, and the first one rejected rolls back all of them.
     */
    public OpResult applyAll(Caller caller, long id, List<JsonNode> ops) {
        return applyOps(caller, id, ops, null);
    }

    /**
     * Applies operations in order on the draft, each checked and stored as its own revision; the undone ones (the redo
     * stack) go. {@code revision}: the one the caller edited (409 when another came first), or null.
     */
    private OpResult applyOps(Caller caller, long id, List<JsonNode> ops, Integer revision) {
        List<EditOp> parsed = ops.stream().map(EditOp::parse).toList();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Locked cs = lock(c, caller, id, revision);
                scope(c, caller);
                Draft d = Draft.load(c, id, regions);
                Checks checks = checks(c, cs.unlocks());
                Operations operations = new Operations(d, checks);
                List<String> changed = new ArrayList<>();
                List<Issue> warnings = new ArrayList<>();
                long t0 = System.nanoTime();
                for (EditOp op : parsed) {
                    if (op instanceof EditOp.Redraw r) {
                        requireParentInScope(caller, d, r.parent());
                    }
                    Operations.Outcome out = operations.apply(op);
                    requireInScope(caller, d, out.changed());
                    out.changed().stream().filter(code -> !changed.contains(code)).forEach(changed::add);
                    warnings.addAll(out.warnings());
                }
                long t1 = System.nanoTime();
                d.flush();
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
                int next = cs.revision();
                try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.INSERT_OP)) {
                    for (int i = 0; i < ops.size(); i++) {
                        ps.setLong(1, id);
                        ps.setInt(2, seq + i);
                        ps.setInt(3, ++next);
                        ps.setString(4, ops.get(i).toString());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                bump(c, id, next, draftWarnings(d, checks), d);
                String what = parsed.size() == 1 ? parsed.get(0).name() : parsed.size() + " operations";
                org.jboss.logging.Logger.getLogger(ChangeSetService.class).debugf("%s: compute+checks %d ms, store+warnings %d ms", what,
                        (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
                audit.record(c, caller, "changeset.op", "changeset:" + id, changed, null, "ok", what);
                c.commit();
                return new OpResult(next, changed, warnings, summary(d));
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
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
            try {
                Locked cs = lock(c, caller, id, seen);
                scope(c, caller);
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
                OpResult r = replayAndBump(c, caller, id, cs, undo ? "changeset.undo" : "changeset.redo", "op " + target.seq());
                c.commit();
                return r;
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("change set update failed: " + e.getMessage(), e);
        }
    }

    /**
     * Rebase: the change set's operations replayed on the newest generation (after another change set published
     * over its regions). An operation that no longer applies is a 409 that names it; nothing changes then.
     */
    public OpResult rebase(Caller caller, long id, JsonNode body) {
        Integer seen = body != null && body.path("revision").isInt() ? body.path("revision").asInt() : null;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Locked cs = lock(c, caller, id, seen);
                scope(c, caller);
                int newest = regions.currentGeneration(c);
                try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.SET_BASE)) {
                    ps.setInt(1, newest);
                    ps.setLong(2, id);
                    ps.executeUpdate();
                }
                OpResult r = replayAndBump(c, caller, id, cs, "changeset.rebase", "onto generation " + newest);
                c.commit();
                return r;
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("change set rebase failed: " + e.getMessage(), e);
        }
    }

    /** Replays the draft, raises the revision with the draft's warnings, and audits it (inside the caller's transaction). */
    private OpResult replayAndBump(Connection c, Caller caller, long id, Locked cs, String action, String detail) throws SQLException {
        Checks checks = checks(c, cs.unlocks());
        Replayed replayed = replay(c, id, checks);
        bump(c, id, cs.revision() + 1, draftWarnings(replayed.draft(), checks), replayed.draft());
        audit.record(c, caller, action, "changeset:" + id, replayed.changed(), null, "ok", detail);
        return new OpResult(cs.revision() + 1, replayed.changed(), List.of(), summary(replayed.draft()));
    }

    /** The draft rebuilt by a replay, and every code it held before or holds now. */
    private record Replayed(Draft draft, List<String> changed) {
    }

    /** Clears the overlay and applies the operations not undone, in order, on the base generation. */
    private Replayed replay(Connection c, long id, Checks checks) throws SQLException {
        Set<String> changed = new java.util.TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.CLEAR_OVERLAY)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    changed.add(rs.getString(1));
                }
            }
        }
        Draft d = Draft.empty(c, id, regions);
        Operations ops = new Operations(d, checks);
        for (Op o : ops(c, id)) {
            if (!o.undone()) {
                try {
                    ops.apply(EditOp.parse(o.op()));
                } catch (EditRejected e) {
                    throw new ApiException(409, "operation " + o.seq() + " (" + o.op().path("op").asText() + ") no longer applies: " + e.getMessage());
                }
            }
        }
        d.flush();
        d.overlay().forEach(r -> changed.add(r.code()));
        return new Replayed(d, List.copyOf(changed));
    }

    /** The warnings of the whole draft: every micro-grid and grid it changed or created. */
    private static List<Issue> draftWarnings(Draft d, Checks checks) {
        List<String> codes = new ArrayList<>();
        for (Draft.Row r : d.overlay()) {
            if (!r.deleted() && (r.level() == Level.MICROGRID || r.level() == Level.GRID)) {
                codes.add(r.code());
            }
        }
        return checks.warnings(d, codes);
    }

    /** Regions changed per level in the draft: {level: {changed, created, retired}}. */
    static Map<String, Object> summary(Draft d) {
        Map<String, Object> out = new java.util.TreeMap<>();
        for (Draft.Row r : d.overlay()) {
            @SuppressWarnings("unchecked")
            Map<String, Integer> m = (Map<String, Integer>) out.computeIfAbsent(r.level().wireName(), k -> new java.util.TreeMap<>(
                    Map.of("changed", 0, "created", 0, "retired", 0)));
            String key = r.deleted() ? (r.base() ? "retired" : null) : r.base() ? "changed" : "created";
            if (key != null) {
                m.merge(key, 1, Integer::sum);
            }
        }
        return out;
    }

    /** The extent [minLon, minLat, maxLon, maxLat] of the micro-grids and grids the draft touches (null: none), for the map. */
    static double[] extent(Draft d) {
        org.locationtech.jts.geom.Envelope e = new org.locationtech.jts.geom.Envelope();
        for (Draft.Row r : d.overlay()) {
            if ((r.level() == Level.MICROGRID || r.level() == Level.GRID) && r.geom() != null && !r.deleted()) {
                e.expandToInclude(r.geom().getEnvelopeInternal());
            }
        }
        return e.isNull() ? null : new double[] {e.getMinX(), e.getMinY(), e.getMaxX(), e.getMaxY()};
    }

    Checks checks(Connection c, String unlocks) {
        return new Checks(Level.fromWire(unlocks), config.edit(), regionsToCount -> {
            try {
                Map<String, Integer> out = new java.util.HashMap<>();
                placement.counts(c, regionsToCount).forEach((k, v) -> out.put(k, v.households()));
                return out;
            } catch (SQLException e) {
                throw new IllegalStateException("household count failed: " + e.getMessage(), e);
            }
        });
    }

    /** Row-level security for the element counts: the caller's area scope, for this transaction. */
    static void scope(Connection c, Caller caller) throws SQLException {
        cn.gridmap.security.ScopedConnection.apply(c, caller.principal().scope());
    }

    /** Every micro-grid and grid an operation changes must lie in the caller's area scope (403 otherwise). */
    /** A redraw names its parent: it must lie inside the caller's scope even when the drawing changes nothing. */
    private static void requireParentInScope(Caller caller, Draft d, String parent) {
        AreaScope scope = caller.principal().scope();
        Draft.Row r = d.find(parent).orElse(null);
        if (!scope.all() && r != null && !scope.coversRegion(d.chain(r))) {
            throw new ApiException(403, "region " + parent + " is outside your area scope " + scope.codes());
        }
    }

    private void requireInScope(Caller caller, Draft d, List<String> changed) {
        AreaScope scope = caller.principal().scope();
        if (scope.all()) {
            return;
        }
        for (String code : changed) {
            Draft.Row r = d.now(code);
            if (r == null || (r.level() != Level.MICROGRID && r.level() != Level.GRID)) {
                continue;
            }
            if (!scope.coversRegion(d.chain(r))) {
                throw new ApiException(403, "region " + code + " is outside your area scope " + scope.codes());
            }
        }
    }

    /** The change set row locked for this transaction. */
    record Locked(String state, int revision, String author, String unlocks, int baseGeneration) {
    }

    /**
     * Locks the change set for an edit: a draft (or a submitted or approved one, which goes back to draft: its
     * approvals no longer count and it is submitted again), by its author or an admin, at the revision seen.
     */
    private static Locked lock(Connection c, Caller caller, long id, Integer seen) throws SQLException {
        Locked cs = SignOff.lockRow(c, id);
        if (!Set.of("draft", "submitted", "approved").contains(cs.state())) {
            throw new ApiException(409, "change set " + id + " is " + cs.state() + ": it can no longer be edited");
        }
        if (!caller.name().equals(cs.author()) && !caller.principal().has(cn.gridmap.security.Roles.ADMIN)) {
            throw new ApiException(403, "only its author (" + cs.author() + ") or an admin edits change set " + id);
        }
        if (seen != null && seen != cs.revision()) {
            throw new StaleRevision(cs.revision());
        }
        if (!"draft".equals(cs.state())) {
            try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.SET_STATE)) {
                ps.setString(1, "draft");
                ps.setLong(2, id);
                ps.executeUpdate();
            }
        }
        return cs;
    }

    private static void bump(Connection c, long id, int revision, List<Issue> issues, Draft d) throws SQLException {
        java.util.Set<String> touches = new java.util.TreeSet<>();
        for (Draft.Row r : d.overlay()) {
            if (r.level().ordinal() >= Level.COMMUNITY.ordinal() && !(r.deleted() && !r.base())) {
                List<String> chain = d.chain(r);
                touches.addAll(chain.subList(Math.min(1, chain.size()), chain.size())); // not the city: every change set is in it
            }
        }
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.BUMP)) {
            ps.setInt(1, revision);
            ps.setString(2, JSON.valueToTree(issues).toString());
            ps.setArray(3, c.createArrayOf("text", touches.toArray()));
            ps.setLong(4, id);
            ps.executeUpdate();
        }
    }

    static List<Op> ops(Connection c, long id) throws SQLException {
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

    private ChangeSet changeSet(Connection c, ResultSet rs, boolean full) throws SQLException {
        long id = rs.getLong(1);
        List<Op> ops = full ? ops(c, id) : null;
        Map<String, Object> summary = new LinkedHashMap<>();
        if (full) {
            summary.put("ops", ops.stream().filter(o -> !o.undone()).count());
            Draft d = Draft.load(c, id, regions);
            summary.put("regions", summary(d));
            summary.put("extent", extent(d));
        }
        java.sql.Array chain = rs.getArray(12);
        int generation = rs.getInt(13);
        boolean noGeneration = rs.wasNull();
        JsonNode issues;
        try {
            issues = JSON.readTree(rs.getString(14));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored issues are not JSON", e);
        }
        return new ChangeSet(id, rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6), rs.getInt(7),
                rs.getObject(8, OffsetDateTime.class).toString(), rs.getObject(9, OffsetDateTime.class).toString(), rs.getString(10),
                rs.getString(11), chain == null ? null : List.of((String[]) chain.getArray()), noGeneration ? null : generation, ops,
                issues, full ? summary : null, full ? SignOff.approvals(c, id) : null,
                rs.getObject(15) == null ? null : rs.getObject(15, OffsetDateTime.class).toString());
    }
}
