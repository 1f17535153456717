-- 专属网格 (Yangzhou): schools, hospitals, enterprises, construction sites, scenic areas, complexes and religious sites
-- form grids of their own inside a community, with their own responsible person. A grid's kind is in its properties
-- ({"kind": "exclusive", "organization": {...}, "responsible": {...}, "carvedFrom": [...]}); a grid without one is a
-- standard grid (综合网格). A change set's new regions carry the properties it sets (createGrid).
ALTER TABLE change_set_region ADD COLUMN properties JSONB;
CREATE INDEX region_grid_kind_idx ON region ((properties ->> 'kind')) WHERE level = 'grid' AND generation_high IS NULL;

-- Institutions (事业单位: schools, hospitals, scenic areas; and religious venues) in the organisations registry.
ALTER TABLE organization DROP CONSTRAINT organization_kind_check;
ALTER TABLE organization ADD CONSTRAINT organization_kind_check CHECK (kind IN ('enterprise', 'social', 'institution'));

-- An exclusive grid's head (专属网格长): the unit's responsible person, who takes the grid's events.
ALTER TABLE staff_assignment DROP CONSTRAINT staff_assignment_duty_check;
ALTER TABLE staff_assignment ADD CONSTRAINT staff_assignment_duty_check CHECK (duty IN ('head', 'fulltime', 'parttime', 'backup',
    'liaison', 'judge', 'prosecutor', 'police', 'lawyer', 'dispatcher', 'shift_lead', 'department'));
