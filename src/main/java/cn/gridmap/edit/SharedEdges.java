package cn.gridmap.edit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.operation.distance.DistanceOp;
import org.locationtech.jts.operation.linemerge.LineMerger;
import org.locationtech.jts.operation.overlayng.OverlayNG;
import org.locationtech.jts.operation.overlayng.OverlayNGRobust;

import cn.gridmap.geo.GeoJson;

/**
 * The shared boundary of two adjacent regions: the intersection of their boundaries, merged into maximal lines. The
 * generator (and every edit) builds neighbours from the same vertices, so the shared segments are exact. A line's
 * ends are nodes where a third region meets the two (or the city's edge): an edit of the edge must keep them
 * (pinned). A closed line (one region inside the other) has no ends.
 */
final class SharedEdges {
    /** One shared line with its pinned end nodes. */
    record Edge(LineString line, boolean closed) {
        Coordinate start() {
            return line.getCoordinateN(0);
        }

        Coordinate end() {
            return line.getCoordinateN(line.getNumPoints() - 1);
        }
    }

    private SharedEdges() {
    }

    /** The shared lines of a and b; a 422 when they share no line (apart, or touching at points only). */
    static List<Edge> of(String level, String a, Geometry ga, String b, Geometry gb) {
        Geometry common = OverlayNGRobust.overlay(ga.getBoundary(), gb.getBoundary(), OverlayNG.INTERSECTION);
        LineMerger merger = new LineMerger();
        for (int i = 0; i < common.getNumGeometries(); i++) {
            Geometry part = common.getGeometryN(i);
            if (part instanceof LineString ls && ls.getLength() > 0) {
                merger.add(ls);
            }
        }
        @SuppressWarnings("unchecked")
        Collection<LineString> merged = merger.getMergedLineStrings();
        if (merged.isEmpty()) {
            Coordinate[] near = DistanceOp.nearestPoints(ga, gb);
            GeometryFactory f = ga.getFactory();
            Geometry where = near[0].equals2D(near[1]) ? f.createPoint(near[0]) : f.createLineString(near);
            throw new EditRejected(List.of(Issue.error("not-adjacent", level, a, b,
                    a + " 与 " + b + " 没有公共边界" + (near[0].equals2D(near[1]) ? "(仅在一点相接)" : ""),
                    a + " and " + b + " share no boundary" + (near[0].equals2D(near[1]) ? " (they touch at a point only)"
                            : String.format(java.util.Locale.ROOT, " (%.1f m apart at the nearest)", metres(near[0], near[1]))),
                    GeoJson.geometry(where))));
        }
        List<Edge> out = new ArrayList<>();
        for (LineString ls : merged) {
            out.add(new Edge(ls, ls.isClosed()));
        }
        out.sort((x, y) -> Double.compare(y.line().getLength(), x.line().getLength()));
        return out;
    }

    /** Rough distance in metres between two WGS84 points (for a message only). */
    private static double metres(Coordinate p, Coordinate q) {
        double k = Math.cos(Math.toRadians((p.y + q.y) / 2));
        double dx = (q.x - p.x) * 111_320 * k;
        double dy = (q.y - p.y) * 110_574;
        return Math.hypot(dx, dy);
    }
}
