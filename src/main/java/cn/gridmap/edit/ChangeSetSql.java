package cn.gridmap.edit;

/** Every statement of the edit capability, bound parameters only. */
final class ChangeSetSql {
    static final String COLUMNS = "id, title, description, author, state, revision, base_generation, created_at, updated_at, unlocks, "
            + "effective_from, chain, generation, issues::text, submitted_at";
    static final String INSERT = "INSERT INTO change_set (title, description, author, base_generation, unlocks) VALUES (?, ?, ?, ?, ?) RETURNING id";
    static final String BY_ID = "SELECT " + COLUMNS + " FROM change_set WHERE id = ?";
    /**
     * Optional state filter (a NULL parameter lists every state), then the caller's area: the whole city, a change set
     * touching a region of her scope, or her own.
     */
    static final String LIST = "SELECT " + COLUMNS + " FROM change_set WHERE (?::text IS NULL OR state = ?) "
            + "AND (?::boolean OR touches && ?::text[] OR author = ?) ORDER BY id DESC LIMIT ? OFFSET ?";
    static final String OPS = "SELECT seq, revision, op::text, undone, created_at FROM change_set_op WHERE change_set_id = ? ORDER BY seq";
    /** The whole overlay of a change set: code, level, name, parent, deleted, WKB, in_base. */
    static final String OVERLAY_ALL = "SELECT code, level, name, parent_code, deleted, ST_AsBinary(geom), in_base, properties::text FROM change_set_region "
            + "WHERE change_set_id = ? ORDER BY code";
    static final String LINEAGE = "SELECT from_code, to_code, relation, area_sqm FROM change_set_lineage WHERE change_set_id = ? ORDER BY seq";
    static final String CLEAR_LINEAGE = "DELETE FROM change_set_lineage WHERE change_set_id = ?";
    static final String INSERT_LINEAGE = "INSERT INTO change_set_lineage (change_set_id, seq, from_code, to_code, relation, area_sqm) "
            + "VALUES (?, ?, ?, ?, ?, ?)";

    static final String LOCK = "SELECT state, revision, author, unlocks, base_generation FROM change_set WHERE id = ? FOR UPDATE";
    static final String SET_STATE = "UPDATE change_set SET state = ?, updated_at = now() WHERE id = ?";
    static final String APPROVALS = "SELECT a.step, a.level, a.approver, a.decision, a.comment, a.revision, a.at, "
            + "(a.revision = cs.revision AND a.at > cs.submitted_at AND cs.state IN ('submitted', 'approved', 'scheduled', 'published')) "
            + "FROM change_set_approval a JOIN change_set cs ON cs.id = a.change_set_id WHERE a.change_set_id = ? ORDER BY a.at, a.step";
    static final String SUBMIT = "UPDATE change_set SET state = 'submitted', effective_from = ?, chain = ?, submitted_at = clock_timestamp(), "
            + "updated_at = now() WHERE id = ?";
    static final String INSERT_APPROVAL = "INSERT INTO change_set_approval (change_set_id, step, level, approver, decision, comment, revision, at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, clock_timestamp())";
    static final String PUBLISHED = "UPDATE change_set SET state = 'published', generation = ?, updated_at = now() WHERE id = ?";
    static final String DUE = "SELECT id FROM change_set WHERE state = 'scheduled' AND effective_from <= ? ORDER BY effective_from, id LIMIT 1 "
            + "FOR UPDATE SKIP LOCKED";
    static final String CHAIN = "SELECT chain FROM change_set WHERE id = ?";
    static final String EFFECTIVE = "SELECT effective_from FROM change_set WHERE id = ?";
    /** Geodesic areas of (key, WKB) pairs (no table read). */
    static final String AREAS = "SELECT t.k, ST_Area(ST_GeomFromWKB(t.g, 4326)::geography) FROM unnest(?::text[], ?::bytea[]) AS t(k, g)";
    // ---- notifications (Notifications) ----
    static final String ENQUEUE_DELIVERIES = "INSERT INTO webhook_delivery (webhook_id, generation, payload) SELECT id, ?, ?::jsonb FROM webhook WHERE active";
    static final String DUE_DELIVERY = "SELECT d.id, w.url, w.secret_enc, d.payload::text, d.attempts FROM webhook_delivery d "
            + "JOIN webhook w ON w.id = d.webhook_id AND w.active WHERE d.state = 'pending' AND d.next_at <= now() ORDER BY d.next_at, d.id "
            + "LIMIT 1 FOR UPDATE OF d SKIP LOCKED";
    static final String DELIVERY_RESULT = "UPDATE webhook_delivery SET state = ?, attempts = ?, last_status = ?, last_error = ?, "
            + "next_at = clock_timestamp() + make_interval(secs => ?), delivered_at = CASE WHEN ? THEN clock_timestamp() END WHERE id = ?";
    static final String INSERT_WEBHOOK = "INSERT INTO webhook (url, secret_enc, created_by) VALUES (?, ?, ?) RETURNING id";
    static final String WEBHOOKS = "SELECT id, url, created_by, created_at, active FROM webhook ORDER BY id";
    static final String DEACTIVATE_WEBHOOK = "UPDATE webhook SET active = false WHERE id = ? AND active";
    static final String DELIVERIES = "SELECT id, generation, state, attempts, last_status, last_error, next_at::text, delivered_at::text "
            + "FROM webhook_delivery WHERE webhook_id = ? ORDER BY id DESC LIMIT 200";
    static final String SET_BASE = "UPDATE change_set SET base_generation = ? WHERE id = ?";
    static final String NEXT_SEQ = "SELECT COALESCE(max(seq), 0) + 1 FROM change_set_op WHERE change_set_id = ?";
    /** A new operation discards the undone ones (no redo past it). */
    static final String DROP_UNDONE = "DELETE FROM change_set_op WHERE change_set_id = ? AND undone";
    static final String INSERT_OP = "INSERT INTO change_set_op (change_set_id, seq, revision, op) VALUES (?, ?, ?, ?::jsonb)";
    static final String UPSERT_OVERLAY = "INSERT INTO change_set_region (change_set_id, code, level, name, parent_code, geom, deleted, in_base, "
            + "properties) VALUES (?, ?, ?, ?, ?, ST_Multi(ST_GeomFromWKB(?, 4326)), ?, ?, ?::jsonb) ON CONFLICT (change_set_id, code) DO UPDATE SET "
            + "name = EXCLUDED.name, parent_code = EXCLUDED.parent_code, geom = EXCLUDED.geom, deleted = EXCLUDED.deleted, "
            + "properties = EXCLUDED.properties";
    static final String MARK_UNDONE = "UPDATE change_set_op SET undone = ? WHERE change_set_id = ? AND seq = ?";
    static final String CLEAR_OVERLAY = "DELETE FROM change_set_region WHERE change_set_id = ? RETURNING code";
    static final String BUMP = "UPDATE change_set SET revision = ?, issues = ?::jsonb, touches = ?, updated_at = now() WHERE id = ?";
    static final String VISIBLE = "SELECT ?::boolean OR touches && ?::text[] OR author = ? FROM change_set WHERE id = ?";

    private ChangeSetSql() {
    }
}
