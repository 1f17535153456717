package cn.gridmap.layer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.GridmapConfig;
import cn.gridmap.geo.TileMath;
import cn.gridmap.security.Caller;
import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import cn.gridmap.web.ApiException;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** Vector tiles (Mapbox Vector Tile 2.1), their TileJSON 3.0 descriptions and the catalogue. */
@Path("/tiles")
@Authenticated
@Tag(name = "tiles", description = "Vector tiles of the regions, the basemap and the elements (MVT, TileJSON)")
public class TileResource {
    static final String MVT = "application/vnd.mapbox-vector-tile";
    private final TileService tiles;
    private final TileCatalog catalog;
    private final GridmapConfig config;
    private final Callers callers;

    public TileResource(TileService tiles, TileCatalog catalog, GridmapConfig config, Callers callers) {
        this.tiles = tiles;
        this.catalog = catalog;
        this.config = config;
        this.callers = callers;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The tile layers: id, title, zoom range, TileJSON and tile URLs")
    public List<Map<String, Object>> catalogue(@Context UriInfo uri) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TileLayer l : catalog.all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", l.id());
            m.put("title", l.title());
            m.put("kind", l.kind().name().toLowerCase(java.util.Locale.ROOT));
            m.put("minzoom", l.minzoom());
            m.put("maxzoom", l.maxzoom());
            if (l.kind() == TileLayer.Kind.ELEMENT) {
                m.put("pointzoom", l.pointZoom()); // below it, one point per region with its count
            }
            m.put("tilejson", base(uri) + "/tiles/" + l.id() + ".json");
            m.put("tiles", base(uri) + "/tiles/" + l.id() + "/{z}/{x}/{y}.mvt");
            out.add(m);
        }
        return out;
    }

    @GET
    @Path("/{layers}.json")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "TileJSON 3.0.0 of one layer, or of a composite of layers (comma-separated ids)")
    public Map<String, Object> tileJson(@PathParam("layers") String ids, @Context UriInfo uri) {
        List<TileLayer> ls = layers(ids);
        double[] b = tiles.cityBounds();
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("tilejson", "3.0.0");
        j.put("name", ls.stream().map(TileLayer::title).collect(java.util.stream.Collectors.joining(" + ")));
        j.put("description", ls.size() == 1 ? ls.get(0).description() : "Composite of " + ids + ": one tile holds every layer");
        j.put("version", "1.0.0");
        j.put("attribution", "gridmap · 镇江市 · boundaries DataV.GeoAtlas, names NBS, water GSHHG, land Natural Earth; lower levels and "
                + "elements derived");
        j.put("scheme", "xyz");
        j.put("tiles", List.of(base(uri) + "/tiles/" + ids + "/{z}/{x}/{y}.mvt"));
        j.put("minzoom", ls.stream().mapToInt(TileLayer::minzoom).min().orElseThrow());
        j.put("maxzoom", ls.stream().mapToInt(TileLayer::maxzoom).max().orElseThrow());
        j.put("bounds", List.of(b[0], b[1], b[2], b[3]));
        j.put("center", List.of((b[0] + b[2]) / 2, (b[1] + b[3]) / 2, 10));
        List<Map<String, Object>> vectorLayers = new ArrayList<>();
        for (TileLayer l : ls) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("id", l.id());
            v.put("description", l.description());
            v.put("minzoom", l.minzoom());
            v.put("maxzoom", l.maxzoom());
            v.put("fields", l.fields());
            if (l.kind() == TileLayer.Kind.ELEMENT) {
                v.put("pointzoom", l.pointZoom());
            }
            vectorLayers.add(v);
        }
        j.put("vector_layers", vectorLayers);
        return j;
    }

    @GET
    @Path("/{layers}/{z}/{x}/{y}.mvt")
    @Produces(MVT)
    @Operation(summary = "One vector tile of a layer, or of several (comma-separated ids, drawn in that order: a composite "
            + "tile holds one MVT layer per id); gzip when accepted; ETag and 304; 204 when empty")
    public Response tile(@PathParam("layers") String ids, @PathParam("z") String z, @PathParam("x") String x, @PathParam("y") String y,
            @HeaderParam("If-None-Match") String ifNoneMatch, @HeaderParam("Accept-Encoding") String acceptEncoding) {
        List<TileLayer> ls = layers(ids);
        int zz = (int) number(z, "z");
        long xx = number(x, "x");
        long yy = number(y, "y");
        String problem = TileMath.problem(zz, xx, yy);
        if (problem != null) {
            throw ApiException.badRequest(problem);
        }
        Caller caller = callers.current();
        boolean elements = ls.stream().anyMatch(l -> l.kind() == TileLayer.Kind.ELEMENT);
        if (elements && !caller.principal().hasAny(Roles.STAFF)) {
            throw new ApiException(403, "element layers are for staff roles; your roles " + caller.principal().roles().stream().sorted().toList()
                    + " may read region and basemap layers");
        }
        TileService.Sent t = tiles.send(ls, zz, xx, yy, caller.scope());
        // element tiles hold what the caller's scope holds: no shared cache may keep them
        String cacheControl = (elements ? "private" : "public") + ", max-age=" + config.tiles().maxAgeSeconds();
        if (ifNoneMatch != null && ifNoneMatch.contains(t.etag())) {
            return Response.notModified().tag(t.etag().substring(1, t.etag().length() - 1)).header("Cache-Control", cacheControl).build();
        }
        Response.ResponseBuilder r;
        if (t.empty()) {
            r = Response.noContent();
        } else if (acceptsGzip(acceptEncoding)) {
            r = Response.ok(t.gzip(), MVT).header("Content-Encoding", "gzip"); // compressed once, when it was made
        } else {
            r = Response.ok(t.inflated(), MVT);
        }
        return r.header("ETag", t.etag()).header("Cache-Control", cacheControl)
                .header("Vary", elements ? "Accept-Encoding, Authorization, X-API-Key" : "Accept-Encoding")
                .header("X-Cache", t.cached() ? "HIT" : "MISS")
                .header("Server-Timing", String.format(java.util.Locale.ROOT, "render;dur=%.3f", t.renderNanos() / 1e6)).build();
    }

    /** Whether an Accept-Encoding header admits gzip (named, or {@code *}, and not with q=0). */
    static boolean acceptsGzip(String header) {
        if (header == null) {
            return false;
        }
        boolean star = false;
        for (String part : header.split(",")) {
            String[] p = part.trim().split(";");
            String coding = p[0].trim().toLowerCase(java.util.Locale.ROOT);
            boolean zero = false;
            for (int i = 1; i < p.length; i++) {
                String param = p[i].trim().replace(" ", "");
                zero |= param.matches("q=0(\\.0{0,3})?");
            }
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                return !zero;
            }
            star |= coding.equals("*") && !zero;
        }
        return star;
    }

    /** One catalogue id, or several separated by commas (each once, at most one per catalogue layer). */
    private List<TileLayer> layers(String ids) {
        String[] parts = ids.split(",", -1);
        if (parts.length > catalog.all().size()) {
            throw ApiException.badRequest("at most " + catalog.all().size() + " layers in one tile, got " + parts.length);
        }
        List<TileLayer> out = new ArrayList<>();
        for (String id : parts) {
            TileLayer l = layer(id);
            if (out.contains(l)) {
                throw ApiException.badRequest("layer '" + id + "' is named twice");
            }
            out.add(l);
        }
        return out;
    }

    private TileLayer layer(String id) {
        TileLayer l = catalog.get(id);
        if (l == null) {
            throw ApiException.notFound("no tile layer '" + id + "'; see /tiles for the catalogue");
        }
        return l;
    }

    private static long number(String v, String name) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be an integer, got '" + v + "'");
        }
    }

    /** The service's base URL without a trailing slash (for absolute links). */
    static String base(UriInfo uri) {
        String b = uri.getBaseUri().toString();
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }
}
