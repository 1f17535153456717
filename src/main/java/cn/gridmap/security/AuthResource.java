package cn.gridmap.security;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.GridmapConfig;
import io.quarkus.security.Authenticated;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Logging in (an OAuth 2.0 token endpoint, RFC 6749) and who am I. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "identity", description = "Tokens, the current user, users and clients, the audit log")
public class AuthResource {
    /** A token answer (RFC 6749 §5.1). */
    public record TokenAnswer(String access_token, String token_type, long expires_in, String refresh_token, String scope) {
    }

    /** An error answer (RFC 6749 §5.2). */
    public record TokenError(String error, String error_description) {
    }

    /** GET /api/me. */
    public record Me(String username, String kind, List<String> roles, List<String> scope, boolean pii) {
    }

    /** The cookie a browser keeps its access token in (HttpOnly, SameSite=Strict; accepted for GET and HEAD only). */
    static final String COOKIE = "gridmap_access";
    private final Accounts accounts;
    private final Tokens tokens;
    private final RateLimits limits;
    private final Audit audit;
    private final Callers callers;
    private final GridmapConfig.Security config;

    public AuthResource(Accounts accounts, Tokens tokens, RateLimits limits, Audit audit, Callers callers, GridmapConfig config) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.limits = limits;
        this.audit = audit;
        this.callers = callers;
        this.config = config.security();
    }

    @POST
    @Path("/auth/token")
    @PermitAll
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "A short-lived signed access token: grant_type=password (people), client_credentials (systems) or "
            + "refresh_token; 10 failed attempts a minute per username and address → 429")
    public Response token(@FormParam("grant_type") String grantType, @FormParam("username") String username,
            @FormParam("password") String password, @FormParam("client_id") String clientId,
            @FormParam("client_secret") String clientSecret, @FormParam("refresh_token") String refreshToken,
            @Context HttpServerRequest request) {
        String address = request.remoteAddress() == null ? "?" : request.remoteAddress().hostAddress();
        if (grantType == null || grantType.isBlank()) {
            return error(400, "invalid_request", "grant_type is required: password, client_credentials or refresh_token");
        }
        switch (grantType) {
            case "password" -> {
                if (tokens.external()) {
                    return error(400, "unsupported_grant_type", "people log in at the identity provider " + config.oidc().url().get());
                }
                if (blank(username) || blank(password)) {
                    return error(400, "invalid_request", "username and password are required");
                }
                return login(username.trim(), address, () -> accounts.login(username.trim(), password), Principal.Kind.USER);
            }
            case "client_credentials" -> {
                if (blank(clientId) || blank(clientSecret)) {
                    return error(400, "invalid_request", "client_id and client_secret are required");
                }
                return login(clientId.trim(), address, () -> accounts.clientLogin(clientId.trim(), clientSecret), Principal.Kind.CLIENT);
            }
            case "refresh_token" -> {
                if (blank(refreshToken)) {
                    return error(400, "invalid_request", "refresh_token is required");
                }
                Tokens.Verified v;
                try {
                    v = tokens.verifyRefresh(refreshToken.trim());
                } catch (Tokens.InvalidToken e) {
                    return error(400, "invalid_grant", "the refresh token is invalid or expired");
                }
                Principal p = accounts.principal(v.kind(), v.subject());
                if (p == null) {
                    return error(400, "invalid_grant", "the user is disabled or gone");
                }
                return answer(p, true);
            }
            default -> {
                return error(400, "unsupported_grant_type", "grant_type must be password, client_credentials or refresh_token");
            }
        }
    }

    private Response login(String name, String address, java.util.function.Supplier<Principal> check, Principal.Kind kind) {
        RateLimits.Verdict v = limits.loginAllowed(name, address);
        if (!v.allowed()) {
            return Response.status(429).header("Retry-After", v.retryAfterSeconds()).type(MediaType.APPLICATION_JSON)
                    .entity(new TokenError("slow_down", "too many failed attempts for " + name + "; try again in "
                            + v.retryAfterSeconds() + " s")).build();
        }
        Principal p = check.get();
        if (p == null) {
            limits.loginFailed(name, address);
            String who = name.length() > 64 ? name.substring(0, 64) : name; // whatever was typed, bounded
            audit.record(new Caller(new Principal(who, kind, java.util.Set.of(), List.of(), AreaScope.NONE, false), null, address),
                    "login", (kind == Principal.Kind.CLIENT ? "client:" : "user:") + who, List.of(), null, "failed", null);
            return kind == Principal.Kind.CLIENT
                    ? error(401, "invalid_client", "unknown client or wrong secret")
                    : error(400, "invalid_grant", "wrong username or password, or the user is disabled");
        }
        return answer(p, kind == Principal.Kind.USER);
    }

    /** The token answer; people (password and refresh grants) also get the access token as the browser's cookie. */
    private Response answer(Principal p, boolean person) {
        long seconds = config.accessTokenLifetime().toSeconds();
        String access = tokens.issue(p.name(), p.kind(), "access", config.accessTokenLifetime());
        String refreshToken = person ? tokens.issue(p.name(), p.kind(), "refresh", config.refreshTokenLifetime()) : null;
        Response.ResponseBuilder r = Response.ok(new TokenAnswer(access, "Bearer", seconds, refreshToken,
                String.join(" ", p.roles().stream().sorted().toList()))).header("Cache-Control", "no-store").header("Pragma", "no-cache");
        if (person) {
            r.header("Set-Cookie", cookie(access, seconds));
        }
        return r.build();
    }

    private static String cookie(String value, long maxAge) {
        return COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict";
    }

    @POST
    @Path("/auth/logout")
    @PermitAll
    @Operation(summary = "Ends a browser's session: clears its token cookie (tokens themselves expire within minutes)")
    public Response logout() {
        return Response.noContent().header("Set-Cookie", cookie("", 0)).header("Cache-Control", "no-store").build();
    }

    private static Response error(int status, String error, String description) {
        Response.ResponseBuilder r = Response.status(status).type(MediaType.APPLICATION_JSON).entity(new TokenError(error, description))
                .header("Cache-Control", "no-store");
        if (status == 401) {
            r.header("WWW-Authenticate", "Basic realm=\"gridmap\"");
        }
        return r.build();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    @GET
    @Path("/me")
    @Authenticated
    @Operation(summary = "Who is logged in: username, roles, area scope (region codes; * = the whole city) and the pii right")
    public Me me() {
        Principal p = callers.current().principal();
        return new Me(p.name(), p.kind().name().toLowerCase(java.util.Locale.ROOT), p.roles().stream().sorted().toList(), p.scopeCodes(),
                p.pii());
    }
}
