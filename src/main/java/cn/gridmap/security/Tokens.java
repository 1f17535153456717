package cn.gridmap.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.lang.JoseException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import cn.gridmap.GridmapConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Signed tokens: the service's own (RS256, short-lived, verified locally with the key in the database) and, when
 * {@code gridmap.security.oidc.url} is set, an external OIDC provider's (verified with its published JWKS). Only RS/ES/PS
 * algorithms are accepted: {@code alg: none} and HMAC tokens are refused. Verified tokens are remembered until they
 * expire, so a request pays for one signature check per token, not per call.
 */
@ApplicationScoped
public class Tokens {
    private static final Logger LOG = Logger.getLogger(Tokens.class);
    static final String AUDIENCE = "gridmap";

    /** What a valid token says. {@code claims} only for external tokens (roles and scope come from them). */
    public record Verified(String subject, Principal.Kind kind, String type, Instant expiresAt, JwtClaims claims) {
    }

    /** A refused token, with the reason for the log (never for the caller: the caller gets 401 only). */
    public static final class InvalidToken extends Exception {
        InvalidToken(String message) {
            super(message);
        }
    }

    private final GridmapConfig.Security config;
    private final DataSource dataSource;
    private final PersonalDataProtector protector;
    private final ObjectMapper json;
    /**
     * Verified tokens by the last characters of their signature (hashing a whole token, some 600 characters, on every
     * request costs more than the rest of the lookup); a hit must then equal the whole token.
     */
    private final Cache<String, Remembered> verified = Caffeine.newBuilder().maximumSize(50_000)
            .expireAfterWrite(Duration.ofMinutes(5)).build();

    private record Remembered(String token, Verified verified) {
    }

    private static String key(String token) {
        return token.length() <= 48 ? token : token.substring(token.length() - 48);
    }
    private volatile SigningKey key;
    private volatile JwtConsumer own;
    private volatile JwtConsumer external;

    public Tokens(GridmapConfig config, DataSource dataSource, PersonalDataProtector protector, ObjectMapper json) {
        this.config = config.security();
        this.dataSource = dataSource;
        this.protector = protector;
        this.json = json;
    }

    /** Whether tokens of an external OIDC provider are accepted (and the password grant is the provider's job). */
    public boolean external() {
        return config.oidc().url().filter(u -> !u.isBlank()).isPresent();
    }

    private SigningKey key() {
        SigningKey k = key;
        if (k == null) {
            synchronized (this) {
                if (key == null) {
                    key = SigningKey.loadOrCreate(dataSource, protector);
                    own = new JwtConsumerBuilder().setRequireExpirationTime().setRequireSubject().setRequireIssuedAt()
                            .setAllowedClockSkewInSeconds(30).setExpectedIssuer(config.issuer()).setExpectedAudience(AUDIENCE)
                            .setVerificationKey(key.publicKey())
                            .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                            .build();
                }
                k = key;
            }
        }
        return k;
    }

    /** A signed token for {@code subject}: type {@code access} or {@code refresh}. */
    public String issue(String subject, Principal.Kind kind, String type, Duration lifetime) {
        return issue(subject, kind, type, Instant.now().plus(lifetime));
    }

    /** The same with an explicit expiry (the tests make expired tokens this way). */
    public String issue(String subject, Principal.Kind kind, String type, Instant expiresAt) {
        SigningKey k = key();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(config.issuer());
        claims.setAudience(AUDIENCE);
        claims.setSubject(subject);
        claims.setIssuedAtToNow();
        claims.setExpirationTime(NumericDate.fromMilliseconds(expiresAt.toEpochMilli()));
        claims.setGeneratedJwtId();
        claims.setClaim("typ", type);
        claims.setClaim("kind", kind == Principal.Kind.CLIENT ? "client" : "user");
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(k.privateKey());
        jws.setKeyIdHeaderValue(k.kid());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("token signing failed", e);
        }
    }

    /** Verifies an access token (cached until it expires). */
    public Verified verifyAccess(String token) throws InvalidToken {
        Verified v = cachedAccess(token);
        if (v == null) {
            v = verify(token);
            if (!"access".equals(v.type())) {
                throw new InvalidToken("not an access token");
            }
            if (!v.expiresAt().isAfter(Instant.now())) {
                throw new InvalidToken("expired");
            }
            verified.put(key(token), new Remembered(token, v));
        }
        return v;
    }

    /** A remembered, still valid access token, or null (then {@link #verifyAccess} on a worker thread). */
    public Verified cachedAccess(String token) {
        Remembered r = verified.getIfPresent(key(token));
        return r != null && r.token().equals(token) && r.verified().expiresAt().isAfter(Instant.now()) ? r.verified() : null;
    }

    /** Verifies a refresh token of the service's own (never cached: each is used once every few minutes). */
    public Verified verifyRefresh(String token) throws InvalidToken {
        Verified v = verify(token);
        if (!"refresh".equals(v.type()) || v.kind() == Principal.Kind.EXTERNAL) {
            throw new InvalidToken("not a refresh token");
        }
        return v;
    }

    private Verified verify(String token) throws InvalidToken {
        key();
        JwtClaims claims;
        boolean ours;
        try {
            String iss = unverifiedIssuer(token);
            ours = config.issuer().equals(iss);
            if (!ours && !external()) {
                throw new InvalidToken("unknown issuer " + iss);
            }
            claims = (ours ? own : externalConsumer()).processToClaims(token);
        } catch (InvalidJwtException e) {
            throw new InvalidToken(e.getMessage());
        }
        try {
            Instant exp = Instant.ofEpochMilli(claims.getExpirationTime().getValueInMillis());
            if (ours) {
                String kind = claims.getStringClaimValue("kind");
                return new Verified(claims.getSubject(), "client".equals(kind) ? Principal.Kind.CLIENT : Principal.Kind.USER,
                        claims.getStringClaimValue("typ"), exp, null);
            }
            checkAudience(claims);
            Object name = claims.getClaimValue(config.oidc().usernameClaim());
            return new Verified(name instanceof String s && !s.isBlank() ? s : claims.getSubject(), Principal.Kind.EXTERNAL, "access",
                    exp, claims);
        } catch (MalformedClaimException e) {
            throw new InvalidToken(e.getMessage());
        }
    }

    /** The issuer named in the payload before verification: only to pick the key, the signature is checked after. */
    private String unverifiedIssuer(String token) throws InvalidToken {
        try {
            JwtConsumer peek = new JwtConsumerBuilder().setSkipAllValidators().setDisableRequireSignature()
                    .setSkipSignatureVerification().build();
            return peek.processToClaims(token).getIssuer();
        } catch (InvalidJwtException | MalformedClaimException e) {
            throw new InvalidToken("not a JWT");
        }
    }

    private void checkAudience(JwtClaims claims) throws InvalidToken, MalformedClaimException {
        String clientId = config.oidc().clientId().filter(c -> !c.isBlank()).orElse(null);
        if (clientId == null) {
            return;
        }
        List<String> aud = claims.hasAudience() ? claims.getAudience() : List.of();
        Object azp = claims.getClaimValue("azp");
        if (!aud.contains(clientId) && !clientId.equals(azp)) {
            throw new InvalidToken("token is for another client (aud " + aud + ", azp " + azp + ")");
        }
    }

    private JwtConsumer externalConsumer() throws InvalidToken {
        JwtConsumer c = external;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (external == null) {
                String url = config.oidc().url().get().replaceAll("/+$", "");
                JsonNode discovery;
                try {
                    HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                            HttpRequest.newBuilder(URI.create(url + "/.well-known/openid-configuration")).timeout(Duration.ofSeconds(10))
                                    .build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new InvalidToken("OIDC discovery at " + url + " answered " + r.statusCode());
                    }
                    discovery = json.readTree(r.body());
                } catch (IOException e) {
                    throw new InvalidToken("OIDC discovery at " + url + " failed: " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InvalidToken("interrupted");
                }
                String issuer = config.oidc().issuer().filter(i -> !i.isBlank()).orElse(discovery.path("issuer").asText(url));
                HttpsJwks jwks = new HttpsJwks(discovery.path("jwks_uri").asText());
                external = new JwtConsumerBuilder().setRequireExpirationTime().setRequireSubject().setAllowedClockSkewInSeconds(30)
                        .setExpectedIssuer(issuer).setSkipDefaultAudienceValidation()
                        .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(jwks))
                        .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256,
                                AlgorithmIdentifiers.RSA_USING_SHA384, AlgorithmIdentifiers.RSA_USING_SHA512,
                                AlgorithmIdentifiers.RSA_PSS_USING_SHA256, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                        .build();
                LOG.infof("accepting tokens of the OIDC provider %s (issuer %s, JWKS %s)", url, issuer, discovery.path("jwks_uri").asText());
            }
            return external;
        }
    }

    /** The roles an external token carries, at the configured claim path (a/b). */
    public List<String> externalRoles(JwtClaims claims) {
        Object v = claims.getClaimsMap();
        for (String part : config.oidc().rolesClaim().split("/")) {
            v = v instanceof Map<?, ?> m ? m.get(part) : null;
        }
        return strings(v);
    }

    /** The area scope codes an external token carries. */
    public List<String> externalScope(JwtClaims claims) {
        return strings(claims.getClaimValue(config.oidc().scopeClaim()));
    }

    private static List<String> strings(Object v) {
        if (v instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
        if (v instanceof String s) {
            return List.of(s.split("[,\\s]+")).stream().filter(x -> !x.isEmpty()).toList();
        }
        return List.of();
    }
}
