package cn.gridmap.field;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.node.ObjectNode;

import cn.gridmap.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;

/** 警网融合: police beats (警格) with their station, officer and the grids they cover. */
@Path("/api/beats")
@Produces("application/geo+json")
@Tag(name = "field")
public class BeatResource {
    private final Beats beats;

    public BeatResource(Beats beats) {
        this.beats = beats;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
    @Operation(summary = "Police beats as GeoJSON: station, officer, and the grids each covers with the share of their area (N:M)")
    public ObjectNode list(@Parameter(description = "minLon,minLat,maxLon,maxLat (WGS84)") @QueryParam("bbox") String bbox,
            @Parameter(description = "a police station's code") @QueryParam("station") String station) {
        return beats.collection(bbox, station);
    }

    @GET
    @Path("/{code}")
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
    @Operation(summary = "One police beat as a GeoJSON Feature")
    public ObjectNode one(@PathParam("code") String code) {
        return beats.one(code);
    }
}
