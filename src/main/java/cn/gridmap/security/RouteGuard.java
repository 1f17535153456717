package cn.gridmap.security;

import java.util.Set;
import java.util.function.Consumer;

import cn.gridmap.web.VertxJson;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The same rules as {@code @RolesAllowed} and the rate limit, for the routes served on Vert.x directly (batch lookup,
 * import upload): 401 without a valid credential, 403 without one of the roles, 429 over the limit.
 */
@ApplicationScoped
public class RouteGuard {
    private final IdentityProviderManager identities;
    private final RateLimits limits;

    public RouteGuard(IdentityProviderManager identities, RateLimits limits) {
        this.identities = identities;
        this.limits = limits;
    }

    /** Prometheus metrics are for admins (what runs, how much, where the time goes). */
    void metrics(@Observes Router router) {
        router.route("/q/metrics*").order(-100).handler(ctx -> require(ctx, Set.of(Roles.ADMIN), false, caller -> {
            ctx.request().resume();
            ctx.next();
        }));
    }

    /** Runs {@code then} with the caller if it may; otherwise answers the request itself. The body waits meanwhile. */
    public void require(RoutingContext ctx, Set<String> roles, boolean lookup, Consumer<Caller> then) {
        ctx.request().pause();
        QuarkusHttpUser.getSecurityIdentity(ctx, identities).subscribe().with(id -> {
            Principal p = Callers.principal(id);
            if (p == null) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"gridmap\"");
                end(ctx, 401, "log in first: POST /api/auth/token, then send Authorization: Bearer <access_token>");
                return;
            }
            if (roles.stream().noneMatch(p::has)) {
                end(ctx, 403, "your roles do not allow this (you are " + p.name() + " with " + p.roles().stream().sorted().toList() + ")");
                return;
            }
            RateLimits.Verdict v = limits.request(p, Callers.address(ctx), lookup);
            if (!v.allowed()) {
                ctx.response().putHeader("Retry-After", String.valueOf(v.retryAfterSeconds()));
                end(ctx, 429, "rate limit reached; try again in " + v.retryAfterSeconds() + " s");
                return;
            }
            then.accept(Callers.of(p, ctx));
        }, failure -> {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"gridmap\", error=\"invalid_token\"");
            end(ctx, 401, "the token or API key is invalid, expired or revoked");
        });
    }

    private static void end(RoutingContext ctx, int status, String message) {
        VertxJson.error(ctx.response(), status, message);
        ctx.request().resume();
    }
}
