-- Vector tiles: Web Mercator copies of the region and basemap geometries (tiles are cut in EPSG:3857), a label
-- point per region (where aggregated counts are drawn), and change notices with the changed extent so that a tile
-- cache drops only the tiles that intersect it.
ALTER TABLE region ADD COLUMN geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
ALTER TABLE region ADD COLUMN label_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(ST_PointOnSurface(geom), 3857)) STORED;
ALTER TABLE basemap_feature ADD COLUMN geom_3857 geometry(Geometry, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;

-- 'regions:minLon,minLat,maxLon,maxLat' (WGS84) after every statement that changes regions; 'regions:*' on TRUNCATE.
CREATE FUNCTION region_tiles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    e box2d;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('gridmap_tiles_changed', 'regions:*');
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT ST_Extent(geom) INTO e FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT ST_Extent(geom) INTO e FROM old_rows;
    ELSE
        SELECT ST_Extent(geom) INTO e FROM (SELECT geom FROM new_rows UNION ALL SELECT geom FROM old_rows) x;
    END IF;
    IF e IS NOT NULL THEN
        PERFORM pg_notify('gridmap_tiles_changed',
                          'regions:' || ST_XMin(e) || ',' || ST_YMin(e) || ',' || ST_XMax(e) || ',' || ST_YMax(e));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER region_tiles_inserted AFTER INSERT ON region REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION region_tiles_changed();
CREATE TRIGGER region_tiles_updated AFTER UPDATE ON region REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION region_tiles_changed();
CREATE TRIGGER region_tiles_deleted AFTER DELETE ON region REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION region_tiles_changed();
CREATE TRIGGER region_tiles_truncated AFTER TRUNCATE ON region
    FOR EACH STATEMENT EXECUTE FUNCTION region_tiles_changed();
