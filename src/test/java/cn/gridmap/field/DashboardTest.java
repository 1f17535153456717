package cn.gridmap.field;

import static cn.gridmap.event.EventFixtures.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.event.EventFixtures;
import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/** 一网统管 三级平台: each level's dashboard is its children's figures from the services that own them, and they add up. */
@QuarkusTest
class DashboardTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    @Test
    void theCitysDashboardIsItsDistrictsAndTheyAddUpToTheCity() throws Exception {
        JsonPath c = as(AsAdmin.adminToken()).queryParam("from", "2026-01-01").queryParam("to", "2026-10-31").get("/api/regions/321100/dashboard").then()
                .log().ifValidationFails().statusCode(200).extract().jsonPath();
        assertEquals("district", c.getString("childLevel"));
        List<String> districts = c.getList("children.code");
        assertEquals(EventFixtures.count(owner, "SELECT count(*) FROM region WHERE level = 'district' AND generation_high IS NULL"), districts.size());
        long reported = c.getList("children.events.reported", Long.class).stream().mapToLong(Long::longValue).sum();
        assertEquals(reported, c.getLong("total.events.reported"));
        assertEquals(EventFixtures.count(owner, "SELECT count(*) FROM event WHERE reported_at >= '2026-01-01T00:00:00+08' "
                + "AND reported_at < '2026-11-01T00:00:00+08'"), reported);
        assertEquals(EventFixtures.count(owner, "SELECT count(*) FROM dispute WHERE received_at >= '2026-01-01T00:00:00+08' "
                + "AND received_at < '2026-11-01T00:00:00+08'"), c.getLong("total.disputes.received"));
        assertEquals(EventFixtures.count(owner, "SELECT count(*) FROM person WHERE tags <> '{}'"), c.getLong("total.care.people"));
        // staffing gaps: grids without a grid worker, as SQL counts them
        String d = EventFixtures.DISTRICT;
        int i = districts.indexOf(d);
        long without = EventFixtures.count(owner, "SELECT count(*) FROM region g WHERE g.level = 'grid' AND g.generation_high IS NULL AND g.code LIKE ? "
                + "AND NOT EXISTS (SELECT 1 FROM staff_assignment a WHERE a.region_code = g.code AND a.duty IN ('head', 'fulltime', 'backup', 'parttime'))",
                d + "%");
        assertEquals(without, c.getLong("children[" + i + "].staff.gridsWithoutWorker"));
    }

    @Test
    void aDistrictsDashboardIsItsStreetsWithTheirWarningsAndDisputes() throws Exception {
        String d = EventFixtures.DISTRICT;
        JsonPath v = as(AsAdmin.adminToken()).queryParam("date", "2026-10-20").get("/api/regions/" + d + "/dashboard").then().statusCode(200).extract()
                .jsonPath();
        assertEquals("street", v.getString("childLevel"));
        assertEquals("321100", v.getString("chain[0].code"));
        JsonPath w = as(AsAdmin.adminToken()).queryParam("level", "street").queryParam("date", "2026-10-20").get("/api/warnings").then().statusCode(200)
                .extract().jsonPath();
        List<String> streets = v.getList("children.code");
        long expected = w.getList("items.code", String.class).stream().filter(streets::contains).count();
        assertEquals(expected, v.getLong("total.warnings.count"));
        JsonPath ds = as(AsAdmin.adminToken()).get("/api/regions/" + d + "/disputes").then().statusCode(200).extract().jsonPath();
        assertEquals(ds.getLong("total.received"), v.getLong("total.disputes.received"));
        long activities = cn.gridmap.event.EventFixtures.count(owner, "SELECT count(*) FROM sanguan_activity WHERE district_code = ? "
                + "AND at >= date_trunc('year', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'", d);
        assertEquals(activities, v.getLong("total.sanguan.activities"));
        // a community's dashboard has its grids; a grid has none
        String community = EventFixtures.row(owner, "SELECT code FROM region WHERE level = 'community' AND generation_high IS NULL AND code LIKE ? "
                + "ORDER BY code LIMIT 1", d + "%")[0];
        assertEquals("grid", as(AsAdmin.adminToken()).get("/api/regions/" + community + "/dashboard").then().statusCode(200).extract().jsonPath()
                .getString("childLevel"));
        String grid = EventFixtures.row(owner, "SELECT code FROM region WHERE level = 'grid' AND generation_high IS NULL AND code LIKE ? LIMIT 1", d + "%")[0];
        as(AsAdmin.adminToken()).get("/api/regions/" + grid + "/dashboard").then().statusCode(400);
        as(AsAdmin.adminToken()).queryParam("date", "someday").get("/api/regions/" + d + "/dashboard").then().statusCode(400);
        // another district's analyst sees the city with her district only, and not this district
        String analyst = Logins.token("dashboard-analyst-321102", List.of("analyst"), List.of("321102"), false);
        as(analyst).get("/api/regions/" + d + "/dashboard").then().statusCode(403);
        List<Map<String, Object>> mine = as(analyst).get("/api/regions/321100/dashboard").then().statusCode(200).extract().jsonPath().getList("children");
        assertEquals(1, mine.size());
        assertEquals("321102", mine.get(0).get("code"));
        assertTrue(as(Logins.staff("wg." + EventFixtures.place(owner, 0, 0).grid())).get("/api/regions/" + d + "/dashboard").then().extract()
                .statusCode() == 403);
    }
}
