package cn.gridmap.layer;

import java.util.Map;

/**
 * A vector-tile layer of the catalogue: its id (also the MVT layer name), title, kind, zoom range and the fields its
 * features carry (TileJSON {@code vector_layers}). Element layers carry counts per region below {@code pointZoom} and
 * points from it; they never carry personal data.
 */
public record TileLayer(String id, String title, Kind kind, int minzoom, int maxzoom, int pointZoom, Map<String, String> fields,
        String description) {

    /** Where a layer's features come from: regions, the basemap, elements, or an overlay of its own (police beats). */
    public enum Kind {
        REGION, BASEMAP, ELEMENT, OVERLAY
    }
}
