package cn.gridmap.security;

import java.util.Set;

import cn.gridmap.GridmapConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;

/**
 * How a request says who it is: {@code Authorization: Bearer <token>} (the service's own token or, when configured, an
 * external OIDC provider's) or {@code X-API-Key: <key>} (a client that can only send a static key). No credential:
 * anonymous, and every endpoint but the public few answers 401. A credential that does not verify: 401. Browsers that
 * logged in at the web map also send an HttpOnly cookie with the same token, for GET and HEAD only.
 */
@ApplicationScoped
public class AuthMechanism implements HttpAuthenticationMechanism {
    private final boolean enabled;
    /** The one identity of every request when security is off (the benchmark's baseline). */
    private final SecurityIdentity off = identity(Principal.system("security-off"));
    private final Tokens tokens;
    private final Accounts accounts;

    public AuthMechanism(GridmapConfig config, Tokens tokens, Accounts accounts) {
        this.enabled = config.security().enabled();
        this.tokens = tokens;
        this.accounts = accounts;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!enabled) {
            return Uni.createFrom().item(off);
        }
        context.response().headers().set("X-Request-Id", Callers.requestId(context));
        String auth = context.request().getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = auth.substring(7).trim();
            Principal p = remembered(token);
            return p != null ? Uni.createFrom().item(cachedIdentity(p))
                    : identityProviderManager.authenticate(new TokenRequest(TokenRequest.Type.BEARER, token));
        }
        String key = context.request().getHeader("X-API-Key");
        if (key != null && !key.isBlank()) {
            Principal p = accounts.cachedByApiKey(key.trim());
            return p != null ? Uni.createFrom().item(cachedIdentity(p))
                    : identityProviderManager.authenticate(new TokenRequest(TokenRequest.Type.API_KEY, key.trim()));
        }
        // a browser that opens a page itself (OGC API HTML pages, Swagger UI) sends the login's HttpOnly cookie; it
        // counts for reading only, so no other site can make a logged-in browser change anything (and it is SameSite=Strict)
        var method = context.request().method();
        var cookie = context.request().getCookie(AuthResource.COOKIE);
        if (cookie != null && (method == io.vertx.core.http.HttpMethod.GET || method == io.vertx.core.http.HttpMethod.HEAD)) {
            return identityProviderManager.authenticate(new TokenRequest(TokenRequest.Type.BEARER, cookie.getValue()));
        }
        return Uni.createFrom().nullItem();
    }

    /** The principal of a token verified a moment ago, from memory (most calls), or null. */
    private Principal remembered(String token) {
        Tokens.Verified v = tokens.cachedAccess(token);
        if (v == null) {
            return null;
        }
        return v.kind() == Principal.Kind.EXTERNAL
                ? accounts.cachedExternal(v.subject(), tokens.externalRoles(v.claims()), tokens.externalScope(v.claims()))
                : accounts.cachedPrincipal(v.kind(), v.subject());
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        boolean sent = context.request().getHeader("Authorization") != null || context.request().getHeader("X-API-Key") != null
                || context.request().getCookie(AuthResource.COOKIE) != null;
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate",
                sent ? "Bearer realm=\"gridmap\", error=\"invalid_token\"" : "Bearer realm=\"gridmap\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "bearer"));
    }

    static SecurityIdentity identity(Principal p) {
        return QuarkusSecurityIdentity.builder().setPrincipal(() -> p.name()).addRoles(p.roles()).addAttribute(Callers.PRINCIPAL, p)
                .build();
    }

    /** Identities are immutable: one per remembered principal (the same instance while it is remembered). */
    private static final com.github.benmanes.caffeine.cache.Cache<Principal, SecurityIdentity> IDENTITIES =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().weakKeys().maximumSize(20_000).build();

    static SecurityIdentity cachedIdentity(Principal p) {
        return IDENTITIES.get(p, AuthMechanism::identity);
    }

    /** Verifies a credential not seen recently (those are answered from memory above), on a worker thread. */
    @Singleton
    static class Provider implements IdentityProvider<TokenRequest> {
        private final Tokens tokens;
        private final Accounts accounts;

        Provider(Tokens tokens, Accounts accounts) {
            this.tokens = tokens;
            this.accounts = accounts;
        }

        @Override
        public Class<TokenRequest> getRequestType() {
            return TokenRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(TokenRequest request, AuthenticationRequestContext context) {
            return context.runBlocking(() -> cachedIdentity(resolve(request)));
        }

        private Principal resolve(TokenRequest request) {
            if (request.type == TokenRequest.Type.API_KEY) {
                Principal p = accounts.byApiKey(request.value);
                if (p == null) {
                    throw new AuthenticationFailedException("unknown or disabled API key");
                }
                return p;
            }
            Tokens.Verified v;
            try {
                v = tokens.verifyAccess(request.value);
            } catch (Tokens.InvalidToken e) {
                throw new AuthenticationFailedException(e.getMessage());
            }
            if (v.kind() == Principal.Kind.EXTERNAL) {
                return accounts.external(v.subject(), tokens.externalRoles(v.claims()), tokens.externalScope(v.claims()));
            }
            Principal p = accounts.principal(v.kind(), v.subject());
            if (p == null) {
                throw new AuthenticationFailedException("the token's user or client is disabled or gone");
            }
            return p;
        }
    }
}
