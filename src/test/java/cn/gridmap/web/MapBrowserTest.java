package cn.gridmap.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The web map in headless Debian Chromium: the whole city opens with its districts; clicking a grid shows its
 * 15-digit code. Screenshots go to target/screens/ ({@code ./gridmap screenshot} copies them to docs/).
 */
@QuarkusTest
class MapBrowserTest {
    /** The urban core of 京口区. */
    static final double CORE_LON = 119.4460;
    static final double CORE_LAT = 32.2010;
    private static WebDriver driver;

    @TestHTTPResource("/")
    String root;

    @jakarta.inject.Inject
    @io.quarkus.agroal.DataSource("owner") // the tables' owner: tests look at what is stored, past row-level security
    javax.sql.DataSource dataSource;

    private static Browser browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = new Browser(1280, 860);
        driver = browser.driver;
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    private Object js(String script, Object... args) {
        return browser.js(script, args);
    }

    private void waitFor(String condition) {
        browser.waitFor(condition);
    }

    /** Opens a page of the map; logs in as admin when the login form shows (the session then lasts for the tab). */
    private void open(String url) {
        driver.get(url);
        login("admin", "test-admin-password-1");
        waitFor("window.mapReady === true");
    }

    private void login(String user, String password) {
        browser.login(user, password);
    }

    private void screenshot(String name) throws Exception {
        browser.screenshot(name);
    }

    @Test
    void opensOnTheWholeCityAndShowsAGridsCodeOnClick() throws Exception {
        long t0 = System.nanoTime();
        open(root);
        waitFor("window.mapReady === true");
        System.out.printf("map ready with the whole city in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(6L, js("return window.gridmap.state.loaded.district"));
        assertEquals(1L, js("return window.gridmap.state.loaded.city"));
        assertEquals(60L, js("return window.gridmap.state.loaded.street"));
        screenshot("city.png");

        // a grid in the urban core, zoomed so that grids (not yet micro-grids) are drawn
        double lon = CORE_LON;
        double lat = CORE_LAT;
        @SuppressWarnings("unchecked")
        List<Map<String, String>> chain = given().get("/api/point/4326/" + lon + "," + lat).then().statusCode(200)
                .extract().path("regions");
        String gridCode = chain.get(4).get("code");
        assertTrue(gridCode.matches("\\d{15}"));
        js("window.gridmap.map.setView([arguments[0], arguments[1]], 14)", lat, lon);
        waitFor("window.gridmap.state.loaded.grid > 0 && window.gridmap.map.getZoom() === 14");
        // names of the streets and communities in view, at their label points
        waitFor("document.querySelectorAll('.street-label').length > 0 && document.querySelectorAll('.community-label').length > 0");
        assertTrue(driver.findElements(By.cssSelector(".community-label")).stream().anyMatch(e -> e.getText().equals("贺家弄社区")),
                "the community under the urban core is named");
        clickAt(lat, lon);
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> !d.findElements(By.cssSelector(".leaflet-popup .region-code")).isEmpty());
        String shown = driver.findElement(By.cssSelector(".leaflet-popup .region-code")).getText();
        assertEquals(gridCode, shown);
        assertEquals("grid", driver.findElement(By.cssSelector(".leaflet-popup .region-level")).getText());
        Thread.sleep(300);
        screenshot("map.png");
    }

    /** The map asks for a login, says why one failed, opens a grid worker's map on her own grid, and logs out. */
    @Test
    void aGridWorkerLogsInAndHerMapOpensOnHerGrid() throws Exception {
        @SuppressWarnings("unchecked")
        List<Map<String, String>> chain = given().get("/api/point/4326/" + CORE_LON + "," + CORE_LAT).then().statusCode(200)
                .extract().path("regions");
        String grid = chain.get(4).get("code");
        cn.gridmap.security.Logins.token("map-worker", List.of("gridworker"), List.of(grid), false);
        driver.get(root);
        js("sessionStorage.clear()");
        driver.manage().deleteAllCookies();
        try {
            gridWorkersMap(grid);
        } finally { // the other tests log in as admin again
            js("sessionStorage.clear()");
            driver.manage().deleteAllCookies();
        }
    }

    private void gridWorkersMap(String grid) throws Exception {
        driver.get(root);
        waitFor("!document.getElementById('login').hidden");
        screenshot("login.png");
        js("const f = document.getElementById('login-form'); f.username.value = 'map-worker'; f.password.value = 'wrong-password-0';"
                + " f.requestSubmit();");
        waitFor("document.getElementById('login-error').textContent.length > 0");
        assertTrue(driver.findElement(By.id("login-error")).getText().contains("wrong username or password"));
        assertFalse(Boolean.TRUE.equals(js("return window.mapReady === true")));
        login("map-worker", cn.gridmap.security.Logins.password("map-worker"));
        waitFor("window.mapReady === true");
        assertEquals("map-worker", js("return window.gridmapAuth.me().username"));
        assertTrue(Boolean.TRUE.equals(js("return window.gridmap.scopeBounds.contains([arguments[0], arguments[1]])"
                + " && window.gridmap.scopeBounds.contains(window.gridmap.map.getCenter())", CORE_LAT, CORE_LON)),
                "the map opens on her grid");
        assertTrue(((Number) js("return window.gridmap.map.getZoom()")).doubleValue() >= 14, "zoomed to one grid, not the city");
        assertTrue(driver.findElement(By.cssSelector("#user .name")).getText().contains("map-worker"));
        driver.findElement(By.id("logout")).click();
        waitFor("document.getElementById('login') != null && !document.getElementById('login').hidden");
        assertEquals(null, js("return sessionStorage.getItem('gridmap.session')"));
    }

    /** Names crowd in the urban core: the drawn ones never overlap, and the crowding was real (some were held back). */
    @Test
    void namesDoNotOverlapAtZoom12And14InTheUrbanCore() throws Exception {
        open(root);
        waitFor("window.mapReady === true");
        int held = 0;
        for (int z : new int[] {12, 14}) {
            long t0 = ((Number) js("return Date.now()")).longValue();
            js("window.gridmap.map.setView([arguments[0], arguments[1]], arguments[2], {animate: false})", CORE_LAT, CORE_LON, z);
            String wanted = z >= 13 ? "'.street-label, .community-label'" : "'.street-label'";
            waitFor("window.gridmap.map.getZoom() === " + z + " && window.gridmap.state.labels && window.gridmap.state.labels.at > " + t0
                    + " && document.querySelectorAll(" + wanted + ").length > 0");
            Thread.sleep(400); // a late label request would declutter again; let the view settle
            waitFor("Date.now() - window.gridmap.state.labels.at > 300");
            @SuppressWarnings("unchecked")
            List<List<Object>> all = (List<List<Object>>) js("""
                    return Array.from(document.querySelectorAll('.district-label, .street-label, .community-label')).map((e) => {
                      const r = e.getBoundingClientRect();
                      return [r.left, r.top, r.right, r.bottom, getComputedStyle(e).visibility !== 'hidden', e.textContent]; })""");
            List<List<Object>> drawn = all.stream().filter(l -> Boolean.TRUE.equals(l.get(4))).toList();
            List<String> overlaps = overlaps(drawn);
            assertTrue(overlaps.isEmpty(), "zoom " + z + ": drawn names overlap: " + overlaps);
            assertTrue(drawn.size() >= 5, "zoom " + z + ": " + drawn.size() + " names drawn");
            // the same check over every name, hidden ones included, does find the collisions that were resolved
            held += all.size() - drawn.size();
            if (all.size() > drawn.size()) {
                assertFalse(overlaps(all).isEmpty(), "zoom " + z + ": hidden names were hidden for a reason");
            }
            System.out.printf("names at zoom %d: %d drawn, %d held back%n", z, drawn.size(), all.size() - drawn.size());
            if (z == 14) {
                screenshot("names.png");
            }
        }
        assertTrue(held > 0, "the urban core is crowded enough that some names were held back");
    }

    /** Pairs of boxes [left, top, right, bottom, …, text] that share any area. */
    private static List<String> overlaps(List<List<Object>> boxes) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            for (int j = i + 1; j < boxes.size(); j++) {
                List<Object> a = boxes.get(i);
                List<Object> b = boxes.get(j);
                if (d(a, 0) < d(b, 2) && d(b, 0) < d(a, 2) && d(a, 1) < d(b, 3) && d(b, 1) < d(a, 3)) {
                    out.add(a.get(5) + " × " + b.get(5));
                }
            }
        }
        return out;
    }

    private static double d(List<Object> box, int i) {
        return ((Number) box.get(i)).doubleValue();
    }

    @Test
    void searchByNameFindsACommunity() {
        open(root);
        waitFor("window.mapReady === true");
        driver.findElement(By.id("search-input")).sendKeys("贺家弄");
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("#search-results li")).size() > 0);
        assertTrue(driver.findElement(By.cssSelector("#search-results li")).getText().contains("321102001001"));
    }

    @Test
    void householdsChoroplethColoursEveryGridAgainstThe300Guideline() throws Exception {
        open(root);
        waitFor("window.mapReady === true");
        js("window.gridmap.map.setView([arguments[0], arguments[1]], 14)", CORE_LAT, CORE_LON);
        waitFor("window.gridmap.state.loaded.grid > 0 && window.gridmap.map.getZoom() === 14");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("choropleth-metric"))).selectByValue("households");
        waitFor("window.gridmap.choropleth.level === 'grid' && window.gridmap.choropleth.styled > 0");
        long grids = ((Number) js("return window.gridmap.state.loaded.grid")).longValue();
        long styled = ((Number) js("return window.gridmap.choropleth.styled")).longValue();
        assertEquals(grids, styled, "every grid drawn is coloured");
        String legend = driver.findElement(By.id("choropleth-legend")).getText();
        assertTrue(legend.contains("300") && legend.contains("guideline"), legend);
        Thread.sleep(300);
        screenshot("choropleth.png");
    }

    @Test
    void searchFindsAnAddressAndPeopleWithMaskedIdNumbers() {
        String address = given().get("/api/houses?limit=1&use=residential").then().extract().path("items[0].address");
        String name = given().get("/api/people?limit=1").then().extract().path("items[0].name");
        open(root);
        waitFor("window.mapReady === true");
        WebElement input = driver.findElement(By.id("search-input"));
        input.sendKeys(address);
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("#search-results li")).stream()
                .anyMatch(li -> li.getText().startsWith("📍")));
        driver.findElements(By.cssSelector("#search-results li")).stream().filter(li -> li.getText().startsWith("📍")).findFirst()
                .orElseThrow().click();
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector(".leaflet-popup-content")).stream()
                .anyMatch(p -> p.getText().contains(address.replaceAll("\\d+单元\\d+室$", ""))));
        input.clear();
        input.sendKeys(name);
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("#search-results li")).stream()
                .anyMatch(li -> li.getText().startsWith("👤")));
        String people = driver.findElement(By.id("search-results")).getText();
        assertTrue(people.contains("**********"), "ID numbers are shown masked: " + people);
        assertEquals(people, cn.gridmap.security.Masking.text(people), "no ID number or phone in clear");
    }

    @Test
    void eventsAreDrawnFromTilesAtHighZoomAndAClickOnOneShowsIt() throws Exception {
        Map<String, Object> event = given().get("/api/events?limit=1").then().extract().path("items[0]");
        double lon = ((Number) event.get("lon")).doubleValue();
        double lat = ((Number) event.get("lat")).doubleValue();
        open(root);
        waitFor("window.mapReady === true");
        // only events, so that the click cannot land on a component or an organisation at the same address
        for (String kind : List.of("部件 Components", "组织 Organizations")) {
            driver.findElements(By.cssSelector(".leaflet-control-layers-overlays label")).stream().filter(l -> l.getText().startsWith(kind))
                    .findFirst().orElseThrow().findElement(By.tagName("input")).click();
        }
        js("window.gridmap.map.setView([arguments[0], arguments[1]], 17, {animate: false})", lat, lon);
        waitFor("window.gridmap.elements.drawn.events > 0 && !window.gridmap.elementTiles.isLoading()");
        assertEquals(0L, js("return window.gridmap.elements.drawn.components"));
        clickAt(lat, lon);
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> !d.findElements(By.cssSelector(".leaflet-popup .element-popup.events")).isEmpty());
        String popup = driver.findElement(By.cssSelector(".leaflet-popup .element-popup")).getText();
        assertTrue(popup.contains((String) event.get("gridCode")), popup);
        screenshot("events.png");
        js("window.gridmap.map.setView([arguments[0], arguments[1]], 12, {animate: false})", lat, lon);
        waitFor("window.gridmap.map.getZoom() === 12 && window.gridmap.state.rendered > 0 && !window.gridmap.elementTiles.isLoading()");
        assertEquals(0L, js("return window.gridmap.elements.drawn.events"), "no points below the point zoom");
    }

    @Test
    void anOgcItemsPageDrawsItsFeaturesOnAMap() throws Exception {
        open(root);
        driver.get(root + "ogc/collections/grid/items?f=html&limit=20&bbox=119.40,32.17,119.48,32.22");
        waitFor("document.querySelectorAll('#map path.leaflet-interactive').length === 20");
        assertEquals(20L, js("return document.querySelectorAll('table tr td:first-child a').length"));
        screenshot("ogc-items.png");
    }

    /**
     * The planner's heaviest view: every level down to the 30,034 micro-grids over the whole city at zoom 10, then a
     * street at zoom 16 and a pan there. Each time is from the view change until every tile in view is drawn; they are
     * printed, not asserted.
     */
    @Test
    void theWholeCityRendersWithEveryMicroGridAtZoom10AndInDetailAtZoom16() throws Exception {
        long microgrids = regions("microgrid");
        long grids = regions("grid");
        List<Number> b = given().get("/tiles/city.json").then().extract().path("bounds");
        double lon = (b.get(0).doubleValue() + b.get(2).doubleValue()) / 2;
        double lat = (b.get(1).doubleValue() + b.get(3).doubleValue()) / 2;
        open(root);
        waitFor("window.mapReady === true");
        js("window.gridmap.setAllLevels(true)");
        long z10 = renderAt(lat, lon, 10);
        long drawn = ((Number) js("return window.gridmap.state.loaded.microgrid")).longValue();
        assertEquals(microgrids, drawn, "every micro-grid of the city is drawn at zoom 10");
        assertEquals(grids, ((Number) js("return window.gridmap.state.loaded.grid")).longValue());
        screenshot("city-microgrids.png");
        long z10again = renderAt(CORE_LAT, CORE_LON, 10);
        long z16 = renderAt(CORE_LAT, CORE_LON, 16);
        assertTrue(((Number) js("return window.gridmap.state.loaded.microgrid")).longValue() > 0);
        long pan = ((Number) ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "window.gridmap.timeRender(() => window.gridmap.map.panBy([400, 250], {animate: false})).then(done)")).longValue();
        String report = String.format("web map render (every level, headless Chromium 1280x860): zoom 10 whole city with %d micro-grids "
                + "%d ms (then re-centred %d ms), zoom 16 %d ms, pan at zoom 16 %d ms%n", drawn, z10, z10again, z16, pan);
        System.out.print(report);
        Files.writeString(Path.of("target/screens/render-times.txt"), report);
    }

    private long regions(String level) throws Exception {
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM region WHERE level = ? AND generation_high IS NULL")) {
            ps.setString(1, level);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private long renderAt(double lat, double lon, int zoom) {
        return ((Number) ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "window.gridmap.renderAt([arguments[0], arguments[1]], arguments[2]).then(done)", lat, lon, zoom)).longValue();
    }

    private void clickAt(double lat, double lon) {
        browser.clickAt(lat, lon);
    }
}
