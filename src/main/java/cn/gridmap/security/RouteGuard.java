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
 * Rate limits on every API call, and the same rules as {@code @RolesAllowed} for the routes served on Vert.x directly
 * (batch lookup, import upload, metrics): 401 without a valid credential, 403 without one of the roles, 429 over the
 * limit. Both run on Vert.x after authentication, before any endpoint (the Vert.x routes come after them, at
 * {@link #AFTER}).
 */
@ApplicationScoped
public class RouteGuard {
    /** The route order of our own Vert.x endpoints: after authentication and the rate limit. */
    public static final int AFTER = -99;
    /** What a request without a credential is told (here and by {@link SecurityErrors}). */
    static final String LOG_IN_FIRST = "log in first: POST /api/auth/token, then send Authorization: Bearer <access_token>";
    private final IdentityProviderManager identities;
    private final RateLimits limits;
    private final boolean enabled;

    public RouteGuard(IdentityProviderManager identities, RateLimits limits, cn.gridmap.GridmapConfig config) {
        this.identities = identities;
        this.limits = limits;
        this.enabled = config.security().enabled();
    }

    /**
     * 429 with Retry-After once a principal (or an anonymous address) is over its limit, on the API, tiles, OGC API and Open311;
     * the token endpoint counts its failures itself. The identity is the one authentication put on the request (no CDI context is needed here).
     */
    void limits(@Observes Router router) {
        if (!enabled) {
            return;
        }
        router.routeWithRegex("/(api|tiles|ogc|open311)(/.*)?").order(-100).handler(ctx -> {
            String path = ctx.request().path();
            if (path.startsWith("/api/auth/")) {
                ctx.next();
                return;
            }
            Principal p = ctx.user() instanceof QuarkusHttpUser u ? Callers.principal(u.getSecurityIdentity()) : null;
            RateLimits.Verdict v = limits.request(p, p == null ? Callers.address(ctx) : null, path.startsWith("/api/point/"));
            if (v.allowed()) {
                ctx.next();
            } else {
                ctx.response().putHeader("Retry-After", String.valueOf(v.retryAfterSeconds()));
                VertxJson.error(ctx.response(), 429, "rate limit reached; try again in " + v.retryAfterSeconds() + " s");
            }
        });
    }

    /** Prometheus metrics are for admins (what runs, how much, where the time goes). */
    void metrics(@Observes Router router) {
        router.route("/q/metrics*").order(AFTER).handler(ctx -> require(ctx, Set.of(Roles.ADMIN), caller -> {
            ctx.request().resume();
            ctx.next();
        }));
    }

    /** Runs {@code then} with the caller if it may; otherwise answers the request itself. The body waits meanwhile. */
    public void require(RoutingContext ctx, Set<String> roles, Consumer<Caller> then) {
        ctx.request().pause();
        QuarkusHttpUser.getSecurityIdentity(ctx, identities).subscribe().with(id -> {
            Principal p = Callers.principal(id);
            if (p == null) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"gridmap\"");
                end(ctx, 401, LOG_IN_FIRST);
                return;
            }
            if (roles.stream().noneMatch(p::has)) {
                end(ctx, 403, "your roles do not allow this (you are " + p.name() + " with " + p.roles().stream().sorted().toList() + ")");
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
