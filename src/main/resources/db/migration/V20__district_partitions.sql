-- The element tables (人 person, 地 house, 物 component, 组织 organization, 事 event) partitioned by district code
-- (PARTITION BY LIST), one partition per district (<table>_<district code>) and a default one (<table>_other) for
-- rows of a district that has none yet. A new district gets its partitions as soon as its region row is written
-- (trigger below); its rows already in the default partition move into them in the same transaction.
--
-- Keys live on the partitions, not on the parents: a unique index on a partitioned table must contain the partition
-- key, and PostgreSQL refuses to attach a foreign table (postgres_fdw, README "Running a cluster") as a partition of a
-- table that has one. So each partition has its primary key (id), unique external_id (and code / credit code / client
-- key) and its foreign keys to the class tables; across districts, ids come from one sequence and the importer keeps
-- external ids and codes unique (ImportService, under a per-table advisory lock). person.house_id no longer has a
-- foreign key (a key on a partitioned house cannot be referenced); people get their house from the importer.
--
-- The parents keep the secondary indexes (each partition gets its own), row-level security and the grants; the
-- partitions are not granted to gridmap_app and have RLS on with no policy, so they are reached through the parent
-- (and its area-scope policy) only.

CREATE FUNCTION gridmap_partition_keys(tbl TEXT, part TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (id), ADD CONSTRAINT %I UNIQUE (external_id)',
                   part, part || '_pkey', part || '_external_id_key');
    CASE tbl
        WHEN 'house' THEN
            EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (building_id) REFERENCES building (id)',
                           part, part || '_building_id_fkey');
        WHEN 'component' THEN
            EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I UNIQUE (code), ADD CONSTRAINT %I FOREIGN KEY (class_code) '
                           'REFERENCES component_class (code)', part, part || '_code_key', part || '_class_code_fkey');
        WHEN 'organization' THEN
            EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I UNIQUE (credit_code)', part, part || '_credit_code_key');
        WHEN 'event' THEN
            EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (class_code) REFERENCES event_class (code)',
                           part, part || '_class_code_fkey');
            EXECUTE format('CREATE UNIQUE INDEX %I ON %I (reported_by, client_key) WHERE client_key IS NOT NULL',
                           part || '_client_key_uq', part);
        ELSE
    END CASE;
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', part);
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gridmap_app') THEN
        EXECUTE format('REVOKE ALL ON %I FROM gridmap_app', part);
    END IF;
END $$;

-- The partition of {district} (NULL: the default partition) of one element table, made if missing.
CREATE FUNCTION gridmap_district_partition(tbl TEXT, district TEXT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    part TEXT := tbl || '_' || COALESCE(district, 'other');
BEGIN
    IF district IS NOT NULL AND district !~ '^[0-9]{6}$' THEN
        RAISE EXCEPTION 'a district code has 6 digits, got %', district;
    END IF;
    IF to_regclass(part) IS NOT NULL THEN
        RETURN;
    END IF;
    IF district IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', part, tbl);
    ELSE
        PERFORM gridmap_district_partition(tbl, NULL);
        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)', part, tbl);
        EXECUTE format('WITH moved AS (DELETE FROM %I WHERE district_code = %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
                       tbl || '_other', district, part);
        EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES IN (%L)', tbl, part, district);
    END IF;
    PERFORM gridmap_partition_keys(tbl, part);
END $$;

-- The partitions of one district in every element table. SECURITY DEFINER: a published change set that creates a
-- district is written by gridmap_app, which owns no table.
CREATE FUNCTION gridmap_district_partitions(district TEXT) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['house', 'person', 'component', 'organization', 'event'] LOOP
        PERFORM gridmap_district_partition(t, district);
    END LOOP;
END $$;
REVOKE ALL ON FUNCTION gridmap_district_partitions(TEXT) FROM PUBLIC;

CREATE FUNCTION region_district_partitions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gridmap_district_partitions(NEW.code);
    RETURN NULL;
END $$;
CREATE TRIGGER region_district_partitions AFTER INSERT ON region FOR EACH ROW WHEN (NEW.level = 'district')
    EXECUTE FUNCTION region_district_partitions();

-- The conversion: the old tables step aside, partitioned ones take their names and rows, the old ones go.
DROP POLICY area_scope ON event_stage;
DROP POLICY area_scope ON event_log;

DO $$
DECLARE
    t TEXT;
    d TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['house', 'person', 'component', 'organization', 'event'] LOOP
        EXECUTE format('ALTER TABLE %I RENAME TO %I', t, t || '_v19');
        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE) '
                       'PARTITION BY LIST (district_code)', t, t || '_v19');
        PERFORM gridmap_district_partition(t, NULL);
    END LOOP;
    FOR d IN SELECT code FROM region WHERE level = 'district' UNION
             SELECT district_code FROM house_v19 UNION SELECT district_code FROM person_v19 UNION
             SELECT district_code FROM component_v19 UNION SELECT district_code FROM organization_v19 UNION
             SELECT district_code FROM event_v19 LOOP
        IF d ~ '^[0-9]{6}$' THEN
            FOREACH t IN ARRAY ARRAY['house', 'person', 'component', 'organization', 'event'] LOOP
                -- without keys while the rows are copied (they are added below, in bulk)
                EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES IN (%L)', t || '_' || d, t, d);
            END LOOP;
        END IF;
    END LOOP;
    FOREACH t IN ARRAY ARRAY['house', 'person', 'component', 'organization', 'event'] LOOP
        EXECUTE format('INSERT INTO %I SELECT * FROM %I', t, t || '_v19');
    END LOOP;
    DROP TABLE person_v19, house_v19, component_v19, organization_v19, event_v19;
    FOREACH t IN ARRAY ARRAY['house', 'person', 'component', 'organization', 'event'] LOOP
        FOR d IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = t::regclass AND c.relname <> t || '_other' LOOP
            PERFORM gridmap_partition_keys(t, d);
        END LOOP;
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO gridmap_app', t);
        CALL gridmap_area_scope(t::regclass);
    END LOOP;
END $$;

CREATE POLICY area_scope ON event_stage USING (EXISTS (SELECT 1 FROM event e WHERE e.id = event_id));
CREATE POLICY area_scope ON event_log USING (EXISTS (SELECT 1 FROM event e WHERE e.id = event_id));

-- The secondary indexes, as before (V3, V4, V8, V13, V19); keep in step with the bulk loader (ElementSql).
CREATE INDEX house_microgrid_idx ON house (microgrid_code);
CREATE INDEX house_district_idx ON house (district_code);
CREATE INDEX house_building_idx ON house (building_id);
CREATE INDEX house_geom_idx ON house USING GIST (geom);
CREATE INDEX person_microgrid_idx ON person (microgrid_code);
CREATE INDEX person_district_idx ON person (district_code);
CREATE INDEX person_house_idx ON person (house_id);
CREATE INDEX person_id_number_bidx ON person (id_number_bidx);
CREATE INDEX person_phone_bidx ON person (phone_bidx);
CREATE INDEX person_name_idx ON person (name);
CREATE INDEX person_tagged_idx ON person (microgrid_code) WHERE tags <> '{}';
CREATE INDEX component_microgrid_idx ON component (microgrid_code);
CREATE INDEX component_district_idx ON component (district_code);
CREATE INDEX component_geom_idx ON component USING GIST (geom);
CREATE INDEX organization_microgrid_idx ON organization (microgrid_code);
CREATE INDEX organization_district_idx ON organization (district_code);
CREATE INDEX organization_name_idx ON organization (name);
CREATE INDEX organization_geom_idx ON organization USING GIST (geom);
CREATE INDEX event_microgrid_idx ON event (microgrid_code);
CREATE INDEX event_district_idx ON event (district_code);
CREATE INDEX event_occurred_idx ON event (occurred_at);
CREATE INDEX event_geom_idx ON event USING GIST (geom);
CREATE INDEX event_open_idx ON event (state) WHERE state NOT IN ('closed', 'evaluated', 'voided');
CREATE INDEX event_assignee_idx ON event (assignee) WHERE assignee IS NOT NULL;
CREATE INDEX event_queue_idx ON event (queue) WHERE queue IS NOT NULL;
CREATE INDEX event_reported_idx ON event (reported_at);
CREATE INDEX event_caller_phone_bidx ON event (caller_phone_bidx);
