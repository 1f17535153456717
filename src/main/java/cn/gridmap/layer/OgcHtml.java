package cn.gridmap.layer;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The HTML twins of the OGC API pages (like MapIt's {@code .html} pages): the same content as the JSON, for a person
 * with a browser, with links that stay in HTML and a small map of the features. Every value is escaped.
 */
final class OgcHtml {
    private OgcHtml() {
    }

    static String landing(Map<String, Object> m, String json) {
        StringBuilder b = page((String) m.get("title"));
        b.append("<p>").append(esc(m.get("description"))).append("</p><ul>");
        for (Object o : (List<?>) m.get("links")) {
            Map<?, ?> l = (Map<?, ?>) o;
            String href = (String) l.get("href");
            boolean ogc = href.contains("/ogc");
            b.append("<li><a href=\"").append(esc(ogc ? html(href) : href)).append("\">").append(esc(l.get("title"))).append("</a> <span class=\"rel\">")
                    .append(esc(l.get("rel"))).append("</span></li>");
        }
        b.append("</ul><p>Vector tiles of the same layers: <a href=\"../tiles\">/tiles</a>. The web map: <a href=\"../\">/</a>.</p>");
        return end(b, json);
    }

    static String conformance(List<String> classes, String json) {
        StringBuilder b = page("Conformance", "landing", "../ogc?f=html");
        b.append("<ul>");
        classes.forEach(c -> b.append("<li><code>").append(esc(c)).append("</code></li>"));
        b.append("</ul>");
        return end(b, json);
    }

    static String collections(List<Map<String, Object>> list, String json) {
        StringBuilder b = page("Collections", "landing", "../ogc?f=html");
        b.append("<table><tr><th>id</th><th>title</th><th>description</th><th>items</th><th>tiles</th></tr>");
        for (Map<String, Object> c : list) {
            String id = (String) c.get("id");
            b.append("<tr><td><a href=\"collections/").append(esc(id)).append("?f=html\">").append(esc(id)).append("</a></td><td>")
                    .append(esc(c.get("title"))).append("</td><td>").append(esc(c.get("description"))).append("</td><td><a href=\"collections/")
                    .append(esc(id)).append("/items?f=html\">items</a></td><td><a href=\"../tiles/").append(esc(id))
                    .append(".json\">TileJSON</a></td></tr>");
        }
        b.append("</table>");
        return end(b, json);
    }

    static String collection(Map<String, Object> c, String json) {
        String id = (String) c.get("id");
        StringBuilder b = page((String) c.get("title"), "landing", "../../ogc?f=html", "collections", "../collections?f=html");
        b.append("<p>").append(esc(c.get("description"))).append("</p>");
        Map<?, ?> extent = (Map<?, ?>) ((Map<?, ?>) c.get("extent")).get("spatial");
        b.append("<p>Extent (CRS84): <code>").append(esc(((List<?>) extent.get("bbox")).get(0))).append("</code></p>");
        b.append("<h2>Queryables</h2><table><tr><th>property</th><th>type</th></tr>");
        ((Map<?, ?>) c.get("queryables")).forEach((k, v) -> b.append("<tr><td><code>").append(esc(k)).append("</code></td><td>")
                .append(esc(v)).append("</td></tr>"));
        b.append("</table><p><a href=\"").append(esc(id)).append("/items?f=html\">Browse the items</a> · <a href=\"").append(esc(id))
                .append("/items?f=json\">GeoJSON</a> · filter in CQL2 text, e.g. <code>").append(esc(id)).append("/items?f=html&amp;filter=")
                .append(esc(example(c))).append("</code></p>");
        return end(b, json);
    }

    private static String example(Map<String, Object> c) {
        Map<?, ?> q = (Map<?, ?>) c.get("queryables");
        return q.containsKey("households") ? "households > 300" : q.containsKey("class_code") ? "class_code = '0101'" : "name LIKE '%路%'";
    }

    /** One page of items: a map of them, a table of their properties, and paging links that stay in HTML. */
    static String items(String collectionId, String collectionTitle, JsonNode fc, String json) {
        StringBuilder b = page(collectionTitle + " · items", "landing", "../../../ogc?f=html",
                "collections", "../../collections?f=html", "collection", "../" + collectionId + "?f=html");
        b.append("<div id=\"map\"></div>");
        Set<String> columns = new LinkedHashSet<>();
        fc.get("features").forEach(f -> f.get("properties").fieldNames().forEachRemaining(columns::add));
        b.append("<p>").append(fc.get("numberReturned").asInt()).append(" features");
        for (JsonNode l : fc.get("links")) {
            String rel = l.get("rel").asText();
            if (!rel.equals("self")) {
                b.append(" · <a rel=\"").append(esc(rel)).append("\" href=\"").append(esc(html(l.get("href").asText()))).append("\">")
                        .append(rel.equals("next") ? "next page →" : "← previous page").append("</a>");
            }
        }
        b.append("</p><table><tr><th>id</th>");
        columns.forEach(c -> b.append("<th>").append(esc(c)).append("</th>"));
        b.append("</tr>");
        for (JsonNode f : fc.get("features")) {
            String id = f.get("id").asText();
            b.append("<tr><td><a href=\"items/").append(esc(id)).append("?f=html\">").append(esc(id)).append("</a></td>");
            for (String c : columns) {
                JsonNode v = f.get("properties").get(c);
                b.append("<td>").append(cell(v)).append("</td>");
            }
            b.append("</tr>");
        }
        b.append("</table>");
        return end(withMap(b, fc, "../../../"), json);
    }

    static String item(String collectionId, JsonNode f, String json) {
        StringBuilder b = page(collectionId + " · " + f.get("id").asText(), "landing", "../../../../ogc?f=html",
                "collection", "../../" + collectionId + "?f=html", "items", "../items?f=html");
        b.append("<div id=\"map\"></div><table>");
        f.get("properties").fields().forEachRemaining(e -> b.append("<tr><th>").append(esc(e.getKey())).append("</th><td>")
                .append(cell(e.getValue())).append("</td></tr>"));
        b.append("</table>");
        return end(withMap(b, f, "../../../../"), json);
    }

    /** A property value as table-cell text: empty for null, strings as they are, anything else as JSON; escaped. */
    private static String cell(JsonNode v) {
        return v == null || v.isNull() ? "" : esc(v.isTextual() ? v.asText() : v.toString());
    }

    /** Leaflet (served with the web map) draws the features over the offline land and water tiles. */
    private static StringBuilder withMap(StringBuilder b, JsonNode geojson, String root) {
        b.append("<link rel=\"stylesheet\" href=\"").append(root).append("vendor/leaflet/leaflet.css\">")
                .append("<script src=\"").append(root).append("vendor/leaflet/leaflet.js\"></script>")
                .append("<script src=\"").append(root).append("vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js\"></script>")
                .append("<script type=\"application/json\" id=\"features\">")
                .append(geojson.toString().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")).append("</script>")
                .append("<script>(function () {"
                        + "const data = JSON.parse(document.getElementById('features').textContent);"
                        + "const map = L.map('map', { fadeAnimation: false });"
                        + "L.vectorGrid.protobuf('").append(root).append("tiles/land,water/{z}/{x}/{y}.mvt', { rendererFactory: L.canvas.tile,"
                        + " vectorTileLayerStyles: { land: { fill: true, fillColor: '#f4f1ea', fillOpacity: 1, color: '#c9c4b5', weight: 0.5 },"
                        + " water: { fill: true, fillColor: '#a9cbe8', fillOpacity: 1, color: '#7fa9d1', weight: 0.6 } } }).addTo(map);"
                        + "const layer = L.geoJSON(data, { style: { color: '#e31a1c', weight: 1.5, fillOpacity: 0.1 },"
                        + " pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 5, color: '#fff', weight: 1, fillColor: '#d7301f', fillOpacity: 0.9 }),"
                        + " onEachFeature: (f, l) => l.bindTooltip(String(f.id)) }).addTo(map);"
                        + "const bounds = layer.getBounds();"
                        + "if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 17, padding: [10, 10] }); else map.setView([32.05, 119.45], 9);"
                        + "})();</script>");
        return b;
    }

    /** The page's head and its breadcrumbs ({@code crumbs}: label, href, label, href …). */
    private static StringBuilder page(String title, String... crumbs) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(title)).append(" · gridmap OGC API</title><style>")
                .append("body{font-family:'Noto Sans CJK SC','WenQuanYi Zen Hei',sans-serif;margin:1.5em auto;max-width:70em;padding:0 1em;color:#222}")
                .append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}")
                .append("th{background:#f4f4f4}code{font-size:12px}#map{height:360px;margin:1em 0;background:#dfe7ee}.rel{color:#888;font-size:12px}")
                .append("nav{font-size:13px;color:#666}</style></head><body><nav>gridmap OGC API");
        for (int i = 0; i + 1 < crumbs.length; i += 2) {
            b.append(" › <a href=\"").append(esc(crumbs[i + 1])).append("\">").append(esc(crumbs[i])).append("</a>");
        }
        b.append("</nav><h1>").append(esc(title)).append("</h1>");
        return b;
    }

    /** Closes the page with a link to its JSON twin. */
    private static String end(StringBuilder b, String json) {
        b.append("<p class=\"rel\">This page as JSON: <a id=\"as-json\" href=\"").append(esc(json)).append("\">").append(esc(json))
                .append("</a></p></body></html>");
        return b.toString();
    }

    /** The same link with {@code f=html}. */
    static String html(String href) {
        String base = href.replaceAll("([?&])f=[^&]*&?", "$1").replaceAll("[?&]$", "");
        return base + (base.contains("?") ? "&" : "?") + "f=html";
    }

    static String esc(Object o) {
        String s = String.valueOf(o);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

}
