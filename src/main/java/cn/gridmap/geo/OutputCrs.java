package cn.gridmap.geo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A coordinate reference system gridmap answers in (OGC API – Features Part 2 {@code crs}/{@code bbox-crs}, exports):
 * OGC CRS84 (WGS84 lon/lat, the storage numbers), EPSG:4326, EPSG:4490 CGCS2000 and the CGCS2000 Gauss-Krüger
 * projections EPSG:4491–4554. Named by an OGC URI ({@code http://www.opengis.net/def/crs/EPSG/0/4549}), a safe CURIE
 * ({@code [EPSG:4549]}), {@code EPSG:4549} or the bare code. PostGIS does the transformation ({@code ST_Transform}).
 *
 * <p>Axis order: EPSG:4326 and EPSG:4490 are latitude first and the Gauss-Krüger CRSs northing first (the EPSG
 * definitions); CRS84 is longitude first. {@link #authorityOrder()} says whether positions are swapped when the
 * standard asks for the authority's order (the OGC API); files (GeoPackage, Shapefile) keep x = east.
 */
public record OutputCrs(String uri, int srid) {
    public static final String CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    private static final String EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/";
    /** The CGCS2000 Gauss-Krüger CRSs of Jiangsu (116.3°–121.9° E): 6° zones 20/21, 3° zones 39/40/41, with and without the zone prefix. */
    public static final List<Integer> JIANGSU_GAUSS_KRUGER = List.of(4498, 4499, 4509, 4510, 4527, 4528, 4529, 4548, 4549, 4550);
    public static final OutputCrs CRS84 = new OutputCrs(CRS84_URI, Srid.STORAGE);

    /** The CRSs the OGC API lists for each collection: CRS84 first (the default), then 4326, 4490 and the Jiangsu zones. */
    public static List<OutputCrs> offered() {
        List<OutputCrs> out = new ArrayList<>(List.of(CRS84, epsg(Srid.WGS84), epsg(Srid.CGCS2000)));
        JIANGSU_GAUSS_KRUGER.forEach(c -> out.add(epsg(c)));
        return out;
    }

    public static OutputCrs epsg(int code) {
        return new OutputCrs(EPSG_URI + code, code);
    }

    /** True for the CRS84 URI: longitude first, the numbers as stored. */
    public boolean isCrs84() {
        return uri.equals(CRS84_URI);
    }

    /** A Gauss-Krüger projection (metres); otherwise geographic degrees. */
    public boolean projected() {
        return srid >= InputCrs.GK_FIRST && srid <= InputCrs.GK_LAST;
    }

    /** Whether the authority's axis order swaps the stored x/y (latitude or northing first): every EPSG CRS here. */
    public boolean authorityOrder() {
        return !isCrs84();
    }

    /** Decimals that keep 0.1 mm: 4 in metres, 9 in degrees. */
    public int decimals() {
        return projected() ? 4 : 9;
    }

    /** SQL for a stored geometry column in this CRS, x = east (files). */
    public String sql(String column) {
        return srid == Srid.STORAGE ? column : "ST_Transform(" + column + ", " + srid + ")";
    }

    /** SQL for a stored geometry column in this CRS with the axes in the authority's order (the OGC API). */
    public String sqlAuthorityOrder(String column) {
        return authorityOrder() ? "ST_FlipCoordinates(" + sql(column) + ")" : sql(column);
    }

    /** SQL turning a geometry given in this CRS (authority order when {@code authority}) into storage. */
    public String sqlToStorage(String geometry, boolean authority) {
        String g = authority && authorityOrder() ? "ST_FlipCoordinates(" + geometry + ")" : geometry;
        return srid == Srid.STORAGE ? g : "ST_Transform(" + g + ", " + Srid.STORAGE + ")";
    }

    /** The .prj-style short name, e.g. {@code EPSG:4549}. */
    public String code() {
        return isCrs84() ? "OGC:CRS84" : "EPSG:" + srid;
    }

    /**
     * Parses a CRS name; null or blank gives {@code fallback}. Unsupported names are a 400 with what is supported.
     */
    public static OutputCrs parse(String s, OutputCrs fallback) {
        if (s == null || s.isBlank()) {
            return fallback;
        }
        String t = s.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        String l = t.toLowerCase(Locale.ROOT);
        if (l.equals(CRS84_URI.toLowerCase(Locale.ROOT)) || l.equals("crs84") || l.equals("ogc:crs84")
                || l.equals("http://www.opengis.net/def/crs/ogc/0/crs84")) {
            return CRS84;
        }
        String epsgUri = EPSG_URI.toLowerCase(Locale.ROOT);
        String code = l.startsWith(epsgUri) ? l.substring(epsgUri.length()) : l.startsWith("epsg:") ? l.substring(5) : l;
        if (code.matches("\\d{4}")) {
            int n = Integer.parseInt(code);
            if (n == Srid.WGS84 || n == Srid.CGCS2000 || (n >= InputCrs.GK_FIRST && n <= InputCrs.GK_LAST)) {
                return epsg(n);
            }
        }
        throw new InvalidGeoInputException("unsupported crs '" + s + "'; use " + CRS84_URI + ", EPSG:4326, EPSG:4490 or a CGCS2000 "
                + "Gauss-Krüger EPSG code 4491–4554 (Jiangsu: " + JIANGSU_GAUSS_KRUGER + ")");
    }
}
