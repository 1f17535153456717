package cn.gridmap.security;

/** Every statement of the security capability, bound parameters only. */
final class SecuritySql {
    static final String SIGNING_KEY = "SELECT kid, private_enc, public_der FROM signing_key ORDER BY created_at, kid LIMIT 1";
    static final String INSERT_SIGNING_KEY = "INSERT INTO signing_key (kid, private_enc, public_der) VALUES (?, ?, ?)";

    static final String USER_COLUMNS = "username, display_name, password_hash, roles, scope, pii, enabled, created_at, updated_at";
    static final String USER = "SELECT " + USER_COLUMNS + " FROM app_user WHERE username = ?";
    /** The users who can log in and every user made by hand (the synthetic city's staff without a password are listed by region). */
    static final String USERS = "SELECT " + USER_COLUMNS + " FROM app_user WHERE NOT derived OR password_hash <> '!' ORDER BY username";
    static final String DISPLAY_NAMES = "SELECT username, display_name FROM app_user WHERE username = ANY (?)";
    /** Users made by hand (the synthetic city's staff are no reason not to make the first admin). */
    static final String USER_COUNT = "SELECT count(*) FROM app_user WHERE NOT derived";
    /** Enabled grid workers and liaisons whose scope names one of the codes (the staff of those grids and micro-grids). */
    static final String STAFF = "SELECT username, display_name, roles, scope FROM app_user WHERE enabled AND scope && ?::text[] "
            + "AND roles && ARRAY['gridworker', 'liaison']::text[] ORDER BY username";
    static final String INSERT_USER = "INSERT INTO app_user (username, display_name, password_hash, roles, scope, pii, enabled, created_by) "
            + "VALUES (?, ?, ?, ?, ?, ?, true, ?) ON CONFLICT (username) DO NOTHING";
    static final String UPDATE_USER = "UPDATE app_user SET display_name = ?, password_hash = ?, roles = ?, scope = ?, pii = ?, enabled = ?, "
            + "updated_at = now() WHERE username = ?";

    static final String CLIENT_COLUMNS = "client_id, name, secret_hash, roles, scope, enabled, created_at";
    static final String CLIENT = "SELECT " + CLIENT_COLUMNS + " FROM api_client WHERE client_id = ?";
    static final String CLIENTS = "SELECT " + CLIENT_COLUMNS + " FROM api_client ORDER BY client_id";
    static final String CLIENT_BY_KEY = "SELECT client_id, api_key_sha256 FROM api_client WHERE api_key_prefix = ?";
    static final String INSERT_CLIENT = "INSERT INTO api_client (client_id, name, secret_hash, api_key_prefix, api_key_sha256, roles, scope, created_by) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    static final String UPDATE_CLIENT = "UPDATE api_client SET roles = ?, scope = ?, enabled = ? WHERE client_id = ?";

    static final String INSERT_AUDIT = "INSERT INTO audit_log (actor, roles, action, subject, row_ids, purpose, outcome, request_id, "
            + "client_address, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** The filters are optional: a NULL parameter matches every row. */
    static final String AUDIT = "SELECT id, at, actor, roles, action, subject, row_ids, purpose, outcome, request_id, client_address, detail "
            + "FROM audit_log WHERE (?::text IS NULL OR actor = ?) AND (?::text IS NULL OR subject = ?) AND (?::text IS NULL OR action = ?) "
            + "AND (?::timestamptz IS NULL OR at >= ?) AND (?::timestamptz IS NULL OR at < ?) ORDER BY id DESC LIMIT ? OFFSET ?";

    private SecuritySql() {
    }
}
