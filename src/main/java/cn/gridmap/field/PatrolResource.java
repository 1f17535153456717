package cn.gridmap.field;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import cn.gridmap.web.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** 巡查走访: patrols and their tracks. */
@Path("/api/patrols")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "field")
public class PatrolResource {
    private final Patrols patrols;
    private final Callers callers;

    public PatrolResource(Patrols patrols, Callers callers) {
        this.patrols = patrols;
        this.callers = callers;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.GRIDWORKER, Roles.LIAISON})
    @Operation(summary = "Start a patrol {clientId?, lon, lat, at?, accuracyMeters?} → 201 (200 with the same patrol for a clientId sent "
            + "before); 409 while another of yours is going")
    public Response start(JsonNode body) {
        Patrols.Patrol p = patrols.start(callers.current(), body);
        return Response.status(Boolean.TRUE.equals(p.created()) ? 201 : 200).entity(p).build();
    }

    @POST
    @Path("/{id}/points")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.GRIDWORKER, Roles.LIAISON})
    @Operation(summary = "Add a batch of the track {points: [{lon, lat, at, accuracyMeters?}]}: points sent before are not added "
            + "again, points outside the city are counted and dropped → {received, stored, repeated, outside, points}")
    public Patrols.Batch points(@PathParam("id") String id, JsonNode body) {
        return patrols.points(callers.current(), id(id), body);
    }

    @POST
    @Path("/{id}/stop")
    @RolesAllowed({Roles.ADMIN, Roles.GRIDWORKER, Roles.LIAISON})
    @Operation(summary = "Stop the patrol {at?} → its points, length and micro-grids (a second stop answers the same)")
    public Patrols.Patrol stop(@PathParam("id") String id, JsonNode body) {
        return patrols.stop(callers.current(), id(id), body);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST})
    @Operation(summary = "A patrol with its track as a GeoJSON LineString (404 outside your scope)")
    public Patrols.Patrol get(@PathParam("id") String id) {
        return patrols.get(callers.current(), id(id));
    }

    static long id(String id) {
        try {
            return Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("a patrol id is a number, got '" + id + "'");
        }
    }
}
