package cn.gridmap.lookup;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.GridmapConfig;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;

/** Point-in-grid lookup, MapIt style: {@code /api/point/{crs}/{x},{y}}. */
@Path("/api/point")
@Tag(name = "lookup", description = "Which city, district, street, community, grid and micro-grid a point is in")
@Authenticated
public class PointResource {
    private final PointLookupService service;
    private final int maxAge;

    public PointResource(PointLookupService service, GridmapConfig config) {
        this.service = service;
        this.maxAge = config.lookup().maxAgeSeconds();
    }

    @GET
    @Path("/{crs}/{coords}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The regions covering a point, city first, micro-grid last; empty outside the city. "
            + "ETag = the index version; 304 on If-None-Match")
    public Uni<Response> point(
            @Parameter(description = "4326 (WGS84), 4490 (CGCS2000), gcj02 (Amap/Tencent), bd09 (Baidu), or a CGCS2000 "
                    + "Gauss-Krüger EPSG code 4491–4554 (x = easting, y = northing, metres)") @PathParam("crs") String crs,
            @Parameter(description = "x,y: longitude,latitude, or easting,northing for Gauss-Krüger", example = "119.4550,32.2040") @PathParam("coords") String coords,
            @Parameter(description = "memory (default, the in-memory index) or postgis (the same answer from SQL)") @QueryParam("engine") String engine,
            @Parameter(description = "only the region of this level") @QueryParam("level") String level,
            @Parameter(description = "ISO date or date-time: the answer of the generation in force that day (boundary changes are dated); default now") @QueryParam("asOf") String asOf,
            @Context Request request) {
        PointLookupService.Query q = service.parse(crs, coords, engine, level, asOf);
        if (q.blocking()) {
            // SQL blocks: off the event loop, on the engine's own few threads; the in-memory engine answers right here
            return Uni.createFrom().item(() -> respond(q, request)).runSubscriptionOn(service.postgisExecutor());
        }
        return Uni.createFrom().item(respond(q, request));
    }

    /** The ETag is the version of the index that produced this very answer (a rebuild may land in between). */
    private Response respond(PointLookupService.Query q, Request request) {
        PointLookupResult result = service.lookup(q);
        EntityTag etag = new EntityTag("idx-" + result.indexVersion());
        CacheControl cc = new CacheControl();
        cc.setMaxAge(maxAge);
        cc.setPrivate(true); // answers need a login: a shared cache must not hand them to anyone
        Response.ResponseBuilder notModified = request.evaluatePreconditions(etag);
        if (notModified != null) {
            return notModified.cacheControl(cc).tag(etag).build();
        }
        return Response.ok(result).tag(etag).cacheControl(cc).build();
    }
}
