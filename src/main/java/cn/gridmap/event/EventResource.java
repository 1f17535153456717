package cn.gridmap.event;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.element.ElementItems;
import cn.gridmap.element.ElementService;
import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import cn.gridmap.web.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** 事: events, their intake and the closed loop (states, transitions, log, queues). */
@Path("/api/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "events", description = "Intake, routing, the closed loop with its deadlines, queues and metrics")
public class EventResource {
    private final EventService events;
    private final ElementService elements;
    private final Callers callers;

    public EventResource(EventService events, ElementService elements, Callers callers) {
        this.events = events;
        this.elements = elements;
        this.callers = callers;
    }

    /** Who files events: 受理员 (dispatchers), grid workers and liaisons on patrol, other systems (12345), admins. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.SYSTEM})
    @Operation(summary = "Report an event {classCode, lon, lat, crs?, address?, description, source, accuracyMeters?, clientId?, attachment?} → "
            + "201 {id, state, gridCode, microgridCode, assignee, dueAt, routing: {nearBoundary, candidates}, duplicates}; the same clientId "
            + "from the same reporter again → 200 with the first answer and repeated: true")
    public Response report(JsonNode body) {
        EventService.Created c = events.intake(callers.current(), body);
        return Response.status(Boolean.TRUE.equals(c.repeated()) ? 200 : 201).entity(c).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
    @Operation(summary = "事件: event records (class per GB/T 30428.2, time, place)")
    public ElementItems.Page<ElementItems.Event> list(@QueryParam("limit") String limit, @QueryParam("offset") String offset,
            @Parameter(description = "a region code of any level inside your scope") @QueryParam("region") String region,
            @Parameter(description = "minLon,minLat,maxLon,maxLat (WGS84)") @QueryParam("bbox") String bbox,
            @Parameter(description = "4-digit event class, e.g. 0102") @QueryParam("class") String classCode,
            @Parameter(description = "from this date/time (inclusive)") @QueryParam("from") String from,
            @Parameter(description = "before this date/time") @QueryParam("to") String to) {
        return elements.events(callers.current(), elements.paging(limit, offset), region, bbox, classCode, from, to);
    }

    @GET
    @Path("/queue")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER})
    @Operation(summary = "What waits for a dispatcher: kind=new (to register or dispatch), adjudication (边界待确认), overdue (督办), "
            + "redispatch (moved by a boundary change); region optional")
    public EventService.Items queue(@QueryParam("kind") String kind, @QueryParam("region") String region,
            @QueryParam("limit") @DefaultValue("100") String limit) {
        return events.queue(callers.current(), kind, region, limit(limit));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
    @Operation(summary = "One event with its place in the loop and the actions you may take now (404 outside your scope)")
    public EventService.EventView get(@PathParam("id") String id) {
        return events.get(callers.current(), id(id));
    }

    @POST
    @Path("/{id}/transitions")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.DEPARTMENT, Roles.SYSTEM})
    @Operation(summary = "Take an action {action, note?, attachment?, clientId?, …}: register, adjudicate {gridCode}, dispatch {assignee?, "
            + "departmentCode?}, accept, arrive {lon, lat, accuracyMeters?}, handle {note}, verify {passed}, close, evaluate {satisfaction, solved?}, return {note}, suspend {note}, "
            + "extend {workingDays|workingHours, note}, void {note | duplicateOf} → the event; 409 with the allowed actions")
    public EventService.EventView transition(@PathParam("id") String id, JsonNode body) {
        return events.transition(callers.current(), id(id), body);
    }

    @GET
    @Path("/{id}/log")
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
    @Operation(summary = "Every transition of the event, oldest first (who, in which role, when, note, attachment)")
    public List<EventService.LogEntry> log(@PathParam("id") String id) {
        return events.log(callers.current(), id(id));
    }

    @GET
    @Path("/{id}/duplicates")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON})
    @Operation(summary = "Open events of the same class nearby (likely duplicates, nearest first); merge one with void {duplicateOf}")
    public List<EventService.Duplicate> duplicates(@PathParam("id") String id) {
        return events.duplicatesOf(callers.current(), id(id));
    }

    @GET
    @Path("/{id}/history")
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
    @Operation(summary = "The element's micro-grid and grid over the generations (boundary changes), oldest first")
    public Map<String, Object> history(@PathParam("id") String id) {
        return elements.history(callers.current(), "events", id);
    }

    @ServerExceptionMapper
    public Response notAllowed(EventService.NotAllowed e) {
        return Response.status(409).type(MediaType.APPLICATION_JSON).entity(Map.of("status", 409, "error", "Conflict", "message", e.getMessage(),
                "state", e.state(), "allowed", e.allowed())).build();
    }

    static long id(String id) {
        try {
            return Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("an element id is a number, got '" + id + "'");
        }
    }

    static int limit(String limit) {
        try {
            return Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit must be a whole number, got '" + limit + "'");
        }
    }
}
