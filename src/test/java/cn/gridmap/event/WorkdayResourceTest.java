package cn.gridmap.event;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;

/** The workday calendar as stored: the State Council's 2025 and 2026 schedules, edited by admins only, audited. */
@QuarkusTest
class WorkdayResourceTest {
    @Inject
    WorkCalendar calendar;

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    @Test
    void springFestival2026IsNineDaysOffWithTwoSaturdaysWorked() {
        List<String> off = given().get("/api/workdays?from=2026-02-01&to=2026-02-28").then().statusCode(200)
                .extract().path("findAll { !it.workday }.day");
        assertEquals(9, off.size(), off.toString());
        given().get("/api/workdays?from=2026-02-01&to=2026-02-28").then()
                .body("findAll { it.workday }.day", equalTo(List.of("2026-02-14", "2026-02-28")))
                .body("name", hasItems("春节", "春节调休上班"));
        given().get("/api/workdays?from=2025-10-01&to=2025-10-31").then().body("findAll { !it.workday }.size()", equalTo(8));
        assertFalse(calendar.clock().isWorkday(LocalDate.parse("2026-02-16")));
        assertTrue(calendar.clock().isWorkday(LocalDate.parse("2026-02-28")));
    }

    @Test
    void anAdminEntersA2027HolidayAndTheClockFollows() throws Exception {
        LocalDate day = LocalDate.parse("2027-02-08");
        assertTrue(calendar.clock().isWorkday(day), "a Monday, unlisted");
        given().contentType(ContentType.JSON).body("{\"workday\":false,\"name\":\"春节\",\"source\":\"测试\"}").put("/api/workdays/2027-02-08")
                .then().statusCode(200).body("workday", equalTo(false)).body("name", equalTo("春节")).body("updatedBy", equalTo("admin"));
        assertFalse(calendar.clock().isWorkday(day));
        try (var c = owner.getConnection(); var ps = c.prepareStatement("SELECT count(*) FROM audit_log WHERE action = 'calendar.put' "
                + "AND subject = 'workday:2027-02-08'"); var rs = ps.executeQuery()) {
            rs.next();
            assertTrue(rs.getInt(1) >= 1, "audited");
        }
        given().delete("/api/workdays/2027-02-08").then().statusCode(204);
        assertTrue(calendar.clock().isWorkday(day));
        given().delete("/api/workdays/2027-02-08").then().statusCode(404);
    }

    @Test
    void onlyAnAdminEditsAndBadInputIsA400WithTheReason() {
        String planner = Logins.token("calendar-planner", List.of(Roles.PLANNER), List.of("321100"), false);
        given().header("Authorization", "Bearer " + planner).contentType(ContentType.JSON).body("{\"workday\":false,\"name\":\"x\"}")
                .put("/api/workdays/2027-01-01").then().statusCode(403);
        given().header("Authorization", "Bearer " + planner).get("/api/workdays?from=2026-01-01&to=2026-01-31").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"workday\":false,\"name\":\"x\"}").put("/api/workdays/2027-13-01").then()
                .statusCode(400).body("message", org.hamcrest.Matchers.containsString("ISO date"));
        given().contentType(ContentType.JSON).body("{\"workday\":\"no\",\"name\":\"x\"}").put("/api/workdays/2027-01-01").then()
                .statusCode(400).body("message", org.hamcrest.Matchers.containsString("workday"));
        given().contentType(ContentType.JSON).body("{\"workday\":false,\"name\":\"\"}").put("/api/workdays/2027-01-01").then()
                .statusCode(400).body("message", org.hamcrest.Matchers.containsString("name"));
        given().get("/api/workdays?from=yesterday").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"workday\":false,\"name\":\"x\"}").put("/api/workdays/1999-01-01").then().statusCode(400);
    }
}
