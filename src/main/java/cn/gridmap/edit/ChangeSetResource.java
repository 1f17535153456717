package cn.gridmap.edit;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.databind.node.ObjectNode;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import cn.gridmap.web.ApiException;
import cn.gridmap.web.Params;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Boundary change sets: planners draft them, approvers sign them off, and publishing makes a new dated generation. */
@Path("/api/changesets")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER})
@Tag(name = "edit", description = "Boundary change sets: drafts over a base generation, shared edges, sign-off, publish")
public class ChangeSetResource {
    private final ChangeSetService service;
    private final Preview preview;
    private final SignOff signOff;
    private final Callers callers;

    public ChangeSetResource(ChangeSetService service, Preview preview, SignOff signOff, Callers callers) {
        this.service = service;
        this.preview = preview;
        this.signOff = signOff;
        this.callers = callers;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER})
    @Operation(summary = "A new change set {title, description} → 201 {id, state: draft, revision: 0, baseGeneration}")
    public Response create(ChangeSetService.NewChangeSet body) {
        ChangeSetService.ChangeSet cs = service.create(callers.current(), body);
        return Response.status(201).header("Location", "/api/changesets/" + cs.id()).entity(cs).build();
    }

    @GET
    @Operation(summary = "Change sets in the caller's area (or her own), newest first, optionally of one state (draft, submitted, approved, "
            + "scheduled, published, withdrawn); queue=true: the submitted ones whose next step she may sign")
    public List<ChangeSetService.ChangeSet> list(@QueryParam("state") String state, @QueryParam("queue") boolean queue,
            @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        int l = Params.integer(limit, "limit", 50);
        int o = Params.integer(offset, "offset", 0);
        if (l < 1 || l > 500 || o < 0) {
            throw ApiException.badRequest("limit must be between 1 and 500, offset not negative");
        }
        return service.list(callers.current(), state, queue, l, o, signOff);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One change set with its author, operations, issues and summary")
    public ChangeSetService.ChangeSet get(@PathParam("id") String id) {
        return service.get(callers.current(), id(id));
    }

    @GET
    @Path("/{id}/edges")
    @Produces("application/geo+json")
    @Operation(summary = "The shared boundary of two adjacent regions of one level (a, b) in the draft, as LineStrings whose "
            + "end nodes are pinned; 422 with the issue when they share none")
    public ObjectNode edges(@PathParam("id") String id, @QueryParam("a") String a, @QueryParam("b") String b) {
        return service.edges(callers.current(), id(id), a, b);
    }

    @GET
    @Path("/{id}/regions")
    @Produces("application/geo+json")
    @Operation(summary = "The draft view of one level (base generation + the change set's overlay), optionally in a bbox, as GeoJSON; "
            + "features say changed/created, retired codes are listed")
    public ObjectNode regions(@PathParam("id") String id, @QueryParam("level") String level, @QueryParam("bbox") String bbox) {
        return service.regions(callers.current(), id(id), level == null ? "microgrid" : level, bbox);
    }

    @GET
    @Path("/{id}/preview")
    @Operation(summary = "What the change set moves: per element kind the counts from → to micro-grid and grid, a paged list of the "
            + "moves (kind, limit, offset), households per touched grid and micro-grid against the guideline, events whose grid changes")
    public Map<String, Object> preview(@PathParam("id") String id, @QueryParam("kind") String kind, @QueryParam("limit") String limit,
            @QueryParam("offset") String offset) {
        int l = Params.integer(limit, "limit", 100);
        int o = Params.integer(offset, "offset", 0);
        if (l < 1 || l > 1000 || o < 0) {
            throw ApiException.badRequest("limit must be between 1 and 1000, offset not negative");
        }
        return preview.preview(callers.current(), id(id), kind, l, o);
    }

    @GET
    @Path("/{id}/diff")
    @Operation(summary = "Each region of one level the change set changes, before and after: area, households, people")
    public Map<String, Object> diff(@PathParam("id") String id, @QueryParam("level") String level) {
        return preview.diff(callers.current(), id(id), level);
    }

    @POST
    @Path("/{id}/submit")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER})
    @Operation(summary = "Submit a draft {revision, effectiveFrom} for sign-off: the full coverage check of the changed parents, then "
            + "the chain of approvers by the highest level whose boundary moves")
    public ChangeSetService.ChangeSet submit(@PathParam("id") String id, com.fasterxml.jackson.databind.JsonNode body) {
        return signOff.submit(callers.current(), id(id), body, service);
    }

    @POST
    @Path("/{id}/approvals")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.APPROVER})
    @Operation(summary = "Sign off the next step {revision, decision: approve|return, comment}; the approver's scope must cover the "
            + "change at that step's level; nobody signs off their own change set")
    public ChangeSetService.ChangeSet approve(@PathParam("id") String id, com.fasterxml.jackson.databind.JsonNode body) {
        return signOff.decide(callers.current(), id(id), body, service);
    }

    @POST
    @Path("/{id}/publish")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish an approved change set {revision} as a new generation (one transaction), or schedule it when its "
            + "effective date is still to come → {state, generation, effectiveFrom, changed}; 409 when a base region changed meanwhile")
    public SignOff.Published publish(@PathParam("id") String id, com.fasterxml.jackson.databind.JsonNode body) {
        return signOff.publish(callers.current(), id(id), body);
    }

    @POST
    @Path("/{id}/rebase")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER})
    @Operation(summary = "Replay the change set's operations on the newest generation ({revision} optional) → {revision, changed}")
    public ChangeSetService.OpResult rebase(@PathParam("id") String id, com.fasterxml.jackson.databind.JsonNode body) {
        return service.rebase(callers.current(), id(id), body);
    }

    @POST
    @Path("/{id}/ops")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER})
    @Operation(summary = "Apply one operation {revision, op, …} to a draft: reshapeEdge {a, b, line}, split {code, line}, merge {codes, keep}, "
            + "moveMicrogrids {codes, toGrid}, createMicrogrids {grid, lines}, rename {code, name} → {revision, changed, issues, preview}; "
            + "a stale revision → 409 {currentRevision}; an operation that cannot be carried out → 422 {issues}")
    public ChangeSetService.OpResult op(@PathParam("id") String id, com.fasterxml.jackson.databind.JsonNode body) {
        return service.apply(callers.current(), id(id), body);
    }

    @POST
    @Path("/{id}/import")
    @Consumes({BoundaryFile.GPKG, BoundaryFile.ZIP, MediaType.APPLICATION_OCTET_STREAM})
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER})
    @Operation(summary = "Boundaries drawn in another GIS into the draft: a GeoPackage or a zipped Shapefile (.shp .shx .dbf .prj, .cpg) of the "
            + "micro-grids of a grid (parent = its code) or the grids of a community (parent = its code), polygons with optional code and name "
            + "attributes, in EPSG:4326, 4490 or a CGCS2000 Gauss-Krüger zone → one redraw operation, checked like any edit → "
            + "{revision, changed, issues, preview}; an unreadable file → 400, a drawing that cannot be carried out → 422 {issues} at their place")
    public ChangeSetService.OpResult importBoundaries(@PathParam("id") String id, @QueryParam("parent") String parent,
            @QueryParam("revision") String revision, @jakarta.ws.rs.HeaderParam("Content-Type") String contentType, byte[] body) {
        Integer rev = null;
        if (revision != null && !revision.isBlank()) {
            try {
                rev = Integer.parseInt(revision.trim());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("revision is a whole number, got '" + revision + "'");
            }
        }
        return service.importBoundaries(callers.current(), id(id), parent, rev, body, contentType);
    }

    @POST
    @Path("/{id}/undo")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER})
    @Operation(summary = "Undo the last operation ({revision} optional; the draft is replayed from the base) → {revision, changed}")
    public ChangeSetService.OpResult undo(@PathParam("id") String id, com.fasterxml.jackson.databind.JsonNode body) {
        return service.undoOrRedo(callers.current(), id(id), body, true);
    }

    @POST
    @Path("/{id}/redo")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER})
    @Operation(summary = "Redo the first undone operation ({revision} optional) → {revision, changed}")
    public ChangeSetService.OpResult redo(@PathParam("id") String id, com.fasterxml.jackson.databind.JsonNode body) {
        return service.undoOrRedo(callers.current(), id(id), body, false);
    }

    @ServerExceptionMapper
    public Response stale(ChangeSetService.StaleRevision e) {
        return Response.status(409).type(MediaType.APPLICATION_JSON).entity(Map.of("status", 409, "error", "Conflict",
                "message", e.getMessage(), "currentRevision", e.current())).build();
    }

    @ServerExceptionMapper
    public Response rejected(EditRejected e) {
        return Response.status(422).type(MediaType.APPLICATION_JSON).entity(Map.of("status", 422, "error", "Unprocessable Content",
                "message", e.getMessage(), "issues", e.issues())).build();
    }

    private static long id(String id) {
        try {
            return Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("a change set id is a number, got '" + id + "'");
        }
    }
}
