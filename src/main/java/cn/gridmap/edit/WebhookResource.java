package cn.gridmap.edit;

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

/** Webhooks that hear of every published generation (signed with HMAC-SHA256, retried with backoff, logged). */
@Path("/api/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "edit")
public class WebhookResource {
    private final Notifications notifications;
    private final Callers callers;

    public WebhookResource(Notifications notifications, Callers callers) {
        this.notifications = notifications;
        this.callers = callers;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register {url, secret}: every publish is POSTed there as {generation, effectiveFrom, changed, extent} with "
            + "X-Gridmap-Signature: sha256=<hex HMAC-SHA256 of the body>")
    public Response register(JsonNode body) {
        Notifications.Webhook w = notifications.register(callers.current(), body);
        return Response.status(201).header("Location", "/api/webhooks/" + w.id()).entity(w).build();
    }

    @GET
    @Operation(summary = "The webhooks (never their secrets)")
    public List<Notifications.Webhook> list() {
        return notifications.webhooks();
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Stop a webhook (its delivery log stays)")
    public Response delete(@PathParam("id") String id) {
        notifications.deactivate(callers.current(), id(id));
        return Response.noContent().build();
    }

    @GET
    @Path("/{id}/deliveries")
    @Operation(summary = "A webhook's delivery log, newest first: state (pending, delivered, failed), attempts, last status and error")
    public List<Notifications.Delivery> deliveries(@PathParam("id") String id) {
        return notifications.deliveries(id(id));
    }

    private static long id(String id) {
        try {
            return Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("a webhook id is a number, got '" + id + "'");
        }
    }
}
