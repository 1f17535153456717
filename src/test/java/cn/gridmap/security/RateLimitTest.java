package cn.gridmap.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Per-principal limits with tiny numbers: over the limit → 429 with Retry-After; system lookups count on their own. */
@QuarkusTest
@TestProfile(RateLimitTest.Tight.class)
class RateLimitTest {
    public static class Tight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gridmap.security.requests-per-minute", "5", "gridmap.security.system-lookups-per-minute", "8");
        }
    }

    @BeforeEach
    void anonymous() {
        AsAdmin.off();
    }

    private static List<Integer> statuses(int n, String header, String value, String path) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Response r = given().header(header, value).get(path);
            out.add(r.statusCode());
            if (r.statusCode() == 429) {
                assertTrue(Integer.parseInt(r.header("Retry-After")) >= 1, "Retry-After in seconds");
            }
        }
        return out;
    }

    @Test
    void aPrincipalOverItsLimitGets429WithRetryAfter() {
        String token = Logins.token("rl-analyst", List.of(Roles.ANALYST), List.of("321100"), false);
        assertEquals(List.of(200, 200, 200, 200, 200, 429, 429), statuses(7, "Authorization", "Bearer " + token, "/api/me"));
        // tiles count too
        assertEquals(429, given().header("Authorization", "Bearer " + token).get("/tiles/city/10/851/415.mvt").statusCode());
        // another principal has its own bucket
        String other = Logins.token("rl-other", List.of(Roles.ANALYST), List.of("321100"), false);
        assertEquals(200, given().header("Authorization", "Bearer " + other).get("/api/me").statusCode());
    }

    @Test
    void systemClientsLookUpUnderTheirOwnHigherLimit() {
        Map<?, ?> c = given().header("Authorization", "Bearer " + AsAdmin.adminToken()).contentType(ContentType.JSON)
                .body(Map.of("name", "rl system", "roles", List.of("system"), "scope", List.of("321100"))).post("/api/clients").then()
                .statusCode(201).extract().as(Map.class);
        String key = (String) c.get("apiKey");
        assertEquals(List.of(200, 200, 200, 200, 200, 200, 200, 200, 429), statuses(9, "X-API-Key", key, "/api/point/4326/119.45,32.2"));
        // its other calls count against the general limit, untouched so far
        assertEquals(List.of(200, 200, 200, 200, 200, 429), statuses(6, "X-API-Key", key, "/api/me"));
    }
}
