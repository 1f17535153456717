package cn.gridmap.geo;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.locationtech.proj4j.BasicCoordinateTransform;
import org.locationtech.proj4j.CRSFactory;
import org.locationtech.proj4j.CoordinateReferenceSystem;
import org.locationtech.proj4j.ProjCoordinate;

/**
 * A coordinate system a caller may send points in, and the way to WGS84 numbers (storage).
 *
 * <ul>
 * <li>{@code 4326} WGS84 and {@code 4490} CGCS2000 lon/lat: taken as equal (difference below 1 m).</li>
 * <li>{@code gcj02} (Amap, Tencent) and {@code bd09} (Baidu): through {@link ChinaOffsets}.</li>
 * <li>{@code 4491}–{@code 4554}: the CGCS2000 Gauss-Krüger zones (6° and 3°, with and without the zone prefix),
 * x = easting and y = northing in metres whatever the EPSG axis order; transformed by proj4j with its EPSG
 * definitions.</li>
 * </ul>
 */
public final class InputCrs {
    /** Lowest and highest EPSG code of the CGCS2000 Gauss-Krüger projections. */
    public static final int GK_FIRST = 4491;
    public static final int GK_LAST = 4554;
    public static final String SUPPORTED = "4326, 4490, gcj02, bd09 or a CGCS2000 Gauss-Krüger EPSG code 4491–4554";
    private static final CRSFactory FACTORY = new CRSFactory();
    private static final Map<Integer, CoordinateReferenceSystem> PROJECTED = new ConcurrentHashMap<>();
    private static final CoordinateReferenceSystem CGCS2000_GEO = FACTORY.createFromName("EPSG:" + Srid.CGCS2000);

    private enum Kind { LONLAT, GCJ02, BD09, GAUSS_KRUGER }

    private final String id;
    private final Kind kind;
    private final int epsg;

    private InputCrs(String id, Kind kind, int epsg) {
        this.id = id;
        this.kind = kind;
        this.epsg = epsg;
    }

    public String id() {
        return id;
    }

    /** True when the numbers already are WGS84 lon/lat (4326, and 4490 taken as equal): no conversion needed. */
    public boolean isWgs84Numbers() {
        return kind == Kind.LONLAT;
    }

    /** Converts points of this CRS to WGS84 lon/lat. Not thread-safe: one converter per thread or request. */
    public interface Converter {
        double[] toWgs84(double x, double y);
    }

    /** A converter for this CRS (for projected CRSs it holds its own proj4j transform). */
    public Converter converter() {
        return switch (kind) {
            case LONLAT -> (x, y) -> new double[] {x, y};
            case GCJ02 -> ChinaOffsets::gcj02ToWgs84;
            case BD09 -> ChinaOffsets::bd09ToWgs84;
            case GAUSS_KRUGER -> {
                BasicCoordinateTransform t = new BasicCoordinateTransform(
                        PROJECTED.computeIfAbsent(epsg, e -> FACTORY.createFromName("EPSG:" + e)), CGCS2000_GEO);
                ProjCoordinate out = new ProjCoordinate();
                yield (x, y) -> {
                    t.transform(new ProjCoordinate(x, y), out);
                    return new double[] {out.x, out.y};
                };
            }
        };
    }

    /** Converts one point (convenience for single requests). */
    public double[] toWgs84(double x, double y) {
        return converter().toWgs84(x, y);
    }

    private static final java.util.regex.Pattern LAST_AUTHORITY = java.util.regex.Pattern.compile(
            "(?:AUTHORITY\\[\"EPSG\",\\s*\"?(\\d+)\"?\\]|ID\\[\"EPSG\",\\s*(\\d+)\\])\\s*\\]\\s*$");
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("^\\s*(PROJCS|GEOGCS|PROJCRS|GEOGCRS)\\[\"([^\"]+)\"");

    /**
     * The EPSG code of a Shapefile's .prj for the CRSs read here, or -1: the WKT's own top-level EPSG authority, else
     * the ESRI names of WGS 84, CGCS2000 and its Gauss-Krüger zones (CGCS2000_3_Degree_GK_CM_120E → 4549,
     * CGCS2000_3_Degree_GK_Zone_40 → 4528, CGCS2000_GK_CM_117E → 4509, CGCS2000_GK_Zone_20 → 4498).
     */
    public static int epsgOfPrj(String wkt) {
        if (wkt == null) {
            return -1;
        }
        String t = wkt.trim();
        java.util.regex.Matcher a = LAST_AUTHORITY.matcher(t);
        if (a.find()) {
            return Integer.parseInt(a.group(1) != null ? a.group(1) : a.group(2));
        }
        java.util.regex.Matcher n = NAME.matcher(t);
        if (!n.find()) {
            return -1;
        }
        String name = n.group(2).replace(' ', '_');
        java.util.regex.Matcher m;
        if ((m = java.util.regex.Pattern.compile("(?i)CGCS_?2000_3_Degree_GK_CM_(\\d+)E").matcher(name)).matches()) {
            return 4534 + (Integer.parseInt(m.group(1)) - 75) / 3;
        }
        if ((m = java.util.regex.Pattern.compile("(?i)CGCS_?2000_3_Degree_GK_Zone_(\\d+)").matcher(name)).matches()) {
            return 4513 + Integer.parseInt(m.group(1)) - 25;
        }
        if ((m = java.util.regex.Pattern.compile("(?i)CGCS_?2000_GK_CM_(\\d+)E").matcher(name)).matches()) {
            return 4502 + (Integer.parseInt(m.group(1)) - 75) / 6;
        }
        if ((m = java.util.regex.Pattern.compile("(?i)CGCS_?2000_GK_Zone_(\\d+)").matcher(name)).matches()) {
            return 4491 + Integer.parseInt(m.group(1)) - 13;
        }
        if (name.matches("(?i)(GCS_)?China_Geodetic_Coordinate_System_2000|CGCS_?2000")) {
            return Srid.CGCS2000;
        }
        if (name.matches("(?i)(GCS_)?WGS_?(19)?84")) {
            return Srid.WGS84;
        }
        return -1;
    }

    public static InputCrs parse(String s) {
        String t = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace("epsg:", "");
        switch (t) {
            case "4326":
                return new InputCrs("4326", Kind.LONLAT, Srid.WGS84);
            case "4490":
                return new InputCrs("4490", Kind.LONLAT, Srid.CGCS2000);
            case "gcj02":
                return new InputCrs("gcj02", Kind.GCJ02, 0);
            case "bd09":
                return new InputCrs("bd09", Kind.BD09, 0);
            default:
                if (t.matches("\\d{4}")) {
                    int code = Integer.parseInt(t);
                    if (code >= GK_FIRST && code <= GK_LAST) {
                        return new InputCrs(t, Kind.GAUSS_KRUGER, code);
                    }
                }
                throw new InvalidGeoInputException("unsupported crs '" + s + "'; use " + SUPPORTED);
        }
    }
}
