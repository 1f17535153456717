package cn.gridmap.edit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.PrecisionModel;
import org.locationtech.jts.operation.overlayng.UnaryUnionNG;
import org.locationtech.jts.operation.polygonize.Polygonizer;

import cn.gridmap.geo.Geometries;
import cn.gridmap.geo.LocalPlane;

/**
 * Edit geometry in the city's local plane (metres) on its 1 cm grid. Every stored vertex is the inverse of a grid
 * point, so carrying regions into the plane and snapping gives their vertices back exactly; new vertices (the
 * edited line, its crossings with old edges) land on the same grid. Neighbours computed from one noded linework
 * share every vertex.
 */
final class Plane {
    static final PrecisionModel GRID = new PrecisionModel(LocalPlane.SNAP);
    static final GeometryFactory FACTORY = new GeometryFactory(GRID, 0);

    /** One face of a re-partitioned area: its polygon in the plane and the index of the old region that held it. */
    record Face(Polygon polygon, int owner) {
        double area() {
            return polygon.getArea();
        }
    }

    private Plane() {
    }

    /** WGS84 into the plane, every vertex snapped to the grid (a stored vertex lands on its own grid point). */
    static Geometry forward(Geometry degrees) {
        return FACTORY.createGeometry(Geometries.mapCoordinates(degrees, p -> snap(LocalPlane.forward(p))));
    }

    static double[] snap(double[] xy) {
        return new double[] {Math.rint(xy[0] * LocalPlane.SNAP) / LocalPlane.SNAP, Math.rint(xy[1] * LocalPlane.SNAP) / LocalPlane.SNAP};
    }

    static MultiPolygon inverse(Geometry plane) {
        MultiPolygon m = Geometries.toMultiPolygon(Geometries.mapCoordinates(plane, LocalPlane::inverse), Geometries.STORAGE);
        m.normalize(); // one text for one shape: the same edit replayed stores the same rows
        return m;
    }

    /** Any plane geometry back in WGS84 (for the location of an issue). */
    static Geometry inverseAny(Geometry plane) {
        return Geometries.STORAGE.createGeometry(Geometries.mapCoordinates(plane, LocalPlane::inverse));
    }

    /** The union of polygons in the plane, snapped to the grid (exact for faces that share their edges). */
    static Geometry union(Collection<? extends Geometry> parts) {
        return UnaryUnionNG.union(FACTORY.buildGeometry(new ArrayList<>(parts)), GRID);
    }

    /**
     * The faces of old regions (plane, non-overlapping) cut by lines (plane): all boundaries and lines noded together
     * on the grid, polygonized, and each face given to the old region that covers its interior point. Faces outside
     * every old region (holes, the outside) are left out.
     */
    static List<Face> faces(List<Geometry> olds, List<? extends Geometry> lines) {
        List<Geometry> work = new ArrayList<>();
        for (Geometry o : olds) {
            work.add(o.getBoundary());
        }
        work.addAll(lines);
        Geometry noded = UnaryUnionNG.union(FACTORY.buildGeometry(work), GRID);
        Polygonizer p = new Polygonizer(false);
        p.add(noded);
        List<Face> out = new ArrayList<>();
        for (Object o : p.getPolygons()) {
            Polygon face = (Polygon) o;
            org.locationtech.jts.geom.Point inside = face.getInteriorPoint();
            for (int i = 0; i < olds.size(); i++) {
                if (olds.get(i).covers(inside)) {
                    out.add(new Face(face, i));
                    break;
                }
            }
        }
        return out;
    }

    /** A line carried into the plane (its vertices snapped to the grid, repeated ones dropped). */
    static LineString line(LineString degrees) {
        LineString l = (LineString) forward(degrees);
        Geometry reduced = org.locationtech.jts.precision.GeometryPrecisionReducer.reduce(l, GRID);
        return reduced instanceof LineString ls ? ls : FACTORY.createLineString();
    }

    /** The length of the boundary two plane polygons share (0 when they only touch at points or not at all). */
    static double sharedLength(Geometry a, Geometry b) {
        if (!a.getEnvelopeInternal().intersects(b.getEnvelopeInternal())) {
            return 0;
        }
        return a.getBoundary().intersection(b.getBoundary()).getLength();
    }
}
