package cn.gridmap.field;

import java.io.InputStream;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import cn.gridmap.web.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Photos from the field, referred to from an event's log as {@code file:<id>}. */
@Path("/api/files")
@Tag(name = "field", description = "The grid worker's phone: photos, patrols, her grids")
public class PhotoResource {
    private final Photos photos;
    private final Callers callers;

    public PhotoResource(Photos photos, Callers callers) {
        this.photos = photos;
        this.callers = callers;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.DEPARTMENT, Roles.VOLUNTEER})
    @Operation(summary = "Upload a photo (the body: image/jpeg or image/png, at most gridmap.field.max-photo-bytes) taken at lon,lat "
            + "→ 201 {id, ref: \"file:<id>\", …} (200 with the same file when this picture was sent before); 413 too large, 415 not a photo")
    public Response upload(@HeaderParam("Content-Type") String type, @HeaderParam("Content-Length") Long length,
            @Parameter(description = "where it was taken (WGS84)") @QueryParam("lon") String lon, @QueryParam("lat") String lat, InputStream body) {
        Photos.Photo p = photos.upload(callers.current(), type, length, body, lon, lat);
        return Response.status(p.created() ? 201 : 200).entity(p).type(MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("/{id}")
    @Produces({"image/jpeg", "image/png"})
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
    @Operation(summary = "A photo's bytes (404 outside your scope)")
    public Response get(@PathParam("id") String id) {
        long n;
        try {
            n = Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("a photo id is a number, got '" + id + "'");
        }
        Photos.Content c = photos.get(callers.current(), n);
        return Response.ok(c.bytes(), c.photo().contentType()).header("Cache-Control", "private, max-age=86400, immutable")
                .header("ETag", "\"" + c.photo().sha256() + "\"").build();
    }
}
