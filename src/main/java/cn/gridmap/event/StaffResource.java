package cn.gridmap.event;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import cn.gridmap.web.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The roster's absences: while a grid worker is absent her grid's new events go to its backup. */
@Path("/api/staff")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "events")
public class StaffResource {
    private final Staffing staffing;
    private final Callers callers;

    public StaffResource(Staffing staffing, Callers callers) {
        this.staffing = staffing;
        this.callers = callers;
    }

    @GET
    @Path("/{username}/absences")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER})
    @Operation(summary = "A staff member's absences (leave, sickness, shifts off)")
    public List<Staffing.Absence> absences(@PathParam("username") String username) {
        return staffing.absences(username);
    }

    @POST
    @Path("/{username}/absences")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER})
    @Operation(summary = "Record an absence {from, to, reason}: meanwhile the worker's grid takes its backup (audited)")
    public Response addAbsence(@PathParam("username") String username, JsonNode body) {
        return Response.status(201).entity(staffing.addAbsence(callers.current(), username, body)).build();
    }

    @DELETE
    @Path("/{username}/absences/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER})
    @Operation(summary = "Cancel an absence (audited)")
    public Response deleteAbsence(@PathParam("username") String username, @PathParam("id") String id) {
        long n;
        try {
            n = Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("an absence id is a number, got '" + id + "'");
        }
        staffing.deleteAbsence(callers.current(), username, n);
        return Response.noContent().build();
    }
}
