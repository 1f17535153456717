package cn.gridmap.edit;

import java.util.List;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.operation.overlayng.OverlayNG;
import org.locationtech.jts.operation.overlayng.OverlayNGRobust;

/**
 * reshapeEdge: the shared edge of two neighbours takes a new course, given as one line between the edge's pinned end
 * nodes. The two sides are the faces of the pair's union cut by that line (in the plane, on the 1 cm grid), so both
 * share every vertex and nothing outside the pair changes. The line must run inside the pair and touch its outer
 * boundary only at its ends.
 */
final class EdgeReshape {
    /** Ends closer than this to a pinned node (degrees, about 1 cm) are taken as that node. */
    static final double END_TOLERANCE = 1e-7;

    /** The two sides of the new edge in the plane (a's first), and the line itself in the plane. */
    record Sides(Polygon a, Polygon b, LineString line) {
    }

    private EdgeReshape() {
    }

    static Sides cut(String level, String a, Geometry ga, String b, Geometry gb, LineString line) {
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
        LineString degrees = f.createLineString(cs);
        LineString l = Plane.line(degrees);
        if (l.getNumPoints() < 2 || !l.isSimple()) {
            throw reject("self-crossing", level, a, b, "新边界线自相交", "the line crosses itself", degrees);
        }
        Geometry pa = Plane.forward(ga);
        Geometry pb = Plane.forward(gb);
        Geometry pair = Plane.union(List.of(pa, pb));
        Geometry outer = pair.getBoundary();
        Geometry touches = OverlayNGRobust.overlay(l, outer, OverlayNG.INTERSECTION);
        Geometry ends = Plane.FACTORY.createMultiPoint(new Coordinate[] {l.getCoordinateN(0), l.getCoordinateN(l.getNumPoints() - 1)});
        if (!pair.covers(l) || !touches.equalsTopo(ends)) {
            Geometry where = OverlayNGRobust.overlay(l, pair, OverlayNG.DIFFERENCE);
            throw reject("line-leaves-pair", level, a, b, "新边界线离开了 " + a + " 与 " + b + " 的范围或触及其外边界",
                    "the line leaves " + a + " and " + b + " or touches their outer boundary between its ends",
                    Plane.inverseAny(where.isEmpty() ? OverlayNGRobust.overlay(touches, ends, OverlayNG.DIFFERENCE) : where));
        }
        List<Plane.Face> faces = Plane.faces(List.of(pair), List.of(l));
        if (faces.size() != 2) {
            throw reject("not-two-parts", level, a, b, "新边界线没有把两区划分成两部分", "the line does not cut the pair into two parts", degrees);
        }
        // the face that holds more of a's old area is the new a
        Polygon f0 = faces.get(0).polygon();
        Polygon f1 = faces.get(1).polygon();
        double a0 = OverlayNGRobust.overlay(f0, pa, OverlayNG.INTERSECTION).getArea();
        double a1 = OverlayNGRobust.overlay(f1, pa, OverlayNG.INTERSECTION).getArea();
        return a0 >= a1 ? new Sides(f0, f1, l) : new Sides(f1, f0, l);
    }

    private static EditRejected reject(String rule, String level, String a, String b, String zh, String en, Geometry where) {
        return EditOp.at(rule, level, a, b, zh, en, where);
    }
}
