package cn.gridmap.geo;

/**
 * A local equirectangular plane in metres around Zhenjiang, where the hierarchy is derived and edited so that
 * distances, Voronoi cells and the 1 cm snapping grid are isotropic. Every region vertex is the inverse of a point of
 * that grid, and {@link #SNAP} names the grid: forward, snap, inverse gives back a stored vertex bit for bit. Forward and inverse are plain
 * arithmetic (bit-identical on every machine). Not a survey projection: stored data stays lon/lat.
 */
public final class LocalPlane {
    public static final double LON0 = 119.5;
    public static final double LAT0 = 32.0;
    /** Metres per degree of latitude and of longitude at LAT0 on the WGS84 ellipsoid. */
    public static final double M_PER_DEG_LAT = 110_857.0;
    public static final double M_PER_DEG_LON = 94_457.0;

    /** The snapping grid: 1 cm (a JTS precision model scale of 100 per metre). */
    public static final double SNAP = 100;

    private LocalPlane() {
    }

    public static double[] forward(double[] lonLat) {
        return new double[] {(lonLat[0] - LON0) * M_PER_DEG_LON, (lonLat[1] - LAT0) * M_PER_DEG_LAT};
    }

    public static double[] inverse(double[] xy) {
        return new double[] {xy[0] / M_PER_DEG_LON + LON0, xy[1] / M_PER_DEG_LAT + LAT0};
    }
}
