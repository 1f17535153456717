package cn.gridmap.lookup;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Point-in-grid lookup, MapIt style: {@code /api/point/{crs}/{x},{y}}. */
@Path("/api/point")
@Tag(name = "lookup", description = "Which city, district, street, community, grid and micro-grid a point is in")
public class PointResource {
    private final PointLookupService service;

    public PointResource(PointLookupService service) {
        this.service = service;
    }

    @GET
    @Path("/{crs}/{coords}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The regions covering a point, city first, micro-grid last; empty outside the city")
    public PointLookupResult point(
            @Parameter(description = "4326 (WGS84), 4490 (CGCS2000), gcj02 (Amap/Tencent) or bd09 (Baidu)") @PathParam("crs") String crs,
            @Parameter(description = "x,y = longitude,latitude in that crs", example = "119.4550,32.2040") @PathParam("coords") String coords) {
        return service.lookup(crs, coords);
    }
}
