package cn.gridmap.layer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import cn.gridmap.GridmapConfig;
import cn.gridmap.region.Level;
import jakarta.enterprise.context.ApplicationScoped;

/** The layers served as vector tiles. Requests name a layer by id; anything else is a 404. */
@ApplicationScoped
public class TileCatalog {
    private final Map<String, TileLayer> layers = new LinkedHashMap<>();

    public TileCatalog(GridmapConfig config) {
        Map<String, String> region = Map.of("code", "String", "name", "String", "level", "String", "households", "Number",
                "derived", "Boolean", "kind", "String");
        int[] minZoom = {0, 0, 8, 10, 12, 14};
        String[] titles = {"市 City", "区/县 District", "街道/镇 Street", "社区/村 Community", "网格 Grid", "微网格 Micro-grid"};
        for (Level l : Level.values()) {
            add(new TileLayer(l.wireName(), titles[l.ordinal()], TileLayer.Kind.REGION, minZoom[l.ordinal()], 22, 0, region,
                    "The " + l.wireName() + " regions (GB/T 30428.1 codes)" + (l.ordinal() >= Level.STREET.ordinal()
                            ? "; shapes derived inside the real districts (示意边界)" : "")));
        }
        add(new TileLayer("beats", "警格 Police beats", TileLayer.Kind.OVERLAY, 8, 22, 0,
                Map.of("code", "String", "name", "String", "station_code", "String", "station", "String", "officer", "String"),
                "Police beats (警务区) with their station; they meet the grids N:M (警网融合)"));
        Map<String, String> basemap = Map.of("kind", "String", "name", "String");
        add(new TileLayer("water", "水系 Water", TileLayer.Kind.BASEMAP, 0, 22, 0, basemap, "GSHHG 2.3.7 water and WDBII rivers"));
        add(new TileLayer("land", "陆地 Land", TileLayer.Kind.BASEMAP, 0, 22, 0, basemap, "Natural Earth land around the city"));
        int points = config.tiles().pointZoom();
        String counts = " Below zoom %d: one point per region (district, street, community, grid by zoom) with its count.";
        add(new TileLayer("events", "事件 Events", TileLayer.Kind.ELEMENT, 0, 22, points,
                Map.of("class_code", "String", "class_name", "String", "occurred_at", "String", "grid_code", "String", "code", "String",
                        "name", "String", "count", "Number"),
                "Event records (GB/T 30428.2 classes)." + String.format(counts, points)));
        add(new TileLayer("components", "部件 Components", TileLayer.Kind.ELEMENT, 0, 22, points,
                Map.of("code", "String", "class_code", "String", "name", "String", "state", "String", "count", "Number"),
                "City components with their 16-digit code." + String.format(counts, points)));
        add(new TileLayer("organizations", "组织 Organizations", TileLayer.Kind.ELEMENT, 0, 22, points,
                Map.of("name", "String", "kind", "String", "credit_code", "String", "category", "String", "code", "String",
                        "count", "Number"),
                "Enterprises and social organisations (no phone numbers)." + String.format(counts, points)));
        int housePoints = config.tiles().housePointZoom();
        add(new TileLayer("houses", "房屋 Houses", TileLayer.Kind.ELEMENT, 0, 22, housePoints,
                Map.of("address", "String", "use", "String", "households", "Number", "code", "String", "name", "String", "count", "Number"),
                "Houses with their standard address (no residents)." + String.format(counts, housePoints)));
    }

    private void add(TileLayer l) {
        layers.put(l.id(), l);
    }

    public TileLayer get(String id) {
        return layers.get(id);
    }

    public List<TileLayer> all() {
        return List.copyOf(layers.values());
    }
}
