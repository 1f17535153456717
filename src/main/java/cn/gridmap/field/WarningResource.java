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
import jakarta.ws.rs.core.MediaType;

/** 超级大脑 预测预警: early warnings per grid and level, their map, and the weekly hotspots. */
@Path("/api/warnings")
@Tag(name = "programmes")
@RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
public class WarningResource {
    private final EarlyWarning warnings;
    private final Callers callers;

    public WarningResource(EarlyWarning warnings, Callers callers) {
        this.warnings = warnings;
        this.callers = callers;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A day's unusual event counts per unit and class (items: code, classCode, observed, expected, p, method, explanation); "
            + "Poisson against the same weekday of 8 weeks, EARS-C2 for young units, Benjamini–Hochberg at q = 0.05")
    public EarlyWarning.Warnings list(@Parameter(description = "grid (default), community, street or district") @QueryParam("level") String level,
            @Parameter(description = "the day (default yesterday)") @QueryParam("date") String date) {
        return warnings.warnings(callers.current(), level, date);
    }

    @GET
    @Path("/map")
    @Produces("application/geo+json")
    @Operation(summary = "The warned units of a day as GeoJSON (the map layer), their warnings in the properties")
    public ObjectNode map(@QueryParam("level") String level, @QueryParam("date") String date) {
        return warnings.map(callers.current(), level, date);
    }

    @GET
    @Path("/hotspots")
    @Produces("application/geo+json")
    @Operation(summary = "The week's hot and cold spots: Getis–Ord Gi* of each grid's event count over the grids sharing its edges; "
            + "the grids of bin ±1/±2/±3 (90/95/99 %) as GeoJSON")
    public ObjectNode hotspots(@Parameter(description = "a day of the week (default yesterday)") @QueryParam("week") String week,
            @Parameter(description = "one event class (default all)") @QueryParam("class") String classCode) {
        return warnings.hotspots(callers.current(), week, classCode);
    }
}
