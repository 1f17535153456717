-- The grid worker's phone (cn.gridmap.field): the photos she takes, her patrols (巡查走访) with their tracks, and the
-- keys that make a phone's queued actions safe to send twice (a report, a transition, a patrol sent again after the
-- connection came back is recognised, not repeated).

-- Photos of a site, before and after: the bytes live in the database, so that they commit with what refers to them
-- and every replica serves them. Each carries where it was taken (its micro-grid and district), and the area-scope
-- policy of the element tables decides who sees it. The same picture sent twice by one person is one file.
CREATE TABLE field_file (
    id             BIGSERIAL PRIMARY KEY,
    sha256         TEXT NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content_type   TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    size_bytes     INTEGER NOT NULL CHECK (size_bytes > 0),
    width          INTEGER NOT NULL CHECK (width > 0),
    height         INTEGER NOT NULL CHECK (height > 0),
    bytes          BYTEA NOT NULL,
    geom           geometry(Point, 4326) NOT NULL,
    district_code  TEXT COLLATE "C" NOT NULL,
    microgrid_code TEXT COLLATE "C" NOT NULL,
    uploaded_by    TEXT NOT NULL,
    uploaded_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (uploaded_by, sha256)
);

-- 巡查走访: a patrol of one worker, started and stopped on her phone; its track arrives in batches of points, each placed
-- in its micro-grid (a point outside the city is not kept). A point is keyed by its patrol and time: a batch sent
-- twice adds nothing.
CREATE TABLE patrol (
    id             BIGSERIAL PRIMARY KEY,
    username       TEXT NOT NULL,
    client_key     TEXT,
    started_at     TIMESTAMPTZ NOT NULL,
    ended_at       TIMESTAMPTZ,
    district_code  TEXT COLLATE "C" NOT NULL,
    microgrid_code TEXT COLLATE "C" NOT NULL,
    CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE UNIQUE INDEX patrol_client_key_uq ON patrol (username, client_key) WHERE client_key IS NOT NULL;
CREATE INDEX patrol_user_idx ON patrol (username, started_at);
-- one patrol at a time per worker
CREATE UNIQUE INDEX patrol_one_open_uq ON patrol (username) WHERE ended_at IS NULL;

CREATE TABLE patrol_point (
    patrol_id      BIGINT NOT NULL REFERENCES patrol (id),
    at             TIMESTAMPTZ NOT NULL,
    geom           geometry(Point, 4326) NOT NULL,
    accuracy_m     REAL,
    district_code  TEXT COLLATE "C" NOT NULL,
    microgrid_code TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (patrol_id, at)
);
-- "which micro-grids were visited this week": by micro-grid and time
CREATE INDEX patrol_point_micro_idx ON patrol_point (microgrid_code, at);

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['field_file', 'patrol', 'patrol_point'] LOOP
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

-- A phone's queued action carries a key it made (a UUID); the same key from the same person is the same action.
ALTER TABLE event ADD COLUMN client_key TEXT;
CREATE UNIQUE INDEX event_client_key_uq ON event (reported_by, client_key) WHERE client_key IS NOT NULL;
ALTER TABLE event_log ADD COLUMN client_key TEXT;
CREATE UNIQUE INDEX event_log_client_key_uq ON event_log (actor, client_key) WHERE client_key IS NOT NULL;

-- Tips of registered volunteers (平安志愿者) become events of their own source.
ALTER TABLE event DROP CONSTRAINT event_source_check;
ALTER TABLE event ADD CONSTRAINT event_source_check
    CHECK (source IN ('patrol', 'hotline12345', 'open311', 'citizen', 'system', 'volunteer'));

GRANT SELECT, INSERT ON field_file TO gridmap_app;
GRANT SELECT, INSERT, UPDATE ON patrol TO gridmap_app;
GRANT SELECT, INSERT ON patrol_point TO gridmap_app;
GRANT USAGE, SELECT ON SEQUENCE field_file_id_seq, patrol_id_seq TO gridmap_app;
