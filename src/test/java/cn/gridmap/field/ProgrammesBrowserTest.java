package cn.gridmap.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import cn.gridmap.event.EventFixtures;
import cn.gridmap.security.Logins;
import cn.gridmap.web.Browser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The programmes in headless Chromium: on the phone (390 × 844) a grid worker with the pii right finds her 特殊人群
 * overdue (monthly visits, the synthetic history ending on 31 October) and records a visit, and receives a dispute that the service routes at once; at the desk the city's dashboard
 * drills down to a district and on to a street, the map following.
 */
@QuarkusTest
class ProgrammesBrowserTest {
    @TestHTTPResource("/")
    String root;

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    private String origin() {
        return Browser.origin(root);
    }

    @Test
    void aGridWorkerVisitsHerDuePeopleAndReceivesADisputeOnHerPhone() throws Exception {
        String grid = EventFixtures.row(owner, "SELECT g.code FROM region g WHERE g.level = 'grid' AND g.generation_high IS NULL AND g.code LIKE ? "
                + "AND coalesce(g.properties ->> 'kind', 'standard') = 'standard' AND (SELECT count(*) FROM person p WHERE p.tags && "
                + "'{elderly_alone,left_behind_child,community_correction,drug_user,released_prisoner,key_youth}' "
                + "AND p.microgrid_code LIKE g.code || '%') >= 1 ORDER BY g.code DESC LIMIT 1", EventFixtures.DISTRICT + "%")[0];
        String[] at = EventFixtures.row(owner, "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM region WHERE code = ? "
                + "AND generation_high IS NULL) x", grid);
        String user = "wg." + grid;
        Logins.staffWithPii(user);
        try (Browser b = new Browser(390, 844)) {
            b.diagnostics = "JSON.stringify(window.gridmapPhone && {ready: gridmapPhone.ready, care: gridmapPhone.care && gridmapPhone.care.counts,"
                    + " queue: gridmapPhone.queue.map((q) => q.label), failed: gridmapPhone.failed, dispute: gridmapPhone.dispute && gridmapPhone.dispute.code})";
            b.position(origin(), Double.parseDouble(at[1]), Double.parseDouble(at[0]), 8);
            b.driver.get(root + "m/");
            b.waitFor("document.getElementById('login') && !document.getElementById('login').hidden", 30);
            b.js("const f = document.getElementById('login'); f.username.value = arguments[0]; f.password.value = arguments[1]; f.requestSubmit();",
                    user, Logins.password(user));
            b.waitFor("window.gridmapPhone.ready === true", 60);

            // 走访: the tab is there (pii), the list is the service's, the first person visited
            b.driver.findElement(By.cssSelector("nav button[data-tab='care']")).click();
            b.waitFor("gridmapPhone.care && document.querySelectorAll('#care-list li[data-id]').length > 0", 30);
            long person = Long.parseLong(b.driver.findElement(By.cssSelector("#care-list li[data-id]")).getAttribute("data-id"));
            b.screenshot("phone-care.png");
            b.driver.findElement(By.cssSelector("#care-list li[data-id='" + person + "'] button.visit")).click();
            b.waitFor("gridmapPhone.queue.length === 0 && (gridmapPhone.visited || []).includes(" + person + ")", 30);
            assertEquals(1, EventFixtures.count(owner, "SELECT count(*) FROM care_visit WHERE person_id = ? AND visitor = ? AND NOT derived", person, user));

            // 矛盾纠纷: received on the phone at her position, routed by the service
            b.driver.findElement(By.cssSelector("nav button[data-tab='report']")).click();
            b.waitFor("document.querySelectorAll('#dispute-type option').length > 10", 30);
            b.js("const f = document.getElementById('dispute-form'); f.type.value = 'neighbour'; f.description.value = '楼上装修噪音，邻里争吵';"
                    + " f.name1.value = '王秀兰'; f.phone1.value = '13951112222'; f.name2.value = '赵刚';");
            b.screenshot("phone-dispute-form.png");
            b.driver.findElement(By.cssSelector("#dispute-form button[type=submit]")).click();
            b.waitFor("gridmapPhone.dispute != null && typeof gridmapPhone.dispute.code === 'string'", 30);
            String shown = b.driver.findElement(By.cssSelector("#dispute-result")).getText();
            String[] d = EventFixtures.row(owner, "SELECT code, routed_name, parties_count FROM dispute WHERE received_by = ? ORDER BY id DESC LIMIT 1", user);
            assertTrue(shown.contains(d[0]) && shown.contains(d[1]), shown);
            assertEquals("2", d[2]);
            b.js("document.getElementById('dispute-result').scrollIntoView({block: 'center'})");
            b.screenshot("phone-dispute.png");
        }
    }

    @Test
    void theCitysDashboardDrillsDownToADistrictAndAStreetWithTheMap() throws Exception {
        String user = "dashboard-city";
        Logins.token(user, List.of("dispatcher"), List.of("321100"), false);
        try (Browser b = new Browser(1280, 860)) {
            b.diagnostics = "JSON.stringify(window.gridmapDashboard && {code: gridmapDashboard.code, error: gridmapDashboard.error,"
                    + " drawn: gridmapDashboard.drawn})";
            b.loginFresh(root, user, Logins.password(user));
            b.waitFor("window.gridmapDashboard !== undefined", 30);
            b.driver.findElement(By.id("open-dashboard")).click();
            b.waitFor("gridmapDashboard.view && gridmapDashboard.view.code === '321100' && gridmapDashboard.drawn.length > 0", 60);
            long districts = EventFixtures.count(owner, "SELECT count(*) FROM region WHERE level = 'district' AND generation_high IS NULL");
            assertEquals(districts, b.driver.findElements(By.cssSelector("#dashboard-panel tr.drill")).size());
            b.screenshot("dashboard-city.png");
            String d = EventFixtures.DISTRICT;
            double zoomCity = ((Number) b.js("return gridmap.map.getZoom()")).doubleValue();
            b.driver.findElement(By.cssSelector("#dashboard-panel tr[data-code='" + d + "']")).click();
            b.waitFor("gridmapDashboard.view.code === '" + d + "' && gridmapDashboard.drawn.length > 0", 60);
            assertTrue(((Number) b.js("return gridmap.map.getZoom()")).doubleValue() > zoomCity, "the map follows the drill-down");
            List<?> streets = (List<?>) b.js("return gridmapDashboard.view.children.map((c) => c.code)");
            assertEquals(EventFixtures.count(owner, "SELECT count(*) FROM region WHERE level = 'street' AND generation_high IS NULL AND parent_code = ?", d),
                    streets.size());
            // the district's disputes, newest first
            b.waitFor("gridmapDashboard.disputes !== undefined && document.querySelector('#dashboard-panel .disputes li') !== null", 30);
            b.screenshot("dashboard-district.png");
            // one resolved by its committee waits in its street for the centre's follow-up call (回访考评)
            EventFixtures.Place p = EventFixtures.place(owner, 95, 20);
            long id = EventFixtures.as(Logins.token(user, List.of("dispatcher"), List.of("321100"), false)).body(java.util.Map.of("type", "neighbour",
                    "lon", p.lon(), "lat", p.lat(), "description", "晾晒衣物滴水引发争执", "parties", List.of(java.util.Map.of("name", "孙立")))).post("/api/disputes")
                    .then().statusCode(201).extract().jsonPath().getLong("id");
            String committee = EventFixtures.row(owner, "SELECT handler FROM dispute WHERE id = ?", id)[0];
            EventFixtures.as(Logins.staff(committee)).body(java.util.Map.of("action", "resolve", "result", "双方和解")).post("/api/disputes/" + id + "/actions")
                    .then().statusCode(200);
            assertTrue(streets.contains(p.street()));
            b.driver.findElement(By.cssSelector("#dashboard-panel tr[data-code='" + p.street() + "']")).click();
            b.waitFor("gridmapDashboard.view.code === '" + p.street() + "' && gridmapDashboard.view.childLevel === 'community'", 60);
            b.waitFor("document.querySelector(\"#dashboard-panel .disputes li[data-id='" + id + "'] .dact[data-action='evaluate']\") !== null", 30);
            b.js("document.querySelector(\"#dashboard-panel .disputes li[data-id='" + id + "'] .satisfaction\").value = '4'");
            b.driver.findElement(By.cssSelector("#dashboard-panel .disputes li[data-id='" + id + "'] .dact[data-action='evaluate']")).click();
            b.waitFor("gridmapDashboard.acted && gridmapDashboard.acted.id === " + id + " && gridmapDashboard.acted.state === 'evaluated'", 30);
            assertEquals(List.of("evaluated", "4"), List.of(EventFixtures.row(owner, "SELECT state, satisfaction FROM dispute WHERE id = ?", id)));
            // and back up by the path
            b.driver.findElement(By.cssSelector("#dashboard-panel .path a[data-code='" + d + "']")).click();
            b.waitFor("gridmapDashboard.view.code === '" + d + "'", 60);
        }
    }
}
