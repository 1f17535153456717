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

/** 三官一律 per level (its own root: /api/regions/{code} sub-paths of other capabilities are resources of their own). */
@Path("/api/regions/{code}/sanguan")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "programmes")
public class RegionSanguanResource {
    private final Sanguan sanguan;
    private final Callers callers;

    public RegionSanguanResource(Sanguan sanguan, Callers callers) {
        this.sanguan = sanguan;
        this.callers = callers;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST})
    @Operation(summary = "三官一律 per level: for each child its members by duty, the grids that have one, its activities by kind; for a grid its "
            + "members and their activities")
    public Sanguan.Stats stats(@PathParam("code") String code, @Parameter(description = "first day (default 1 January)") @QueryParam("from") String from,
            @Parameter(description = "last day (default today)") @QueryParam("to") String to) {
        return sanguan.stats(callers.current(), code, from, to);
    }

}
