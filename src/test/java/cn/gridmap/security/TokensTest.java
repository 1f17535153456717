package cn.gridmap.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;

/** Logging in, and every way a token can be wrong: expired, tampered, unsigned, foreign, or its user disabled. */
@QuarkusTest
class TokensTest {
    @Inject
    Tokens tokens;

    @BeforeEach
    void anonymous() {
        AsAdmin.off();
    }

    private static Response me(String token) {
        return given().header("Authorization", "Bearer " + token).get("/api/me");
    }

    private static Response grant(Map<String, String> form) {
        return given().contentType(ContentType.URLENC).formParams(form).post("/api/auth/token");
    }

    @Test
    void aUserLogsInWithThePasswordGrantAndSeesWhoItIs() {
        String token = Logins.token("tok-worker", List.of(Roles.GRIDWORKER, Roles.LIAISON), List.of("321102"), false);
        me(token).then().statusCode(200).body("username", equalTo("tok-worker")).body("roles", contains("gridworker", "liaison"))
                .body("scope", contains("321102")).body("pii", equalTo(false));
        Response r = grant(Map.of("grant_type", "password", "username", "tok-worker", "password", Logins.password("tok-worker")));
        r.then().statusCode(200).header("Cache-Control", "no-store").body("token_type", equalTo("Bearer"))
                .body("expires_in", equalTo(900)).body("refresh_token", notNullValue());
        // the refresh grant gives a new access token
        String renewed = grant(Map.of("grant_type", "refresh_token", "refresh_token", r.path("refresh_token"))).then().statusCode(200)
                .extract().path("access_token");
        me(renewed).then().statusCode(200).body("username", equalTo("tok-worker"));
        // an access token is not a refresh token, and the other way round
        grant(Map.of("grant_type", "refresh_token", "refresh_token", token)).then().statusCode(400).body("error", equalTo("invalid_grant"));
        me(r.path("refresh_token")).then().statusCode(401);
    }

    @Test
    void tokenEndpointErrorsFollowRfc6749() {
        grant(Map.of("grant_type", "password", "username", "nobody-at-all", "password", "wrong-password")).then().statusCode(400)
                .body("error", equalTo("invalid_grant"));
        grant(Map.of("grant_type", "client_credentials", "client_id", "cnosuchclient", "client_secret", "x")).then().statusCode(401)
                .body("error", equalTo("invalid_client"));
        grant(Map.of("grant_type", "authorization_code")).then().statusCode(400).body("error", equalTo("unsupported_grant_type"));
        grant(Map.of("username", "x")).then().statusCode(400).body("error", equalTo("invalid_request"));
        grant(Map.of("grant_type", "password", "username", "x")).then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    @Test
    void noTokenIs401AndTheWrongRoleIs403() {
        given().get("/api/people").then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"));
        String analyst = Logins.token("tok-analyst", List.of(Roles.ANALYST), List.of("321100"), false);
        given().header("Authorization", "Bearer " + analyst).get("/api/people").then().statusCode(403)
                .body("message", containsString("roles"));
        given().header("Authorization", "Bearer " + analyst).get("/api/regions/321100/stats").then().statusCode(200);
    }

    @Test
    void anExpiredTokenIs401() {
        Logins.token("tok-expired", List.of(Roles.ANALYST), List.of("321100"), false);
        String expired = tokens.issue("tok-expired", Principal.Kind.USER, "access", Instant.now().minusSeconds(120));
        me(expired).then().statusCode(401);
    }

    @Test
    void aTamperedSignatureIs401() {
        String token = Logins.token("tok-tamper", List.of(Roles.ANALYST), List.of("321100"), false);
        String[] p = token.split("\\.");
        // the same signature over a payload that claims to be the admin
        String payload = new String(Base64.getUrlDecoder().decode(p[1]), StandardCharsets.UTF_8).replace("tok-tamper", "admin");
        String forged = p[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + p[2];
        me(forged).then().statusCode(401);
        char last = p[2].charAt(p[2].length() - 2);
        me(p[0] + "." + p[1] + "." + p[2].substring(0, p[2].length() - 2) + (last == 'A' ? 'B' : 'A') + p[2].charAt(p[2].length() - 1))
                .then().statusCode(401);
        me(token).then().statusCode(200);
    }

    @Test
    void anUnsignedTokenIs401() {
        String token = Logins.token("tok-none", List.of(Roles.ANALYST), List.of("321100"), false);
        String payload = token.split("\\.")[1];
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        me(header + "." + payload + ".").then().statusCode(401);
        String hs = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8));
        me(hs + "." + payload + "." + token.split("\\.")[2]).then().statusCode(401);
    }

    @Test
    void aTokenOfAnotherIssuerIs401() throws Exception {
        // properly signed, by a key of its own, for another issuer
        org.jose4j.jwk.RsaJsonWebKey key = org.jose4j.jwk.RsaJwkGenerator.generateJwk(2048);
        org.jose4j.jwt.JwtClaims claims = new org.jose4j.jwt.JwtClaims();
        claims.setIssuer("https://elsewhere.example");
        claims.setAudience("gridmap");
        claims.setSubject("admin");
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(10);
        claims.setClaim("typ", "access");
        claims.setClaim("kind", "user");
        org.jose4j.jws.JsonWebSignature jws = new org.jose4j.jws.JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setAlgorithmHeaderValue(org.jose4j.jws.AlgorithmIdentifiers.RSA_USING_SHA256);
        me(jws.getCompactSerialization()).then().statusCode(401);
        // and our issuer's name with a foreign key
        claims.setIssuer("gridmap");
        jws.setPayload(claims.toJson());
        me(jws.getCompactSerialization()).then().statusCode(401);
    }

    @Test
    void aDisabledUsersStillValidTokenIs401() {
        String token = Logins.token("tok-disabled", List.of(Roles.GRIDWORKER), List.of("321102"), false);
        me(token).then().statusCode(200);
        given().header("Authorization", "Bearer " + AsAdmin.adminToken()).contentType(ContentType.JSON).body(Map.of("enabled", false))
                .patch("/api/users/tok-disabled").then().statusCode(200).body("enabled", equalTo(false));
        me(token).then().statusCode(401);
        grant(Map.of("grant_type", "password", "username", "tok-disabled", "password", Logins.password("tok-disabled"))).then().statusCode(400);
        Logins.forget("tok-disabled");
    }

    @Test
    void aClientGetsTokensWithItsSecretAndCallsWithItsApiKey() {
        Map<String, Object> c = given().header("Authorization", "Bearer " + AsAdmin.adminToken()).contentType(ContentType.JSON)
                .body(Map.of("name", "12345 热线", "roles", List.of("system"), "scope", List.of("321100"))).post("/api/clients").then()
                .statusCode(201).header("Cache-Control", "no-store").extract().as(Map.class);
        String token = grant(Map.of("grant_type", "client_credentials", "client_id", (String) c.get("clientId"),
                "client_secret", (String) c.get("clientSecret"))).then().statusCode(200).body("refresh_token", org.hamcrest.Matchers.nullValue())
                .extract().path("access_token");
        me(token).then().statusCode(200).body("kind", equalTo("client")).body("roles", contains("system"));
        given().header("X-API-Key", (String) c.get("apiKey")).get("/api/point/4326/119.45,32.2").then().statusCode(200);
        given().header("X-API-Key", (String) c.get("apiKey")).get("/api/people").then().statusCode(403);
        given().header("X-API-Key", c.get("apiKey") + "x").get("/api/point/4326/119.45,32.2").then().statusCode(401);
        // the secret and the key are never shown again
        String list = given().header("Authorization", "Bearer " + AsAdmin.adminToken()).get("/api/clients").then().statusCode(200)
                .extract().asString();
        assertTrue(list.contains((String) c.get("clientId")) && !list.contains((String) c.get("clientSecret"))
                && !list.contains((String) c.get("apiKey")));
    }

    @Test
    void tenFailedLoginsAMinuteAre429WithRetryAfterAndEveryFailureIsAudited() {
        Logins.token("tok-brute", List.of(Roles.ANALYST), List.of("321100"), false);
        for (int i = 0; i < 10; i++) {
            grant(Map.of("grant_type", "password", "username", "tok-brute", "password", "guess-" + i)).then().statusCode(400);
        }
        Response blocked = grant(Map.of("grant_type", "password", "username", "tok-brute", "password", Logins.password("tok-brute")));
        blocked.then().statusCode(429).header("Retry-After", notNullValue());
        assertTrue(Integer.parseInt(blocked.header("Retry-After")) > 0);
        List<String> outcomes = given().header("Authorization", "Bearer " + AsAdmin.adminToken())
                .get("/api/audit?actor=tok-brute&action=login").then().statusCode(200).extract().jsonPath().getList("outcome");
        assertEquals(10, outcomes.stream().filter("failed"::equals).count(), outcomes.toString());
    }
}
