package cn.gridmap.layer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import cn.gridmap.geo.OutputCrs;

/**
 * The OGC API's definition as OpenAPI 3.0 (Part 1 "oas30"), relative to its own root ({@code servers}): the generic
 * paths and one items path per collection whose parameters name its queryable properties (7.15.5), as GDAL's OAPIF
 * client and QGIS read them to decide what to filter on the server.
 */
final class OgcOpenApi {
    static final String MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0";

    private OgcOpenApi() {
    }

    static Map<String, Object> document(String root, List<OgcCollection> collections) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.0.3");
        doc.put("info", Map.of("title", "gridmap · 镇江市 OGC API – Features", "version", "1.0",
                "description", "Parts 1 (core, GeoJSON, OpenAPI 3.0), 2 (CRS) and 3 (CQL2 text filters) over the grid hierarchy and its elements"));
        doc.put("servers", List.of(Map.of("url", root)));
        doc.put("components", Map.of("securitySchemes", Map.of("bearer", Map.of("type", "http", "scheme", "bearer"),
                "apiKey", Map.of("type", "apiKey", "in", "header", "name", "X-API-Key"))));
        doc.put("security", List.of(Map.of("bearer", List.of()), Map.of("apiKey", List.of())));
        Map<String, Object> paths = new LinkedHashMap<>();
        paths.put("/", get("landing page", List.of(f()), "application/json"));
        paths.put("/conformance", get("conformance classes", List.of(f()), "application/json"));
        paths.put("/collections", get("the collections", List.of(f()), "application/json"));
        paths.put("/collections/{collectionId}", get("one collection", List.of(collectionId(), f()), "application/json"));
        List<Map<String, Object>> generic = new ArrayList<>(List.of(collectionId()));
        generic.addAll(itemParameters());
        paths.put("/collections/{collectionId}/items", get("the items of a collection", generic, OgcResource.GEOJSON));
        paths.put("/collections/{collectionId}/items/{featureId}", get("one item",
                List.of(collectionId(), path("featureId", "a region code or an element's external id"), crs(), f()), OgcResource.GEOJSON));
        paths.put("/collections/{collectionId}/queryables", get("the properties a filter may name (JSON Schema)", List.of(collectionId()),
                "application/schema+json"));
        for (OgcCollection c : collections) {
            List<Map<String, Object>> ps = new ArrayList<>(itemParameters());
            c.properties().forEach((name, p) -> ps.add(query(name, "items whose " + name + " equals this value", schema(p.type()))));
            paths.put("/collections/" + c.id() + "/items", get(c.title(), ps, OgcResource.GEOJSON));
        }
        doc.put("paths", paths);
        return doc;
    }

    private static List<Map<String, Object>> itemParameters() {
        List<String> crs = OutputCrs.offered().stream().map(OutputCrs::uri).toList();
        return List.of(query("bbox", "minimum x, minimum y, maximum x, maximum y (in bbox-crs, default CRS84)",
                        Map.of("type", "array", "minItems", 4, "maxItems", 4, "items", Map.of("type", "number"))),
                query("bbox-crs", "the CRS of bbox", Map.of("type", "string", "format", "uri", "enum", crs)),
                query("limit", "items per page", Map.of("type", "integer", "minimum", 1, "default", 10)),
                query("offset", "items to skip", Map.of("type", "integer", "minimum", 0, "default", 0)),
                query("datetime", "an instant or an interval (events)", Map.of("type", "string")),
                query("properties", "the properties to return, comma separated", Map.of("type", "string")),
                crs(),
                query("filter", "a CQL2 text filter over the queryables", Map.of("type", "string")),
                query("filter-lang", "the filter's language", Map.of("type", "string", "enum", OgcService.FILTER_LANGUAGES, "default", "cql2-text")),
                query("filter-crs", "the CRS of geometry literals in filter", Map.of("type", "string", "format", "uri", "enum", crs)),
                f());
    }

    private static Map<String, Object> crs() {
        return query("crs", "the CRS of the answer's geometries (Content-Crs names it)",
                Map.of("type", "string", "format", "uri", "enum", OutputCrs.offered().stream().map(OutputCrs::uri).toList()));
    }

    private static Map<String, Object> f() {
        return query("f", "json, or html for the HTML twin", Map.of("type", "string", "enum", List.of("json", "html")));
    }

    private static Map<String, Object> collectionId() {
        return path("collectionId", "a collection id, see /collections");
    }

    private static Map<String, Object> schema(String type) {
        return switch (type) {
            case "number" -> Map.of("type", "number");
            case "boolean" -> Map.of("type", "boolean");
            case "datetime" -> Map.of("type", "string", "format", "date-time");
            default -> Map.of("type", "string");
        };
    }

    private static Map<String, Object> query(String name, String description, Map<String, Object> schema) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("in", "query");
        m.put("required", false);
        m.put("description", description);
        m.put("schema", schema);
        if (name.equals("bbox")) {
            m.put("style", "form");
            m.put("explode", false);
        }
        return m;
    }

    private static Map<String, Object> path(String name, String description) {
        return Map.of("name", name, "in", "path", "required", true, "description", description, "schema", Map.of("type", "string"));
    }

    private static Map<String, Object> get(String summary, List<Map<String, Object>> parameters, String type) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("summary", summary);
        op.put("parameters", parameters);
        op.put("responses", Map.of("200", Map.of("description", summary, "content", Map.of(type, Map.of())),
                "400", Map.of("description", "a parameter the API does not define, or a bad value (the message says which)"),
                "404", Map.of("description", "no such collection or item")));
        return Map.of("get", op);
    }
}
