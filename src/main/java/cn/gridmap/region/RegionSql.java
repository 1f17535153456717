package cn.gridmap.region;

import cn.gridmap.geo.Srid;

/** All SQL of the region capability, with bound parameters only. Current generation = generation_high IS NULL. */
final class RegionSql {
    private RegionSql() {
    }

    static final String CURRENT = "generation_high IS NULL";

    static final String BY_CODE = "SELECT * FROM region WHERE code = :code AND " + CURRENT;

    static final String CURRENT_GENERATION = "SELECT max(id) FROM generation WHERE active";
    static final String CITY_CODE = "SELECT code FROM region WHERE level = 'city' AND " + CURRENT + " ORDER BY code LIMIT 1";
    static final String CHILDREN = "SELECT * FROM region WHERE parent_code = :code AND " + CURRENT + " ORDER BY code";

    static final String REFS_BY_CODES = "SELECT code, name, level FROM region WHERE code IN (:codes) AND " + CURRENT
            + " ORDER BY level_rank";

    static final String DESCENDANT_COUNTS = "SELECT level, count(*) FROM region WHERE path LIKE :prefix AND " + CURRENT
            + " GROUP BY level, level_rank ORDER BY level_rank";

    static final String SEARCH = """
            SELECT * FROM region WHERE %s AND (code LIKE :prefix OR name LIKE :contains)
            ORDER BY (code = :exact OR name = :exact) DESC, level_rank, code LIMIT :limit""".formatted(CURRENT);

    /** One region as an RFC 7946 Feature (geometry simplified by :tol degrees when > 0). */
    static final String FEATURE = """
            SELECT json_build_object('type', 'Feature', 'id', code, 'properties', %s,
                   'geometry', ST_AsGeoJSON(CASE WHEN :tol > 0 THEN ST_SimplifyPreserveTopology(geom, :tol) ELSE geom END, 7)::json)::text
            FROM region WHERE code = :code AND %s""";

    static final String PROPERTIES = """
            json_build_object('code', code, 'name', name, 'level', level, 'parentCode', parent_code, 'derived', derived,
                              'areaSqm', round(area_sqm::numeric), 'households', properties -> 'households')""";

    /** The filter of the FeatureCollection query; :minx.. are ignored when :bbox is false. */
    static final String COLLECTION_FILTER = """
            FROM region WHERE %s AND level = :level
              AND (NOT :bbox OR geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, %d))
              AND (CAST(:parent AS text) IS NULL OR parent_code = CAST(:parent AS text))""".formatted(CURRENT, Srid.STORAGE);

    static final String COLLECTION_COUNT = "SELECT count(*) " + COLLECTION_FILTER;

    static final String COLLECTION = """
            SELECT coalesce(json_agg(f ORDER BY code)::text, '[]') FROM (
              SELECT code, json_build_object('type', 'Feature', 'id', code, 'properties', %s,
                     'geometry', ST_AsGeoJSON(CASE WHEN :tol > 0 THEN ST_SimplifyPreserveTopology(geom, :tol) ELSE geom END, 7)::json) AS f
              %s ORDER BY code LIMIT :limit) x""";

    /** Label points (the stored point on surface, back in WGS84) with code, name and level, as a JSON array. */
    static final String LABELS = """
            SELECT coalesce(json_agg(json_build_object('code', code, 'name', name, 'level', level,
                     'lon', round(ST_X(p)::numeric, 6), 'lat', round(ST_Y(p)::numeric, 6)) ORDER BY code)::text, '[]') FROM (
              SELECT code, name, level, ST_Transform(label_3857, %d) AS p %s ORDER BY code LIMIT :limit) x""";

    static String labels() {
        return LABELS.formatted(Srid.STORAGE, COLLECTION_FILTER);
    }

    static String feature() {
        return FEATURE.formatted(PROPERTIES, CURRENT);
    }

    static String collection() {
        return COLLECTION.formatted(PROPERTIES, COLLECTION_FILTER);
    }
}
