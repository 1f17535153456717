package cn.gridmap.field;

import static cn.gridmap.event.EventFixtures.as;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.event.EventFixtures;
import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/** 三官一律进网格: a member records what she did in her grid (once per key), and the counts per level add up to the records. */
@QuarkusTest
class SanguanTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    /** A 三官一律 member of a grid of the district: username, duty, grid. */
    private String[] member(int n) throws Exception {
        return EventFixtures.row(owner, "SELECT username, duty, region_code FROM staff_assignment WHERE username LIKE 'sg.%' AND region_code LIKE ? "
                + "ORDER BY username OFFSET ? LIMIT 1", "321183%", n);
    }

    @Test
    void aMemberRecordsAnActivityInHerGridOnceHoweverOftenItIsSent() throws Exception {
        String[] m = member(0);
        String token = Logins.staff(m[0]);
        Map<String, Object> body = Map.of("kind", "legal_education", "gridCode", m[2], "attendees", 42, "note", "反诈普法进社区",
                "clientId", UUID.randomUUID().toString());
        JsonPath a = as(token).body(body).post("/api/sanguan/activities").then().statusCode(201).extract().jsonPath();
        assertEquals(m[1], a.getString("duty"));
        assertEquals(42, a.getInt("attendees"));
        JsonPath again = as(token).body(body).post("/api/sanguan/activities").then().statusCode(200).extract().jsonPath();
        assertEquals(a.getLong("id"), again.getLong("id"));
        assertTrue(again.getBoolean("repeated"));
        List<Long> listed = as(token).queryParam("region", m[2]).get("/api/sanguan/activities").then().statusCode(200).extract().jsonPath()
                .getList("id", Long.class);
        assertTrue(listed.contains(a.getLong("id")));
        // outside the grid's district nobody sees it; bad filters are a 400
        String elsewhere = Logins.token("sanguan-reader-321102", List.of("analyst"), List.of("321102"), false);
        assertTrue(!as(elsewhere).queryParam("region", m[2]).get("/api/sanguan/activities").then().statusCode(200).extract().jsonPath()
                .getList("id", Long.class).contains(a.getLong("id")));
        as(token).queryParam("region", "32").get("/api/sanguan/activities").then().statusCode(400);
        as(token).queryParam("limit", "0").get("/api/sanguan/activities").then().statusCode(400);
    }

    @Test
    void onlyAMemberOfTheGridRecordsThereAndBadInputIsA400() throws Exception {
        String[] m = member(1);
        String token = Logins.staff(m[0]);
        String other = EventFixtures.row(owner, "SELECT code FROM region WHERE level = 'grid' AND generation_high IS NULL AND code LIKE ? "
                + "AND code <> ? ORDER BY code LIMIT 1", m[2].substring(0, 12) + "%", m[2])[0];
        as(token).body(Map.of("kind", "visit", "gridCode", other)).post("/api/sanguan/activities").then().statusCode(403)
                .body("message", containsString("no 三官一律 member of grid " + other));
        as(token).body(Map.of("kind", "party", "gridCode", m[2])).post("/api/sanguan/activities").then().statusCode(400)
                .body("message", containsString("kind"));
        as(token).body(Map.of("kind", "visit", "gridCode", "12")).post("/api/sanguan/activities").then().statusCode(400);
        as(token).body(Map.of("kind", "visit", "gridCode", m[2], "attendees", -3)).post("/api/sanguan/activities").then().statusCode(400);
        as(token).body(Map.of("kind", "visit", "gridCode", m[2], "at", "2030-01-01T00:00:00+08:00")).post("/api/sanguan/activities").then()
                .statusCode(400).body("message", containsString("future"));
    }

    @Test
    void theCountsPerLevelAreTheMembersAndTheActivitiesOfEachChild() throws Exception {
        String district = "321183";
        JsonPath s = as(AsAdmin.adminToken()).queryParam("from", "2026-01-01").queryParam("to", "2026-12-31").get("/api/regions/" + district
                + "/sanguan").then().statusCode(200).extract().jsonPath();
        long members = s.getList("children.members", Map.class).stream().mapToLong(m -> m.values().stream().mapToLong(v -> ((Number) v)
                .longValue()).sum()).sum();
        assertEquals(EventFixtures.count(owner, "SELECT count(*) FROM staff_assignment WHERE duty IN ('judge', 'prosecutor', 'police', 'lawyer') "
                + "AND region_code LIKE ?", district + "%"), members);
        long activities = s.getList("children.activities", Map.class).stream().mapToLong(m -> m.values().stream().mapToLong(v -> ((Number) v)
                .longValue()).sum()).sum();
        assertEquals(EventFixtures.count(owner, "SELECT count(*) FROM sanguan_activity WHERE grid_code LIKE ? AND at >= '2026-01-01T00:00:00+08' "
                + "AND at < '2027-01-01T00:00:00+08'", district + "%"), activities);
        assertTrue(activities > 0, "the synthetic city's members have a record");
        String street = s.getString("children[0].code");
        assertEquals(EventFixtures.count(owner, "SELECT count(DISTINCT grid_code) FROM sanguan_activity WHERE grid_code LIKE ? "
                + "AND at >= '2026-01-01T00:00:00+08' AND at < '2027-01-01T00:00:00+08'", street + "%"), s.getLong("children[0].gridsWithActivities"));
        assertEquals(EventFixtures.count(owner, "SELECT coalesce(sum(attendees), 0) FROM sanguan_activity WHERE grid_code LIKE ? "
                + "AND at >= '2026-01-01T00:00:00+08' AND at < '2027-01-01T00:00:00+08'", street + "%"), s.getLong("children[0].attendees"));
        assertTrue(s.getLong("children[0].gridsWithMembers") <= s.getLong("children[0].grids"));
        // a grid: its members and what each did
        String[] m = member(2);
        JsonPath g = as(AsAdmin.adminToken()).get("/api/regions/" + m[2] + "/sanguan").then().statusCode(200).extract().jsonPath();
        assertEquals(m[1], g.getString("members.find { it.username == '" + m[0] + "' }.duty"));
        assertTrue(street.length() == 9);
        // outside my scope: 403; a bad code: 400
        String worker = Logins.token("sanguan-worker-elsewhere", List.of("gridworker"), List.of("321102"), false);
        as(worker).get("/api/regions/" + district + "/sanguan").then().statusCode(403);
        as(worker).get("/api/regions/abc/sanguan").then().statusCode(400);
        as(AsAdmin.adminToken()).get("/api/regions/" + district + "/sanguan?from=2026-05-01&to=2026-01-01").then().statusCode(400);
    }
}
