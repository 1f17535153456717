-- 矛盾纠纷多元化解 (Zhenjiang: 统一受理、分流交办、反馈考评): disputes received in one place, each with one code (一案一码),
-- routed to the body that fits its type, amount and size — a community's people's mediation committee, the grid's
-- 三官一律 lawyer, the beat's police station, the street's or district's 矛盾纠纷调处中心, the district court's 诉前调解 —
-- with a time limit by tier (简单 1 / 一般 7 / 复杂 20 working days, 东至), the handler's result, escalation to the next
-- tier when mediation fails (调解优先、诉讼断后), and the follow-up evaluation (回访 with satisfaction).

-- The bodies disputes are routed to, other than police stations (police_station) and grid members (staff assignments).
CREATE TABLE dispute_body (
    code        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('mediation_committee', 'street_center', 'district_center', 'court')),
    name        TEXT NOT NULL,
    region_code TEXT COLLATE "C" NOT NULL,
    handler     TEXT NOT NULL,
    derived     BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX dispute_body_region_uq ON dispute_body (kind, region_code);

CREATE TABLE dispute (
    id             BIGSERIAL PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    type           TEXT NOT NULL,
    tier           TEXT NOT NULL CHECK (tier IN ('simple', 'general', 'complex')),
    description    TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    amount_yuan    NUMERIC(14, 2) CHECK (amount_yuan >= 0),
    parties_count  INTEGER NOT NULL CHECK (parties_count >= 1),
    address        TEXT,
    geom           geometry(Point, 4326) NOT NULL,
    district_code  TEXT COLLATE "C" NOT NULL,
    microgrid_code TEXT COLLATE "C" NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('routed', 'accepted', 'resolved', 'failed', 'evaluated')),
    routed_kind    TEXT NOT NULL CHECK (routed_kind IN ('mediation_committee', 'street_center', 'district_center', 'court',
                                                        'police_station', 'sanguan_member')),
    routed_code    TEXT NOT NULL,
    routed_name    TEXT NOT NULL,
    handler        TEXT NOT NULL,
    rule           TEXT NOT NULL,
    received_by    TEXT NOT NULL,
    received_at    TIMESTAMPTZ NOT NULL,
    routed_at      TIMESTAMPTZ NOT NULL,
    due_at         TIMESTAMPTZ NOT NULL,
    closed_at      TIMESTAMPTZ,
    closed_on_time BOOLEAN,
    outcome        TEXT CHECK (outcome IN ('resolved', 'failed')),
    escalations    INTEGER NOT NULL DEFAULT 0,
    result         TEXT CHECK (length(result) <= 2000),
    satisfaction   SMALLINT CHECK (satisfaction BETWEEN 1 AND 5),
    client_key     TEXT,
    derived        BOOLEAN NOT NULL DEFAULT false,
    CHECK ((state IN ('resolved', 'failed', 'evaluated')) = (closed_at IS NOT NULL AND outcome IS NOT NULL))
);
CREATE UNIQUE INDEX dispute_client_key_uq ON dispute (received_by, client_key) WHERE client_key IS NOT NULL;
CREATE INDEX dispute_micro_idx ON dispute (microgrid_code, received_at);
CREATE INDEX dispute_district_idx ON dispute (district_code, received_at);
CREATE INDEX dispute_handler_idx ON dispute (handler, state);

-- The parties: personal data, encrypted (AES-GCM, "v1:") with blind indexes for exact search, like the registry's.
CREATE TABLE dispute_party (
    dispute_id     BIGINT NOT NULL REFERENCES dispute (id),
    seq            SMALLINT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('applicant', 'respondent', 'party')),
    name_enc       TEXT NOT NULL,
    id_number_enc  TEXT,
    id_number_bidx TEXT,
    phone_enc      TEXT,
    phone_bidx     TEXT,
    district_code  TEXT COLLATE "C" NOT NULL,
    microgrid_code TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (dispute_id, seq)
);
CREATE INDEX dispute_party_id_idx ON dispute_party (id_number_bidx) WHERE id_number_bidx IS NOT NULL;
CREATE INDEX dispute_party_phone_idx ON dispute_party (phone_bidx) WHERE phone_bidx IS NOT NULL;

-- Every step, append-only: received, routed, accepted, resolved, failed, escalated, evaluated.
CREATE TABLE dispute_log (
    id             BIGSERIAL PRIMARY KEY,
    dispute_id     BIGINT NOT NULL REFERENCES dispute (id),
    at             TIMESTAMPTZ NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    from_state     TEXT,
    to_state       TEXT NOT NULL,
    note           TEXT,
    detail         JSONB,
    client_key     TEXT,
    district_code  TEXT COLLATE "C" NOT NULL,
    microgrid_code TEXT COLLATE "C" NOT NULL
);
CREATE INDEX dispute_log_dispute_idx ON dispute_log (dispute_id, at);
CREATE UNIQUE INDEX dispute_log_client_key_uq ON dispute_log (actor, client_key) WHERE client_key IS NOT NULL;

CREATE SEQUENCE dispute_code_seq;

-- The area-scope policy of the element tables (V9), made once as a procedure for the tables from here on: a row is
-- seen when the caller's scope names the whole city, its district, or a prefix of its micro-grid code.
CREATE PROCEDURE gridmap_area_scope(t regclass) LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY area_scope ON %s USING (
            '*' = ANY ((SELECT gridmap_scope())::text[])
         OR district_code = ANY ((SELECT gridmap_scope())::text[])
         OR left(microgrid_code, 9) = ANY ((SELECT gridmap_scope())::text[])
         OR left(microgrid_code, 12) = ANY ((SELECT gridmap_scope())::text[])
         OR left(microgrid_code, 15) = ANY ((SELECT gridmap_scope())::text[])
         OR microgrid_code = ANY ((SELECT gridmap_scope())::text[]))$p$, t);
END $$;

CALL gridmap_area_scope('dispute');
CALL gridmap_area_scope('dispute_party');
CALL gridmap_area_scope('dispute_log');

GRANT SELECT ON dispute_body TO gridmap_app;
GRANT SELECT, INSERT, UPDATE ON dispute TO gridmap_app;
GRANT SELECT, INSERT ON dispute_party, dispute_log TO gridmap_app;
GRANT USAGE, SELECT ON SEQUENCE dispute_id_seq, dispute_log_id_seq, dispute_code_seq TO gridmap_app;
