package cn.gridmap.security;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import cn.gridmap.web.ApiError;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Security errors as JSON with the reason (the rate limit is {@link RouteGuard}'s, on Vert.x). */
public class SecurityErrors {
    private final SecurityIdentity identity;

    public SecurityErrors(SecurityIdentity identity) {
        this.identity = identity;
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
                .entity(ApiError.of(401, RouteGuard.LOG_IN_FIRST))
                .build();
    }
}
