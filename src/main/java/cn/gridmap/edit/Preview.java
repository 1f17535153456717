package cn.gridmap.edit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import javax.sql.DataSource;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.index.strtree.ItemBoundable;
import org.locationtech.jts.index.strtree.ItemDistance;
import org.locationtech.jts.index.strtree.STRtree;
import org.locationtech.jts.io.WKBWriter;

import cn.gridmap.GridmapConfig;
import cn.gridmap.element.ElementPlacement;
import cn.gridmap.geo.Geometries;
import cn.gridmap.region.Level;
import cn.gridmap.region.RegionService;
import cn.gridmap.security.Caller;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What a change set moves: the elements of the micro-grids it changes, located again in the draft (never the whole
 * city), counted per kind from → to, listed page by page; households per touched region against the guideline;
 * events whose grid changes. And the per-region before/after diff of one level.
 */
@ApplicationScoped
public class Preview {
    /** The micro-grid of a point in a draft: the lowest code that covers it, else the nearest changed micro-grid. */
    static final class Locator {
        private final STRtree tree = new STRtree();
        private final boolean empty;

        Locator(List<Draft.Row> microgrids) {
            for (Draft.Row r : microgrids) {
                tree.insert(r.geom().getEnvelopeInternal(), r);
            }
            empty = microgrids.isEmpty();
            tree.build();
        }

        String code(double lon, double lat) {
            if (empty) {
                return null;
            }
            Point p = Geometries.STORAGE.createPoint(new Coordinate(lon, lat));
            String best = null;
            for (Object o : tree.query(p.getEnvelopeInternal())) {
                Draft.Row r = (Draft.Row) o;
                if ((best == null || r.code().compareTo(best) < 0) && r.geom().covers(p)) {
                    best = r.code();
                }
            }
            if (best != null) {
                return best;
            }
            ItemDistance byShape = (ItemBoundable a, ItemBoundable b) -> ((Draft.Row) a.getItem()).geom().distance((Geometry) b.getItem());
            Object nearest = tree.nearestNeighbour(p.getEnvelopeInternal(), p, byShape);
            return nearest == null ? null : ((Draft.Row) nearest).code();
        }
    }

    static Locator locator(Draft d) {
        List<Draft.Row> rows = new ArrayList<>();
        for (Draft.Row r : d.overlay()) {
            if (r.level() == Level.MICROGRID && !r.deleted()) {
                rows.add(r);
            }
        }
        return new Locator(rows);
    }

    /** The micro-grids of the base that the draft changes or retires: their elements are the only ones looked up again. */
    static Set<String> changedBaseMicrogrids(Draft d) {
        Set<String> out = new TreeSet<>();
        for (Draft.Row r : d.overlay()) {
            if (r.level() == Level.MICROGRID && r.base()) {
                out.add(r.code());
            }
        }
        return out;
    }

    private final DataSource dataSource;
    private final RegionService regions;
    private final ElementPlacement placement;
    private final GridmapConfig config;
    private final ChangeSetService changeSets;
    private final cn.gridmap.security.Accounts accounts;

    public Preview(DataSource dataSource, RegionService regions, ElementPlacement placement, GridmapConfig config, ChangeSetService changeSets,
            cn.gridmap.security.Accounts accounts) {
        this.dataSource = dataSource;
        this.accounts = accounts;
        this.regions = regions;
        this.placement = placement;
        this.config = config;
        this.changeSets = changeSets;
    }

    /** GET …/preview?kind=&limit=&offset=. */
    public Map<String, Object> preview(Caller caller, long id, String kind, int limit, int offset) {
        if (kind != null && !kind.isBlank() && !ElementPlacement.KINDS.containsKey(kind.trim())) {
            throw ApiException.badRequest("kind must be one of " + ElementPlacement.KINDS.keySet() + ", got '" + kind + "'");
        }
        ChangeSetService.ChangeSet cs = changeSets.get(caller, id);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                ChangeSetService.scope(c, caller);
                Draft d = Draft.load(c, id, regions);
                Locator locate = locator(d);
                List<ElementPlacement.Move> moves = placement.moves(c, changedBaseMicrogrids(d), locate::code);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("changeSet", id);
                out.put("revision", cs.revision());
                Map<String, Object> kinds = new LinkedHashMap<>();
                for (String k : ElementPlacement.KINDS.keySet()) {
                    kinds.put(k, counts(moves.stream().filter(m -> m.kind().equals(k)).toList()));
                }
                out.put("kinds", kinds);
                List<ElementPlacement.Move> listed = kind == null || kind.isBlank() ? moves
                        : moves.stream().filter(m -> m.kind().equals(kind.trim())).toList();
                List<Map<String, Object>> items = new ArrayList<>();
                for (ElementPlacement.Move m : listed.subList(Math.min(offset, listed.size()), Math.min(offset + limit, listed.size()))) {
                    items.add(move(m));
                }
                out.put("moves", Map.of("kind", kind == null || kind.isBlank() ? "all" : kind.trim(), "total", listed.size(), "limit", limit,
                        "offset", offset, "items", items));
                List<Map<String, Object>> households = households(c, d);
                out.put("households", households);
                List<Map<String, Object>> events = new ArrayList<>();
                for (ElementPlacement.Move m : moves) {
                    if (m.kind().equals("events") && !Level.gridOf(m.from()).equals(Level.gridOf(m.to()))) {
                        events.add(move(m));
                    }
                }
                out.put("eventsChangingGrid", events);
                out.put("workers", workers(households));
                return out;
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("preview failed: " + e.getMessage(), e);
        }
    }

    /** GET …/diff?level=: each region of the level the draft changes, before and after (area, households, people). */
    public Map<String, Object> diff(Caller caller, long id, String levelName) {
        Level level = Level.fromWire(levelName == null ? "microgrid" : levelName);
        if (level == null) {
            throw ApiException.badRequest("level must be one of city, district, street, community, grid, microgrid; got '" + levelName + "'");
        }
        changeSets.get(caller, id);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                ChangeSetService.scope(c, caller);
                Draft d = Draft.load(c, id, regions);
                BeforeAfter ba = beforeAfter(d, Set.of(level));
                Map<String, ElementPlacement.Counts> nb = placement.counts(c, ba.before());
                Map<String, ElementPlacement.Counts> na = placement.counts(c, ba.after());
                Map<String, Double> ab = areas(c, ba.before());
                Map<String, Double> aa = areas(c, ba.after());
                List<Map<String, Object>> out = new ArrayList<>();
                for (Draft.Row r : ba.rows()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("code", r.code());
                    m.put("name", r.name());
                    m.put("parentCode", r.parentCode());
                    m.put("state", r.deleted() ? "retired" : r.base() ? "changed" : "created");
                    m.put("before", r.base() ? side(ab.get(r.code()), nb.get(r.code())) : null);
                    m.put("after", r.deleted() ? null : side(aa.get(r.code()), na.get(r.code())));
                    out.add(m);
                }
                return Map.of("changeSet", id, "level", level.wireName(), "regions", out);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("diff failed: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> side(Double area, ElementPlacement.Counts n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("areaSqm", area == null ? null : Math.round(area));
        m.put("households", n == null ? 0 : n.households());
        m.put("people", n == null ? 0 : n.people());
        return m;
    }

    /** Households of every micro-grid and grid the draft changes, before and after, against the guideline. */
    private List<Map<String, Object>> households(Connection c, Draft d) throws SQLException {
        BeforeAfter ba = beforeAfter(d, Set.of(Level.MICROGRID, Level.GRID));
        Map<String, ElementPlacement.Counts> nb = placement.counts(c, ba.before());
        Map<String, ElementPlacement.Counts> na = placement.counts(c, ba.after());
        GridmapConfig.Edit g = config.edit();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Draft.Row r : ba.rows()) {
            boolean micro = r.level() == Level.MICROGRID;
            int min = micro ? g.microgridHouseholdsMin() : g.gridHouseholdsMin();
            int max = micro ? g.microgridHouseholdsMax() : g.gridHouseholdsMax();
            ElementPlacement.Counts none = new ElementPlacement.Counts(0, 0);
            Integer b = r.base() ? nb.getOrDefault(r.code(), none).households() : null;
            Integer a = r.deleted() ? null : na.getOrDefault(r.code(), none).households();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", r.code());
            m.put("name", r.name());
            m.put("level", r.level().wireName());
            m.put("state", r.deleted() ? "retired" : r.base() ? "changed" : "created");
            m.put("before", b);
            m.put("after", a);
            m.put("peopleBefore", r.base() ? nb.getOrDefault(r.code(), none).people() : null);
            m.put("peopleAfter", r.deleted() ? null : na.getOrDefault(r.code(), none).people());
            m.put("min", min);
            m.put("max", max);
            m.put("withinGuideline", a == null ? null : a >= min && a <= max);
            out.add(m);
        }
        return out;
    }

    /**
     * Who the change reaches: each grid worker or liaison of a touched grid or micro-grid with her households there
     * before and after (a retired region: she loses it), and the new grids nobody staffs yet.
     */
    private Map<String, Object> workers(List<Map<String, Object>> households) {
        Map<String, Map<String, Object>> byCode = new LinkedHashMap<>();
        households.forEach(h -> byCode.put((String) h.get("code"), h));
        List<Map<String, Object>> staff = new ArrayList<>();
        Set<String> staffed = new TreeSet<>();
        for (cn.gridmap.security.Accounts.Staff s : accounts.staff(byCode.keySet())) {
            for (String code : s.regions()) {
                Map<String, Object> h = byCode.get(code);
                staffed.add(code);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("username", s.username());
                m.put("displayName", s.displayName());
                m.put("roles", s.roles());
                m.put("region", code);
                m.put("level", h.get("level"));
                m.put("change", "retired".equals(h.get("state")) ? "loses" : "changed");
                m.put("householdsBefore", h.get("before"));
                m.put("householdsAfter", h.get("after"));
                staff.add(m);
            }
        }
        List<String> unstaffed = new ArrayList<>();
        byCode.forEach((code, h) -> {
            if ("created".equals(h.get("state")) && "grid".equals(h.get("level")) && !staffed.contains(code)) {
                unstaffed.add(code);
            }
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("staff", staff);
        out.put("unstaffedNewGrids", unstaffed);
        return out;
    }

    /** The regions of some levels the draft changes, with their base geometry (before) and their draft one (after). */
    private record BeforeAfter(List<Draft.Row> rows, Map<String, Geometry> before, Map<String, Geometry> after) {
    }

    private static BeforeAfter beforeAfter(Draft d, Set<Level> levels) {
        Map<String, Geometry> before = new LinkedHashMap<>();
        Map<String, Geometry> after = new LinkedHashMap<>();
        List<Draft.Row> rows = new ArrayList<>();
        for (Draft.Row r : d.overlay()) {
            if (!levels.contains(r.level()) || (!r.base() && r.deleted())) {
                continue; // created and retired again in the draft: never was
            }
            rows.add(r);
            if (r.base()) {
                before.put(r.code(), d.baseShape(r.code()));
            }
            if (!r.deleted()) {
                after.put(r.code(), r.geom());
            }
        }
        return new BeforeAfter(rows, before, after);
    }

    private static Map<String, Object> counts(List<ElementPlacement.Move> moves) {
        Map<String, Integer> micro = new TreeMap<>();
        Map<String, Integer> grids = new TreeMap<>();
        for (ElementPlacement.Move m : moves) {
            micro.merge(m.from() + ">" + m.to(), 1, Integer::sum);
            if (!Level.gridOf(m.from()).equals(Level.gridOf(m.to()))) {
                grids.merge(Level.gridOf(m.from()) + ">" + Level.gridOf(m.to()), 1, Integer::sum);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("moved", moves.size());
        out.put("microgrids", pairs(micro));
        out.put("grids", pairs(grids));
        return out;
    }

    private static List<Map<String, Object>> pairs(Map<String, Integer> counts) {
        List<Map<String, Object>> out = new ArrayList<>();
        counts.forEach((k, n) -> {
            String[] p = k.split(">");
            out.add(Map.of("from", p[0], "to", p[1], "count", n));
        });
        return out;
    }

    private static Map<String, Object> move(ElementPlacement.Move m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", m.kind());
        out.put("id", m.id());
        out.put("fromMicrogrid", m.from());
        out.put("toMicrogrid", m.to());
        out.put("fromGrid", Level.gridOf(m.from()));
        out.put("toGrid", Level.gridOf(m.to()));
        return out;
    }


    /** Geodesic areas (m²) of geometries, by key. */
    private static Map<String, Double> areas(Connection c, Map<String, Geometry> geoms) throws SQLException {
        Map<String, Double> out = new HashMap<>();
        if (geoms.isEmpty()) {
            return out;
        }
        WKBWriter wkb = new WKBWriter();
        List<String> keys = new ArrayList<>(geoms.keySet());
        byte[][] bytes = new byte[keys.size()][];
        for (int i = 0; i < keys.size(); i++) {
            bytes[i] = wkb.write(geoms.get(keys.get(i)));
        }
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.AREAS)) {
            ps.setArray(1, c.createArrayOf("text", keys.toArray()));
            ps.setArray(2, c.createArrayOf("bytea", bytes));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getDouble(2));
                }
            }
        }
        return out;
    }
}
