package cn.gridmap.edit;

import java.util.ArrayList;
import java.util.List;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.operation.overlayng.OverlayNG;
import org.locationtech.jts.operation.overlayng.OverlayNGRobust;
import org.locationtech.jts.operation.polygonize.Polygonizer;
import org.locationtech.jts.operation.union.UnaryUnionOp;
import org.locationtech.jts.operation.valid.IsValidOp;
import org.locationtech.jts.operation.valid.TopologyValidationError;

import cn.gridmap.geo.GeoJson;

/**
 * reshapeEdge: the shared edge of two neighbours takes a new course, given as one line between the edge's pinned end
 * nodes. The two new polygons are the faces of the pair's union cut by that line, so both sides share every vertex
 * and nothing outside the pair changes. The line must run inside the pair and touch its outer boundary only at its
 * ends.
 */
final class EdgeReshape {
    /** Ends closer than this to a pinned node (degrees, about 1 cm) are taken as that node. */
    static final double END_TOLERANCE = 1e-7;

    /** The new geometries of a and b. */
    record Result(MultiPolygon a, MultiPolygon b) {
    }

    private EdgeReshape() {
    }

    static Result apply(String level, String a, Geometry ga, String b, Geometry gb, LineString line) {
        GeometryFactory f = ga.getFactory();
        List<SharedEdges.Edge> edges = SharedEdges.of(level, a, ga, b, gb);
        Coordinate s = line.getCoordinateN(0);
        Coordinate e = line.getCoordinateN(line.getNumPoints() - 1);
        SharedEdges.Edge edge = null;
        boolean reversed = false;
        for (SharedEdges.Edge x : edges) {
            if (x.closed()) {
                continue;
            }
            if (x.start().distance(s) <= END_TOLERANCE && x.end().distance(e) <= END_TOLERANCE) {
                edge = x;
            } else if (x.start().distance(e) <= END_TOLERANCE && x.end().distance(s) <= END_TOLERANCE) {
                edge = x;
                reversed = true;
            }
        }
        if (edge == null) {
            throw reject("ends-not-pinned", level, a, b, "新边界线的两端必须落在 " + a + " 与 " + b + " 公共边的端点上",
                    "the line must start and end at the pinned end nodes of the shared edge of " + a + " and " + b,
                    f.createMultiPoint(new Coordinate[] {s, e}));
        }
        // the ends become exactly the nodes, so that the third regions meeting there keep their vertices
        Coordinate[] cs = line.getCoordinates().clone();
        cs[0] = new Coordinate(reversed ? edge.end() : edge.start());
        cs[cs.length - 1] = new Coordinate(reversed ? edge.start() : edge.end());
        LineString l = f.createLineString(cs);
        if (!l.isSimple()) {
            throw reject("self-crossing", level, a, b, "新边界线自相交", "the line crosses itself", l);
        }
        Geometry pair = OverlayNGRobust.overlay(ga, gb, OverlayNG.UNION);
        Geometry outer = pair.getBoundary();
        Geometry touches = OverlayNGRobust.overlay(l, outer, OverlayNG.INTERSECTION);
        Geometry ends = f.createMultiPoint(new Coordinate[] {cs[0], cs[cs.length - 1]});
        if (!pair.covers(l) || !touches.equalsTopo(ends)) {
            Geometry where = OverlayNGRobust.overlay(l, pair, OverlayNG.DIFFERENCE);
            throw reject("line-leaves-pair", level, a, b, "新边界线离开了 " + a + " 与 " + b + " 的范围或触及其外边界",
                    "the line leaves " + a + " and " + b + " or touches their outer boundary between its ends",
                    where.isEmpty() ? OverlayNGRobust.overlay(touches, ends, OverlayNG.DIFFERENCE) : where);
        }
        Polygonizer p = new Polygonizer(false); // every face (true would keep only a non-adjacent selection)
        p.add(UnaryUnionOp.union(f.createGeometryCollection(new Geometry[] {outer, l})));
        @SuppressWarnings("unchecked")
        List<Polygon> faces = new ArrayList<>(p.getPolygons());
        // holes of the pair (a third region enclosed by the two) are faces of the linework too, but not the pair's
        faces.removeIf(face -> !pair.covers(face.getInteriorPoint()));
        if (faces.size() != 2) {
            throw reject("not-two-parts", level, a, b, "新边界线没有把两区划分成两部分", "the line does not cut the pair into two parts", l);
        }
        // the face that holds more of a's old area is the new a
        double a0 = OverlayNGRobust.overlay(faces.get(0), ga, OverlayNG.INTERSECTION).getArea();
        double a1 = OverlayNGRobust.overlay(faces.get(1), ga, OverlayNG.INTERSECTION).getArea();
        Polygon na = a0 >= a1 ? faces.get(0) : faces.get(1);
        Polygon nb = a0 >= a1 ? faces.get(1) : faces.get(0);
        for (Polygon q : new Polygon[] {na, nb}) {
            TopologyValidationError err = new IsValidOp(q).getValidationError();
            if (err != null) {
                throw reject("invalid-polygon", level, q == na ? a : b, q == na ? b : a, "生成的多边形无效:" + err.getMessage(),
                        "the resulting polygon is invalid: " + err.getMessage(), f.createPoint(err.getCoordinate()));
            }
        }
        double before = ga.getArea() + gb.getArea();
        double after = na.getArea() + nb.getArea();
        if (Math.abs(before - after) > 1e-9 * before) {
            throw reject("area-not-conserved", level, a, b, "两区面积之和改变了", "the two regions' total area changed", l);
        }
        // the polygonizer's ring starts depend on its graph's order: normalised, the same edit always stores the same rows
        MultiPolygon ma = f.createMultiPolygon(new Polygon[] {na});
        MultiPolygon mb = f.createMultiPolygon(new Polygon[] {nb});
        ma.normalize();
        mb.normalize();
        return new Result(ma, mb);
    }

    private static EditRejected reject(String rule, String level, String a, String b, String zh, String en, Geometry where) {
        return new EditRejected(List.of(Issue.error(rule, level, a, b, zh, en, GeoJson.geometry(where))));
    }
}
