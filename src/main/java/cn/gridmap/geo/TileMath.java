package cn.gridmap.geo;

/** Web Mercator (EPSG:3857) XYZ tile arithmetic: validation and WGS84 bounds of a tile. */
public final class TileMath {
    /** The deepest zoom served. */
    public static final int MAX_ZOOM = 22;

    private TileMath() {
    }

    /** Why z/x/y is not a tile, or null when it is. */
    public static String problem(int z, long x, long y) {
        if (z < 0 || z > MAX_ZOOM) {
            return "zoom must be 0–" + MAX_ZOOM + ", got " + z;
        }
        long n = 1L << z;
        if (x < 0 || x >= n || y < 0 || y >= n) {
            return "at zoom " + z + " x and y must be 0–" + (n - 1) + ", got " + x + "/" + y;
        }
        return null;
    }

    /** The WGS84 bounds of tile z/x/y as {minLon, minLat, maxLon, maxLat}. */
    public static double[] bounds(int z, long x, long y) {
        double n = 1L << z;
        return new double[] {x / n * 360 - 180, lat(y + 1, n), (x + 1) / n * 360 - 180, lat(y, n)};
    }

    private static double lat(double y, double n) {
        return Math.toDegrees(Math.atan(Math.sinh(Math.PI * (1 - 2 * y / n))));
    }

    /** The tile holding a WGS84 point at zoom z, as {x, y}. */
    public static long[] tileOf(int z, double lon, double lat) {
        double n = 1L << z;
        double r = Math.toRadians(lat);
        long x = (long) Math.floor((lon + 180) / 360 * n);
        long y = (long) Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * n);
        return new long[] {Math.max(0, Math.min((long) n - 1, x)), Math.max(0, Math.min((long) n - 1, y))};
    }
}
