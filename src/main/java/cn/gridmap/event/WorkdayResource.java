package cn.gridmap.event;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The workday calendar that event deadlines count in: read by everyone, edited by admins. */
@Path("/api/workdays")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "events")
public class WorkdayResource {
    private final WorkCalendar calendar;
    private final Callers callers;

    public WorkdayResource(WorkCalendar calendar, Callers callers) {
        this.calendar = calendar;
        this.callers = callers;
    }

    @GET
    @Operation(summary = "The days that are not what Monday-to-Friday says (public holidays, adjusted working days), from..to inclusive")
    public List<WorkCalendar.Day> days(@QueryParam("from") String from, @QueryParam("to") String to) {
        return calendar.days(from, to);
    }

    @PUT
    @Path("/{day}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Mark a day {workday: true|false, name, source?}: a holiday, or an adjusted working day (audited)")
    public WorkCalendar.Day put(@PathParam("day") String day, JsonNode body) {
        return calendar.put(callers.current(), day, body);
    }

    @DELETE
    @Path("/{day}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "The day follows Monday-to-Friday again")
    public Response delete(@PathParam("day") String day) {
        calendar.delete(callers.current(), day);
        return Response.noContent().build();
    }
}
