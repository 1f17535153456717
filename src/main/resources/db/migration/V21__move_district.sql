-- Moves one row of an element table into another district's partition, as a delete and an insert of the whole row
-- (the same id, every other column kept). A plain UPDATE of district_code moves a row between local partitions, but
-- not out of a foreign one (postgres_fdw updates the row in place, where it stays with a district outside that
-- partition's values, and queries of its new district never find it) nor into a foreign one that the same UPDATE may
-- also update ("cannot route tuples into foreign table to be updated"). See README, District partitions. The caller's
-- row-level security applies to the delete (the row must be in scope) and to the insert (its new place must be).
CREATE FUNCTION gridmap_move_district(tbl REGCLASS, row_id BIGINT, district TEXT) RETURNS void LANGUAGE plpgsql
    SET search_path = public AS $$
BEGIN
    EXECUTE format('WITH m AS (DELETE FROM %1$s t WHERE t.id = $1 AND t.district_code IS DISTINCT FROM $2 RETURNING t) '
        'INSERT INTO %1$s SELECT (jsonb_populate_record(m.t, jsonb_build_object(''district_code'', $2))).* FROM m', tbl)
        USING row_id, district;
END $$;
REVOKE ALL ON FUNCTION gridmap_move_district(REGCLASS, BIGINT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gridmap_move_district(REGCLASS, BIGINT, TEXT) TO gridmap_app;
