package cn.gridmap.security;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.web.ApiException;
import cn.gridmap.web.Params;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Users, clients and the audit log: admin only; an admin of a district manages only users and clients inside it. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "identity")
public class AccountResource {
    private final Accounts accounts;
    private final Audit audit;
    private final Callers callers;

    public AccountResource(Accounts accounts, Audit audit, Callers callers) {
        this.accounts = accounts;
        this.audit = audit;
        this.callers = callers;
    }

    @GET
    @Path("/users")
    @Operation(summary = "Users inside the admin's scope (never their password hashes); the synthetic city's staff without a password "
            + "are listed by GET /api/regions/{code}/staff")
    public List<Accounts.User> users() {
        return accounts.users(callers.current());
    }

    @POST
    @Path("/users")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "A new user {username, password, displayName, roles, scope, pii}; the scope must lie inside the admin's")
    public Response createUser(Accounts.NewUser user) {
        return Response.status(201).entity(accounts.createUser(callers.current(), user)).build();
    }

    @PATCH
    @Path("/users/{username}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a user's password, displayName, roles, scope, pii or enabled; takes effect on its next call")
    public Accounts.User patchUser(@PathParam("username") String username, Accounts.UserPatch patch) {
        return accounts.patchUser(callers.current(), username, patch);
    }

    @GET
    @Path("/clients")
    @Operation(summary = "Clients (other systems) inside the admin's scope")
    public List<Accounts.Client> clients() {
        return accounts.clients(callers.current());
    }

    @POST
    @Path("/clients")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "A new client {name, roles, scope} → {clientId, clientSecret, apiKey}, shown this once")
    public Response createClient(Accounts.NewClient client) {
        return Response.status(201).entity(accounts.createClient(callers.current(), client)).header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("/audit")
    @Operation(summary = "The audit log, newest first, filtered by actor, subject (e.g. person:123, user:alice), action, from, to")
    public List<Audit.Entry> audit(@QueryParam("actor") String actor, @QueryParam("subject") String subject,
            @QueryParam("action") String action, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("limit") String limit, @QueryParam("offset") String offset) {
        int l = Params.integer(limit, "limit", 100);
        int o = Params.integer(offset, "offset", 0);
        if (l < 1 || l > 1000 || o < 0) {
            throw ApiException.badRequest("limit must be between 1 and 1000, offset not negative");
        }
        if (!callers.current().scope().all()) {
            throw new ApiException(403, "the audit log is read by a city-wide admin");
        }
        return audit.find(actor, subject, action, from, to, l, o);
    }
}
