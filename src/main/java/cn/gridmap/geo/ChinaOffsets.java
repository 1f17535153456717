package cn.gridmap.geo;

/**
 * Converter between WGS84/CGCS2000 and the offset systems of Chinese web maps: GCJ-02 (Amap, Tencent,
 * Apple China; the public "Mars" obfuscation formula) and BD-09 (Baidu, a further offset of GCJ-02).
 *
 * <p>The forward formula is the widely published one (constants as in wandergis/coordtransform). Its
 * inverse has no closed form: {@link #gcj02ToWgs84} iterates the forward formula (fixed-point on the
 * offset) until the round trip is below 1e-10 degrees, instead of the common one-step approximation
 * that leaves metre-level error. Points outside China's bounding box are not offset.
 *
 * <p>All methods are pure functions on {@code double[]{lon, lat}}; thread-safe. StrictMath keeps the
 * results bit-identical on every machine (derived data is generated from these numbers).
 */
public final class ChinaOffsets {
    private static final double PI = 3.1415926535897932384626;
    private static final double X_PI = 3.14159265358979324 * 3000.0 / 180.0;
    /** Krasovsky 1940 semi-major axis used by the GCJ-02 formula. */
    private static final double A = 6378245.0;
    /** Eccentricity squared used by the GCJ-02 formula. */
    private static final double EE = 0.00669342162296594323;
    private static final double INVERSE_TOLERANCE_DEG = 1e-10;
    private static final int INVERSE_MAX_ITERATIONS = 30;

    private ChinaOffsets() {
    }

    /** True outside the rectangle in which the GCJ-02 offset applies (the formula's own convention). */
    public static boolean outOfChina(double lon, double lat) {
        return !(lon > 73.66 && lon < 135.05 && lat > 3.86 && lat < 53.55);
    }

    public static double[] wgs84ToGcj02(double lon, double lat) {
        if (outOfChina(lon, lat)) {
            return new double[] {lon, lat};
        }
        double[] d = delta(lon, lat);
        return new double[] {lon + d[0], lat + d[1]};
    }

    /** Inverse of {@link #wgs84ToGcj02}, iterated to 1e-10 degrees (about 0.01 mm). */
    public static double[] gcj02ToWgs84(double lon, double lat) {
        if (outOfChina(lon, lat)) {
            return new double[] {lon, lat};
        }
        double wLon = lon;
        double wLat = lat;
        for (int i = 0; i < INVERSE_MAX_ITERATIONS; i++) {
            double[] g = wgs84ToGcj02(wLon, wLat);
            double eLon = g[0] - lon;
            double eLat = g[1] - lat;
            wLon -= eLon;
            wLat -= eLat;
            if (StrictMath.abs(eLon) < INVERSE_TOLERANCE_DEG && StrictMath.abs(eLat) < INVERSE_TOLERANCE_DEG) {
                break;
            }
        }
        return new double[] {wLon, wLat};
    }

    public static double[] gcj02ToBd09(double lon, double lat) {
        double z = StrictMath.sqrt(lon * lon + lat * lat) + 0.00002 * StrictMath.sin(lat * X_PI);
        double theta = StrictMath.atan2(lat, lon) + 0.000003 * StrictMath.cos(lon * X_PI);
        return new double[] {z * StrictMath.cos(theta) + 0.0065, z * StrictMath.sin(theta) + 0.006};
    }

    public static double[] bd09ToGcj02(double lon, double lat) {
        double x = lon - 0.0065;
        double y = lat - 0.006;
        double z = StrictMath.sqrt(x * x + y * y) - 0.00002 * StrictMath.sin(y * X_PI);
        double theta = StrictMath.atan2(y, x) - 0.000003 * StrictMath.cos(x * X_PI);
        return new double[] {z * StrictMath.cos(theta), z * StrictMath.sin(theta)};
    }

    public static double[] wgs84ToBd09(double lon, double lat) {
        double[] g = wgs84ToGcj02(lon, lat);
        return gcj02ToBd09(g[0], g[1]);
    }

    public static double[] bd09ToWgs84(double lon, double lat) {
        double[] g = bd09ToGcj02(lon, lat);
        return gcj02ToWgs84(g[0], g[1]);
    }

    private static double[] delta(double lon, double lat) {
        double dLat = transformLat(lon - 105.0, lat - 35.0);
        double dLon = transformLon(lon - 105.0, lat - 35.0);
        double radLat = lat / 180.0 * PI;
        double magic = StrictMath.sin(radLat);
        magic = 1 - EE * magic * magic;
        double sqrtMagic = StrictMath.sqrt(magic);
        dLat = (dLat * 180.0) / ((A * (1 - EE)) / (magic * sqrtMagic) * PI);
        dLon = (dLon * 180.0) / (A / sqrtMagic * StrictMath.cos(radLat) * PI);
        return new double[] {dLon, dLat};
    }

    private static double transformLat(double x, double y) {
        double ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * StrictMath.sqrt(StrictMath.abs(x));
        ret += (20.0 * StrictMath.sin(6.0 * x * PI) + 20.0 * StrictMath.sin(2.0 * x * PI)) * 2.0 / 3.0;
        ret += (20.0 * StrictMath.sin(y * PI) + 40.0 * StrictMath.sin(y / 3.0 * PI)) * 2.0 / 3.0;
        ret += (160.0 * StrictMath.sin(y / 12.0 * PI) + 320 * StrictMath.sin(y * PI / 30.0)) * 2.0 / 3.0;
        return ret;
    }

    private static double transformLon(double x, double y) {
        double ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * StrictMath.sqrt(StrictMath.abs(x));
        ret += (20.0 * StrictMath.sin(6.0 * x * PI) + 20.0 * StrictMath.sin(2.0 * x * PI)) * 2.0 / 3.0;
        ret += (20.0 * StrictMath.sin(x * PI) + 40.0 * StrictMath.sin(x / 3.0 * PI)) * 2.0 / 3.0;
        ret += (150.0 * StrictMath.sin(x / 12.0 * PI) + 300.0 * StrictMath.sin(x / 30.0 * PI)) * 2.0 / 3.0;
        return ret;
    }
}
