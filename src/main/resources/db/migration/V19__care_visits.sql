-- 特殊人群服务管理 (Hengyang): the people the registry tags (空巢独居老人, 留守儿童, 残疾人, 刑满释放人员, 社区矫正对象,
-- 严重精神障碍患者, 吸毒人员, 重点青少年) are visited by the grid workers of their grid at a frequency per tag; a person
-- with several tags is due at the shortest. The frequencies are the city's to set (admins, audited).
CREATE TABLE care_frequency (
    tag        TEXT PRIMARY KEY CHECK (tag ~ '^[a-z_]{1,40}$'),
    name       TEXT NOT NULL,
    every_days INTEGER NOT NULL CHECK (every_days BETWEEN 1 AND 366),
    source     TEXT NOT NULL,
    updated_by TEXT,
    updated_at TIMESTAMPTZ
);
INSERT INTO care_frequency (tag, name, every_days, source) VALUES
    ('elderly_alone', '空巢独居老人', 30, '网格员走访规范模板: 困难家庭/流动人员/空巢老人/社区矫正 每月 (reference/events.md §3)'),
    ('community_correction', '社区矫正对象', 30, '网格员走访规范模板: 社区矫正 每月 (reference/events.md §3)'),
    ('mental_disorder', '严重精神障碍患者', 90, '国家基本公共卫生服务规范(第三版): 每年至少随访 4 次'),
    ('released_prisoner', '刑满释放人员', 30, 'default of gridmap (安置帮教 in the first years), to be set by the city'),
    ('drug_user', '吸毒人员', 30, 'default of gridmap (社区戒毒/康复), to be set by the city'),
    ('left_behind_child', '留守儿童', 30, 'default of gridmap, to be set by the city'),
    ('key_youth', '重点青少年', 30, 'default of gridmap, to be set by the city'),
    ('disabled', '残疾人', 90, 'default of gridmap, to be set by the city');

-- A visit to one person (it counts for all of her tags). Its note may say things about her health or conduct: it is
-- personal data, encrypted like the registry's ID numbers.
CREATE TABLE care_visit (
    id             BIGSERIAL PRIMARY KEY,
    person_id      BIGINT NOT NULL,
    visitor        TEXT NOT NULL,
    at             TIMESTAMPTZ NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('home', 'phone', 'video', 'office')),
    note_enc       TEXT,
    geom           geometry(Point, 4326),
    district_code  TEXT COLLATE "C" NOT NULL,
    microgrid_code TEXT COLLATE "C" NOT NULL,
    client_key     TEXT,
    derived        BOOLEAN NOT NULL DEFAULT false,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX care_visit_person_idx ON care_visit (person_id, at DESC);
CREATE INDEX care_visit_micro_idx ON care_visit (microgrid_code, at);
CREATE UNIQUE INDEX care_visit_client_key_uq ON care_visit (visitor, client_key) WHERE client_key IS NOT NULL;

CALL gridmap_area_scope('care_visit');

GRANT SELECT, UPDATE ON care_frequency TO gridmap_app;
GRANT SELECT, INSERT ON care_visit TO gridmap_app;
GRANT USAGE, SELECT ON SEQUENCE care_visit_id_seq TO gridmap_app;
CREATE INDEX person_tagged_idx ON person (microgrid_code) WHERE tags <> '{}';
