package cn.gridmap.layer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.ObjectMapper;

import cn.gridmap.geo.OutputCrs;
import cn.gridmap.security.Callers;
import cn.gridmap.web.ApiException;
import cn.gridmap.web.Params;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** OGC API – Features: landing page, conformance, collections, items (bbox, paging, properties, datetime, CQL2 filter). */
@Path("/ogc")
@Tag(name = "ogc", description = "OGC API – Features (Part 1 core + GeoJSON, Part 2 CRS, Part 3 CQL2 text) over regions and elements")
@Authenticated
public class OgcResource {
    static final String GEOJSON = "application/geo+json";
    private static final List<String> CONFORMANCE = List.of(
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
            "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
            "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
            "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
            "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
            "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions");
    /** The query parameters of items: Part 1 core, Part 3 filter (and f for the HTML twin). */
    static final List<String> ITEM_PARAMETERS = List.of("bbox", "bbox-crs", "limit", "offset", "datetime", "properties", "crs", "filter",
            "filter-lang", "filter-crs", "f");
    /** The query parameters of one item: Part 2 crs (and f). */
    static final List<String> ITEM_PARAMETER = List.of("crs", "f");
    private final OgcService service;
    private final TileService tiles;
    private final ObjectMapper json;

    private final Callers callers;

    public OgcResource(OgcService service, TileService tiles, ObjectMapper json, Callers callers) {
        this.callers = callers;
        this.service = service;
        this.tiles = tiles;
        this.json = json;
    }

    /**
     * Whether to answer with the HTML twin: {@code f=html}, or no {@code f} and a browser's Accept (text/html before
     * any JSON type). {@code f=json} always gives JSON.
     */
    static boolean wantsHtml(String f, HttpHeaders headers) {
        if (f != null) {
            return switch (f) {
                case "html" -> true;
                case "json" -> false;
                default -> throw ApiException.badRequest("f must be json or html, got '" + f + "'");
            };
        }
        for (MediaType t : headers.getAcceptableMediaTypes()) {
            if (t.isCompatible(MediaType.TEXT_HTML_TYPE) && !t.isWildcardType()) {
                return true;
            }
            if (t.getSubtype().contains("json")) {
                return false;
            }
        }
        return false;
    }

    private static Response html(String page) {
        return Response.ok(page, MediaType.TEXT_HTML_TYPE.withCharset("utf-8")).build();
    }

    private static String jsonTwin(UriInfo uri) {
        return uri.getRequestUriBuilder().replaceQueryParam("f", "json").build().toString();
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    @Operation(summary = "Landing page (f=html or a browser's Accept for its HTML twin)")
    public Response landing(@Context UriInfo uri, @QueryParam("f") String f, @Context HttpHeaders headers) {
        Map<String, Object> m = landingPage(uri);
        return wantsHtml(f, headers) ? html(OgcHtml.landing(m, jsonTwin(uri))) : Response.ok(m, MediaType.APPLICATION_JSON_TYPE).build();
    }

    private Map<String, Object> landingPage(UriInfo uri) {
        String b = TileResource.base(uri);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", "gridmap · 镇江市");
        m.put("description", "The six-level grid hierarchy of Zhenjiang and the elements placed in it");
        m.put("links", List.of(link(b + "/ogc", "self", "application/json", "this document"),
                link(b + "/ogc/api", "service-desc", OgcOpenApi.MEDIA_TYPE, "the API definition (OpenAPI 3.0)"),
                link(b + "/q/openapi", "describedby", "application/json", "the whole gridmap API (OpenAPI)"),
                link(b + "/ogc/conformance", "conformance", "application/json", "conformance classes"),
                link(b + "/ogc/collections", "data", "application/json", "the collections"),
                link(b + "/ogc?f=html", "alternate", "text/html", "this document as HTML")));
        return m;
    }

    @GET
    @Path("/api")
    @Produces({OgcOpenApi.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @Operation(summary = "The OGC API's own definition (OpenAPI 3.0): every path, with a path per collection naming its queryable properties")
    public Response api(@Context UriInfo uri) {
        return Response.ok(OgcOpenApi.document(TileResource.base(uri) + "/ogc", service.collections()), OgcOpenApi.MEDIA_TYPE).build();
    }

    @GET
    @Path("/conformance")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    @Operation(summary = "Conformance classes")
    public Response conformance(@Context UriInfo uri, @QueryParam("f") String f, @Context HttpHeaders headers) {
        return wantsHtml(f, headers) ? html(OgcHtml.conformance(CONFORMANCE, jsonTwin(uri)))
                : Response.ok(Map.of("conformsTo", CONFORMANCE), MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("/collections")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    @Operation(summary = "The collections")
    public Response collections(@Context UriInfo uri, @QueryParam("f") String f, @Context HttpHeaders headers) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (OgcCollection c : service.collections()) {
            list.add(describe(c, TileResource.base(uri), tiles.cityBounds()));
        }
        if (wantsHtml(f, headers)) {
            return html(OgcHtml.collections(list, jsonTwin(uri)));
        }
        return Response.ok(Map.of("collections", list, "links", List.of(link(TileResource.base(uri) + "/ogc/collections", "self",
                "application/json", "collections"))), MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("/collections/{id}")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    @Operation(summary = "One collection")
    public Response collection(@PathParam("id") String id, @Context UriInfo uri, @QueryParam("f") String f, @Context HttpHeaders headers) {
        Map<String, Object> m = describe(service.collection(id), TileResource.base(uri), tiles.cityBounds());
        return wantsHtml(f, headers) ? html(OgcHtml.collection(m, jsonTwin(uri))) : Response.ok(m, MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("/collections/{id}/items")
    @Produces({GEOJSON, MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    @Operation(summary = "Items as a GeoJSON FeatureCollection: bbox (bbox-crs), limit/offset (next link), properties, datetime, "
            + "filter (CQL2 text, filter-crs), crs (Part 2: CRS84, EPSG:4326, EPSG:4490, the Jiangsu CGCS2000 Gauss-Krüger zones)")
    public Response items(@PathParam("id") String id, @QueryParam("bbox") String bbox, @QueryParam("bbox-crs") String bboxCrs,
            @QueryParam("limit") String limit, @QueryParam("offset") String offset, @QueryParam("properties") String properties,
            @QueryParam("datetime") String datetime, @QueryParam("filter") String filter, @QueryParam("filter-lang") String filterLang,
            @QueryParam("filter-crs") String filterCrs, @QueryParam("crs") String crs, @Context UriInfo uri,
            @QueryParam("f") String f, @Context HttpHeaders headers) throws java.io.IOException {
        boolean html = wantsHtml(f, headers);
        OgcCollection c = service.collection(id);
        List<String> allowed = new ArrayList<>(ITEM_PARAMETERS);
        allowed.addAll(c.properties().keySet());
        Map<String, List<String>> query = onlyParameters(uri, allowed, "the items of " + c.id());
        Map<String, String> equal = new LinkedHashMap<>();
        for (String p : c.properties().keySet()) {
            List<String> v = query.get(p);
            if (v != null && v.size() > 1) {
                throw ApiException.badRequest(p + " is given " + v.size() + " times; give it once (or use filter= for IN)");
            }
            if (v != null) {
                equal.put(p, v.get(0));
            }
        }
        OutputCrs out = offered(crs, "crs");
        int l = Params.integer(limit, "limit", 10);
        int o = Params.integer(offset, "offset", 0);
        if (l < 1 || l > service.maxLimit()) {
            throw ApiException.badRequest("limit must be 1–" + service.maxLimit());
        }
        if (o < 0) {
            throw ApiException.badRequest("offset must not be negative");
        }
        OgcService.Page result = service.items(callers.current(), c, new OgcService.Query(bbox, offered(bboxCrs, "bbox-crs"), datetime, filter,
                filterLang, offered(filterCrs, "filter-crs"), properties, out, equal), l, o);
        List<String> rows = result.rows();
        boolean more = rows.size() > l;
        List<String> page = more ? rows.subList(0, l) : rows;
        StringBuilder body = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
        for (int i = 0; i < page.size(); i++) {
            body.append(i == 0 ? "" : ",").append(page.get(i));
        }
        body.append("],");
        if (result.numberMatched() != null) {
            body.append("\"numberMatched\":").append(result.numberMatched()).append(',');
        }
        body.append("\"numberReturned\":").append(page.size()).append(",\"timeStamp\":\"").append(java.time.Instant.now()).append("\"");
        body.append(",\"links\":[").append(linkJson(uri, "self", o, l));
        if (more) {
            body.append(',').append(linkJson(uri, "next", o + l, l));
        }
        if (o > 0) {
            body.append(',').append(linkJson(uri, "prev", Math.max(0, o - l), l));
        }
        body.append("]}");
        if (html) {
            return html(OgcHtml.items(c.id(), c.title(), json.readTree(body.toString()), jsonTwin(uri)));
        }
        return Response.ok(body.toString(), GEOJSON).header("Content-Crs", "<" + out.uri() + ">").build();
    }

    /**
     * Part 1 (7.15.1): a parameter the API does not define is a 400. Names as sent: the framework's map ignores case.
     */
    static Map<String, List<String>> onlyParameters(UriInfo uri, List<String> allowed, String what) {
        String raw = uri.getRequestUri().getRawQuery();
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String part : raw == null ? new String[0] : raw.split("&")) {
            String[] kv = part.split("=", 2);
            String q;
            String v;
            try {
                q = java.net.URLDecoder.decode(kv[0], java.nio.charset.StandardCharsets.UTF_8);
                v = kv.length > 1 ? java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8) : "";
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("malformed percent-encoding in the query: " + e.getMessage());
            }
            if (!q.isEmpty() && !allowed.contains(q)) {
                throw ApiException.badRequest("unknown query parameter '" + q + "'; " + what + " take " + allowed);
            }
            out.computeIfAbsent(q, k -> new ArrayList<>()).add(v);
        }
        return out;
    }

    /** A Part 2 CRS parameter: one of the CRSs each collection lists (absent: CRS84), else a 400 naming them. */
    static OutputCrs offered(String value, String parameter) {
        OutputCrs c = OutputCrs.parse(value, OutputCrs.CRS84);
        if (!OutputCrs.offered().contains(c)) {
            throw ApiException.badRequest(parameter + " " + c.uri() + " is not offered; the collections list "
                    + OutputCrs.offered().stream().map(OutputCrs::uri).toList());
        }
        return c;
    }

    @GET
    @Path("/collections/{id}/queryables")
    @Produces({"application/schema+json", MediaType.APPLICATION_JSON})
    @Operation(summary = "The properties a filter may name, as JSON Schema (OGC API – Features Part 3), so that clients filter on the server")
    public Response queryables(@PathParam("id") String id, @Context UriInfo uri, @QueryParam("f") String f) {
        if (f != null && !f.equals("json")) {
            throw ApiException.badRequest("f must be json for queryables, got '" + f + "'");
        }
        OgcCollection c = service.collection(id);
        Map<String, Object> props = new LinkedHashMap<>();
        Map<String, Object> geometry = new LinkedHashMap<>();
        geometry.put("title", "geometry");
        geometry.put("format", "geometry-any");
        props.put("geometry", geometry);
        c.properties().forEach((k, v) -> {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("title", k);
            switch (v.type()) {
                case "datetime" -> {
                    p.put("type", "string");
                    p.put("format", "date-time");
                }
                case "number", "boolean", "string" -> p.put("type", v.type());
                default -> p.put("type", "string");
            }
            props.put(k, p);
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        m.put("$id", TileResource.base(uri) + "/ogc/collections/" + c.id() + "/queryables");
        m.put("type", "object");
        m.put("title", c.title());
        m.put("properties", props);
        m.put("additionalProperties", false);
        return Response.ok(m, "application/schema+json").build();
    }

    @GET
    @Path("/collections/{id}/items/{featureId}")
    @Produces({GEOJSON, MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    @Operation(summary = "One item as a GeoJSON Feature")
    public Response item(@PathParam("id") String id, @PathParam("featureId") String featureId, @QueryParam("crs") String crs,
            @Context UriInfo uri, @QueryParam("f") String f, @Context HttpHeaders headers) throws java.io.IOException {
        boolean html = wantsHtml(f, headers);
        OgcCollection c = service.collection(id);
        onlyParameters(uri, ITEM_PARAMETER, "an item of " + c.id());
        OutputCrs out = offered(crs, "crs");
        String feature = service.item(callers.current(), c, featureId, out);
        if (feature == null) {
            throw ApiException.notFound("no item '" + featureId + "' in " + id);
        }
        return html ? html(OgcHtml.item(id, json.readTree(feature), jsonTwin(uri)))
                : Response.ok(feature, GEOJSON).header("Content-Crs", "<" + out.uri() + ">").build();
    }

    private static Map<String, Object> describe(OgcCollection c, String base, double[] bounds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("title", c.title());
        m.put("description", c.description());
        m.put("itemType", "feature");
        m.put("crs", OutputCrs.offered().stream().map(OutputCrs::uri).toList());
        m.put("storageCrs", OutputCrs.CRS84_URI);
        m.put("extent", Map.of("spatial", Map.of("bbox", List.of(List.of(bounds[0], bounds[1], bounds[2], bounds[3])),
                "crs", "http://www.opengis.net/def/crs/OGC/1.3/CRS84")));
        Map<String, String> q = new LinkedHashMap<>();
        c.properties().forEach((k, v) -> q.put(k, v.type()));
        m.put("queryables", q);
        m.put("links", List.of(link(base + "/ogc/collections/" + c.id(), "self", "application/json", c.title()),
                link(base + "/ogc/collections/" + c.id() + "/items", "items", GEOJSON, c.title() + " items"),
                link(base + "/ogc/collections/" + c.id() + "/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                        "application/schema+json", "the properties a filter may name"),
                link(base + "/tiles/" + c.id() + ".json", "related", "application/json", "vector tiles (TileJSON)")));
        return m;
    }

    private static String linkJson(UriInfo uri, String rel, int offset, int limit) {
        jakarta.ws.rs.core.UriBuilder b = uri.getRequestUriBuilder().replaceQueryParam("offset", offset).replaceQueryParam("limit", limit);
        return "{\"href\":\"" + b.build().toString().replace("\"", "%22") + "\",\"rel\":\"" + rel + "\",\"type\":\"" + GEOJSON + "\"}";
    }

    private static Map<String, String> link(String href, String rel, String type, String title) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("href", href);
        m.put("rel", rel);
        m.put("type", type);
        m.put("title", title);
        return m;
    }
}
