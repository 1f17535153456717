package cn.gridmap.synthetic;

/**
 * A local equirectangular plane in metres around Zhenjiang, used only while deriving the hierarchy so that
 * distances, Voronoi cells and the 1 cm snapping grid are isotropic. Forward and inverse are plain
 * arithmetic (bit-identical on every machine). Not a survey projection: stored data stays lon/lat.
 */
final class LocalPlane {
    static final double LON0 = 119.5;
    static final double LAT0 = 32.0;
    /** Metres per degree of latitude and of longitude at LAT0 on the WGS84 ellipsoid. */
    static final double M_PER_DEG_LAT = 110_857.0;
    static final double M_PER_DEG_LON = 94_457.0;

    private LocalPlane() {
    }

    static double[] forward(double[] lonLat) {
        return new double[] {(lonLat[0] - LON0) * M_PER_DEG_LON, (lonLat[1] - LAT0) * M_PER_DEG_LAT};
    }

    static double[] inverse(double[] xy) {
        return new double[] {xy[0] / M_PER_DEG_LON + LON0, xy[1] / M_PER_DEG_LAT + LAT0};
    }
}
