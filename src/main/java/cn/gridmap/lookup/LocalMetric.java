package cn.gridmap.lookup;

import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;

/**
 * Point-to-boundary distances in metres, in a local equirectangular frame centred on the query point (WGS84
 * ellipsoid radii of curvature at its latitude). Error well under 1 % within a few kilometres.
 */
final class LocalMetric {
    static final double A = 6378137.0;
    static final double E2 = 0.00669437999014;
    static final double M_PER_DEG_LAT = 110_574.0;

    private LocalMetric() {
    }

    /** Distance from the point to the nearest edge of {@code g}. */
    static double distanceToBoundary(MultiPolygon g, double lon, double lat) {
        double phi = Math.toRadians(lat);
        double s = Math.sin(phi);
        double w = Math.sqrt(1 - E2 * s * s);
        double mx = Math.toRadians(1) * A * Math.cos(phi) / w; // metres per degree of longitude
        double my = Math.toRadians(1) * A * (1 - E2) / (w * w * w); // metres per degree of latitude
        double best = Double.MAX_VALUE;
        for (int p = 0; p < g.getNumGeometries(); p++) {
            Polygon poly = (Polygon) g.getGeometryN(p);
            for (int r = -1; r < poly.getNumInteriorRing(); r++) {
                LineString ring = r < 0 ? poly.getExteriorRing() : poly.getInteriorRingN(r);
                CoordinateSequence cs = ring.getCoordinateSequence();
                for (int i = 1; i < cs.size(); i++) {
                    best = Math.min(best, segmentDistance((cs.getX(i - 1) - lon) * mx, (cs.getY(i - 1) - lat) * my,
                            (cs.getX(i) - lon) * mx, (cs.getY(i) - lat) * my));
                }
            }
        }
        return best;
    }

    /** 0 when the point is in or on {@code g}, else the distance to it. */
    static double distanceToArea(MultiPolygon g, double lon, double lat, boolean covered) {
        return covered ? 0 : distanceToBoundary(g, lon, lat);
    }

    /** Distance from the origin to segment (x1,y1)-(x2,y2). */
    private static double segmentDistance(double x1, double y1, double x2, double y2) {
        double dx = x2 - x1;
        double dy = y2 - y1;
        double len2 = dx * dx + dy * dy;
        double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, -(x1 * dx + y1 * dy) / len2));
        double px = x1 + t * dx;
        double py = y1 + t * dy;
        return Math.sqrt(px * px + py * py);
    }
}
