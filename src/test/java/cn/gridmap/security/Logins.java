package cn.gridmap.security;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.restassured.http.ContentType;

/**
 * Users made through the API (as admin) and logged in through the token endpoint, as a real client does. Each user is
 * made once per test run, with {@link #password}.
 */
public final class Logins {
    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    private Logins() {
    }

    /** A user with these roles and scope (made if new), logged in: its access token. */
    public static String token(String username, List<String> roles, List<String> scope, boolean pii) {
        return TOKENS.computeIfAbsent(username, u -> {
            given().header("Authorization", "Bearer " + AsAdmin.adminToken()).contentType(ContentType.JSON)
                    .body(Map.of("username", u, "password", password(u), "displayName", u, "roles", roles, "scope", scope, "pii", pii))
                    .post("/api/users").then().statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(201),
                            org.hamcrest.Matchers.is(409)));
            return login(u, password(u));
        });
    }

    /**
     * A staff member of the synthetic city (login disabled: no password) as the admin gives her a password, logged in:
     * her access token.
     */
    public static String staff(String username) {
        return TOKENS.computeIfAbsent(username, u -> {
            given().header("Authorization", "Bearer " + AsAdmin.adminToken()).contentType(ContentType.JSON)
                    .body(Map.of("password", password(u))).patch("/api/users/" + u).then().statusCode(200);
            return login(u, password(u));
        });
    }

    /** A staff member of the synthetic city given a password and the pii right, logged in: her access token. */
    public static String staffWithPii(String username) {
        return TOKENS.computeIfAbsent(username + "+pii", k -> {
            given().header("Authorization", "Bearer " + AsAdmin.adminToken()).contentType(ContentType.JSON)
                    .body(Map.of("password", password(username), "pii", true)).patch("/api/users/" + username).then().statusCode(200);
            return login(username, password(username));
        });
    }

    /** Logs in with the password grant; the access token. */
    public static String login(String username, String password) {
        return given().header("Authorization", "").contentType(ContentType.URLENC).formParam("grant_type", "password")
                .formParam("username", username).formParam("password", password).post("/api/auth/token").then().statusCode(200)
                .extract().path("access_token");
    }

    public static String password(String username) {
        return "correct-horse-" + Integer.toHexString(username.hashCode());
    }

    /** Forgets a login (after its user was changed, say). */
    public static void forget(String username) {
        TOKENS.remove(username);
    }
}
