-- The workday calendar that event deadlines count in (工作日 / 工作时): Monday to Friday are working days, except the
-- days listed here. A row overrides that rule for its day: a public holiday (workday = false, weekend days of a
-- holiday included, for their name) or an adjusted working day (调休上班, workday = true). Admins edit it through
-- PUT/DELETE /api/workdays/{day}. Seeded from the State Council notices:
--   2025: 国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号, 2024-11-12 (Xinhua; gmw.cn 2024-11-12)
--   2026: 国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04 (Xinhua; politics.gmw.cn 2025-11-04)
-- The 2027 notice was not found when this was written (2026-12-01): 2027 counts Monday to Friday until an admin
-- enters it.
CREATE TABLE workday_calendar (
    day        DATE PRIMARY KEY,
    workday    BOOLEAN NOT NULL,
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    source     TEXT NOT NULL,
    updated_by TEXT,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

INSERT INTO workday_calendar (day, workday, name, source)
SELECT d::date, false, n, s FROM (VALUES
    -- 2025
    ('2025-01-01', '2025-01-01', '元旦', '国办发明电〔2024〕12号'),
    ('2025-01-28', '2025-02-04', '春节', '国办发明电〔2024〕12号'),
    ('2025-04-04', '2025-04-06', '清明节', '国办发明电〔2024〕12号'),
    ('2025-05-01', '2025-05-05', '劳动节', '国办发明电〔2024〕12号'),
    ('2025-05-31', '2025-06-02', '端午节', '国办发明电〔2024〕12号'),
    ('2025-10-01', '2025-10-08', '国庆节、中秋节', '国办发明电〔2024〕12号'),
    -- 2026
    ('2026-01-01', '2026-01-03', '元旦', '国务院办公厅 2025-11-04 通知'),
    ('2026-02-15', '2026-02-23', '春节', '国务院办公厅 2025-11-04 通知'),
    ('2026-04-04', '2026-04-06', '清明节', '国务院办公厅 2025-11-04 通知'),
    ('2026-05-01', '2026-05-05', '劳动节', '国务院办公厅 2025-11-04 通知'),
    ('2026-06-19', '2026-06-21', '端午节', '国务院办公厅 2025-11-04 通知'),
    ('2026-09-25', '2026-09-27', '中秋节', '国务院办公厅 2025-11-04 通知'),
    ('2026-10-01', '2026-10-07', '国庆节', '国务院办公厅 2025-11-04 通知')
) AS h (first, last, n, s), generate_series(h.first::date, h.last::date, interval '1 day') AS d;

INSERT INTO workday_calendar (day, workday, name, source) VALUES
    ('2025-01-26', true, '春节调休上班', '国办发明电〔2024〕12号'),
    ('2025-02-08', true, '春节调休上班', '国办发明电〔2024〕12号'),
    ('2025-04-27', true, '劳动节调休上班', '国办发明电〔2024〕12号'),
    ('2025-09-28', true, '国庆节调休上班', '国办发明电〔2024〕12号'),
    ('2025-10-11', true, '国庆节调休上班', '国办发明电〔2024〕12号'),
    ('2026-01-04', true, '元旦调休上班', '国务院办公厅 2025-11-04 通知'),
    ('2026-02-14', true, '春节调休上班', '国务院办公厅 2025-11-04 通知'),
    ('2026-02-28', true, '春节调休上班', '国务院办公厅 2025-11-04 通知'),
    ('2026-05-09', true, '劳动节调休上班', '国务院办公厅 2025-11-04 通知'),
    ('2026-09-20', true, '国庆节调休上班', '国务院办公厅 2025-11-04 通知'),
    ('2026-10-10', true, '国庆节调休上班', '国务院办公厅 2025-11-04 通知');

GRANT SELECT, INSERT, UPDATE, DELETE ON workday_calendar TO gridmap_app;
