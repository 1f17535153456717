package cn.gridmap.event;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The grid worker's (and the department handler's) own open events. */
@Path("/api/me/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "events")
public class MyEventsResource {
    private final EventService events;
    private final Callers callers;

    public MyEventsResource(EventService events, Callers callers) {
        this.events = events;
        this.callers = callers;
    }

    @GET
    @RolesAllowed({Roles.GRIDWORKER, Roles.DEPARTMENT, Roles.ADMIN})
    @Operation(summary = "My open events (assigned to me or to my department), nearest first with their distance when near=lon,lat is given")
    public EventService.Items mine(@Parameter(description = "lon,lat (WGS84) of where I am") @QueryParam("near") String near,
            @QueryParam("limit") @DefaultValue("200") String limit) {
        return events.mine(callers.current(), near, EventResource.limit(limit));
    }
}
