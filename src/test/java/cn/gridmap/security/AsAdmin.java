package cn.gridmap.security;

import java.time.Duration;

import io.quarkus.arc.Arc;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;

/**
 * Every test calls the API as the city-wide admin unless it says otherwise: before each test, RestAssured sends an admin
 * token signed by the running service with every request that carries no credential of its own. The tests of security
 * itself switch it {@link #off()} and log in as the roles they check.
 */
public class AsAdmin implements QuarkusTestBeforeEachCallback {
    private static volatile boolean on = true;

    private static final Filter ADMIN = (req, res, ctx) -> {
        if (on && !req.getHeaders().hasHeaderWithName("Authorization") && !req.getHeaders().hasHeaderWithName("X-API-Key")) {
            req.header("Authorization", "Bearer " + adminToken());
        }
        return ctx.next(req, res);
    };

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        on = true;
        RestAssured.replaceFiltersWith(ADMIN);
    }

    /** For the rest of this test, requests go out with only the credentials they name (anonymous without one). */
    public static void off() {
        on = false;
    }

    /** A fresh access token of the user admin. */
    public static String adminToken() {
        return Arc.container().instance(Tokens.class).get().issue("admin", Principal.Kind.USER, "access", Duration.ofHours(1));
    }
}
