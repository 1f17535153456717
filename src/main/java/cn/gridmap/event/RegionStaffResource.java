package cn.gridmap.event;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Who works where: a region's staff (grid workers, liaisons, 三官一律, dispatchers, department handlers). */
@Path("/api/regions/{code}/staff")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "events")
public class RegionStaffResource {
    private final Staffing staffing;

    public RegionStaffResource(Staffing staffing) {
        this.staffing = staffing;
    }

    @GET
    @Authenticated
    @Operation(summary = "The staff of a region: assigned here (a grid with its micro-grids' liaisons), the dispatchers above it, and "
            + "counts per duty below it; onDuty false while absent")
    public Staffing.RegionStaff staff(@PathParam("code") String code) {
        return staffing.ofRegion(code);
    }

}
