package cn.gridmap.geo;

import java.util.Arrays;
import java.util.Locale;

/**
 * The coordinate systems a caller may send points in, and their conversion to storage (WGS84 numbers).
 * CGCS2000 is taken as equal to WGS84 (difference below 1 m); GCJ-02 and BD-09 go through {@link ChinaOffsets}.
 */
public enum InputCrs {
    WGS84(String.valueOf(Srid.WGS84)), CGCS2000(String.valueOf(Srid.CGCS2000)), GCJ02("gcj02"), BD09("bd09");

    private final String id;

    InputCrs(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** {lon, lat} in WGS84 for the given x (longitude) and y (latitude) in this CRS. */
    public double[] toWgs84(double x, double y) {
        return switch (this) {
            case WGS84, CGCS2000 -> new double[] {x, y};
            case GCJ02 -> ChinaOffsets.gcj02ToWgs84(x, y);
            case BD09 -> ChinaOffsets.bd09ToWgs84(x, y);
        };
    }

    public static InputCrs parse(String s) {
        String t = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace("epsg:", "");
        for (InputCrs c : values()) {
            if (c.id.equals(t)) {
                return c;
            }
        }
        throw new InvalidGeoInputException("unsupported crs '" + s + "'; use one of "
                + Arrays.stream(values()).map(InputCrs::id).toList());
    }
}
