package cn.gridmap.region;

import cn.gridmap.geo.Srid;

/** All SQL of the region capability, with bound parameters only. Current generation = generation_high IS NULL. */
final class RegionSql {
    private RegionSql() {
    }

    static final String CURRENT = "generation_high IS NULL";
    /** Rows of generation :gen (asOf reads). */
    static final String AT = "(generation_low <= :gen AND (generation_high IS NULL OR generation_high >= :gen))";

    /** A statement for the current generation, or (asOf) for the generation bound as :gen. */
    static String at(String sql, boolean asOf) {
        return asOf ? sql.replace(CURRENT, AT) : sql;
    }

    /** The generation in force on a day (effective_from NULL: since the first load). */
    static final String GENERATION_AT = "SELECT max(id) FROM generation WHERE active AND (effective_from IS NULL OR effective_from <= CAST(:day AS date))";

    static final String BY_CODE = "SELECT * FROM region WHERE code = :code AND " + CURRENT;

    static final String CURRENT_GENERATION = "SELECT max(id) FROM generation WHERE active";
    /** Shapes (code, level, name, parent_code, WKB) of the current regions, for a caller's own JDBC connection. */
    static final String SHAPE_COLUMNS = "SELECT code, level, name, parent_code, ST_AsBinary(geom) FROM region WHERE " + CURRENT;
    static final String JDBC_SHAPES_BY_CODES = SHAPE_COLUMNS + " AND code = ANY (?) ORDER BY code";
    static final String JDBC_SHAPES_CHILDREN = SHAPE_COLUMNS + " AND parent_code = ? ORDER BY code";
    static final String JDBC_NEAREST_CHILD = "SELECT code FROM region WHERE " + CURRENT + " AND parent_code = ? "
            + "ORDER BY ST_Distance(geom, ST_SetSRID(ST_MakePoint(?, ?), " + Srid.STORAGE + ")), code LIMIT 1";
    static final String JDBC_SHAPES_IN_BOX = SHAPE_COLUMNS + " AND level = ? AND geom && ST_MakeEnvelope(?, ?, ?, ?, " + Srid.STORAGE
            + ") ORDER BY code LIMIT ?";
    /**
     * Current districts whose outline comes within 0.01° (about a kilometre) of a box: the element partitions a bbox
     * query can find rows in (an element's district is its micro-grid's; the margin covers points snapped into one).
     */
    static final String DISTRICTS_NEAR = "SELECT code FROM region WHERE " + CURRENT + " AND level = 'district' AND geom && "
            + "ST_Expand(ST_MakeEnvelope(:minLon, :minLat, :maxLon, :maxLat, " + Srid.STORAGE + "), 0.01) ORDER BY code";
    static final String JDBC_MAX_CODE_EVER = "SELECT max(code) FROM region WHERE parent_code = ? AND length(code) = ?";
    static final String JDBC_GENERATION_AT = "SELECT COALESCE(max(id), 0) FROM generation WHERE active AND (effective_from IS NULL OR effective_from <= ?)";
    static final String JDBC_PATH = "SELECT path FROM region WHERE code = ? AND " + CURRENT;
    // ---- publishing a generation (RegionPublisher) ----
    static final String PUBLISH_LOCK = "SELECT pg_advisory_xact_lock(7461230011)";
    /** Replaced codes whose current row is not the one of the base generation (or that are no longer current). */
    static final String STALE_CODES = "SELECT x.code FROM unnest(?::text[]) x(code) WHERE NOT EXISTS (SELECT 1 FROM region r "
            + "WHERE r.code = x.code AND r.generation_high IS NULL AND r.generation_low <= ?)";
    static final String USED_CODES = "SELECT DISTINCT code FROM region WHERE code = ANY (?)";
    static final String NEW_GENERATION = "INSERT INTO generation (id, description, active, effective_from, published_at, change_set_id) "
            + "SELECT COALESCE(max(id), 0) + 1, ?, true, ?, now(), ? FROM generation RETURNING id";
    static final String CLOSE_ROWS = "UPDATE region SET generation_high = ? WHERE code = ANY (?) AND generation_high IS NULL";
    /**
     * A new row: its path from its (current) parent; derived and properties (method, seed) carried over from the row it
     * replaces, or for a new code from its parent; then the given properties on top.
     */
    static final String INSERT_ROW = """
            INSERT INTO region (code, name, level, level_rank, parent_code, path, geom, derived, properties, generation_low)
            SELECT n.code, n.name, n.level, n.rank, n.parent, COALESCE(pr.path || '/', '') || n.code, ST_Multi(ST_GeomFromWKB(n.wkb, %d)),
                   COALESCE(old.derived, pr.derived, true),
                   COALESCE(old.properties, pr.properties - ARRAY['name', 'kind', 'organization', 'responsible', 'carvedFrom'], '{}'::jsonb) || n.props,
                   n.gen
            FROM (SELECT ?::text code, ?::text name, ?::text level, ?::smallint rank, ?::text parent, ?::bytea wkb, ?::int gen, ?::int prev,
                         ?::jsonb props) n
            LEFT JOIN region pr ON pr.code = n.parent AND pr.generation_high IS NULL
            LEFT JOIN region old ON old.code = n.code AND old.generation_high = n.prev""".formatted(Srid.STORAGE);
    static final String INSERT_LINEAGE = "INSERT INTO region_lineage (generation, from_code, to_code, relation, area_sqm) VALUES (?, ?, ?, ?, ?)";
    static final String GENERATIONS = "SELECT id, description, effective_from::text, published_at::text, change_set_id, active FROM generation "
            + "ORDER BY id DESC";
    /** Every version of one region: the generations it was in force, their dates, its name and area then. */
    static final String VERSIONS = """
            SELECT r.generation_low, r.generation_high, gl.effective_from::text, gh.effective_from::text, r.name, r.parent_code,
                   ST_Area(r.geom::geography)
            FROM region r JOIN generation gl ON gl.id = r.generation_low LEFT JOIN generation gh ON gh.id = r.generation_high + 1
            WHERE r.code = :code ORDER BY r.generation_low""";
    /** The lineage rows that name one region, from either side, with the generation's effective date. */
    static final String LINEAGE_OF_CODE = """
            SELECT l.generation, g.effective_from::text, l.from_code, l.to_code, l.relation, l.area_sqm
            FROM region_lineage l JOIN generation g ON g.id = l.generation
            WHERE l.from_code = :code OR l.to_code = :code ORDER BY l.generation, l.from_code, l.to_code""";
    static final String LINEAGE_OF = "SELECT from_code, to_code, relation, area_sqm FROM region_lineage WHERE generation = ? "
            + "ORDER BY from_code, to_code";
    /** A generation's effective date, opened codes, and the extent of the rows it opened or closed. */
    static final String NOTICE = """
            SELECT g.effective_from::text, (SELECT array_agg(code ORDER BY code) FROM region WHERE generation_low = ?),
                   ST_XMin(e.b), ST_YMin(e.b), ST_XMax(e.b), ST_YMax(e.b)
            FROM generation g, (SELECT ST_Extent(geom)::box2d AS b FROM region WHERE generation_low = ? OR generation_high = ?) e
            WHERE g.id = ?""";
    static final String OPENED_BY = "SELECT code FROM region WHERE generation_low = ? ORDER BY code";
    /** The regions of a level that appeared after the first load, with the day their first generation came into force. */
    static final String FIRST_DAYS = "SELECT r.code, min(g.effective_from)::text FROM region r JOIN generation g ON g.id = r.generation_low "
            + "WHERE r.level = :level GROUP BY r.code HAVING bool_and(g.effective_from IS NOT NULL)";
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
                              'areaSqm', round(area_sqm::numeric), 'households', properties -> 'households',
                              'kind', CASE WHEN level = 'grid' THEN coalesce(properties ->> 'kind', 'standard') END,
                              'organization', CASE WHEN level = 'grid' THEN properties -> 'organization' END)""";

    /** The filter of the FeatureCollection query; :minx.. are ignored when :bbox is false. */
    static final String COLLECTION_FILTER = """
            FROM region WHERE %s AND level = :level
              AND (NOT :bbox OR geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, %d))
              AND (CAST(:parent AS text) IS NULL OR parent_code = CAST(:parent AS text))
              AND (CAST(:kind AS text) IS NULL OR coalesce(properties ->> 'kind', 'standard') = CAST(:kind AS text))""".formatted(CURRENT, Srid.STORAGE);

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
