package cn.gridmap.field;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** 矛盾纠纷多元化解: 统一受理 (one intake), 分流交办 (routing), 反馈考评 (result and follow-up). */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "programmes")
public class DisputeResource {
    private final Disputes disputes;
    private final Callers callers;

    public DisputeResource(Disputes disputes, Callers callers) {
        this.disputes = disputes;
        this.callers = callers;
    }

    @POST
    @Path("/disputes")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.MEDIATOR})
    @Operation(summary = "Receive a dispute {type, lon, lat, crs? | address, description, amount?, peopleInvolved?, parties:[{name, idNumber?, phone?, "
            + "role?}], clientId?} → 201 with where it was routed, its tier and due time (200 with the first when the clientId was sent before)")
    public Response receive(JsonNode body) {
        Disputes.Dispute d = disputes.receive(callers.current(), body);
        return Response.status(Boolean.TRUE.equals(d.repeated()) ? 200 : 201).entity(d).build();
    }

    @GET
    @Path("/disputes")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.MEDIATOR})
    @Operation(summary = "Disputes in a region, newest first, without their parties (mine=true: those routed to me)")
    public List<Disputes.Dispute> list(@QueryParam("region") String region, @QueryParam("state") String state, @QueryParam("mine") boolean mine,
            @Parameter(description = "first day received") @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("limit") @DefaultValue("100") String limit) {
        return disputes.list(callers.current(), region, state, mine, from, to, SanguanResource.number(limit));
    }

    @GET
    @Path("/disputes/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.MEDIATOR})
    @Operation(summary = "One dispute with its parties masked; unmask=true with X-Purpose and the pii right shows them (audited)")
    public Disputes.Dispute get(@PathParam("id") long id, @QueryParam("unmask") boolean unmask, @HeaderParam("X-Purpose") String purpose) {
        return disputes.get(callers.current(), id, unmask, purpose);
    }

    @POST
    @Path("/disputes/{id}/actions")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.LIAISON, Roles.MEDIATOR})
    @Operation(summary = "A step {action: accept|resolve|fail|escalate|evaluate, note?, result?, satisfaction?, clientId?}: the handler accepts, "
            + "resolves or fails; a failed mediation escalates a tier; the centre evaluates (回访, satisfaction 1–5)")
    public Disputes.Dispute act(@PathParam("id") long id, JsonNode body) {
        return disputes.act(callers.current(), id, body);
    }

    @GET
    @Path("/disputes/{id}/log")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.MEDIATOR})
    @Operation(summary = "A dispute's steps, oldest first")
    public List<Disputes.LogEntry> log(@PathParam("id") long id) {
        return disputes.log(callers.current(), id);
    }

    @GET
    @Path("/dispute-types")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.MEDIATOR, Roles.ANALYST})
    @Operation(summary = "The dispute types, their names and where each is routed")
    public List<Disputes.Type> types() {
        return disputes.typeList();
    }
}
