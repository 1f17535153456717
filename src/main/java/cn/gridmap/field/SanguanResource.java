package cn.gridmap.field;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import cn.gridmap.web.ApiException;
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

/** 三官一律进网格: the members' activities in their grids, and the counts per level. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "programmes", description = "The programmes cities run on their grids")
public class SanguanResource {
    private final Sanguan sanguan;
    private final Callers callers;

    public SanguanResource(Sanguan sanguan, Callers callers) {
        this.sanguan = sanguan;
        this.callers = callers;
    }

    @POST
    @Path("/sanguan/activities")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.LIAISON})
    @Operation(summary = "Record an activity in one of my grids {kind: visit|legal_education|consultation|mediation, gridCode, at?, attendees?, "
            + "note?, clientId?} → 201 (200 with the first when the clientId was sent before); for 三官一律 members of that grid")
    public Response record(JsonNode body) {
        Sanguan.Activity a = sanguan.record(callers.current(), body);
        return Response.status(Boolean.TRUE.equals(a.repeated()) ? 200 : 201).entity(a).build();
    }

    @GET
    @Path("/sanguan/activities")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST})
    @Operation(summary = "三官一律 activities in a region, newest first (from/to: days, default this year)")
    public List<Sanguan.Activity> list(@QueryParam("region") String region, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("limit") @DefaultValue("100") String limit) {
        return sanguan.list(callers.current(), region, from, to, number(limit));
    }

    static int number(String limit) {
        try {
            return Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit must be a whole number, got '" + limit + "'");
        }
    }
}
