package cn.gridmap.field;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.event.EventService;
import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** 平安志愿者: volunteers' tips and what they contributed. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "programmes")
public class VolunteerResource {
    private final Volunteers volunteers;
    private final Callers callers;

    public VolunteerResource(Volunteers volunteers, Callers callers) {
        this.volunteers = volunteers;
        this.callers = callers;
    }

    @POST
    @Path("/tips")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.VOLUNTEER})
    @Operation(summary = "A volunteer's tip {classCode, lon, lat, text, attachment?, clientId?} → 201: an event of source volunteer, routed like any "
            + "report (200 with the first answer when the clientId was sent before)")
    public Response tip(JsonNode body) {
        EventService.Created c = volunteers.tip(callers.current(), body);
        return Response.status(Boolean.TRUE.equals(c.repeated()) ? 200 : 201).entity(c).build();
    }

    @GET
    @Path("/me/tips")
    @RolesAllowed({Roles.VOLUNTEER})
    @Operation(summary = "My tips, newest first, with where each is in the loop")
    public EventService.Items mine(@QueryParam("limit") @DefaultValue("100") String limit) {
        return volunteers.mine(callers.current(), SanguanResource.number(limit));
    }

    @GET
    @Path("/volunteers/contributions")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.ANALYST})
    @Operation(summary = "What volunteers contributed in a region: tips, those taken up as cases, those closed, per volunteer")
    public Volunteers.Contributions contributions(@Parameter(description = "a region code (default: your scope)") @QueryParam("region") String region,
            @QueryParam("limit") @DefaultValue("100") String limit) {
        return volunteers.contributions(callers.current(), region, SanguanResource.number(limit));
    }
}
