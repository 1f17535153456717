-- 三官一律进网格 (Zhenjiang): the judges, prosecutors, police officers and lawyers assigned to each grid (their staff
-- assignments) and what they do there: home visits, 普法 sessions, legal consultations, mediations, per grid.
CREATE TABLE sanguan_activity (
    id            BIGSERIAL PRIMARY KEY,
    member        TEXT NOT NULL,
    duty          TEXT NOT NULL CHECK (duty IN ('judge', 'prosecutor', 'police', 'lawyer')),
    kind          TEXT NOT NULL CHECK (kind IN ('visit', 'legal_education', 'consultation', 'mediation')),
    grid_code     TEXT COLLATE "C" NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
    district_code TEXT COLLATE "C" NOT NULL,
    at            TIMESTAMPTZ NOT NULL,
    attendees     INTEGER NOT NULL DEFAULT 0 CHECK (attendees BETWEEN 0 AND 100000),
    note          TEXT CHECK (length(note) <= 2000),
    client_key    TEXT,
    derived       BOOLEAN NOT NULL DEFAULT false,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sanguan_activity_client_key_uq ON sanguan_activity (member, client_key) WHERE client_key IS NOT NULL;
CREATE INDEX sanguan_activity_grid_idx ON sanguan_activity (grid_code, at);
CREATE INDEX sanguan_activity_district_idx ON sanguan_activity (district_code, at);

ALTER TABLE sanguan_activity ENABLE ROW LEVEL SECURITY;
CREATE POLICY area_scope ON sanguan_activity USING (
       '*' = ANY ((SELECT gridmap_scope())::text[])
    OR district_code = ANY ((SELECT gridmap_scope())::text[])
    OR left(grid_code, 9) = ANY ((SELECT gridmap_scope())::text[])
    OR left(grid_code, 12) = ANY ((SELECT gridmap_scope())::text[])
    OR grid_code = ANY ((SELECT gridmap_scope())::text[]));

GRANT SELECT, INSERT ON sanguan_activity TO gridmap_app;
GRANT USAGE, SELECT ON SEQUENCE sanguan_activity_id_seq TO gridmap_app;
