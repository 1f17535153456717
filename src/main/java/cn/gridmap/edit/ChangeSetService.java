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

    /** A region's geometry in the change set's draft: the overlay's when it changed it, else the base generation's. */
    private Geometry draft(long id, RegionShape r) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ChangeSetSql.OVERLAY)) {
            ps.setLong(1, id);
            ps.setString(2, r.code());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return r.geom();
                }
                if (rs.getBoolean(1)) {
                    throw ApiException.notFound("region " + r.code() + " is deleted in change set " + id);
                }
                return new WKBReader().read(rs.getBytes(2));
            }
        } catch (SQLException | ParseException e) {
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
