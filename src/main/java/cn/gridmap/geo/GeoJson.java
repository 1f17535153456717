package cn.gridmap.geo;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.geojson.GeoJsonWriter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** RFC 7946 GeoJSON encoding of JTS geometries (no legacy "crs" member). Thread-safe. */
public final class GeoJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GeoJson() {
    }

    /** The geometry as an RFC 7946 geometry object. */
    public static JsonNode geometry(Geometry g) {
        GeoJsonWriter w = new GeoJsonWriter(15);
        w.setEncodeCRS(false);
        try {
            return JSON.readTree(w.write(g));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ObjectNode feature(Geometry g, JsonNode properties) {
        ObjectNode f = JSON.createObjectNode();
        f.put("type", "Feature");
        f.set("properties", properties);
        f.set("geometry", geometry(g));
        return f;
    }

    public static ObjectNode featureCollection(ArrayNode features) {
        ObjectNode fc = JSON.createObjectNode();
        fc.put("type", "FeatureCollection");
        fc.set("features", features);
        return fc;
    }
}
