package cn.gridmap.element;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Element statistics of every region of a level: what the web map's choropleth draws. */
@Path("/api/stats")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "regions")
@RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
public class LevelStatsResource {
    private final StatsService service;
    private final Callers callers;

    public LevelStatsResource(StatsService service, Callers callers) {
        this.service = service;
        this.callers = callers;
    }

    @GET
    @Operation(summary = "The counts of every region of a level (optionally under a parent), in one query")
    public List<RegionStats> levelStats(@Parameter(description = "district|street|community|grid|microgrid") @QueryParam("level") String level,
            @Parameter(description = "only regions under this region code") @QueryParam("parent") String parent) {
        return service.level(callers.current(), level, parent);
    }
}
