package cn.gridmap.security;

import java.util.UUID;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/** Who is calling in the current request (resources pass the {@link Caller} on to the services). */
@ApplicationScoped
public class Callers {
    static final String PRINCIPAL = "gridmap.principal";
    static final String REQUEST_ID = "gridmap.requestId";
    private final CurrentIdentityAssociation identity;
    private final CurrentVertxRequest request;

    public Callers(CurrentIdentityAssociation identity, CurrentVertxRequest request) {
        this.identity = identity;
        this.request = request;
    }

    /** The caller of the current request; a 401 if nobody is logged in (endpoints that get here require a login). */
    public Caller current() {
        Principal p = principal(identity.getIdentity());
        if (p == null) {
            throw new io.quarkus.security.UnauthorizedException();
        }
        return of(p, request.getCurrent());
    }

    /** The caller of a Vert.x route (batch lookup, import upload), from its routing context. */
    public static Caller of(Principal p, RoutingContext rc) {
        if (rc == null) {
            return new Caller(p, null, null);
        }
        return new Caller(p, requestId(rc), address(rc));
    }

    static Principal principal(SecurityIdentity id) {
        return id == null || id.isAnonymous() ? null : id.getAttribute(PRINCIPAL);
    }

    /**
     * The caller's request id: {@code X-Request-Id} when sent and sane, otherwise this replica's prefix (random, made at
     * start) and a counter, which costs no random numbers per request. Echoed in the response.
     */
    static String requestId(RoutingContext rc) {
        String id = rc.get(REQUEST_ID);
        if (id == null) {
            String sent = rc.request().getHeader("X-Request-Id");
            id = sent != null && sent.length() <= 80 && SANE_ID.matcher(sent).matches() ? sent : PREFIX + Long.toString(COUNTER.incrementAndGet(), 36);
            rc.put(REQUEST_ID, id);
        }
        return id;
    }

    private static final java.util.regex.Pattern SANE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]+");
    private static final String PREFIX = UUID.randomUUID().toString().substring(0, 8) + "-";
    private static final java.util.concurrent.atomic.AtomicLong COUNTER = new java.util.concurrent.atomic.AtomicLong();

    static String address(RoutingContext rc) {
        var a = rc.request().remoteAddress();
        return a == null ? null : a.hostAddress();
    }
}
