package cn.gridmap.edit;

/** Every statement of the edit capability, bound parameters only. */
final class ChangeSetSql {
    static final String COLUMNS = "id, title, description, author, state, revision, base_generation, created_at, updated_at";
    static final String INSERT = "INSERT INTO change_set (title, description, author, base_generation) VALUES (?, ?, ?, ?) RETURNING " + COLUMNS;
    static final String BY_ID = "SELECT " + COLUMNS + " FROM change_set WHERE id = ?";
    /** Optional state filter: a NULL parameter lists every state. */
    static final String LIST = "SELECT " + COLUMNS + " FROM change_set WHERE (?::text IS NULL OR state = ?) ORDER BY id DESC LIMIT ? OFFSET ?";
    static final String OPS = "SELECT seq, revision, op::text, undone, created_at FROM change_set_op WHERE change_set_id = ? ORDER BY seq";
    /** The draft geometry of a region, when the change set changed it. */
    static final String OVERLAY = "SELECT deleted, ST_AsBinary(geom) FROM change_set_region WHERE change_set_id = ? AND code = ?";

    static final String LOCK = "SELECT state, revision, author FROM change_set WHERE id = ? FOR UPDATE";
    static final String NEXT_SEQ = "SELECT COALESCE(max(seq), 0) + 1 FROM change_set_op WHERE change_set_id = ?";
    /** A new operation discards the undone ones (no redo past it). */
    static final String DROP_UNDONE = "DELETE FROM change_set_op WHERE change_set_id = ? AND undone";
    static final String INSERT_OP = "INSERT INTO change_set_op (change_set_id, seq, revision, op) VALUES (?, ?, ?, ?::jsonb)";
    static final String UPSERT_OVERLAY = "INSERT INTO change_set_region (change_set_id, code, level, name, parent_code, geom) "
            + "VALUES (?, ?, ?, ?, ?, ST_Multi(ST_GeomFromWKB(?, 4326))) ON CONFLICT (change_set_id, code) DO UPDATE SET geom = EXCLUDED.geom, "
            + "deleted = false";
    static final String MARK_UNDONE = "UPDATE change_set_op SET undone = ? WHERE change_set_id = ? AND seq = ?";
    static final String CLEAR_OVERLAY = "DELETE FROM change_set_region WHERE change_set_id = ? RETURNING code";
    static final String BUMP = "UPDATE change_set SET revision = ?, updated_at = now() WHERE id = ?";

    private ChangeSetSql() {
    }
}
