package cn.gridmap.field;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** 特殊人群 visits per level (its own root, like every /api/regions/{code} sub-path of another capability). */
@Path("/api/regions/{code}/care")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "programmes")
public class RegionCareResource {
    private final Care care;
    private final Callers callers;

    public RegionCareResource(Care care, Callers callers) {
        this.care = care;
        this.callers = callers;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.ANALYST})
    @Operation(summary = "特殊人群 per level: for the region and each child its tagged people by tag, visits due and overdue, the share up to date, "
            + "visits in the last 30 days (counts only; audited)")
    public Care.Stats stats(@PathParam("code") String code, @Parameter(description = "the day (default today)") @QueryParam("asOf") String asOf) {
        return care.stats(callers.current(), code, asOf);
    }
}
