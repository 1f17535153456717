package cn.gridmap.event;

import java.util.Collection;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The event classes (GB/T 30428.2 小类), the department kind that handles each, and their time limits per stage. */
@Path("/api/event-classes")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "events")
public class EventClassResource {
    private final Deadlines deadlines;
    private final Callers callers;

    public EventClassResource(Deadlines deadlines, Callers callers) {
        this.deadlines = deadlines;
        this.callers = callers;
    }

    @GET
    @Authenticated
    @Operation(summary = "Every event class with its department kind and its limits per stage (工作时 / 工作日) and their sources")
    public Collection<Deadlines.EventClass> classes() {
        return deadlines.classes().values();
    }

    @PUT
    @Path("/{code}/limits/{stage}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Set a stage's limit {amount, unit: working_hours|working_days, source?} (applies to stages started from now; audited)")
    public Deadlines.EventClass putLimit(@PathParam("code") String code, @PathParam("stage") String stage, JsonNode body) {
        return deadlines.putLimit(callers.current(), code, stage, body);
    }
}
