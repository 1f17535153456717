package cn.gridmap.security;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import cn.gridmap.web.ApiError;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Rate limits on every API call, and security errors as JSON with the reason. */
public class SecurityFilters {
    private final RateLimits limits;
    private final SecurityIdentity identity;
    private final boolean enabled;

    public SecurityFilters(RateLimits limits, SecurityIdentity identity, cn.gridmap.GridmapConfig config) {
        this.limits = limits;
        this.identity = identity;
        this.enabled = config.security().enabled();
    }

    /** 429 with Retry-After once a principal (or an anonymous address) is over its limit. */
    @ServerRequestFilter
    public Response limit(ContainerRequestContext ctx, HttpServerRequest request) {
        if (!enabled) {
            return null;
        }
        String path = request.path();
        if (path.startsWith("/api/auth/")) {
            return null; // the token endpoint counts failures itself
        }
        Principal p = Callers.principal(identity);
        RateLimits.Verdict v = limits.request(p, p != null || request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
                path.startsWith("/api/point/"));
        return v.allowed() ? null : tooMany(v);
    }

    static Response tooMany(RateLimits.Verdict v) {
        return Response.status(429).header("Retry-After", v.retryAfterSeconds()).type(MediaType.APPLICATION_JSON)
                .entity(ApiError.of(429, "rate limit reached; try again in " + v.retryAfterSeconds() + " s")).build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Response.status(403).type(MediaType.APPLICATION_JSON)
                .entity(ApiError.of(403, "your roles do not allow this (you are " + (identity == null ? "?" : identity.getPrincipal().getName())
                        + " with " + (identity == null ? "[]" : identity.getRoles().stream().sorted().toList()) + ")")).build();
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return unauthorizedResponse();
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return unauthorizedResponse();
    }

    private static Response unauthorizedResponse() {
        return Response.status(401).type(MediaType.APPLICATION_JSON).header("WWW-Authenticate", "Bearer realm=\"gridmap\"")
                .entity(ApiError.of(401, "log in first: POST /api/auth/token, then send Authorization: Bearer <access_token>"))
                .build();
    }
}
