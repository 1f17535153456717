-- import_id is an audit trail (which import wrote the row). Checking it against import_job on every row cost about
-- a third of the time of a bulk upsert (a trigger call per row) and guarded nothing: jobs are never deleted.
ALTER TABLE house DROP CONSTRAINT house_import_id_fkey;
ALTER TABLE person DROP CONSTRAINT person_import_id_fkey;
ALTER TABLE component DROP CONSTRAINT component_import_id_fkey;
ALTER TABLE organization DROP CONSTRAINT organization_import_id_fkey;
ALTER TABLE event DROP CONSTRAINT event_import_id_fkey;
