package cn.gridmap.element;

/** The SQL of {@link ElementPlacement}, bound parameters only (table names come from its fixed list). */
final class PlacementSql {
    private PlacementSql() {
    }

    /**
     * Households and people of the houses a (WKB) region covers. One region per statement: with row-level security a
     * join from a list of regions is planned as a scan of every house; a constant region uses the GiST index (the
     * bounding-box test is leak-proof).
     */
    static final String COUNTS = "SELECT COALESCE(sum(h.households), 0)::int, COALESCE(sum((SELECT count(*) FROM person p "
            + "WHERE p.house_id = h.id)), 0)::int FROM house h, ST_GeomFromWKB(?, 4326) r WHERE h.geom && r AND ST_Covers(r, h.geom)";

    static final String PEOPLE = "SELECT id, microgrid_code, house_id FROM person WHERE microgrid_code = ANY (?)";

    static String points(String table) {
        return "SELECT id, microgrid_code, ST_X(geom), ST_Y(geom) FROM " + table + " WHERE microgrid_code = ANY (?)";
    }

    static final String MOVES_TABLE = "CREATE TEMP TABLE placement_moves (tbl TEXT, id BIGINT, from_code TEXT COLLATE \"C\", "
            + "to_code TEXT COLLATE \"C\", PRIMARY KEY (tbl, id)) ON COMMIT DROP";
    static final String INSERT_MOVE = "INSERT INTO placement_moves VALUES (?, ?, ?, ?)";

    /** Where each moved element was, until the generation before the new one (from the end of its previous entry). */
    static final String HISTORY = """
            INSERT INTO element_history (kind, element_id, microgrid_code, generation_low, generation_high)
            SELECT m.tbl, m.id, m.from_code,
                   COALESCE((SELECT max(h.generation_high) + 1 FROM element_history h WHERE h.kind = m.tbl AND h.element_id = m.id), 1), ?
            FROM placement_moves m""";

    static String update(String table) {
        return "UPDATE " + table + " e SET microgrid_code = m.to_code FROM placement_moves m WHERE m.tbl = '" + table + "' AND e.id = m.id";
    }

    static final String HISTORY_OF = "SELECT microgrid_code, generation_low, generation_high FROM element_history "
            + "WHERE kind = ? AND element_id = ? ORDER BY generation_low";
}
