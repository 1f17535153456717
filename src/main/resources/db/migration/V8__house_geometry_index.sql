-- Houses are drawn as vector-tile points from zoom 17: find them by tile envelope.
CREATE INDEX house_geom_idx ON house USING GIST (geom);
