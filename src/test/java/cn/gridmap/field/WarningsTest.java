package cn.gridmap.field;

import static cn.gridmap.event.EventFixtures.as;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import cn.gridmap.web.Browser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/**
 * Early warning on the real database: a surge injected into one grid (12 neighbour disputes on a Wednesday after one on
 * each of the 8 Wednesdays before) is found with its arithmetic at grid and community level, shown on the map layer and
 * in the week's hotspots; a caller outside the grid's district is not told of it.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WarningsTest {
    private static final LocalDate DAY = LocalDate.of(2025, 6, 18); // a Wednesday
    private static final String CLASS = "0601";

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    private String[] grid;

    @BeforeAll
    void injectASurge() throws Exception {
        grid = cn.gridmap.event.EventFixtures.row(owner, "SELECT g.code, m.code, ST_X(ST_PointOnSurface(m.geom)), ST_Y(ST_PointOnSurface(m.geom)) "
                + "FROM region g JOIN region m ON m.parent_code = g.code AND m.generation_high IS NULL WHERE g.level = 'grid' "
                + "AND g.generation_high IS NULL AND g.code LIKE '321181%' ORDER BY g.code DESC, m.code LIMIT 1");
        try (Connection c = owner.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO event (id, external_id, class_code, "
                + "occurred_at, description, geom, district_code, microgrid_code, geocode_method, geocode_score, derived, state, source, reported_at) "
                + "SELECT n, 'surge-' || n, ?, ?, '注入的噪音投诉（测试）', ST_SetSRID(ST_MakePoint(?, ?), 4326), '321181', ?, 'point', 1, false, 'closed', "
                + "'patrol', ? FROM (SELECT nextval('element_seq') AS n) s")) {
            for (int w = 1; w <= 8; w++) {
                insert(ps, DAY.minusWeeks(w), 1);
            }
            insert(ps, DAY, 12);
        }
    }

    private void insert(PreparedStatement ps, LocalDate day, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            ps.setString(1, CLASS);
            java.sql.Timestamp at = java.sql.Timestamp.from(day.atTime(10 + i % 8, i).atZone(ZoneId.of("Asia/Shanghai")).toInstant());
            ps.setTimestamp(2, at);
            ps.setDouble(3, Double.parseDouble(grid[2]));
            ps.setDouble(4, Double.parseDouble(grid[3]));
            ps.setString(5, grid[1]);
            ps.setTimestamp(6, at);
            ps.executeUpdate();
        }
    }

    @Test
    void theInjectedSurgeIsWarnedWithWhatWasSeenAndExpected() {
        JsonPath w = as(AsAdmin.adminToken()).queryParam("date", DAY.toString()).get("/api/warnings").then().statusCode(200).extract().jsonPath();
        assertEquals("grid", w.getString("level"));
        Map<String, Object> item = w.getMap("items.find { it.code == '" + grid[0] + "' && it.classCode == '" + CLASS + "' }");
        assertTrue(item != null, "warned: " + w.getList("items.code"));
        assertTrue(((Number) item.get("observed")).intValue() >= 12);
        assertTrue(((Number) item.get("expected")).doubleValue() >= 1 && ((Number) item.get("expected")).doubleValue() < 3);
        assertEquals("poisson", item.get("method"));
        assertTrue(((Number) item.get("p")).doubleValue() < 1e-6);
        assertTrue(((String) item.get("explanation")).contains("Benjamini–Hochberg"));
        assertEquals("噪音扰民", item.get("className"));
        JsonPath community = as(AsAdmin.adminToken()).queryParam("date", DAY.toString()).queryParam("level", "community").get("/api/warnings")
                .then().statusCode(200).extract().jsonPath();
        assertTrue(community.getList("items.code").contains(grid[0].substring(0, 12)));
    }

    @Test
    void theWarningsAreAMapLayerAndTheWeeksHotspotsHoldTheGrid() {
        JsonPath m = as(AsAdmin.adminToken()).queryParam("date", DAY.toString()).get("/api/warnings/map").then().statusCode(200)
                .contentType("application/geo+json").extract().jsonPath();
        assertEquals(CLASS, m.getString("features.find { it.properties.code == '" + grid[0] + "' }.properties.warnings[0].classCode"));
        JsonPath h = as(AsAdmin.adminToken()).queryParam("week", DAY.toString()).queryParam("class", CLASS).get("/api/warnings/hotspots").then()
                .statusCode(200).extract().jsonPath();
        assertEquals("2025-06-16", h.getString("weekFrom"));
        assertTrue(h.getInt("features.find { it.properties.code == '" + grid[0] + "' }.properties.bin") >= 2, "hot: " + h.getList("features.properties"));
    }

    @Test
    void aCallerOutsideTheDistrictIsNotWarnedAndBadInputIsA400() {
        String elsewhere = Logins.token("warnings-analyst-321102", List.of("analyst"), List.of("321102"), false);
        JsonPath w = as(elsewhere).queryParam("date", DAY.toString()).get("/api/warnings").then().statusCode(200).extract().jsonPath();
        assertTrue(!w.getList("items.code").contains(grid[0]));
        as(elsewhere).queryParam("level", "planet").get("/api/warnings").then().statusCode(400).body("message", containsString("level"));
        as(elsewhere).queryParam("date", "2999-01-01").get("/api/warnings").then().statusCode(400).body("message", containsString("future"));
        as(elsewhere).queryParam("date", "soon").get("/api/warnings").then().statusCode(400);
        as(elsewhere).queryParam("class", "9999").get("/api/warnings/hotspots").then().statusCode(400);
        as(elsewhere).queryParam("level", "planet").get("/api/warnings/map").then().statusCode(400);
        as(elsewhere).queryParam("week", "2999-01-01").get("/api/warnings/hotspots").then().statusCode(400);
    }

    @TestHTTPResource("/")
    String root;

    @Test
    void theDeskMapShowsTheWarningsAndTheHotspotsAsLayers() throws Exception {
        String analyst = "warnings-analyst-321181";
        Logins.token(analyst, List.of("analyst"), List.of("321181"), false);
        try (Browser b = new Browser(1280, 860)) {
            b.loginFresh(root, analyst, Logins.password(analyst));
            for (String layer : List.of("预警 Warnings", "热点 Hotspots")) {
                b.driver.findElements(org.openqa.selenium.By.cssSelector(".leaflet-control-layers-overlays label")).stream()
                        .filter(l -> l.getText().contains(layer)).findFirst().orElseThrow().click();
            }
            // yesterday's warnings and this week's hotspots of the analyst's district: loaded (a count, perhaps 0), not failed
            b.waitFor("typeof window.gridmap.state.warnings === 'number' && typeof window.gridmap.state.hotspots === 'number'", 30);
            assertTrue(((Number) b.js("return window.gridmap.state.warnings")).intValue() >= 0);
            assertTrue(((Number) b.js("return window.gridmap.state.hotspots")).intValue() >= 0);
        }
    }
}
