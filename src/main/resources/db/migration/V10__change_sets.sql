-- Boundary change sets (cn.gridmap.edit): a planner's draft of changes to the micro-grid partition, its operations
-- (for undo/redo and rebase), the sparse overlay of the regions it changes, and the lineage that publishing writes.
-- Optimistic concurrency: every accepted operation raises the change set's revision; a stale revision is a 409.

CREATE TABLE change_set (
    id              BIGSERIAL PRIMARY KEY,
    title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description     TEXT,
    author          TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'draft'
                    CHECK (state IN ('draft', 'submitted', 'approved', 'scheduled', 'published', 'withdrawn')),
    revision        INTEGER NOT NULL DEFAULT 0,
    base_generation INTEGER NOT NULL REFERENCES generation (id),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX change_set_state_idx ON change_set (state, id);

-- The operations in the order applied; undone ones stay (redo) until a new operation discards them.
CREATE TABLE change_set_op (
    change_set_id BIGINT NOT NULL REFERENCES change_set (id),
    seq           INTEGER NOT NULL,
    revision      INTEGER NOT NULL,
    op            JSONB NOT NULL,
    undone        BOOLEAN NOT NULL DEFAULT false,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (change_set_id, seq)
);

-- The draft overlay: only the regions the change set changes (new geometry, or deleted), over its base generation.
CREATE TABLE change_set_region (
    change_set_id BIGINT NOT NULL REFERENCES change_set (id),
    code          TEXT NOT NULL,
    level         TEXT NOT NULL,
    name          TEXT NOT NULL,
    parent_code   TEXT,
    geom          geometry(MultiPolygon, 4326),
    deleted       BOOLEAN NOT NULL DEFAULT false,
    properties    JSONB NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (change_set_id, code),
    CHECK (deleted OR geom IS NOT NULL)
);

-- What became of a region at a generation: renumbered, split, merged (area in m²).
CREATE TABLE region_lineage (
    generation INTEGER NOT NULL REFERENCES generation (id),
    from_code  TEXT NOT NULL,
    to_code    TEXT NOT NULL,
    relation   TEXT NOT NULL CHECK (relation IN ('renumbered', 'split', 'merged', 'reshaped', 'moved')),
    area_sqm   DOUBLE PRECISION,
    PRIMARY KEY (generation, from_code, to_code)
);

GRANT SELECT, INSERT, UPDATE ON change_set TO gridmap_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON change_set_op TO gridmap_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON change_set_region TO gridmap_app;
GRANT USAGE, SELECT ON SEQUENCE change_set_id_seq TO gridmap_app;
