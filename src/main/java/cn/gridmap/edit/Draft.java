package cn.gridmap.edit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.locationtech.jts.io.WKBWriter;

import cn.gridmap.geo.Geometries;
import cn.gridmap.region.Level;
import cn.gridmap.region.RegionService;
import cn.gridmap.region.RegionShape;

/**
 * A change set's draft inside one transaction: the base generation seen through the change set's overlay (every
 * region it changed, created or retired, at any level), the changes the current operation makes, and the lineage.
 * Reads see pending changes first, then the stored overlay, then the base. {@link #flush} writes the overlay.
 */
final class Draft {
    /** A region as the draft has it. {@code base}: it exists in the base generation. */
    record Row(String code, Level level, String name, String parentCode, MultiPolygon geom, boolean deleted, boolean base) {
        Row with(MultiPolygon g) {
            return new Row(code, level, name, parentCode, g, deleted, base);
        }
    }

    /** What became of a region: renumbered, split, merged, moved (a piece to another region), with the area in m². */
    record Lineage(String from, String to, String relation, double areaSqm) {
    }

    private final Connection c;
    private final long id;
    private final RegionService regions;
    private final Map<String, Row> overlay = new TreeMap<>();
    /** Properties a new region of the draft records besides its shape (a grid's kind, its organisation), as JSON text. */
    private final Map<String, String> properties = new TreeMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    private final List<Lineage> lineage = new ArrayList<>();
    /** Codes handed out by {@link #nextCode}, created or about to be. */
    private final Set<String> reserved = new java.util.HashSet<>();
    /** The geometry of each region before the current operation (for conservation), by code. */
    private final Map<String, Row> before = new LinkedHashMap<>();
    private boolean lineageDirty;

    private Draft(Connection c, long id, RegionService regions) {
        this.c = c;
        this.id = id;
        this.regions = regions;
    }

    /** The stored overlay and lineage of change set {@code id}, read on {@code c}. */
    static Draft load(Connection c, long id, RegionService regions) throws SQLException {
        Draft d = new Draft(c, id, regions);
        WKBReader wkb = new WKBReader(Geometries.STORAGE);
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.OVERLAY_ALL)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byte[] g = rs.getBytes(6);
                    MultiPolygon geom = g == null ? null : Geometries.toMultiPolygon(wkb.read(g), Geometries.STORAGE);
                    d.overlay.put(rs.getString(1), new Row(rs.getString(1), Level.fromWire(rs.getString(2)), rs.getString(3),
                            rs.getString(4), geom, rs.getBoolean(5), rs.getBoolean(7)));
                    if (rs.getString(8) != null) {
                        d.properties.put(rs.getString(1), rs.getString(8));
                    }
                }
            }
        } catch (ParseException e) {
            throw new IllegalStateException("stored draft geometry is not WKB: " + e.getMessage(), e);
        }
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.LINEAGE)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    d.lineage.add(new Lineage(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4)));
                }
            }
        }
        return d;
    }

    /** An empty draft (the overlay is being rebuilt by a replay): everything reads from the base. */
    static Draft empty(Connection c, long id, RegionService regions) {
        Draft d = new Draft(c, id, regions);
        d.lineageDirty = true;
        return d;
    }

    long id() {
        return id;
    }

    /** A region of the draft; empty when unknown or retired in it. */
    Optional<Row> find(String code) {
        Row r = overlay.get(code);
        if (r != null) {
            return r.deleted() ? Optional.empty() : Optional.of(r);
        }
        List<RegionShape> s = base(List.of(code));
        return s.isEmpty() ? Optional.empty() : Optional.of(row(s.get(0)));
    }

    /** A region's geometry in the base generation (null when it is not there). */
    MultiPolygon baseShape(String code) {
        List<RegionShape> s = base(List.of(code));
        return s.isEmpty() ? null : s.get(0).geom();
    }

    /** Whether the draft knows the code at all (current, created, or retired by it). */
    boolean retiredHere(String code) {
        Row r = overlay.get(code);
        return r != null && r.deleted();
    }

    /** The children of a region in the draft, by code. */
    List<Row> children(String parent) {
        Map<String, Row> out = new TreeMap<>();
        for (RegionShape s : sql(() -> regions.childShapes(c, parent))) {
            if (!overlay.containsKey(s.code())) {
                out.put(s.code(), row(s));
            }
        }
        for (Row r : overlay.values()) {
            if (!r.deleted() && parent.equals(r.parentCode())) {
                out.put(r.code(), r);
            }
        }
        return List.copyOf(out.values());
    }

    /** The regions of one level whose box meets {@code box}, in the draft. */
    List<Row> inBox(Level level, Envelope box) {
        Map<String, Row> out = new TreeMap<>();
        for (RegionShape s : sql(() -> regions.shapesInBox(c, level, box, 10_000))) {
            if (!overlay.containsKey(s.code())) {
                out.put(s.code(), row(s));
            }
        }
        for (Row r : overlay.values()) {
            if (!r.deleted() && r.level() == level && r.geom().getEnvelopeInternal().intersects(box)) {
                out.put(r.code(), r);
            }
        }
        return List.copyOf(out.values());
    }

    /** Sets a region's new state for this operation (remembering the one before it). */
    void put(Row r) {
        if (!before.containsKey(r.code())) { // a null value: the region did not exist before this operation
            before.put(r.code(), overlay.containsKey(r.code()) ? overlay.get(r.code()) : find(r.code()).orElse(null));
        }
        overlay.put(r.code(), r);
        dirty.add(r.code());
    }

    /** Sets the properties a region of the draft will record (published on top of what it carries over). */
    void properties(String code, String json) {
        properties.put(code, json);
        dirty.add(code);
    }

    /** The properties set on a region in this draft, or null. */
    String properties(String code) {
        return properties.get(code);
    }

    /** Retires a region in the draft. */
    void retire(Row r) {
        put(new Row(r.code(), r.level(), r.name(), r.parentCode(), null, true, r.base()));
    }

    /** A new region (not in the base). */
    Row create(String code, Level level, String name, String parentCode, MultiPolygon geom) {
        Row r = new Row(code, level, name, parentCode, geom, false, false);
        put(r);
        return r;
    }

    void lineage(String from, String to, String relation, double areaSqm) {
        lineage.add(new Lineage(from, to, relation, areaSqm));
        lineageDirty = true;
    }

    List<Lineage> lineage() {
        return List.copyOf(lineage);
    }

    /**
     * The lineage as a generation records it: one row per (from, to, relation), areas summed; a piece moved back and
     * forth by several edits is measured once, as the area of the base region that the receiving one holds in the
     * end (a move undone by a later edit leaves no row).
     */
    List<Lineage> netLineage() {
        Map<String, Lineage> net = new LinkedHashMap<>();
        for (Lineage l : lineage) {
            net.merge(l.from() + "\u0000" + l.to() + "\u0000" + l.relation(), l,
                    (x, y) -> new Lineage(x.from(), x.to(), x.relation(), x.areaSqm() + y.areaSqm()));
        }
        List<Lineage> out = new ArrayList<>();
        for (Lineage l : net.values()) {
            Row to = overlay.get(l.to());
            MultiPolygon from = "moved".equals(l.relation()) && to != null && !to.deleted() ? baseShape(l.from()) : null;
            if (from == null) {
                out.add(l);
                continue;
            }
            double area = org.locationtech.jts.operation.overlayng.OverlayNGRobust.overlay(Plane.forward(from), Plane.forward(to.geom()),
                    org.locationtech.jts.operation.overlayng.OverlayNG.INTERSECTION).getArea();
            if (area >= 0.5) {
                out.add(new Lineage(l.from(), l.to(), l.relation(), area));
            }
        }
        return out;
    }

    /** The regions this operation changed so far, with their state before it (null: did not exist). */
    Map<String, Row> before() {
        return before;
    }

    /** The current state of a code this operation changed (null for unknown). */
    Row now(String code) {
        return overlay.get(code);
    }

    /** Every code the overlay holds. */
    Collection<Row> overlay() {
        return overlay.values();
    }

    /** Starts a new operation on the same draft (a replay applies several in one transaction). */
    void nextOperation() {
        before.clear();
    }

    /**
     * The next unused code under {@code parent} at {@code level}: one past the highest ever used in any generation,
     * in this draft or the base; codes are never reused. Empty when the 3-digit sequence is used up.
     */
    Optional<String> nextCode(String parent, Level level) {
        String max = sql(() -> regions.highestChildCodeEver(c, parent, level)).orElse(null);
        for (Set<String> codes : List.of(overlay.keySet(), reserved)) {
            for (String code : codes) {
                if (code.length() == level.codeLength() && code.startsWith(parent) && (max == null || code.compareTo(max) > 0)) {
                    max = code;
                }
            }
        }
        int next = max == null ? 1 : Integer.parseInt(max.substring(parent.length())) + 1;
        int width = level.codeLength() - parent.length();
        if (String.valueOf(next).length() > width) {
            return Optional.empty();
        }
        String code = parent + String.format("%0" + width + "d", next);
        reserved.add(code); // an operation may number several parts before it creates them
        return Optional.of(code);
    }

    /** Writes the changed rows (and the lineage) of this transaction into the overlay. */
    void flush() throws SQLException {
        WKBWriter wkb = new WKBWriter();
        if (!dirty.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.UPSERT_OVERLAY)) {
                for (String code : dirty) {
                    Row r = overlay.get(code);
                    ps.setLong(1, id);
                    ps.setString(2, r.code());
                    ps.setString(3, r.level().wireName());
                    ps.setString(4, r.name());
                    ps.setString(5, r.parentCode());
                    ps.setBytes(6, r.geom() == null ? null : wkb.write(r.geom()));
                    ps.setBoolean(7, r.deleted());
                    ps.setBoolean(8, r.base());
                    ps.setString(9, properties.get(code));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            dirty.clear();
        }
        if (lineageDirty) {
            try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.CLEAR_LINEAGE)) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.INSERT_LINEAGE)) {
                int seq = 0;
                for (Lineage l : lineage) {
                    ps.setLong(1, id);
                    ps.setInt(2, ++seq);
                    ps.setString(3, l.from());
                    ps.setString(4, l.to());
                    ps.setString(5, l.relation());
                    ps.setDouble(6, l.areaSqm());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            lineageDirty = false;
        }
    }

    /** The chain of a region of the draft, city first: the base's chain of its nearest ancestor in the base, then the new codes. */
    List<String> chain(Row r) {
        java.util.LinkedList<String> created = new java.util.LinkedList<>();
        Row at = r;
        while (at != null && !at.base()) {
            created.addFirst(at.code());
            at = at.parentCode() == null ? null : find(at.parentCode()).orElse(null);
        }
        String base = at == null ? null : at.code();
        List<String> out = new ArrayList<>(base == null ? List.of() : sql(() -> regions.lineage(c, base)));
        out.addAll(created);
        return out;
    }

    private List<RegionShape> base(List<String> codes) {
        return sql(() -> regions.shapes(c, codes));
    }

    private interface Read<T> {
        T get() throws SQLException;
    }

    private static <T> T sql(Read<T> read) {
        try {
            return read.get();
        } catch (SQLException e) {
            throw new IllegalStateException("draft read failed: " + e.getMessage(), e);
        }
    }

    private static Row row(RegionShape s) {
        return new Row(s.code(), s.level(), s.name(), s.parentCode(), s.geom(), false, true);
    }
}
