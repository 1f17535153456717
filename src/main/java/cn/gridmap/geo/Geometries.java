package cn.gridmap.geo;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.CoordinateSequenceFilter;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.PrecisionModel;

/** Geometry factories per SRID and small, shared geometry helpers. Thread-safe. */
public final class Geometries {
    /** Factory for stored geometries (SRID {@link Srid#STORAGE}); PostGIS rejects mixed SRIDs. */
    public static final GeometryFactory STORAGE = new GeometryFactory(new PrecisionModel(), Srid.STORAGE);

    private Geometries() {
    }

    /** Returns a copy with every coordinate mapped by {@code f} (a {lon,lat} → {lon,lat} function). */
    public static Geometry mapCoordinates(Geometry g, UnaryOperator<double[]> f) {
        Geometry copy = g.copy();
        copy.apply(new CoordinateSequenceFilter() {
            @Override
            public void filter(CoordinateSequence seq, int i) {
                double[] r = f.apply(new double[] {seq.getX(i), seq.getY(i)});
                seq.setOrdinate(i, 0, r[0]);
                seq.setOrdinate(i, 1, r[1]);
            }

            @Override
            public boolean isDone() {
                return false;
            }

            @Override
            public boolean isGeometryChanged() {
                return true;
            }
        });
        return copy;
    }

    /** The polygonal parts of {@code g} as a MultiPolygon of the given factory (empty if none). */
    public static MultiPolygon toMultiPolygon(Geometry g, GeometryFactory factory) {
        List<Polygon> parts = new ArrayList<>();
        for (int i = 0; i < g.getNumGeometries(); i++) {
            Geometry p = g.getGeometryN(i);
            if (p instanceof Polygon poly && !poly.isEmpty()) {
                parts.add((Polygon) factory.createGeometry(poly));
            } else if (p instanceof MultiPolygon mp) {
                for (int j = 0; j < mp.getNumGeometries(); j++) {
                    parts.add((Polygon) factory.createGeometry(mp.getGeometryN(j)));
                }
            }
        }
        return factory.createMultiPolygon(parts.toArray(new Polygon[0]));
    }

    /** Rounds a coordinate to {@code decimals} places (used for committed files: 7 decimals ≈ 1 cm). */
    public static double round(double v, int decimals) {
        return new java.math.BigDecimal(v).setScale(decimals, java.math.RoundingMode.HALF_EVEN).doubleValue();
    }
}
