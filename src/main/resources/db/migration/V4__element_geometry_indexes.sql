-- Organisations and events are drawn as map markers by bbox at high zoom (components already have theirs).
CREATE INDEX organization_geom_idx ON organization USING GIST (geom);
CREATE INDEX event_geom_idx ON event USING GIST (geom);
