-- 人地物事组织: the elements of the city, each placed on the map and in its grid ("落图进格").
--
-- Every element row keeps where it came from (raw_location + raw_crs), the normalised point (SRID 4326, WGS84
-- numbers = CGCS2000 at this accuracy), its district and micro-grid codes (grid, community and street codes are
-- prefixes of the micro-grid code: 15, 12 and 9 characters), how it was placed (geocode_method) and how sure we are
-- (geocode_score 0..1). The district code is on every row so element tables can be sharded by district later.
-- Codes use the "C" collation so that prefix filters (micro-grids of a grid: LIKE '<grid>%') use the b-tree.

-- GB/T 30428.2 classes are data, not enums: cities add 扩展部件/扩展事件.
CREATE TABLE component_class (
    code       CHAR(4) PRIMARY KEY CHECK (code ~ '^[0-9]{4}$'),
    major_name TEXT NOT NULL,
    name       TEXT NOT NULL
);
CREATE TABLE event_class (
    code       CHAR(4) PRIMARY KEY CHECK (code ~ '^[0-9]{4}$'),
    major_name TEXT NOT NULL,
    name       TEXT NOT NULL,
    time_limit TEXT
);

-- One bulk import (file or synthetic city): all its rows commit together or not at all.
CREATE TABLE import_job (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT NOT NULL,
    source      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('running', 'committed', 'failed', 'aborted')),
    rows_read   BIGINT NOT NULL DEFAULT 0,
    rows_stored BIGINT NOT NULL DEFAULT 0,
    rows_failed BIGINT NOT NULL DEFAULT 0,
    message     TEXT,
    started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ
);

-- 地: the standard-address base (GA/T 2000.32). address_place = 街路巷 (41), 小区 (42), 自然村 (44);
-- building = 建筑物 (50) with its door number; house = 实有房屋, one dwelling or shop (单元 61 / 室 62).
CREATE TABLE address_place (
    id             BIGINT PRIMARY KEY,
    kind           SMALLINT NOT NULL CHECK (kind IN (41, 42, 44)),
    name           TEXT NOT NULL,
    road_name      TEXT,
    door           TEXT,
    district_code  TEXT COLLATE "C" NOT NULL,
    community_code TEXT COLLATE "C" NOT NULL,
    geom           geometry(Point, 4326) NOT NULL,
    derived        BOOLEAN NOT NULL
);
CREATE INDEX address_place_name_idx ON address_place (name);

CREATE TABLE building (
    id             BIGINT PRIMARY KEY,
    place_id       BIGINT NOT NULL REFERENCES address_place (id),
    number         TEXT NOT NULL,
    address        TEXT NOT NULL,
    units          SMALLINT NOT NULL,
    floors         SMALLINT NOT NULL,
    geom           geometry(Point, 4326) NOT NULL,
    district_code  TEXT COLLATE "C" NOT NULL,
    microgrid_code TEXT COLLATE "C" NOT NULL,
    derived        BOOLEAN NOT NULL
);
CREATE INDEX building_geom_idx ON building USING GIST (geom);
CREATE INDEX building_place_idx ON building (place_id);

CREATE TABLE house (
    id             BIGINT PRIMARY KEY,
    external_id    TEXT NOT NULL UNIQUE,
    building_id    BIGINT REFERENCES building (id),
    address        TEXT NOT NULL,
    use            TEXT NOT NULL CHECK (use IN ('residential', 'rental', 'commercial')),
    households     SMALLINT NOT NULL CHECK (households >= 0),
    area_sqm       REAL,
    raw_location   TEXT,
    raw_crs        TEXT,
    geom           geometry(Point, 4326) NOT NULL,
    district_code  TEXT COLLATE "C" NOT NULL,
    microgrid_code TEXT COLLATE "C" NOT NULL,
    geocode_method TEXT NOT NULL,
    geocode_score  REAL NOT NULL,
    derived        BOOLEAN NOT NULL,
    import_id      BIGINT REFERENCES import_job (id)
);

-- 人: 实有人口. Location comes from the house. ID number and phone are AES-GCM ciphertexts ("v1:" base64) with
-- HMAC blind indexes for exact search; the plain values are never stored.
CREATE TABLE person (
    id             BIGINT PRIMARY KEY,
    external_id    TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    gender         CHAR(1) NOT NULL CHECK (gender IN ('M', 'F')),
    birth_date     DATE NOT NULL,
    id_number_enc  TEXT NOT NULL,
    id_number_bidx TEXT NOT NULL,
    phone_enc      TEXT,
    phone_bidx     TEXT,
    residence      TEXT NOT NULL CHECK (residence IN ('registered', 'migrant')),
    tags           TEXT[] NOT NULL DEFAULT '{}',
    house_id       BIGINT NOT NULL REFERENCES house (id),
    district_code  TEXT COLLATE "C" NOT NULL,
    microgrid_code TEXT COLLATE "C" NOT NULL,
    geocode_method TEXT NOT NULL,
    geocode_score  REAL NOT NULL,
    derived        BOOLEAN NOT NULL,
    import_id      BIGINT REFERENCES import_job (id)
);

-- 物: city components (GB/T 30428.2), code = county(6) + 大类(2) + 小类(2) + sequence(6).
CREATE TABLE component (
    id             BIGINT PRIMARY KEY,
    external_id    TEXT NOT NULL UNIQUE,
    code           CHAR(16) NOT NULL UNIQUE CHECK (code ~ '^[0-9]{16}$'),
    class_code     CHAR(4) NOT NULL REFERENCES component_class (code),
    name           TEXT NOT NULL,
    state          TEXT NOT NULL,
    department     TEXT,
    raw_location   TEXT,
    raw_crs        TEXT,
    geom           geometry(Point, 4326) NOT NULL,
    district_code  TEXT COLLATE "C" NOT NULL,
    microgrid_code TEXT COLLATE "C" NOT NULL,
    geocode_method TEXT NOT NULL,
    geocode_score  REAL NOT NULL,
    derived        BOOLEAN NOT NULL,
    import_id      BIGINT REFERENCES import_job (id)
);

-- 组织: enterprises and social organisations with their unified social credit code (GB 32100).
CREATE TABLE organization (
    id             BIGINT PRIMARY KEY,
    external_id    TEXT NOT NULL UNIQUE,
    credit_code    CHAR(18) NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('enterprise', 'social')),
    category       TEXT,
    employees      INTEGER,
    address        TEXT,
    phone_enc      TEXT,
    phone_bidx     TEXT,
    raw_location   TEXT,
    raw_crs        TEXT,
    geom           geometry(Point, 4326) NOT NULL,
    district_code  TEXT COLLATE "C" NOT NULL,
    microgrid_code TEXT COLLATE "C" NOT NULL,
    geocode_method TEXT NOT NULL,
    geocode_score  REAL NOT NULL,
    derived        BOOLEAN NOT NULL,
    import_id      BIGINT REFERENCES import_job (id)
);

-- 事: a minimal event record; the closed-loop workflow comes later.
CREATE TABLE event (
    id             BIGINT PRIMARY KEY,
    external_id    TEXT NOT NULL UNIQUE,
    class_code     CHAR(4) NOT NULL REFERENCES event_class (code),
    occurred_at    TIMESTAMPTZ NOT NULL,
    description    TEXT NOT NULL,
    address        TEXT,
    raw_location   TEXT,
    raw_crs        TEXT,
    geom           geometry(Point, 4326) NOT NULL,
    district_code  TEXT COLLATE "C" NOT NULL,
    microgrid_code TEXT COLLATE "C" NOT NULL,
    geocode_method TEXT NOT NULL,
    geocode_score  REAL NOT NULL,
    derived        BOOLEAN NOT NULL,
    import_id      BIGINT REFERENCES import_job (id)
);

CREATE SEQUENCE element_seq;

-- Secondary indexes (the bulk loader drops and rebuilds them around a first load; keep this list in step with
-- cn.gridmap.element.ElementSql.SECONDARY_INDEXES).
CREATE INDEX house_microgrid_idx ON house (microgrid_code);
CREATE INDEX house_district_idx ON house (district_code);
CREATE INDEX house_building_idx ON house (building_id);
CREATE INDEX person_microgrid_idx ON person (microgrid_code);
CREATE INDEX person_district_idx ON person (district_code);
CREATE INDEX person_house_idx ON person (house_id);
CREATE INDEX person_id_number_bidx ON person (id_number_bidx);
CREATE INDEX person_phone_bidx ON person (phone_bidx);
CREATE INDEX person_name_idx ON person (name);
CREATE INDEX component_microgrid_idx ON component (microgrid_code);
CREATE INDEX component_district_idx ON component (district_code);
CREATE INDEX component_geom_idx ON component USING GIST (geom);
CREATE INDEX organization_microgrid_idx ON organization (microgrid_code);
CREATE INDEX organization_district_idx ON organization (district_code);
CREATE INDEX organization_name_idx ON organization (name);
CREATE INDEX event_microgrid_idx ON event (microgrid_code);
CREATE INDEX event_district_idx ON event (district_code);
CREATE INDEX event_occurred_idx ON event (occurred_at);

-- Counts per micro-grid: the source of every region's statistics (a region's numbers are the sums over its
-- micro-grids). Rebuilt inside each import's transaction.
CREATE TABLE microgrid_stats (
    microgrid_code TEXT COLLATE "C" PRIMARY KEY,
    district_code  TEXT COLLATE "C" NOT NULL,
    people         INTEGER NOT NULL DEFAULT 0,
    registered     INTEGER NOT NULL DEFAULT 0,
    migrant        INTEGER NOT NULL DEFAULT 0,
    tags           JSONB NOT NULL DEFAULT '{}'::jsonb,
    houses         INTEGER NOT NULL DEFAULT 0,
    rental_houses  INTEGER NOT NULL DEFAULT 0,
    households     INTEGER NOT NULL DEFAULT 0,
    components     INTEGER NOT NULL DEFAULT 0,
    organizations  INTEGER NOT NULL DEFAULT 0,
    events         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX microgrid_stats_district_idx ON microgrid_stats (district_code);

-- Component classes seen in 数字城管 practice (GB/T 30428.2 major classes 01-06; see docs/domain notes: the
-- national small-class numbers are unconfirmed, these are the project's table and can be extended).
INSERT INTO component_class (code, major_name, name) VALUES
  ('0101', '公用设施', '上水井盖'), ('0102', '公用设施', '污水井盖'), ('0103', '公用设施', '雨水井盖'),
  ('0104', '公用设施', '雨水箅子'), ('0105', '公用设施', '电力井盖'), ('0106', '公用设施', '路灯井盖'),
  ('0107', '公用设施', '通讯井盖'), ('0108', '公用设施', '燃气井盖'), ('0109', '公用设施', '消防井盖'),
  ('0110', '公用设施', '电杆'), ('0111', '公用设施', '路灯'), ('0112', '公用设施', '消火栓'),
  ('0113', '公用设施', '报刊亭'), ('0114', '公用设施', '邮筒'), ('0115', '公用设施', '健身设施'),
  ('0116', '公用设施', '变压器'), ('0117', '公用设施', '电闸箱'),
  ('0201', '道路交通', '公交站亭'), ('0202', '道路交通', '出租车站牌'), ('0203', '道路交通', '过街天桥'),
  ('0204', '道路交通', '跨河桥'), ('0205', '道路交通', '地下通道'), ('0206', '道路交通', '路名牌'),
  ('0207', '道路交通', '交通标志牌'), ('0208', '道路交通', '交通信号灯'), ('0209', '道路交通', '护栏'),
  ('0210', '道路交通', '停车场'), ('0211', '道路交通', '存车支架'), ('0212', '道路交通', '门牌'),
  ('0301', '市容环境', '公共厕所'), ('0302', '市容环境', '垃圾房'), ('0303', '市容环境', '垃圾箱'),
  ('0304', '市容环境', '广告牌匾'), ('0305', '市容环境', '化粪池'), ('0306', '市容环境', '环境监测站'),
  ('0401', '园林绿化', '古树名木'), ('0402', '园林绿化', '绿地'), ('0403', '园林绿化', '行道树'),
  ('0404', '园林绿化', '花坛'), ('0405', '园林绿化', '城市雕塑'), ('0406', '园林绿化', '街头座椅'),
  ('0407', '园林绿化', '喷泉'),
  ('0501', '房屋土地', '宣传栏'), ('0502', '房屋土地', '人防工事'), ('0503', '房屋土地', '公房地下室'),
  ('0601', '其他设施', '液化气站'), ('0602', '其他设施', '水域附属设施'), ('0603', '其他设施', '重大危险源'),
  ('0604', '其他设施', '监控电子眼');

-- Event classes (GB/T 30428.2 major classes; 市容环境 small classes and limits as in one city's published table).
INSERT INTO event_class (code, major_name, name, time_limit) VALUES
  ('0101', '市容环境', '私搭乱建', '停工 4 工作时; 拆除 20 工作日'), ('0102', '市容环境', '暴露垃圾', '4 工作时'),
  ('0103', '市容环境', '建筑垃圾、渣土', '4 工作时'), ('0104', '市容环境', '道路保洁', '2 工作时'),
  ('0105', '市容环境', '绿地保洁', '4 工作时'), ('0106', '市容环境', '绿地养护', '5 工作日'),
  ('0107', '市容环境', '水域不洁', NULL),
  ('0201', '宣传广告', '非法小广告', NULL), ('0202', '宣传广告', '街头散发广告', NULL),
  ('0203', '宣传广告', '违规户外广告', NULL),
  ('0301', '施工管理', '施工扰民', NULL), ('0302', '施工管理', '施工占道', NULL), ('0303', '施工管理', '工地扬尘', NULL),
  ('0304', '施工管理', '施工废弃料', NULL),
  ('0401', '突发事件', '管道破裂', NULL), ('0402', '突发事件', '路面塌陷', NULL), ('0403', '突发事件', '道路积水', NULL),
  ('0404', '突发事件', '火灾', NULL),
  ('0501', '街面秩序', '无照经营', NULL), ('0502', '街面秩序', '占道经营', NULL), ('0503', '街面秩序', '流浪乞讨', NULL),
  ('0504', '街面秩序', '黑车拉客', NULL), ('0505', '街面秩序', '机动车乱停放', NULL),
  ('0601', '其他事件', '噪音扰民', NULL), ('0602', '其他事件', '邻里纠纷', NULL);
