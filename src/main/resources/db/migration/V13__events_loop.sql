-- The events loop: who the events go to (staff, departments, absences), the state of every event in the 数字城管
-- closed loop (GB/T 30428 series; ../shared/reference/events.md §2), its append-only log, its stages with their
-- deadlines on the workday calendar, and the API clients' Open311 tokens.

-- 专业部门: the departments that handle classes of events, one office per district (属地管理).
CREATE TABLE department (
    code          TEXT PRIMARY KEY CHECK (code ~ '^[0-9]{6}-[a-z]{2,12}$'),
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    district_code TEXT COLLATE "C" NOT NULL,
    derived       BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX department_district_idx ON department (district_code);

-- The kinds of department and the classes each handles (NULL: the grid worker handles it herself).
CREATE TABLE department_kind (
    kind TEXT PRIMARY KEY CHECK (kind ~ '^[a-z]{2,12}$'),
    name TEXT NOT NULL
);
INSERT INTO department_kind (kind, name) VALUES
    ('cg', '城市管理局'), ('hw', '环境卫生管理处'), ('zj', '住房和城乡建设局'), ('sj', '市场监督管理局'), ('ga', '公安分局'),
    ('sw', '水务局'), ('yl', '园林绿化管理处');
ALTER TABLE department ADD CONSTRAINT department_kind_fkey FOREIGN KEY (kind) REFERENCES department_kind (kind);
ALTER TABLE event_class ADD COLUMN department_kind TEXT REFERENCES department_kind (kind);
UPDATE event_class SET department_kind = CASE
    WHEN code IN ('0101', '0201', '0202', '0203', '0302', '0304', '0502') THEN 'cg'
    WHEN code IN ('0102', '0103', '0104') THEN 'hw'
    WHEN code IN ('0105', '0106') THEN 'yl'
    WHEN code IN ('0107', '0401', '0403') THEN 'sw'
    WHEN code IN ('0301', '0303', '0402') THEN 'zj'
    WHEN code IN ('0501') THEN 'sj'
    WHEN code IN ('0404', '0503', '0504', '0505') THEN 'ga'
    ELSE NULL END; -- 0601 噪音扰民, 0602 邻里纠纷: the grid worker (and 三官一律) handle them in the grid

-- Staff are users (app_user) with assignments to regions. Duties: 专职/兼职网格员 and the backup who takes a grid while
-- its worker is absent, 微网格联络员, 三官一律 (judge, prosecutor, police officer, lawyer), 派遣员/值班长 of a street or
-- district, and the handlers of a department.
CREATE TABLE staff_assignment (
    username        TEXT NOT NULL REFERENCES app_user (username) ON DELETE CASCADE,
    duty            TEXT NOT NULL CHECK (duty IN ('fulltime', 'parttime', 'backup', 'liaison', 'judge', 'prosecutor', 'police',
                                                  'lawyer', 'dispatcher', 'shift_lead', 'department')),
    region_code     TEXT COLLATE "C" NOT NULL,
    department_code TEXT REFERENCES department (code),
    derived         BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (region_code, duty, username),
    CHECK ((duty = 'department') = (department_code IS NOT NULL))
);
CREATE INDEX staff_assignment_user_idx ON staff_assignment (username);
CREATE INDEX staff_assignment_department_idx ON staff_assignment (department_code);

-- The roster's exceptions: leave, sickness, a shift off. While a grid worker is absent her grid's events go to its backup.
CREATE TABLE staff_absence (
    id         BIGSERIAL PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES app_user (username) ON DELETE CASCADE,
    starts_at  TIMESTAMPTZ NOT NULL,
    ends_at    TIMESTAMPTZ NOT NULL,
    reason     TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);
CREATE INDEX staff_absence_user_idx ON staff_absence (username, ends_at);

-- Synthetic staff are marked derived; their login is disabled (password_hash '!' never verifies). With some 40,000
-- users, "whose scope names these regions" (a change set's preview of the workers) wants an index on the scope.
ALTER TABLE app_user ADD COLUMN derived BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX app_user_scope_idx ON app_user USING GIN (scope);

-- Time limits per class and stage, in working hours or working days on the workday calendar. The stage clock starts
-- when the stage starts: register (立案) and dispatch (派遣) at intake or adjudication, accept (签收) and handle (处置)
-- at dispatch, verify (核查) when the handler reports, close (结案) when verified.
CREATE TABLE event_time_limit (
    class_code CHAR(4) NOT NULL REFERENCES event_class (code),
    stage      TEXT NOT NULL CHECK (stage IN ('register', 'dispatch', 'accept', 'handle', 'verify', 'close')),
    amount     NUMERIC(6, 2) NOT NULL CHECK (amount > 0),
    unit       TEXT NOT NULL CHECK (unit IN ('working_hours', 'working_days')),
    source     TEXT NOT NULL,
    updated_by TEXT,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (class_code, stage)
);
-- 立案 and 派遣 within 1 working hour and 签收 within 1 working hour: Fuzhou (79rc.com/News/xyxw/913). Disposal limits:
-- 济源 and another city's published manuals (events.md §2.3); limits marked 'project' are this project's values where
-- no published one was found (national values are unconfirmed). Verification and closing: project values.
INSERT INTO event_time_limit (class_code, stage, amount, unit, source)
SELECT c.code, s.stage, s.amount, s.unit, s.source
FROM event_class c CROSS JOIN (VALUES
    ('register', 1, 'working_hours', '福州 核实确认+立案派遣 ≤ 1 工作时'),
    ('dispatch', 1, 'working_hours', '福州 核实确认+立案派遣 ≤ 1 工作时'),
    ('accept', 1, 'working_hours', '福州 单位签收 ≤ 1 工作时'),
    ('verify', 4, 'working_hours', 'project'),
    ('close', 2, 'working_hours', 'project')) AS s (stage, amount, unit, source);
INSERT INTO event_time_limit (class_code, stage, amount, unit, source)
SELECT code, 'handle', amount, unit, source FROM (VALUES
    ('0101', 20, 'working_days', '私搭乱建 拆除 20 工作日 (renrendoc 191493937)'),
    ('0102', 4, 'working_hours', '暴露垃圾 4 工作时 (renrendoc 191493937)'),
    ('0103', 4, 'working_days', '积存垃圾渣土 4 工作日 (济源)'),
    ('0104', 2, 'working_hours', '道路保洁 2 工作时 (renrendoc 191493937)'),
    ('0105', 4, 'working_hours', 'project'),
    ('0106', 5, 'working_days', 'project'),
    ('0107', 15, 'working_days', '水域不洁 15 工作日 (济源)'),
    ('0201', 1, 'working_days', 'project'), ('0202', 4, 'working_hours', 'project'), ('0203', 5, 'working_days', 'project'),
    ('0301', 1, 'working_days', 'project'), ('0302', 1, 'working_days', 'project'), ('0303', 1, 'working_days', 'project'),
    ('0304', 2, 'working_days', 'project'),
    ('0401', 4, 'working_hours', 'project'), ('0402', 1, 'working_days', 'project'), ('0403', 4, 'working_hours', 'project'),
    ('0404', 1, 'working_hours', 'project'),
    ('0501', 5, 'working_days', 'project'), ('0502', 4, 'working_hours', 'project'), ('0503', 1, 'working_days', 'project'),
    ('0504', 1, 'working_days', 'project'), ('0505', 4, 'working_hours', 'project'),
    ('0601', 1, 'working_days', 'project'), ('0602', 7, 'working_days', '矛盾纠纷 一般 7 日 (东至, events.md §3)')
) AS h (code, amount, unit, source)
WHERE code IN (SELECT code FROM event_class);

-- The event in the loop. Its grid is the grid at intake (and the generation it was routed in); an adjudicated or
-- re-dispatched event's grid changes with the decision, closed events keep theirs for the metrics.
ALTER TABLE event
    ADD COLUMN state           TEXT NOT NULL DEFAULT 'reported' CHECK (state IN ('reported', 'adjudication', 'registered',
                                   'dispatched', 'handling', 'handled', 'verified', 'closed', 'evaluated', 'returned',
                                   'rework', 'suspended', 'extended', 'voided')),
    ADD COLUMN source          TEXT NOT NULL DEFAULT 'patrol' CHECK (source IN ('patrol', 'hotline12345', 'open311', 'citizen',
                                   'system')),
    ADD COLUMN reported_at     TIMESTAMPTZ,
    ADD COLUMN reported_by     TEXT,
    ADD COLUMN accuracy_m      REAL,
    ADD COLUMN generation      INTEGER,
    -- the grid it was routed to: when a published boundary change puts it in another grid, it goes back to dispatch
    ADD COLUMN routed_grid     TEXT COLLATE "C",
    ADD COLUMN assignee        TEXT,
    ADD COLUMN department_code TEXT,
    -- the dispatcher queue it waits in (new, adjudication, redispatch) and why; NULL when nobody needs to decide
    ADD COLUMN queue           TEXT CHECK (queue IN ('new', 'adjudication', 'redispatch')),
    ADD COLUMN queue_reason    TEXT,
    -- the region whose dispatchers decide (the lowest common parent of the candidate grids for adjudication)
    ADD COLUMN queue_region    TEXT COLLATE "C",
    ADD COLUMN candidates      TEXT[],
    ADD COLUMN due_at          TIMESTAMPTZ,
    ADD COLUMN overdue         BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN escalations     SMALLINT NOT NULL DEFAULT 0,
    ADD COLUMN reworks         SMALLINT NOT NULL DEFAULT 0,
    ADD COLUMN duplicate_of    BIGINT,
    ADD COLUMN urgency         TEXT CHECK (urgency IN ('normal', 'urgent')),
    ADD COLUMN caller_name_enc TEXT,
    ADD COLUMN caller_phone_enc  TEXT,
    ADD COLUMN caller_phone_bidx TEXT,
    ADD COLUMN satisfaction    TEXT CHECK (satisfaction IN ('satisfied', 'basic', 'unsatisfied')),
    ADD COLUMN solved          BOOLEAN,
    ADD COLUMN closed_at       TIMESTAMPTZ,
    ADD COLUMN closed_on_time  BOOLEAN,
    -- what the stages say, kept on the event as each stage starts and ends, so that the metrics of every grid are one
    -- scan of this table (docs/event-metrics.md): registered = a dispatch stage started, dispatched = an accept stage,
    -- handled = a verify stage; whether the first dispatch and accept stages ended in time; per stage (register,
    -- dispatch, accept, handle, verify, close) the seconds and the number of its instances that ended
    ADD COLUMN registered       BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN dispatched       BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN handled          BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN dispatch_on_time BOOLEAN,
    ADD COLUMN accept_on_time   BOOLEAN,
    ADD COLUMN stage_seconds    BIGINT[] NOT NULL DEFAULT '{0,0,0,0,0,0}',
    ADD COLUMN stage_counts     INTEGER[] NOT NULL DEFAULT '{0,0,0,0,0,0}',
    ADD COLUMN updated_at      TIMESTAMPTZ;
CREATE INDEX event_open_idx ON event (state) WHERE state NOT IN ('closed', 'evaluated', 'voided');
CREATE INDEX event_assignee_idx ON event (assignee) WHERE assignee IS NOT NULL;
CREATE INDEX event_queue_idx ON event (queue) WHERE queue IS NOT NULL;
CREATE INDEX event_reported_idx ON event (reported_at);
CREATE INDEX event_caller_phone_bidx ON event (caller_phone_bidx);

-- One row per stage an event goes through (a reworked event goes through handle and verify again): when it started,
-- when it was due, when it was done and whether in time, and whether it was escalated (督办). The deadline scheduler
-- takes the overdue open rows FOR UPDATE SKIP LOCKED, so several replicas never escalate one twice.
CREATE TABLE event_stage (
    id           BIGSERIAL PRIMARY KEY,
    event_id     BIGINT NOT NULL,
    stage        TEXT NOT NULL CHECK (stage IN ('register', 'dispatch', 'accept', 'handle', 'verify', 'close')),
    started_at   TIMESTAMPTZ NOT NULL,
    due_at       TIMESTAMPTZ NOT NULL,
    done_at      TIMESTAMPTZ,
    on_time      BOOLEAN,
    escalated_at TIMESTAMPTZ
);
CREATE INDEX event_stage_event_idx ON event_stage (event_id);
CREATE INDEX event_stage_open_due_idx ON event_stage (due_at) WHERE done_at IS NULL AND escalated_at IS NULL;

-- Append-only: every transition, with who, in which role, when, the note and an attachment reference.
CREATE TABLE event_log (
    id         BIGSERIAL PRIMARY KEY,
    event_id   BIGINT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    actor      TEXT NOT NULL,
    role       TEXT NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    note       TEXT,
    attachment TEXT,
    detail     JSONB
);
CREATE INDEX event_log_event_idx ON event_log (event_id, id);
CREATE TRIGGER event_log_no_change BEFORE UPDATE OR DELETE ON event_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- A stage or log row is visible exactly when its event is (the event's own area-scope policy decides).
ALTER TABLE event_stage ENABLE ROW LEVEL SECURITY;
CREATE POLICY area_scope ON event_stage USING (EXISTS (SELECT 1 FROM event e WHERE e.id = event_id));
ALTER TABLE event_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY area_scope ON event_log USING (EXISTS (SELECT 1 FROM event e WHERE e.id = event_id));

-- Open311 batch tokens: a request accepted by a client whose events wait for moderation gets a token first.
CREATE TABLE open311_token (
    token      TEXT PRIMARY KEY,
    event_id   BIGINT NOT NULL,
    client_id  TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT, UPDATE, DELETE ON staff_absence TO gridmap_app;
GRANT SELECT, INSERT, UPDATE ON event_time_limit TO gridmap_app;
GRANT SELECT, INSERT, UPDATE ON event_stage TO gridmap_app;
GRANT SELECT, INSERT ON event_log, open311_token TO gridmap_app;
GRANT USAGE, SELECT ON SEQUENCE staff_absence_id_seq, event_stage_id_seq, event_log_id_seq TO gridmap_app;
