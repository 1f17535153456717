package cn.gridmap.edit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.locationtech.jts.algorithm.construct.MaximumInscribedCircle;
import org.locationtech.jts.coverage.CoveragePolygonValidator;
import org.locationtech.jts.coverage.CoverageUnion;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.operation.distance.IndexedFacetDistance;
import org.locationtech.jts.operation.overlayng.OverlayNG;
import org.locationtech.jts.operation.overlayng.OverlayNGRobust;
import org.locationtech.jts.operation.valid.IsValidOp;
import org.locationtech.jts.operation.valid.TopologyValidationError;

import cn.gridmap.GridmapConfig;
import cn.gridmap.geo.GeoJson;
import cn.gridmap.region.Level;

/**
 * Validation of an operation at all six levels, on the touched micro-grids, their neighbours and their ancestors
 * only. Errors stop the operation (422 with rule and location); warnings go back with it. Ancestors are rebuilt
 * here as the exact union of their children, level by level, as far up as anything changes.
 */
final class Checks {
    /** A boundary that moved less than this (metres) only took new vertices on the 1 cm grid. */
    static final double SNAP_MOVE = 0.02;

    /** Households per region for the guideline warnings. */
    interface Households {
        Map<String, Integer> of(Map<String, MultiPolygon> regions);
    }

    private final Level unlocks;
    private final GridmapConfig.Edit guide;
    private final Households households;

    Checks(Level unlocks, GridmapConfig.Edit guide, Households households) {
        this.unlocks = unlocks;
        this.guide = guide;
        this.households = households;
    }

    Level unlocks() {
        return unlocks;
    }

    Operations.Outcome run(Draft d, Set<String> parents) {
        List<Issue> errors = new ArrayList<>();
        List<Draft.Row> changed = new ArrayList<>();
        for (String code : d.before().keySet()) {
            Draft.Row r = d.now(code);
            if (r.level() == Level.MICROGRID && !r.deleted()) {
                changed.add(r);
            }
        }
        long t0 = System.nanoTime();
        for (Draft.Row r : changed) {
            polygon(r, errors);
        }
        long t1 = System.nanoTime();
        if (errors.isEmpty()) {
            coverage(d, changed, errors);
        }
        long t2 = System.nanoTime();
        if (errors.isEmpty()) {
            conservation(d, errors);
        }
        if (errors.isEmpty()) {
            ancestors(d, parents, errors);
        }
        long t3 = System.nanoTime();
        org.jboss.logging.Logger.getLogger(Checks.class).debugf("checks: valid %d ms, coverage %d ms, ancestors %d ms (%d micro-grids)",
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, changed.size());
        if (!errors.isEmpty()) {
            throw new EditRejected(errors);
        }
        return new Operations.Outcome(List.copyOf(new TreeSet<>(d.before().keySet())), warnings(d, d.before().keySet()));
    }

    /** Valid (IsValidOp, with its coordinate) and in one part. */
    private static void polygon(Draft.Row r, List<Issue> errors) {
        TopologyValidationError err = new IsValidOp(r.geom()).getValidationError();
        if (err != null) {
            errors.add(Issue.error("invalid-polygon", r.level().wireName(), r.code(), null, "生成的多边形无效:" + err.getMessage(),
                    "the resulting polygon is invalid: " + err.getMessage(), GeoJson.geometry(r.geom().getFactory().createPoint(err.getCoordinate()))));
        } else if (r.geom().getNumGeometries() != 1) {
            errors.add(notContiguous(r.level(), r.code(), r.geom()));
        }
    }

    private static Issue notContiguous(Level level, String code, MultiPolygon g) {
        List<Geometry> parts = new ArrayList<>();
        for (int i = 0; i < g.getNumGeometries(); i++) {
            parts.add(g.getGeometryN(i));
        }
        parts.sort(Comparator.comparingDouble(Geometry::getArea).reversed());
        Geometry rest = g.getFactory().buildGeometry(parts.subList(1, parts.size()));
        return Issue.error("not-contiguous", level.wireName(), code, null, Operations.zh(level) + " " + code + " 被分成了 " + parts.size() + " 块",
                level.wireName() + " " + code + " falls into " + parts.size() + " parts", GeoJson.geometry(rest));
    }

    /** Each changed micro-grid against its neighbours in the draft: no overlap, every shared edge matched vertex for vertex. */
    private static void coverage(Draft d, List<Draft.Row> changed, List<Issue> errors) {
        for (Draft.Row r : changed) {
            List<Geometry> adjacent = new ArrayList<>();
            List<String> codes = new ArrayList<>();
            for (Draft.Row n : d.inBox(Level.MICROGRID, r.geom().getEnvelopeInternal())) {
                if (!n.code().equals(r.code())) {
                    adjacent.add(n.geom());
                    codes.add(n.code());
                }
            }
            Geometry bad = CoveragePolygonValidator.validate(r.geom(), adjacent.toArray(new Geometry[0]));
            if (!bad.isEmpty()) {
                String other = null;
                for (int i = 0; i < adjacent.size(); i++) {
                    if (adjacent.get(i).intersects(bad)) {
                        other = codes.get(i);
                        break;
                    }
                }
                errors.add(Issue.error("overlap-or-mismatch", Level.MICROGRID.wireName(), r.code(), other,
                        "微网格 " + r.code() + " 与相邻微网格重叠或公共边不一致", "micro-grid " + r.code() + " overlaps a neighbour or does not match its shared edge",
                        GeoJson.geometry(bad)));
            }
        }
    }

    /** The micro-grids an operation touched cover the same area after it as before (to the snap of new vertices). */
    private static void conservation(Draft d, List<Issue> errors) {
        double before = 0;
        double after = 0;
        double perimeter = 0;
        List<Geometry> where = new ArrayList<>();
        for (Map.Entry<String, Draft.Row> e : d.before().entrySet()) {
            Draft.Row now = d.now(e.getKey());
            if (now.level() != Level.MICROGRID) {
                continue;
            }
            if (e.getValue() != null && !e.getValue().deleted()) {
                Geometry p = Plane.forward(e.getValue().geom());
                before += p.getArea();
                where.add(e.getValue().geom());
            }
            if (!now.deleted()) {
                Geometry p = Plane.forward(now.geom());
                after += p.getArea();
                perimeter += p.getLength();
            }
        }
        if (Math.abs(before - after) > SNAP_MOVE / 2 * perimeter + 1e-6) {
            errors.add(Issue.error("area-not-conserved", Level.MICROGRID.wireName(), null, null,
                    String.format(java.util.Locale.ROOT, "改动的微网格面积之和从 %.1f 变为 %.1f 平方米", before, after),
                    String.format(java.util.Locale.ROOT, "the touched micro-grids' total area changed from %.1f to %.1f m²", before, after),
                    where.isEmpty() ? null : GeoJson.geometry(where.get(0).getFactory().buildGeometry(where).getEnvelope())));
        }
    }

    /**
     * Rebuilds each touched ancestor as the union of its children in the draft, from the grids up; stops where
     * nothing changes. A locked level (district and city always; community and street unless the change set
     * unlocks them) may only take new vertices on its boundary, never move: a gap or a spill is an error there.
     */
    private void ancestors(Draft d, Set<String> parents, List<Issue> errors) {
        TreeMap<Integer, Set<String>> pending = new TreeMap<>(Comparator.reverseOrder());
        for (String p : parents) {
            if (p != null) {
                pending.computeIfAbsent(p.length(), k -> new TreeSet<>()).add(p);
            }
        }
        while (!pending.isEmpty() && errors.isEmpty()) { // a level in error: the levels above would only echo it
            Set<String> level = pending.pollFirstEntry().getValue();
            for (String code : level) {
                Draft.Row row = d.find(code).orElse(null);
                if (row == null) {
                    continue; // retired by this operation (merged away)
                }
                List<Draft.Row> kids = d.children(code);
                if (kids.isEmpty()) {
                    errors.add(Issue.error("empty-region", row.level().wireName(), code, null, Operations.zh(row.level()) + " " + code + " 不再有任何下级区划",
                            row.level().wireName() + " " + code + " is left without any child region", GeoJson.geometry(row.geom())));
                    continue;
                }
                Geometry[] planes = kids.stream().map(k -> Plane.forward(k.geom())).toArray(Geometry[]::new);
                MultiPolygon union;
                try {
                    union = Plane.inverse(CoverageUnion.union(planes));
                } catch (org.locationtech.jts.geom.TopologyException e) {
                    errors.add(mismatch(row, kids, planes, e));
                    continue;
                }
                if (Operations.same(row.geom(), union)) {
                    continue;
                }
                if (union.getNumGeometries() != 1 && row.level() != Level.CITY && row.level() != Level.DISTRICT) {
                    errors.add(notContiguous(row.level(), code, union));
                    continue;
                }
                boolean locked = row.level().ordinal() <= Level.DISTRICT.ordinal() || row.level().ordinal() < unlocks.ordinal();
                if (locked && moved(row.geom(), union)) {
                    errors.add(locked(row, union));
                    continue;
                }
                d.put(row.with(union));
                if (row.parentCode() != null) {
                    pending.computeIfAbsent(row.parentCode().length(), k -> new TreeSet<>()).add(row.parentCode());
                }
            }
        }
    }

    /** The children of a parent do not form a coverage (their union is undefined): where they disagree. */
    private static Issue mismatch(Draft.Row parent, List<Draft.Row> kids, Geometry[] planes, org.locationtech.jts.geom.TopologyException e) {
        Geometry[] bad = org.locationtech.jts.coverage.CoverageValidator.validate(planes);
        List<Geometry> where = new ArrayList<>();
        String code = null;
        for (int i = 0; i < bad.length; i++) {
            if (bad[i] != null) {
                where.add(Plane.inverseAny(bad[i]));
                code = code == null ? kids.get(i).code() : code;
            }
        }
        Geometry at = where.isEmpty() ? (e.getCoordinate() == null ? null : Plane.inverseAny(Plane.FACTORY.createPoint(e.getCoordinate())))
                : where.get(0).getFactory().buildGeometry(where);
        return Issue.error("overlap-or-mismatch", kids.get(0).level().wireName(), code, parent.code(),
                Operations.zh(parent.level()) + " " + parent.code() + " 的下级区划互相重叠或公共边不一致",
                "the children of " + parent.level().wireName() + " " + parent.code() + " overlap or do not match along a shared edge",
                at == null ? null : GeoJson.geometry(at));
    }

    /** Whether a boundary moved by more than the snapping of new vertices (each side's vertices against the other). */
    static boolean moved(MultiPolygon before, MultiPolygon after) {
        Geometry b = Plane.forward(before);
        Geometry a = Plane.forward(after);
        return farVertex(a, b) || farVertex(b, a);
    }

    private static boolean farVertex(Geometry g, Geometry from) {
        Set<Coordinate> known = new HashSet<>(java.util.Arrays.asList(from.getCoordinates()));
        IndexedFacetDistance distance = null;
        for (Coordinate c : g.getCoordinates()) {
            if (known.contains(c)) {
                continue;
            }
            if (distance == null) {
                distance = new IndexedFacetDistance(from.getBoundary());
            }
            if (distance.distance(Plane.FACTORY.createPoint(c)) > SNAP_MOVE) {
                return true;
            }
        }
        return false;
    }

    private Issue locked(Draft.Row row, MultiPolygon union) {
        Geometry gap = OverlayNGRobust.overlay(row.geom(), union, OverlayNG.DIFFERENCE);
        Geometry spill = OverlayNGRobust.overlay(union, row.geom(), OverlayNG.DIFFERENCE);
        String lv = row.level().wireName();
        boolean unlockable = row.level().ordinal() > Level.DISTRICT.ordinal();
        return Issue.error("locked-boundary", lv, row.code(), null,
                Operations.zh(row.level()) + " " + row.code() + " 的边界被锁定,此改动会使其" + (gap.isEmpty() ? "" : "失去一部分") + (gap.isEmpty() || spill.isEmpty() ? "" : "、")
                        + (spill.isEmpty() ? "" : "越出原边界") + (unlockable ? "(变更集需声明 unlocks: " + lv + ")" : ""),
                "the boundary of " + lv + " " + row.code() + " is locked; this change would " + (gap.isEmpty() ? "" : "open a gap in it")
                        + (gap.isEmpty() || spill.isEmpty() ? "" : " and ") + (spill.isEmpty() ? "" : "spill out of it")
                        + (unlockable ? " (the change set must say unlocks: " + lv + ")" : ""),
                GeoJson.geometry(OverlayNGRobust.overlay(gap, spill, OverlayNG.UNION)));
    }

    /** Households out of the guideline (of the given micro-grids and grids) and slivers. */
    List<Issue> warnings(Draft d, java.util.Collection<String> codes) {
        List<Issue> out = new ArrayList<>();
        Map<String, MultiPolygon> regions = new LinkedHashMap<>();
        for (String code : new TreeSet<>(codes)) {
            Draft.Row r = d.now(code);
            if (!r.deleted() && (r.level() == Level.MICROGRID || r.level() == Level.GRID)) {
                regions.put(code, r.geom());
            }
        }
        Map<String, Integer> counts = regions.isEmpty() ? Map.of() : households.of(regions);
        for (Map.Entry<String, MultiPolygon> e : regions.entrySet()) {
            Draft.Row r = d.now(e.getKey());
            int n = counts.getOrDefault(e.getKey(), 0);
            boolean micro = r.level() == Level.MICROGRID;
            int min = micro ? guide.microgridHouseholdsMin() : guide.gridHouseholdsMin();
            int max = micro ? guide.microgridHouseholdsMax() : guide.gridHouseholdsMax();
            if (n < min || n > max) {
                out.add(new Issue("warning", "households-out-of-range", r.level().wireName(), r.code(), null, Map.of(
                        "zh", Operations.zh(r.level()) + " " + r.code() + " 有 " + n + " 户,指引为 " + min + "–" + max + " 户",
                        "en", r.level().wireName() + " " + r.code() + " has " + n + " households; the guideline is " + min + "–" + max),
                        GeoJson.geometry(r.geom().getInteriorPoint())));
            }
            if (micro) {
                Geometry p = Plane.forward(r.geom());
                Polygon largest = (Polygon) p.getGeometryN(0);
                MaximumInscribedCircle mic = new MaximumInscribedCircle(largest, 0.1);
                double radius = mic.getRadiusLine().getLength();
                if (radius < guide.sliverMetres()) {
                    out.add(new Issue("warning", "sliver", r.level().wireName(), r.code(), null, Map.of(
                            "zh", String.format(java.util.Locale.ROOT, "微网格 %s 过于狭长:最大内切圆半径 %.1f 米", r.code(), radius),
                            "en", String.format(java.util.Locale.ROOT, "micro-grid %s is a sliver: its widest inscribed circle has a radius of %.1f m", r.code(), radius)),
                            GeoJson.geometry(Plane.inverseAny(mic.getCenter()))));
                }
            }
        }
        return out;
    }
}
