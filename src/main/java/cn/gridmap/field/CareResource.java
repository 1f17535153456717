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
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** 特殊人群服务管理: visiting frequencies per tag, the visits due and overdue, the visit records. */
@Path("/api/care")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "programmes")
public class CareResource {
    private final Care care;
    private final Callers callers;

    public CareResource(Care care, Callers callers) {
        this.care = care;
        this.callers = callers;
    }

    @GET
    @Path("/frequencies")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.ANALYST})
    @Operation(summary = "How often each 特殊人群 tag is visited (days), and the rule it comes from")
    public List<Care.Frequency> frequencies() {
        return care.frequencies();
    }

    @PUT
    @Path("/frequencies/{tag}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN})
    @Operation(summary = "Set a tag's visiting frequency {everyDays, source?} (audited)")
    public Care.Frequency setFrequency(@PathParam("tag") String tag, JsonNode body) {
        return care.setFrequency(callers.current(), tag, body);
    }

    @GET
    @Path("/due")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER})
    @Operation(summary = "The tagged people whose visit is due (within 7 days) or overdue, most overdue first: a grid worker's own grids unless "
            + "a region or another worker is named; names masked; needs the pii right; audited")
    public Care.DueList due(@QueryParam("region") String region,
            @Parameter(description = "a grid worker: her grids (default: mine, for a grid worker)") @QueryParam("worker") String worker,
            @Parameter(description = "due, overdue, ok (comma-separated; default due,overdue)")
    @QueryParam("state") String state, @Parameter(description = "the day (default today)") @QueryParam("asOf") String asOf,
            @QueryParam("limit") @DefaultValue("200") String limit) {
        return care.due(callers.current(), region, worker, state, asOf, SanguanResource.number(limit));
    }

    @POST
    @Path("/visits")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.GRIDWORKER})
    @Operation(summary = "Record a visit {personId, kind: home|phone|video|office, at?, note?, lon?, lat?, clientId?} → 201 with the next due day "
            + "(200 with the first when the clientId was sent before); by a grid worker of the person's grid; needs pii; audited")
    public Response record(JsonNode body) {
        Care.Visit v = care.record(callers.current(), body);
        return Response.status(Boolean.TRUE.equals(v.repeated()) ? 200 : 201).entity(v).build();
    }

    @GET
    @Path("/visits")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER})
    @Operation(summary = "Visit records of a person or a region, newest first; needs pii; audited")
    public List<Care.Visit> visits(@QueryParam("person") String person, @QueryParam("region") String region, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("limit") @DefaultValue("100") String limit) {
        return care.visits(callers.current(), person, region, from, to, SanguanResource.number(limit));
    }
}
