package cn.gridmap.lookup;

import cn.gridmap.geo.Srid;

/** SQL of the point lookup (the PostGIS engine), with the same rule and shape as the in-memory engine. */
final class LookupSql {
    private LookupSql() {
    }

    private static final String POINT = "ST_SetSRID(ST_MakePoint(:lon, :lat), %d)".formatted(Srid.STORAGE);

    /** Every current region covering the point (boundaries included), coarse to fine, lowest code first. */
    static final String COVERING = """
            SELECT code, name, level, parent_code FROM region
            WHERE generation_high IS NULL AND ST_Covers(geom, %s)
            ORDER BY level_rank, code""".formatted(POINT);

    /** Distance in metres from the point to the boundary of one grid. */
    static final String BOUNDARY_DISTANCE = """
            SELECT ST_Distance(ST_Boundary(geom)::geography, %s::geography) FROM region
            WHERE generation_high IS NULL AND code = :code""".formatted(POINT);

    /** Other grids within :meters of the point, nearest first. */
    static final String NEIGHBOURS = """
            SELECT code, name, level FROM region
            WHERE generation_high IS NULL AND level = 'grid' AND code <> :code AND ST_DWithin(geom::geography, %1$s::geography, :meters)
            ORDER BY ST_Distance(geom::geography, %1$s::geography), code""".formatted(POINT);

    static final String VERSION = "SELECT version FROM region_version";
}
