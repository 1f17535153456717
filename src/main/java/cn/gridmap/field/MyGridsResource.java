package cn.gridmap.field;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.node.ObjectNode;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;

/** The grid worker's own grids on her phone, with the week's patrol visits per micro-grid. */
@Path("/api/me/grids")
@Tag(name = "field")
public class MyGridsResource {
    private final Patrols patrols;
    private final Callers callers;

    public MyGridsResource(Patrols patrols, Callers callers) {
        this.patrols = patrols;
        this.callers = callers;
    }

    @GET
    @Produces("application/geo+json")
    @RolesAllowed({Roles.ADMIN, Roles.GRIDWORKER})
    @Operation(summary = "My grids (full-time, part-time, backup) and their micro-grids as GeoJSON; each micro-grid says whether a patrol "
            + "visited it in the week (Monday–Sunday) of date")
    public ObjectNode mine(@Parameter(description = "a day of the week to show (default today)") @QueryParam("date") String date) {
        return patrols.myGrids(callers.current(), date);
    }
}
