package cn.gridmap.geocode;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.lookup.PointLookupService;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Address → point → grid, and point → nearest standard address. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "geocode", description = "Standard-address geocoding (GA/T 2000.32 levels) and reverse geocoding")
@Authenticated
public class GeocodeResource {
    private final GeocodeService service;
    private final PointLookupService lookup;

    public GeocodeResource(GeocodeService service, PointLookupService lookup) {
        this.service = service;
        this.lookup = lookup;
    }

    @GET
    @Path("/geocode")
    @Operation(summary = "Geocode one address: best match with level and score, and its grid chain; match null with the reason otherwise")
    public GeocodeService.GeocodeResult geocode(@Parameter(description = "a Chinese address, e.g. 京口区福寿路1号谷阳家园1幢1单元101室")
            @QueryParam("q") String q) {
        return service.geocode(q);
    }

    @POST
    @Path("/geocode/batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Geocode up to 10,000 addresses (a JSON array of strings); results in the same order")
    public List<GeocodeService.GeocodeResult> batch(List<String> queries) {
        return service.batch(queries);
    }

    @GET
    @Path("/reverse/{crs}/{coords}")
    @Operation(summary = "The nearest standard address (within 500 m) and the grid chain of a point")
    public GeocodeService.ReverseResult reverse(@Parameter(description = "4326, 4490, gcj02, bd09 or EPSG 4491-4554") @PathParam("crs") String crs,
            @Parameter(description = "x,y (lon,lat for geographic CRSs)") @PathParam("coords") String coords) {
        return service.reverse(lookup.parse(crs, coords, null, null, null));
    }
}
