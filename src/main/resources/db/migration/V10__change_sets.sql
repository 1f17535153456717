-- Boundary change sets (cn.gridmap.edit): a planner's draft of changes to the micro-grid partition, its operations
-- (for undo/redo and rebase), the sparse overlay of the regions it changes, and the lineage that publishing writes.
-- Optimistic concurrency: every accepted operation raises the change set's revision; a stale revision is a 409.
-- Publishing writes a new generation: the old rows' range is closed, the new rows open one; generation_high NULL
-- stays "current", and effective_from says from which day a generation is in force (asOf reads).

ALTER TABLE generation ADD COLUMN effective_from DATE, ADD COLUMN published_at TIMESTAMPTZ, ADD COLUMN change_set_id BIGINT;

CREATE TABLE change_set (
    id              BIGSERIAL PRIMARY KEY,
    title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description     TEXT,
    author          TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'draft'
                    CHECK (state IN ('draft', 'submitted', 'approved', 'scheduled', 'published', 'withdrawn')),
    revision        INTEGER NOT NULL DEFAULT 0,
    base_generation INTEGER NOT NULL REFERENCES generation (id),
    -- the highest level whose boundary this change set may move: grid (the default), community or street
    unlocks         TEXT NOT NULL DEFAULT 'grid' CHECK (unlocks IN ('grid', 'community', 'street')),
    effective_from  DATE,
    submitted_at    TIMESTAMPTZ,
    -- the sign-off chain set at submit: the levels of the approvers in order (community, street, district)
    chain           TEXT[],
    generation      INTEGER REFERENCES generation (id),
    -- the warnings of the whole draft after its last operation
    issues          JSONB NOT NULL DEFAULT '[]'::jsonb,
    -- the codes of every region the draft changes and of their ancestors below the city: who may see it (area scope)
    touches         TEXT[] NOT NULL DEFAULT '{}',
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
    -- the code exists in the base generation (publishing closes that row)
    in_base       BOOLEAN NOT NULL,
    area_sqm      DOUBLE PRECISION GENERATED ALWAYS AS (ST_Area(geom::geography)) STORED,
    PRIMARY KEY (change_set_id, code),
    CHECK (deleted OR geom IS NOT NULL)
);
CREATE INDEX change_set_region_geom_idx ON change_set_region USING GIST (geom);

-- The draft's lineage, in the order the operations made it (publishing copies it to region_lineage).
CREATE TABLE change_set_lineage (
    change_set_id BIGINT NOT NULL REFERENCES change_set (id),
    seq           INTEGER NOT NULL,
    from_code     TEXT NOT NULL,
    to_code       TEXT NOT NULL,
    relation      TEXT NOT NULL,
    area_sqm      DOUBLE PRECISION,
    PRIMARY KEY (change_set_id, seq)
);

-- Sign-off: one row per decision; only the decisions at the change set's current revision count.
CREATE TABLE change_set_approval (
    change_set_id BIGINT NOT NULL REFERENCES change_set (id),
    step          SMALLINT NOT NULL,
    level         TEXT NOT NULL,
    approver      TEXT NOT NULL,
    decision      TEXT NOT NULL CHECK (decision IN ('approve', 'return')),
    comment       TEXT,
    revision      INTEGER NOT NULL,
    at            TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX change_set_approval_idx ON change_set_approval (change_set_id, revision, step);

-- What became of a region at a generation: renumbered, split, merged (area in m²).
CREATE TABLE region_lineage (
    generation INTEGER NOT NULL REFERENCES generation (id),
    from_code  TEXT NOT NULL,
    to_code    TEXT NOT NULL,
    relation   TEXT NOT NULL CHECK (relation IN ('renumbered', 'split', 'merged', 'moved')),
    area_sqm   DOUBLE PRECISION,
    PRIMARY KEY (generation, from_code, to_code, relation)
);
CREATE INDEX region_lineage_from_idx ON region_lineage (from_code);
CREATE INDEX region_lineage_to_idx ON region_lineage (to_code);

-- Each element's micro-grid in the generations before its last move (the current one is on the element row).
CREATE TABLE element_history (
    kind            TEXT NOT NULL,
    element_id      BIGINT NOT NULL,
    microgrid_code  TEXT COLLATE "C" NOT NULL,
    generation_low  INTEGER NOT NULL,
    generation_high INTEGER NOT NULL,
    PRIMARY KEY (kind, element_id, generation_low)
);

GRANT SELECT, INSERT, UPDATE ON change_set TO gridmap_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON change_set_op TO gridmap_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON change_set_region TO gridmap_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON change_set_lineage TO gridmap_app;
GRANT SELECT, INSERT ON change_set_approval TO gridmap_app;
GRANT SELECT ON region_lineage, element_history TO gridmap_app;
GRANT USAGE, SELECT ON SEQUENCE change_set_id_seq TO gridmap_app;
