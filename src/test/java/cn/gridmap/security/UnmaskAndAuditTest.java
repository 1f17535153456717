package cn.gridmap.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import cn.gridmap.element.IdNumbers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/**
 * Personal data in clear only with the pii right, a scope that covers the row and a stated purpose; every such view,
 * every search by ID number or phone and every change of users is one row of the audit log, which admins read.
 */
@QuarkusTest
class UnmaskAndAuditTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    @Inject
    PersonalDataProtector protector;

    private long personId;
    private String district;
    private String clearId;

    @BeforeEach
    void aPerson() throws SQLException {
        AsAdmin.off();
        try (Connection c = owner.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, district_code, id_number_enc FROM person ORDER BY id LIMIT 1")) {
            rs.next();
            personId = rs.getLong(1);
            district = rs.getString(2);
            clearId = protector.decrypt(rs.getString(3));
        }
    }

    private static io.restassured.specification.RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    @Test
    void unmaskingNeedsPiiAScopeThatCoversTheRowAndAPurpose() throws Exception {
        String plain = Logins.token("um-plain", List.of(Roles.GRIDWORKER), List.of(district), false);
        String pii = Logins.token("um-pii", List.of(Roles.GRIDWORKER), List.of(district), true);
        String elsewhere = Logins.token("um-elsewhere", List.of(Roles.GRIDWORKER),
                List.of(district.equals("321102") ? "321111" : "321102"), true);
        String url = "/api/people/" + personId;

        String masked = as(plain).get(url).then().statusCode(200).extract().path("idNumber");
        assertEquals(IdNumbers.mask(clearId), masked);
        as(plain).header("X-Purpose", "核实身份").get(url + "?unmask=true").then().statusCode(403).body("message", containsString("pii"));
        as(pii).get(url + "?unmask=true").then().statusCode(400).body("message", containsString("X-Purpose"));
        as(elsewhere).header("X-Purpose", "核实身份").get(url + "?unmask=true").then().statusCode(404);

        // headers are Latin-1: a purpose in Chinese travels percent-encoded
        JsonPath clear = as(pii).header("X-Purpose", java.net.URLEncoder.encode("入户走访核实身份", StandardCharsets.UTF_8)).header("X-Request-Id", "req-unmask-1").get(url + "?unmask=true")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(clearId, clear.getString("idNumber"));
        assertNull(IdNumbers.problem(clear.getString("idNumber"), LocalDate.now()));

        JsonPath audit = as(AsAdmin.adminToken()).get("/api/audit?actor=um-pii&subject=person:" + personId).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(1, audit.getList("$").size(), audit.prettify());
        assertEquals("person.unmask", audit.getString("[0].action"));
        assertEquals("入户走访核实身份", audit.getString("[0].purpose"));
        assertEquals("req-unmask-1", audit.getString("[0].requestId"));
        assertEquals(List.of(String.valueOf(personId)), audit.getList("[0].rows"));
        assertEquals(List.of("gridworker"), audit.getList("[0].roles"));
        assertTrue(audit.getString("[0].clientAddress") != null);

        String logged = Files.readString(Path.of("target", "gridmap-test.log"), StandardCharsets.UTF_8);
        assertFalse(logged.contains(clearId), "the clear ID number is in no log line");
    }

    @Test
    void aSearchByIdNumberIsAuditedWithoutTheNumber() {
        String token = Logins.token("um-search", List.of(Roles.DISPATCHER), List.of("321100"), false);
        as(token).queryParam("idNumber", clearId).get("/api/people").then().statusCode(200).body("items[0].id", equalTo((int) personId));
        String entries = as(AsAdmin.adminToken()).get("/api/audit?actor=um-search&action=person.search").then().statusCode(200).extract()
                .asString();
        assertTrue(entries.contains("search by ID number") && entries.contains(String.valueOf(personId)), entries);
        assertFalse(entries.contains(clearId), "the searched number is not written down");
    }

    @Test
    void userChangesAreAuditedAndTheLogFiltersByTime() {
        String admin = AsAdmin.adminToken();
        as(admin).contentType(ContentType.JSON).body(Map.of("username", "um-changed", "password", "a-long-password-1",
                "roles", List.of("liaison"), "scope", List.of(district))).post("/api/users").then().statusCode(201);
        as(admin).contentType(ContentType.JSON).body(Map.of("roles", List.of("liaison", "gridworker"))).patch("/api/users/um-changed")
                .then().statusCode(200).body("roles", org.hamcrest.Matchers.contains("gridworker", "liaison"));
        JsonPath log = as(admin).get("/api/audit?subject=user:um-changed&from=" + LocalDate.now().minusDays(1)).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of("user.update", "user.create"), log.getList("action"));
        assertTrue(log.getString("[0].detail").contains("roles [liaison] -> [gridworker, liaison]"), log.getString("[0].detail"));
        assertEquals(0, as(admin).get("/api/audit?subject=user:um-changed&to=" + LocalDate.now().minusDays(1)).then().statusCode(200)
                .extract().jsonPath().getList("$").size());
        as(admin).get("/api/audit?from=yesterday").then().statusCode(400);
    }

    @Test
    void aDistrictAdminManagesOnlyUsersInsideItsDistrict() {
        String other = district.equals("321102") ? "321111" : "321102";
        String districtAdmin = Logins.token("um-district-admin", List.of(Roles.ADMIN), List.of(district), false);
        Logins.token("um-outsider", List.of(Roles.GRIDWORKER), List.of(other), false);
        Logins.token("um-insider", List.of(Roles.GRIDWORKER), List.of(district), false);
        List<String> seen = as(districtAdmin).get("/api/users").then().statusCode(200).extract().jsonPath().getList("username");
        assertTrue(seen.contains("um-insider") && !seen.contains("um-outsider") && !seen.contains("admin"), seen.toString());
        as(districtAdmin).contentType(ContentType.JSON).body(Map.of("enabled", false)).patch("/api/users/um-outsider").then().statusCode(404);
        as(districtAdmin).contentType(ContentType.JSON).body(Map.of("username", "um-grab", "password", "a-long-password-1",
                "roles", List.of("gridworker"), "scope", List.of(other))).post("/api/users").then().statusCode(403);
        as(districtAdmin).contentType(ContentType.JSON).body(Map.of("username", "um-pii-grant", "password", "a-long-password-1",
                "roles", List.of("gridworker"), "scope", List.of(district), "pii", true)).post("/api/users").then().statusCode(403)
                .body("message", containsString("pii"));
        as(districtAdmin).get("/api/audit").then().statusCode(403);
    }

    @Test
    void badUserInputIs400WithTheReason() {
        String admin = AsAdmin.adminToken();
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("username", "x", "password", "a-long-password-1", "roles", List.of("gridworker"), "scope", List.of("321100")),
                Map.of("username", "um-bad", "password", "short", "roles", List.of("gridworker"), "scope", List.of("321100")),
                Map.of("username", "um-bad", "password", "a-long-password-1", "roles", List.of("mayor"), "scope", List.of("321100")),
                Map.of("username", "um-bad", "password", "a-long-password-1", "roles", List.of("gridworker"), "scope", List.of("999999")),
                Map.of("username", "um-bad", "password", "a-long-password-1", "roles", List.of("gridworker"), "scope", List.of()))) {
            as(admin).contentType(ContentType.JSON).body(bad).post("/api/users").then().statusCode(400).body("message",
                    org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()));
        }
        as(admin).contentType(ContentType.JSON).body("{\"username\":").post("/api/users").then().statusCode(400);
        as(admin).contentType(ContentType.JSON).body(Map.of("password", "short")).patch("/api/users/um-changed-nobody").then().statusCode(404);
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("roles", List.of("system"), "scope", List.of("321100")),
                Map.of("name", "x", "roles", List.of("robot"), "scope", List.of("321100")),
                Map.of("name", "x", "roles", List.of("system"), "scope", List.of("12")))) {
            as(admin).contentType(ContentType.JSON).body(bad).post("/api/clients").then().statusCode(400).body("message",
                    org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()));
        }
    }
}
