-- The six-level region hierarchy (city > district > street > community > grid > micro-grid), MapIt-style:
-- every row carries the generation range in which it is valid (generation_high NULL = still current).
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE generation (
    id          INTEGER PRIMARY KEY,
    description TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    active      BOOLEAN     NOT NULL DEFAULT FALSE
);

CREATE SEQUENCE region_seq START 1 INCREMENT 50;

CREATE TABLE region (
    id              BIGINT PRIMARY KEY DEFAULT nextval('region_seq'),
    code            TEXT    NOT NULL CHECK (code ~ '^[0-9]+$'),
    name            TEXT    NOT NULL,
    level           TEXT    NOT NULL CHECK (level IN ('city', 'district', 'street', 'community', 'grid', 'microgrid')),
    level_rank      SMALLINT NOT NULL CHECK (level_rank BETWEEN 0 AND 5),
    parent_code     TEXT,
    -- ancestor codes and own code joined by '/', city first: descendants are path LIKE '<path>/%'
    path            TEXT    NOT NULL,
    geom            geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    area_sqm        DOUBLE PRECISION GENERATED ALWAYS AS (ST_Area(geom::geography)) STORED,
    derived         BOOLEAN NOT NULL,
    properties      JSONB   NOT NULL DEFAULT '{}'::jsonb,
    generation_low  INTEGER NOT NULL REFERENCES generation (id),
    generation_high INTEGER REFERENCES generation (id),
    CHECK ((level = 'city') = (parent_code IS NULL)),
    CHECK (length(code) = CASE level WHEN 'city' THEN 6 WHEN 'district' THEN 6 WHEN 'street' THEN 9
                                     WHEN 'community' THEN 12 WHEN 'grid' THEN 15 ELSE 18 END)
);

CREATE UNIQUE INDEX region_code_current_uq ON region (code) WHERE generation_high IS NULL;
CREATE INDEX region_parent_idx ON region (parent_code);
CREATE INDEX region_path_idx ON region (path text_pattern_ops);
CREATE INDEX region_level_geom_idx ON region USING GIST (geom) INCLUDE (level_rank);
CREATE INDEX region_name_idx ON region (name);

-- The offline basemap: context land (Natural Earth) and water (GSHHG/WDBII).
CREATE TABLE basemap_feature (
    id     BIGSERIAL PRIMARY KEY,
    kind   TEXT NOT NULL,
    name   TEXT,
    source TEXT NOT NULL,
    geom   geometry(Geometry, 4326) NOT NULL
);
CREATE INDEX basemap_feature_geom_idx ON basemap_feature USING GIST (geom);
