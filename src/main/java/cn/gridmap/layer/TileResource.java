package cn.gridmap.layer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.GridmapConfig;
import cn.gridmap.geo.TileMath;
import cn.gridmap.web.ApiException;
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
@Tag(name = "tiles", description = "Vector tiles of the regions, the basemap and the elements (MVT, TileJSON)")
public class TileResource {
    static final String MVT = "application/vnd.mapbox-vector-tile";
    private final TileService tiles;
    private final TileCatalog catalog;
    private final GridmapConfig config;

    public TileResource(TileService tiles, TileCatalog catalog, GridmapConfig config) {
        this.tiles = tiles;
        this.catalog = catalog;
        this.config = config;
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
            m.put("tilejson", base(uri) + "/tiles/" + l.id() + ".json");
            m.put("tiles", base(uri) + "/tiles/" + l.id() + "/{z}/{x}/{y}.mvt");
            out.add(m);
        }
        return out;
    }

    @GET
    @Path("/{layer}.json")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "TileJSON 3.0.0 of one layer")
    public Map<String, Object> tileJson(@PathParam("layer") String id, @Context UriInfo uri) {
        TileLayer l = layer(id);
        double[] b = tiles.cityBounds();
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("tilejson", "3.0.0");
        j.put("name", l.title());
        j.put("description", l.description());
        j.put("version", "1.0.0");
        j.put("attribution", "gridmap · 镇江市 · boundaries DataV.GeoAtlas, names NBS, water GSHHG, land Natural Earth; lower levels and "
                + "elements derived");
        j.put("scheme", "xyz");
        j.put("tiles", List.of(base(uri) + "/tiles/" + l.id() + "/{z}/{x}/{y}.mvt"));
        j.put("minzoom", l.minzoom());
        j.put("maxzoom", l.maxzoom());
        j.put("bounds", List.of(b[0], b[1], b[2], b[3]));
        j.put("center", List.of((b[0] + b[2]) / 2, (b[1] + b[3]) / 2, 10));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", l.id());
        v.put("description", l.description());
        v.put("minzoom", l.minzoom());
        v.put("maxzoom", l.maxzoom());
        v.put("fields", l.fields());
        j.put("vector_layers", List.of(v));
        return j;
    }

    @GET
    @Path("/{layer}/{z}/{x}/{y}.mvt")
    @Produces(MVT)
    @Operation(summary = "One vector tile; gzip when accepted; ETag and 304; 204 when empty")
    public Response tile(@PathParam("layer") String id, @PathParam("z") String z, @PathParam("x") String x, @PathParam("y") String y,
            @HeaderParam("If-None-Match") String ifNoneMatch) {
        TileLayer l = layer(id);
        int zz = (int) number(z, "z");
        long xx = number(x, "x");
        long yy = number(y, "y");
        String problem = TileMath.problem(zz, xx, yy);
        if (problem != null) {
            throw ApiException.badRequest(problem);
        }
        TileService.Tile t = tiles.tile(l, zz, xx, yy);
        String cacheControl = "public, max-age=" + config.tiles().maxAgeSeconds();
        if (ifNoneMatch != null && ifNoneMatch.contains(t.etag())) {
            return Response.notModified().tag(t.etag().substring(1, t.etag().length() - 1)).header("Cache-Control", cacheControl).build();
        }
        Response.ResponseBuilder r;
        if (t.empty()) {
            r = Response.noContent();
        } else {
            r = Response.ok(t.bytes(), MVT);
        }
        return r.header("ETag", t.etag()).header("Cache-Control", cacheControl).header("Vary", "Accept-Encoding")
                .header("X-Cache", t.cached() ? "HIT" : "MISS").build();
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
