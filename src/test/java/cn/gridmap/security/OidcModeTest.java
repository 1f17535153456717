package cn.gridmap.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;

/**
 * External identity by configuration only: with gridmap.security.oidc.url set, the service accepts the tokens of an
 * OIDC provider — here Quarkus's OIDC test server (WireMock serving discovery and a JWKS; its tokens are RS256-signed
 * with its own key), verified over HTTP like any provider's. Roles and scope come from the token's claims.
 */
@QuarkusTest
@TestProfile(OidcModeTest.ExternalProvider.class)
class OidcModeTest {
    private static final String CLIENT = "gridmap-web";

    public static class ExternalProvider implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gridmap.security.oidc.url", "${keycloak.url}/realms/quarkus", "gridmap.security.oidc.client-id", CLIENT,
                    // the test server signs with this issuer whatever its discovery document says
                    "gridmap.security.oidc.issuer", "https://server.example.com", "gridmap.security.oidc.roles-claim", "groups");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OidcWiremockTestResource.class));
        }
    }

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    @BeforeEach
    void anonymous() {
        AsAdmin.off();
    }

    private static String token(String user, Set<String> roles, Set<String> audience, Map<String, String> claims) {
        return OidcWiremockTestResource.generateJwtToken(user, roles, "sub-" + user, "Bearer", audience, claims);
    }

    @Test
    void theProvidersTokenCarriesRolesAndScope() throws SQLException {
        String grid;
        try (Connection c = owner.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT left(microgrid_code, 15) FROM person GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")) {
            rs.next();
            grid = rs.getString(1);
        }
        String alice = token("alice", Set.of("gridworker"), Set.of(CLIENT), Map.of("gridmap_scope", grid));
        given().header("Authorization", "Bearer " + alice).get("/api/me").then().statusCode(200).body("username", equalTo("alice"))
                .body("kind", equalTo("external")).body("roles", contains("gridworker")).body("scope", contains(grid));
        List<String> grids = given().header("Authorization", "Bearer " + alice).get("/api/people?limit=1000").then().statusCode(200)
                .extract().jsonPath().getList("items.gridCode");
        assertFalse(grids.isEmpty());
        assertTrue(grids.stream().allMatch(grid::equals), "the token's scope holds: " + grids);
        given().header("Authorization", "Bearer " + alice).get("/api/users").then().statusCode(403);

        String boss = token("boss", Set.of("admin"), Set.of(CLIENT), Map.of("gridmap_scope", "321100"));
        given().header("Authorization", "Bearer " + boss).get("/api/users").then().statusCode(200);
    }

    @Test
    void foreignTamperedOrMisaddressedTokensAre401() {
        String other = token("mallory", Set.of("admin"), Set.of("another-app"), Map.of("gridmap_scope", "321100"));
        given().header("Authorization", "Bearer " + other).get("/api/me").then().statusCode(401);
        String good = token("carol", Set.of("analyst"), Set.of(CLIENT), Map.of("gridmap_scope", "321100"));
        String[] p = good.split("\\.");
        String forged = p[0] + "." + p[1].substring(0, p[1].length() - 3) + (p[1].endsWith("A") ? "B" : "A") + p[1].substring(p[1].length() - 2)
                + "." + p[2];
        given().header("Authorization", "Bearer " + forged).get("/api/me").then().statusCode(401);
        given().header("Authorization", "Bearer " + good).get("/api/me").then().statusCode(200).body("roles", contains("analyst"));
    }

    @Test
    void peopleLogInAtTheProviderNotHere() {
        given().contentType(ContentType.URLENC).formParam("grant_type", "password").formParam("username", "admin")
                .formParam("password", "test-admin-password-1").post("/api/auth/token").then().statusCode(400)
                .body("error", equalTo("unsupported_grant_type"));
    }
}
