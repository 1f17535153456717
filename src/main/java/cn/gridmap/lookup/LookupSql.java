package cn.gridmap.lookup;

import cn.gridmap.geo.Srid;

/** SQL of the point lookup (PostGIS path). */
final class LookupSql {
    private LookupSql() {
    }

    /** Every current region covering the point (boundaries included), coarse to fine, lowest code first. */
    static final String COVERING = """
            SELECT code, name, level, parent_code FROM region
            WHERE generation_high IS NULL AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), %d))
            ORDER BY level_rank, code""".formatted(Srid.STORAGE);
}
