-- Identity, area scope and the audit log; the database as the second wall.
--
-- Flyway migrates as the owner of the tables. The service itself connects as gridmap_app: no superuser, no owner,
-- no BYPASSRLS, so the row-level security policies below bind it. Bulk writers (the first load of the city, file
-- imports: COPY is refused on tables with RLS) use the owner's connection and check the scope row by row in the
-- service (cn.gridmap.ingest.ImportService).

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gridmap_app') THEN
        CREATE ROLE gridmap_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
END $$;

-- People and clients (other systems). Scopes are region codes; a code covers all its descendants.
CREATE TABLE app_user (
    username      TEXT PRIMARY KEY CHECK (username ~ '^[A-Za-z0-9._@-]{2,64}$'),
    display_name  TEXT,
    password_hash TEXT NOT NULL,
    roles         TEXT[] NOT NULL,
    scope         TEXT[] NOT NULL,
    pii           BOOLEAN NOT NULL DEFAULT false,
    enabled       BOOLEAN NOT NULL DEFAULT true,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by    TEXT,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE api_client (
    client_id      TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    secret_hash    TEXT NOT NULL,
    -- the first characters of the API key find the row; the key itself is kept as a SHA-256 digest only
    api_key_prefix TEXT NOT NULL UNIQUE,
    api_key_sha256 TEXT NOT NULL,
    roles          TEXT[] NOT NULL,
    scope          TEXT[] NOT NULL,
    enabled        BOOLEAN NOT NULL DEFAULT true,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by     TEXT
);

-- The key that signs the service's own tokens; its private half is encrypted with the personal-data key.
CREATE TABLE signing_key (
    kid         TEXT PRIMARY KEY,
    private_enc TEXT NOT NULL,
    public_der  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Append-only: who did what to which rows, why, when and from where.
CREATE TABLE audit_log (
    id             BIGSERIAL PRIMARY KEY,
    at             TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    actor          TEXT NOT NULL,
    roles          TEXT[] NOT NULL DEFAULT '{}',
    action         TEXT NOT NULL,
    subject        TEXT,
    row_ids        TEXT[] NOT NULL DEFAULT '{}',
    purpose        TEXT,
    outcome        TEXT NOT NULL DEFAULT 'ok',
    request_id     TEXT,
    client_address TEXT,
    detail         TEXT
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at);
CREATE INDEX audit_log_subject_idx ON audit_log (subject, at);

-- What gridmap_app may do: read everything it serves, write users/clients/keys, only append to the audit log.
GRANT USAGE ON SCHEMA public TO gridmap_app;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO gridmap_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON person, house, component, organization, event TO gridmap_app;
GRANT INSERT, UPDATE ON app_user, api_client TO gridmap_app;
GRANT INSERT ON signing_key, audit_log TO gridmap_app;
GRANT INSERT, UPDATE ON import_job TO gridmap_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO gridmap_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO gridmap_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO gridmap_app;
-- the audit log stays append-only even for a later grant by mistake: no UPDATE, DELETE or TRUNCATE
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM gridmap_app;
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Area scope of the transaction: set_config('gridmap.scope', '<codes>', true) at its start, by
-- cn.gridmap.security.ScopedConnections. '*' = the whole city; otherwise district codes (6 digits, matched against
-- district_code: 镇江新区's streets carry other prefixes) and codes of lower levels (9/12/15/18 digits, prefixes of
-- the micro-grid code). No setting: no rows. The arrays are computed once per statement (an InitPlan), the row test
-- is a few comparisons with a small array.
CREATE FUNCTION gridmap_scope() RETURNS TEXT[] LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT string_to_array(nullif(current_setting('gridmap.scope', true), ''), ',')
$$;

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['person', 'house', 'component', 'organization', 'event'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY area_scope ON %I USING (
                '*' = ANY ((SELECT gridmap_scope())::text[])
             OR district_code = ANY ((SELECT gridmap_scope())::text[])
             OR left(microgrid_code, 9) = ANY ((SELECT gridmap_scope())::text[])
             OR left(microgrid_code, 12) = ANY ((SELECT gridmap_scope())::text[])
             OR left(microgrid_code, 15) = ANY ((SELECT gridmap_scope())::text[])
             OR microgrid_code = ANY ((SELECT gridmap_scope())::text[]))$p$, t);
    END LOOP;
END $$;

-- PostGIS's && is not LEAKPROOF, so under RLS a bbox condition could not use the GiST index (measured: 66,669 index
-- rows read instead of 225; ../shared/reference/security-scale.md §A3). Marking it needs a superuser; elsewhere the
-- migration goes on and the bbox queries are slower.
DO $$
BEGIN
    ALTER FUNCTION geometry_overlaps(geometry, geometry) LEAKPROOF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'geometry_overlaps could not be marked LEAKPROOF (needs a superuser): bbox queries under RLS stay slower';
END $$;

-- Who started an import: its status and error report are shown to that principal and to city-wide admins only.
ALTER TABLE import_job ADD COLUMN started_by TEXT;
