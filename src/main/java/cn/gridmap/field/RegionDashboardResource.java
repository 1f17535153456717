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

/** 一网统管 三级平台: the dashboard of a level (its own root, like every /api/regions/{code} sub-path of another capability). */
@Path("/api/regions/{code}/dashboard")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "programmes")
public class RegionDashboardResource {
    private final Dashboard dashboard;
    private final Callers callers;

    public RegionDashboardResource(Dashboard dashboard, Callers callers) {
        this.dashboard = dashboard;
        this.callers = callers;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.ANALYST})
    @Operation(summary = "The dashboard of the city, a district, a street or a community: for it and each child the events loop's counts and rates, "
            + "the day's early warnings, disputes and their rates, 特殊人群 visits due and overdue, grids without a grid worker")
    public Dashboard.View dashboard(@PathParam("code") String code, @Parameter(description = "first day (default 1 January)") @QueryParam("from") String from,
            @Parameter(description = "last day (default today)") @QueryParam("to") String to,
            @Parameter(description = "the early warnings' day (default yesterday)") @QueryParam("date") String date) {
        return dashboard.of(callers.current(), code, from, to, date);
    }
}
