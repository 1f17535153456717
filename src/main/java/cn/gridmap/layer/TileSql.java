package cn.gridmap.layer;

import cn.gridmap.region.Level;

/**
 * Every tile query, in one place. Each takes the bound parameters (layer name, z, x, y, z, x, y, then per query) and
 * returns one {@code bytea} row: the layer's MVT. Tiles are cut in EPSG:3857 (ST_TileEnvelope, extent 4096, buffer
 * 64); rows are found through the WGS84 GiST indexes with the tile's envelope (plus buffer) transformed to 4326.
 * Column and table names come from the catalogue, never from a request.
 */
final class TileSql {
    /** The tile envelope in 3857 ({@code env}) and, with the buffer, in 4326 ({@code env4326}). Params: z, x, y, z, x, y. */
    private static final String TILE = "WITH tile AS (SELECT ST_TileEnvelope(?, ?, ?) AS env, "
            + "ST_Transform(ST_TileEnvelope(?, ?, ?, margin => 64.0 / 4096), 4326) AS env4326) ";
    private static final String MVT = "SELECT ST_AsMVT(t, ?, 4096, 'geom', 'fid') FROM (";
    private static final String GEOM = "ST_AsMVTGeom(%s, e.env, 4096, 64, true) AS geom";

    private TileSql() {
    }

    /** The city's WGS84 bounds (TileJSON bounds). */
    static final String CITY_BOUNDS = "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) AS e FROM region "
            + "WHERE level = 'city' AND generation_high IS NULL) b";

    /** Params after the tile: layer name, simplification tolerance (m), level. */
    static final String REGION = TILE + MVT + "SELECT r.id AS fid, r.code, r.name, r.level, (r.properties->>'households')::int AS households, "
            + "r.derived, CASE WHEN r.level = 'grid' THEN coalesce(r.properties->>'kind', 'standard') END AS kind, "
            + String.format(GEOM, "ST_Simplify(r.geom_3857, ?, true)")
            + " FROM region r, tile e WHERE r.level = ? AND r.generation_high IS NULL AND r.geom && e.env4326) t WHERE geom IS NOT NULL";

    /** Police beats with their station (params after the tile: layer name, tolerance in m). */
    static final String BEATS = TILE + MVT + "SELECT row_number() OVER (ORDER BY b.code) AS fid, b.code, b.name, b.station_code, s.name AS station, "
            + "b.officer, " + String.format(GEOM, "ST_Simplify(b.geom_3857, ?, true)")
            + " FROM police_beat b JOIN police_station s ON s.code = b.station_code, tile e WHERE b.geom && e.env4326) t WHERE geom IS NOT NULL";

    /** Params after the tile: layer name, tolerance (m), kinds (text[]). */
    static final String BASEMAP = TILE + MVT + "SELECT b.id AS fid, b.kind, b.name, " + String.format(GEOM, "ST_Simplify(b.geom_3857, ?, true)")
            + " FROM basemap_feature b, tile e WHERE b.kind = ANY (?) AND b.geom && e.env4326) t WHERE geom IS NOT NULL";

    /**
     * Points of an element layer. Params after the tile: layer name, then the values of {@code scope} (a condition on
     * alias {@code x} from cn.gridmap.security.AreaScope; null for the whole city).
     */
    static String points(String layer, String scope) {
        String p = String.format(GEOM, "ST_Transform(x.geom, 3857)");
        String from = " FROM %s x%s, tile e WHERE x.geom && e.env4326" + (scope == null ? "" : " AND " + scope.replace("%", "%%"))
                + ") t WHERE geom IS NOT NULL";
        return TILE + MVT + switch (layer) {
            case "events" -> "SELECT x.id AS fid, x.class_code, k.name AS class_name, "
                    + "to_char(x.occurred_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI') AS occurred_at, "
                    + "left(x.microgrid_code, 15) AS grid_code, x.state, x.overdue, " + p
                    + String.format(from, "event", " JOIN event_class k ON k.code = x.class_code");
            case "components" -> "SELECT x.id AS fid, x.code, x.class_code, x.name, x.state, " + p + String.format(from, "component", "");
            case "organizations" -> "SELECT x.id AS fid, x.name, x.kind, x.credit_code, x.category, " + p
                    + String.format(from, "organization", "");
            case "houses" -> "SELECT x.id AS fid, x.address, x.use, x.households, " + p + String.format(from, "house", "");
            default -> throw new IllegalArgumentException("no point layer " + layer);
        };
    }

    /**
     * Counts of an element layer per region of {@code level}, drawn at the region's label point. Params after the
     * tile: layer name, the values of {@code scope} (a condition on alias {@code m}, null for the whole city), level.
     */
    static String counts(String layer, Level level, String scope) {
        String column = switch (layer) {
            case "events", "components", "organizations", "houses" -> layer;
            default -> throw new IllegalArgumentException("no count layer " + layer);
        };
        String match = level == Level.DISTRICT ? "m.district_code = r.code"
                : "m.microgrid_code >= r.code AND m.microgrid_code < r.code || '~'";
        return TILE + MVT + "SELECT r.id AS fid, r.code, r.name, c.n AS count, " + String.format(GEOM, "r.label_3857")
                + " FROM region r CROSS JOIN tile e CROSS JOIN LATERAL (SELECT COALESCE(sum(m." + column + "), 0) AS n "
                + "FROM microgrid_stats m WHERE " + match + (scope == null ? "" : " AND " + scope) + ") c "
                + "WHERE r.level = ? AND r.generation_high IS NULL AND r.geom && e.env4326 AND c.n > 0) t WHERE geom IS NOT NULL";
    }
}
