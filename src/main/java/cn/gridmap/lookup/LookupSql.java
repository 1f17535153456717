package cn.gridmap.lookup;

import cn.gridmap.geo.Srid;

/** SQL of the point lookup (the PostGIS engine), with the same rule and shape as the in-memory engine. */
final class LookupSql {
    private LookupSql() {
    }

    /**
     * The whole answer in one statement and one round trip: parameters {@code lon, lat, metres} (the near-boundary
     * distance). Rows: part 0 = the chain by the shared-edge rule (city first, then at each level the covering
     * child of the chosen region with the lowest code); part 1 = the chain's grid with the geodesic distance to its
     * boundary; part 2 = the other grids within the distance, nearest first to the centimetre, then by code (only when the
     * point is that near an edge); part 3 = the region version. Every spatial test goes through the GiST index first: the covering test
     * with {@code ~} (bbox contains the point), the neighbours with {@code &&} against the point's box grown by the
     * distance in degrees (with a margin, so the box holds every point within the distance), and only then the
     * geography test. {@code ./gridmap bench lookup} runs this very text in pgbench.
     */
    static final String LOOKUP = """
            WITH RECURSIVE p AS (SELECT ST_SetSRID(ST_MakePoint(?::float8, ?::float8), %d) AS g, ?::float8 AS m),
            cov AS MATERIALIZED (
              SELECT r.code, r.name, r.level, r.parent_code, r.level_rank, r.geom FROM region r, p
              WHERE r.generation_high IS NULL AND ST_Covers(r.geom, p.g)),
            chain AS (
              (SELECT code, name, level, level_rank, geom FROM cov WHERE parent_code IS NULL ORDER BY code LIMIT 1)
              UNION ALL
              SELECT c.code, c.name, c.level, c.level_rank, c.geom FROM chain h
              CROSS JOIN LATERAL (SELECT * FROM cov WHERE cov.parent_code = h.code ORDER BY cov.code LIMIT 1) c),
            grid AS MATERIALIZED (
              SELECT code, ST_Distance(ST_Boundary(geom)::geography, (SELECT g FROM p)::geography) AS d FROM chain WHERE level = 'grid')
            SELECT 0 AS part, level_rank, code, name, level, NULL::float8 AS d FROM chain
            UNION ALL SELECT 1, NULL, code, NULL, NULL, d FROM grid
            UNION ALL
            SELECT 2, NULL, r.code, r.name, r.level, round(ST_Distance(r.geom::geography, p.g::geography) * 100) FROM region r, p
            WHERE (SELECT d FROM grid) < p.m AND r.generation_high IS NULL AND r.level = 'grid' AND r.code <> (SELECT code FROM grid)
              AND r.geom && ST_Expand(p.g, 1.5 * p.m / (111320 * cos(radians(ST_Y(p.g)))), 1.5 * p.m / 110574)
              AND ST_DWithin(r.geom::geography, p.g::geography, p.m)
            UNION ALL SELECT 3, NULL, NULL, NULL, NULL, version FROM region_version
            ORDER BY part, level_rank, d, code""".formatted(Srid.STORAGE);

    /** The same answer for a past generation (a fourth parameter): the rows whose generation range holds it. */
    static final String LOOKUP_AT = LOOKUP.replace("?::float8 AS m)", "?::float8 AS m, ?::int AS gen)")
            .replace("r.generation_high IS NULL", "r.generation_low <= p.gen AND (r.generation_high IS NULL OR r.generation_high >= p.gen)");
}
