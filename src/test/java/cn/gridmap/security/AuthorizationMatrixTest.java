package cn.gridmap.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Every operation of the OpenAPI document, called anonymously and as each role, against the table below: no token →
 * 401 unless public, a role outside the operation's list → 403, a role inside it → anything but 401/403 (400, 404 and
 * 204 are fine: the dummy parameters need not make sense). An operation missing from the table fails the test, so a
 * new endpoint is never unprotected by default.
 */
@QuarkusTest
class AuthorizationMatrixTest {
    private static final Set<String> PUBLIC = Set.of("public");
    /** Open311's POST requests: an api_key in the form, never a bearer token; without one everyone gets the spec's 403. */
    private static final Set<String> KEYED = Set.of("api_key");
    private static final Set<String> ANY = Set.copyOf(Roles.ALL);
    private static final Set<String> STAFF = Roles.STAFF;
    private static final Set<String> PERSONAL = Roles.PERSONAL;
    private static final Set<String> IMPORTERS = Set.of(Roles.ADMIN, Roles.GRIDWORKER);
    private static final Set<String> ADMIN = Set.of(Roles.ADMIN);
    private static final Set<String> PLANNING = Set.of(Roles.ADMIN, Roles.PLANNER, Roles.APPROVER);
    private static final Set<String> DRAFTING = Set.of(Roles.ADMIN, Roles.PLANNER);
    /** Who patrols: grid workers and liaisons (admins in their scope). */
    private static final Set<String> FIELD = Set.of(Roles.ADMIN, Roles.GRIDWORKER, Roles.LIAISON);

    /** 矛盾纠纷多元化解: who receives and follows disputes (the 综治中心, grid workers, liaisons, mediators). */
    private static final Set<String> DISPUTES = Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.MEDIATOR);
    /** 特殊人群: who visits and follows the tagged people. */
    private static final Set<String> CARE = Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER);
    /** Operations that also need the pii right: the roles are called with it (without it, the allowed roles get a 403 too). */
    private static final Set<String> NEEDS_PII = Set.of("GET /api/care/due", "POST /api/care/visits", "GET /api/care/visits");

    /** Who may call what ("METHOD path" → roles; PUBLIC = no token needed). */
    private static final Map<String, Set<String>> TABLE = new LinkedHashMap<>();

    static {
        TABLE.put("POST /api/auth/token", PUBLIC);
        TABLE.put("POST /api/auth/logout", PUBLIC);
        TABLE.put("GET /api/me", ANY);
        TABLE.put("GET /api/users", ADMIN);
        TABLE.put("POST /api/users", ADMIN);
        TABLE.put("PATCH /api/users/{username}", ADMIN);
        TABLE.put("GET /api/clients", ADMIN);
        TABLE.put("POST /api/clients", ADMIN);
        TABLE.put("GET /api/audit", ADMIN);
        TABLE.put("GET /api/regions", ANY);
        TABLE.put("GET /api/regions/labels", ANY);
        TABLE.put("GET /api/regions/search", ANY);
        TABLE.put("GET /api/regions/{code}", ANY);
        TABLE.put("GET /api/regions/{code}/children", ANY);
        TABLE.put("GET /api/regions/{code}/history", ANY);
        TABLE.put("GET /api/regions/{code}/geometry", ANY);
        TABLE.put("GET /api/regions/{code}/stats", STAFF);
        TABLE.put("GET /api/regions/{code}/children/stats", STAFF);
        TABLE.put("GET /api/stats", STAFF);
        TABLE.put("GET /api/point/{crs}/{coords}", ANY);
        TABLE.put("POST /api/point/batch", ANY);
        TABLE.put("GET /api/geocode", ANY);
        TABLE.put("POST /api/geocode/batch", ANY);
        TABLE.put("GET /api/reverse/{crs}/{coords}", ANY);
        TABLE.put("GET /api/basemap", ANY);
        TABLE.put("GET /api/map-config", ANY);
        TABLE.put("GET /api/people", PERSONAL);
        TABLE.put("GET /api/people/{id}", PERSONAL);
        TABLE.put("GET /api/houses", PERSONAL);
        TABLE.put("GET /api/houses/{id}", PERSONAL);
        TABLE.put("GET /api/components", STAFF);
        TABLE.put("GET /api/components/{id}", STAFF);
        TABLE.put("GET /api/organizations", STAFF);
        TABLE.put("GET /api/organizations/{id}", STAFF);
        TABLE.put("GET /api/events", STAFF);
        TABLE.put("GET /api/events/{id}", STAFF);
        TABLE.put("POST /api/import", IMPORTERS);
        TABLE.put("GET /api/import/{id}", IMPORTERS);
        TABLE.put("GET /api/import/{id}/errors", IMPORTERS);
        TABLE.put("POST /api/changesets", DRAFTING);
        TABLE.put("GET /api/changesets", PLANNING);
        TABLE.put("GET /api/changesets/{id}", PLANNING);
        TABLE.put("GET /api/changesets/{id}/edges", PLANNING);
        TABLE.put("POST /api/changesets/{id}/ops", DRAFTING);
        TABLE.put("POST /api/changesets/{id}/import", DRAFTING);
        TABLE.put("POST /api/changesets/{id}/undo", DRAFTING);
        TABLE.put("POST /api/changesets/{id}/redo", DRAFTING);
        TABLE.put("GET /api/changesets/{id}/regions", PLANNING);
        TABLE.put("GET /api/changesets/{id}/export", PLANNING);
        TABLE.put("GET /api/changesets/{id}/preview", PLANNING);
        TABLE.put("GET /api/changesets/{id}/diff", PLANNING);
        TABLE.put("POST /api/changesets/{id}/submit", DRAFTING);
        TABLE.put("POST /api/changesets/{id}/approvals", Set.of(Roles.ADMIN, Roles.APPROVER));
        TABLE.put("POST /api/changesets/{id}/publish", PLANNING);
        TABLE.put("POST /api/changesets/{id}/rebase", DRAFTING);
        TABLE.put("GET /api/generations", ANY);
        TABLE.put("GET /api/generations/{id}/changes", ANY);
        TABLE.put("GET /api/generations/stream", ANY);
        TABLE.put("POST /api/webhooks", ADMIN);
        TABLE.put("GET /api/webhooks", ADMIN);
        TABLE.put("DELETE /api/webhooks/{id}", ADMIN);
        TABLE.put("GET /api/webhooks/{id}/deliveries", ADMIN);
        TABLE.put("GET /api/workdays", ANY);
        TABLE.put("PUT /api/workdays/{day}", ADMIN);
        TABLE.put("DELETE /api/workdays/{day}", ADMIN);
        TABLE.put("POST /api/events", Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.SYSTEM));
        TABLE.put("GET /api/events/queue", Set.of(Roles.ADMIN, Roles.DISPATCHER));
        TABLE.put("POST /api/events/{id}/transitions", Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.DEPARTMENT, Roles.SYSTEM));
        TABLE.put("GET /api/events/{id}/log", STAFF);
        TABLE.put("GET /api/events/{id}/duplicates", Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON));
        TABLE.put("GET /api/me/events", Set.of(Roles.ADMIN, Roles.GRIDWORKER, Roles.DEPARTMENT));
        TABLE.put("GET /api/regions/{code}/staff", ANY);
        TABLE.put("GET /api/staff/{username}/absences", Set.of(Roles.ADMIN, Roles.DISPATCHER));
        TABLE.put("POST /api/staff/{username}/absences", Set.of(Roles.ADMIN, Roles.DISPATCHER));
        TABLE.put("DELETE /api/staff/{username}/absences/{id}", Set.of(Roles.ADMIN, Roles.DISPATCHER));
        TABLE.put("GET /api/event-classes", ANY);
        TABLE.put("GET /api/event-metrics", STAFF);
        TABLE.put("PUT /api/event-classes/{code}/limits/{stage}", ADMIN);
        TABLE.put("GET /api/people/{id}/history", PERSONAL);
        TABLE.put("GET /api/houses/{id}/history", PERSONAL);
        TABLE.put("GET /api/components/{id}/history", STAFF);
        TABLE.put("GET /api/organizations/{id}/history", STAFF);
        TABLE.put("GET /api/events/{id}/history", STAFF);
        TABLE.put("GET /open311/v2/discovery.{format}", PUBLIC);
        TABLE.put("GET /open311/v2/services.{format}", PUBLIC);
        TABLE.put("GET /open311/v2/services/{code}.{format}", PUBLIC);
        TABLE.put("POST /open311/v2/requests.{format}", KEYED);
        TABLE.put("GET /open311/v2/requests.{format}", PUBLIC);
        TABLE.put("GET /open311/v2/requests/{id}.{format}", PUBLIC);
        TABLE.put("GET /open311/v2/tokens/{token}.{format}", PUBLIC);
        TABLE.put("POST /api/files", Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.DEPARTMENT, Roles.VOLUNTEER));
        TABLE.put("POST /api/tips", Set.of(Roles.VOLUNTEER));
        TABLE.put("GET /api/me/tips", Set.of(Roles.VOLUNTEER));
        TABLE.put("GET /api/volunteers/contributions", Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.ANALYST));
        TABLE.put("GET /api/files/{id}", STAFF);
        TABLE.put("POST /api/patrols", FIELD);
        TABLE.put("POST /api/patrols/{id}/points", FIELD);
        TABLE.put("POST /api/patrols/{id}/stop", FIELD);
        TABLE.put("GET /api/patrols/{id}", Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST));
        TABLE.put("GET /api/me/grids", Set.of(Roles.ADMIN, Roles.GRIDWORKER));
        TABLE.put("POST /api/sanguan/activities", Set.of(Roles.ADMIN, Roles.LIAISON));
        TABLE.put("GET /api/sanguan/activities", Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST));
        TABLE.put("GET /api/regions/{code}/sanguan", Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST));
        TABLE.put("POST /api/disputes", DISPUTES);
        TABLE.put("GET /api/disputes", DISPUTES);
        TABLE.put("GET /api/disputes/{id}", DISPUTES);
        TABLE.put("GET /api/disputes/{id}/log", DISPUTES);
        TABLE.put("POST /api/disputes/{id}/actions", Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.LIAISON, Roles.MEDIATOR));
        TABLE.put("GET /api/dispute-types", Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.MEDIATOR, Roles.ANALYST));
        TABLE.put("GET /api/regions/{code}/disputes", Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.MEDIATOR,
                Roles.ANALYST));
        TABLE.put("GET /api/care/frequencies", Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.ANALYST));
        TABLE.put("PUT /api/care/frequencies/{tag}", ADMIN);
        TABLE.put("GET /api/care/due", CARE);
        TABLE.put("POST /api/care/visits", Set.of(Roles.ADMIN, Roles.GRIDWORKER));
        TABLE.put("GET /api/care/visits", CARE);
        TABLE.put("GET /api/regions/{code}/care", Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.ANALYST));
        TABLE.put("GET /api/regions/{code}/dashboard", Set.of(Roles.ADMIN, Roles.DISPATCHER, Roles.ANALYST));
        TABLE.put("GET /api/warnings", STAFF);
        TABLE.put("GET /api/warnings/map", STAFF);
        TABLE.put("GET /api/warnings/hotspots", STAFF);
        TABLE.put("GET /api/beats", STAFF);
        TABLE.put("GET /api/beats/{code}", STAFF);
        TABLE.put("GET /api/me/notices", Set.of(Roles.ADMIN, Roles.LIAISON));
        TABLE.put("POST /api/me/notices/{id}/read", Set.of(Roles.ADMIN, Roles.LIAISON));
        TABLE.put("GET /tiles", ANY);
        TABLE.put("GET /tiles/{layers}.json", ANY);
        TABLE.put("GET /tiles/{layers}/{z}/{x}/{y}.mvt", ANY);
        TABLE.put("GET /ogc", ANY);
        TABLE.put("GET /ogc/conformance", ANY);
        TABLE.put("GET /ogc/api", ANY);
        TABLE.put("GET /ogc/collections", ANY);
        TABLE.put("GET /ogc/collections/{id}", ANY);
        TABLE.put("GET /ogc/collections/{id}/items", ANY);
        TABLE.put("GET /ogc/collections/{id}/queryables", ANY);
        TABLE.put("GET /ogc/collections/{id}/items/{featureId}", ANY);
        TABLE.put("GET /api/export", ANY);
        TABLE.put("GET /api/export/{collection}", ANY); // region levels: everyone; element collections: staff (ExportTest)
    }

    /** Outside the OpenAPI document: the Quarkus endpoints. */
    private static final Map<String, Set<String>> EXTRA = Map.of("GET /q/metrics", ADMIN, "GET /q/health", PUBLIC,
            "GET /q/openapi", PUBLIC, "GET /", PUBLIC, "GET /js/auth.js", PUBLIC, "GET /m/", PUBLIC, "GET /m/phone.js", PUBLIC);

    private static final Map<String, String> PARAMS = Map.ofEntries(Map.entry("code", "321100"), Map.entry("username", "nobody-here"),
            Map.entry("crs", "4326"), Map.entry("coords", "119.45,32.2"), Map.entry("layers", "city"), Map.entry("z", "10"),
            Map.entry("x", "851"), Map.entry("y", "415"), Map.entry("featureId", "none"), Map.entry("day", "1999-01-01"),
            Map.entry("stage", "handle"), Map.entry("format", "json"), Map.entry("token", "none"),
            Map.entry("tag", "no_such_tag"), Map.entry("collection", "grid"));

    @BeforeEach
    void anonymousUnlessSaid() {
        AsAdmin.off();
    }

    @Test
    void everyOperationAnswersEachRoleAsTheTableSays() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(given().accept("application/json").get("/q/openapi?format=json").then()
                .statusCode(200).extract().asString());
        Map<String, Set<String>> ops = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> p = paths.next();
            for (Iterator<String> methods = p.getValue().fieldNames(); methods.hasNext();) {
                String m = methods.next().toUpperCase(java.util.Locale.ROOT);
                if (Set.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(m)) {
                    String op = m + " " + p.getKey();
                    assertTrue(TABLE.containsKey(op), op + " is in the OpenAPI document but not in the authorization table");
                    ops.put(op, TABLE.get(op));
                }
            }
        }
        assertEquals(new TreeSet<>(TABLE.keySet()), new TreeSet<>(ops.keySet()), "the table names only operations that exist");
        ops.putAll(EXTRA);

        Map<String, String> tokens = new LinkedHashMap<>();
        Map<String, String> piiTokens = new LinkedHashMap<>();
        for (String role : Roles.ALL) {
            tokens.put(role, Logins.token("matrix-" + role, List.of(role), List.of("321100"), false));
            piiTokens.put(role, Logins.token("matrix-pii-" + role, List.of(role), List.of("321100"), true));
        }
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        for (Map.Entry<String, Set<String>> op : ops.entrySet()) {
            int anon = call(op.getKey(), null);
            calls++;
            if (op.getValue() == KEYED) {
                for (String t : tokens.values()) {
                    int status = call(op.getKey(), t);
                    calls++;
                    if (status != 403) {
                        wrong.add(op.getKey() + " with a bearer token but no api_key → " + status);
                    }
                }
                if (anon != 403) {
                    wrong.add(op.getKey() + " anonymous without an api_key → " + anon);
                }
                continue;
            }
            boolean pub = op.getValue() == PUBLIC;
            if (pub ? anon == 401 || anon == 403 : anon != 401) {
                wrong.add(op.getKey() + " anonymous → " + anon);
            }
            if (pub) {
                continue;
            }
            for (Map.Entry<String, String> t : (NEEDS_PII.contains(op.getKey()) ? piiTokens : tokens).entrySet()) {
                int status = call(op.getKey(), t.getValue());
                calls++;
                boolean allowed = op.getValue().contains(t.getKey());
                if (allowed ? status == 401 || status == 403 || status >= 500 : status != 403) {
                    wrong.add(op.getKey() + " as " + t.getKey() + " → " + status + (allowed ? " (allowed)" : " (not allowed)"));
                }
            }
        }
        System.out.printf("authorization matrix: %d operations × (anonymous + %d roles), %d calls%n", ops.size(), tokens.size(), calls);
        assertEquals(List.of(), wrong);
    }

    /** A Server-Sent Events stream never ends: only its status line is read. */
    private static int streamStatus(String path, String token) {
        try {
            java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(io.restassured.RestAssured.baseURI + ":"
                    + io.restassured.RestAssured.port + path)).timeout(java.time.Duration.ofSeconds(10)).header("Accept", "text/event-stream");
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            java.net.http.HttpResponse<java.io.InputStream> r = java.net.http.HttpClient.newHttpClient().send(b.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            r.body().close();
            return r.statusCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int call(String op, String token) {
        String method = op.substring(0, op.indexOf(' '));
        String path = op.substring(op.indexOf(' ') + 1);
        for (Map.Entry<String, String> p : PARAMS.entrySet()) {
            path = path.replace("{" + p.getKey() + "}", p.getValue());
        }
        path = path.replace("/ogc/collections/{id}", "/ogc/collections/grid").replace("{id}", "999999999"); // no such item: an allowed role gets 404, never a rule of the item itself
        if (path.endsWith("/stream")) {
            return streamStatus(path, token);
        }
        RequestSpecification r = given().redirects().follow(false);
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        Response res = switch (method) {
            case "GET" -> r.get(path);
            case "POST" -> path.equals("/api/point/batch") || path.equals("/api/import")
                    ? r.contentType("text/csv").body("x").post(path)
                    : path.matches("/api/changesets/[^/]+/import") ? r.contentType("application/zip").body("x".getBytes()).post(path)
                    : path.startsWith("/api/auth/") || path.startsWith("/open311/") ? r.contentType("application/x-www-form-urlencoded").post(path)
                    : r.contentType("application/json").body(path.endsWith("/batch") ? "[]" : "{}").post(path);
            case "PATCH" -> r.contentType("application/json").body("{}").patch(path);
            case "PUT" -> r.contentType("application/json").body("{}").put(path);
            case "DELETE" -> r.delete(path);
            default -> throw new IllegalStateException(method);
        };
        return res.statusCode();
    }
}
