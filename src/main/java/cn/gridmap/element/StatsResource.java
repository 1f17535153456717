package cn.gridmap.element;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Element statistics of one region and of its children. */
@Path("/api/regions/{code}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "regions")
@RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
public class StatsResource {
    private final StatsService service;
    private final Callers callers;

    public StatsResource(StatsService service, Callers callers) {
        this.service = service;
        this.callers = callers;
    }

    @GET
    @Path("/stats")
    @Operation(summary = "Counts of people (by residence and tag), houses, households, components, organisations and events")
    public RegionStats stats(@PathParam("code") String code) {
        return service.of(callers.current(), code);
    }

    @GET
    @Path("/children/stats")
    @Operation(summary = "The same counts for every child of the region, in one query (e.g. all grids of a community)")
    public List<RegionStats> childrenStats(@PathParam("code") String code) {
        return service.children(callers.current(), code);
    }
}
