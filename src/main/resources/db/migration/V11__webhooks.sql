-- Notifications of published generations to other systems: webhooks and their delivery log. Publishing writes one
-- pending delivery per active webhook in its own transaction (an outbox: no publish is announced that did not
-- commit, none is lost if a replica dies); every replica's dispatcher sends what is due, one row at a time under a
-- row lock (SKIP LOCKED), signing the body with HMAC-SHA256 and retrying with backoff.
CREATE TABLE webhook (
    id         BIGSERIAL PRIMARY KEY,
    url        TEXT NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    -- the HMAC secret, encrypted with the personal-data key (AES-GCM, "v1:" base64)
    secret_enc TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    active     BOOLEAN NOT NULL DEFAULT true
);

CREATE TABLE webhook_delivery (
    id           BIGSERIAL PRIMARY KEY,
    webhook_id   BIGINT NOT NULL REFERENCES webhook (id),
    generation   INTEGER NOT NULL REFERENCES generation (id),
    payload      JSONB NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_status  INTEGER,
    last_error   TEXT,
    delivered_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_at) WHERE state = 'pending';
CREATE INDEX webhook_delivery_hook_idx ON webhook_delivery (webhook_id, id);

GRANT SELECT, INSERT, UPDATE ON webhook, webhook_delivery TO gridmap_app;
GRANT USAGE, SELECT ON SEQUENCE webhook_id_seq, webhook_delivery_id_seq TO gridmap_app;
