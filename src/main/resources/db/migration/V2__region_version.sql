-- A version number that every change to the region table bumps (statement level), announced on the channel
-- gridmap_region_changed so that every replica rebuilds its lookup index. Lookups use it as their ETag.
CREATE TABLE region_version (
    id      BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
    version BIGINT NOT NULL
);
INSERT INTO region_version (version) VALUES (1);

CREATE FUNCTION region_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v BIGINT;
BEGIN
    UPDATE region_version SET version = version + 1 RETURNING version INTO v;
    PERFORM pg_notify('gridmap_region_changed', v::text);
    RETURN NULL;
END $$;

CREATE TRIGGER region_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON region
    FOR EACH STATEMENT EXECUTE FUNCTION region_changed();
