package cn.gridmap.field;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import cn.gridmap.web.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** A beat officer's notices of the public-security events reported in her beat. */
@Path("/api/me/notices")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "field")
public class NoticeResource {
    private final Beats beats;
    private final Callers callers;

    public NoticeResource(Beats beats, Callers callers) {
        this.beats = beats;
        this.callers = callers;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.LIAISON})
    @Operation(summary = "My notices (a beat officer's: public-security events reported in my beat), newest first")
    public List<Beats.Notice> mine(@QueryParam("unread") @DefaultValue("false") boolean unread, @QueryParam("limit") @DefaultValue("100") String limit) {
        int n;
        try {
            n = Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit must be a whole number, got '" + limit + "'");
        }
        return beats.notices(callers.current(), unread, n);
    }

    @POST
    @Path("/{id}/read")
    @RolesAllowed({Roles.ADMIN, Roles.LIAISON})
    @Operation(summary = "Mark one of my notices read")
    public Beats.Notice read(@PathParam("id") String id) {
        long n;
        try {
            n = Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("a notice id is a number, got '" + id + "'");
        }
        return beats.read(callers.current(), n);
    }
}
