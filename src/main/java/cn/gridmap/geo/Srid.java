package cn.gridmap.geo;

/**
 * The spatial reference systems gridmap names, in one place.
 *
 * <p>Storage uses {@link #STORAGE}: WGS84 numbers, which equal CGCS2000 (EPSG:4490) at this data's
 * accuracy (the two frames differ by centimetres to decimetres). Everything else is converted at the edges.
 */
public final class Srid {
    /** WGS 84 geographic, lon/lat degrees. */
    public static final int WGS84 = 4326;
    /** China Geodetic Coordinate System 2000, lon/lat degrees. */
    public static final int CGCS2000 = 4490;
    /** Web Mercator, metres (tiles). */
    public static final int WEB_MERCATOR = 3857;
    /** The SRID of every stored geometry. */
    public static final int STORAGE = WGS84;

    private Srid() {
    }
}
