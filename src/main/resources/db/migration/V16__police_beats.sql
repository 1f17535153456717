-- 警网融合 (Yangzhou): police beats (警格/警务区) as a layer of their own over the grids, each with its police station
-- (派出所) and officer (社区民警). A beat and a grid meet N:M: which grids a beat covers, and how much of each, is read
-- from the current geometry of both (the grids change with published generations, the beats do not).
CREATE TABLE police_station (
    code          TEXT PRIMARY KEY CHECK (code ~ '^[0-9]{9}$'),
    name          TEXT NOT NULL,
    district_code TEXT COLLATE "C" NOT NULL,
    derived       BOOLEAN NOT NULL
);

CREATE TABLE police_beat (
    code          TEXT PRIMARY KEY CHECK (code ~ '^[0-9]{9}-[0-9]{2}$'),
    name          TEXT NOT NULL,
    station_code  TEXT NOT NULL REFERENCES police_station (code),
    officer       TEXT,
    district_code TEXT COLLATE "C" NOT NULL,
    geom          geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    geom_3857     geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
    area_sqm      DOUBLE PRECISION GENERATED ALWAYS AS (ST_Area(geom::geography)) STORED,
    derived       BOOLEAN NOT NULL
);
CREATE INDEX police_beat_geom_idx ON police_beat USING GIST (geom);
CREATE INDEX police_beat_officer_idx ON police_beat (officer);

-- A public-security event reported inside a beat notifies its officer (the event's log says so too).
CREATE TABLE officer_notice (
    id         BIGSERIAL PRIMARY KEY,
    officer    TEXT NOT NULL,
    beat_code  TEXT NOT NULL REFERENCES police_beat (code),
    event_id   BIGINT NOT NULL,
    class_code CHAR(4) NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    read_at    TIMESTAMPTZ,
    UNIQUE (officer, event_id)
);
CREATE INDEX officer_notice_officer_idx ON officer_notice (officer, at DESC);

GRANT SELECT ON police_station, police_beat TO gridmap_app;
GRANT SELECT, INSERT, UPDATE ON officer_notice TO gridmap_app;
GRANT USAGE, SELECT ON SEQUENCE officer_notice_id_seq TO gridmap_app;
