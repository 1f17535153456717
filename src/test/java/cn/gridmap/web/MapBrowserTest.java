package cn.gridmap.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The web map in headless Debian Chromium: the whole city opens with its districts; clicking a grid shows its
 * 15-digit code. Screenshots go to target/screens/ ({@code ./gridmap screenshot} copies them to docs/).
 */
@QuarkusTest
class MapBrowserTest {
    private static WebDriver driver;

    @TestHTTPResource("/")
    String root;

    @BeforeAll
    static void startBrowser() throws Exception {
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                "--user-data-dir=" + Files.createTempDirectory("gridmap-chromium"));
        ChromeDriverService svc = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        driver = new ChromeDriver(svc, o);
        driver.manage().window().setSize(new Dimension(1280, 860));
        Files.createDirectories(Path.of("target/screens"));
    }

    @AfterAll
    static void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private void waitFor(String condition) {
        new WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> Boolean.TRUE.equals(js("return " + condition)));
    }

    private void screenshot(String name) throws Exception {
        Files.write(Path.of("target/screens", name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void opensOnTheWholeCityAndShowsAGridsCodeOnClick() throws Exception {
        long t0 = System.nanoTime();
        driver.get(root);
        waitFor("window.mapReady === true");
        System.out.printf("map ready with the whole city in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(6L, js("return window.gridmap.state.loaded.district"));
        assertEquals(1L, js("return window.gridmap.state.loaded.city"));
        assertEquals(60L, js("return window.gridmap.state.loaded.street"));
        screenshot("city.png");

        // a grid in the urban core, zoomed so that grids (not yet micro-grids) are drawn
        double lon = 119.4460;
        double lat = 32.2010;
        @SuppressWarnings("unchecked")
        List<Map<String, String>> chain = given().get("/api/point/4326/" + lon + "," + lat).then().statusCode(200)
                .extract().path("regions");
        String gridCode = chain.get(4).get("code");
        assertTrue(gridCode.matches("\\d{15}"));
        js("window.gridmap.map.setView([arguments[0], arguments[1]], 14)", lat, lon);
        waitFor("window.gridmap.state.loaded.grid > 0 && window.gridmap.map.getZoom() === 14");
        Map<?, ?> px = (Map<?, ?>) js("const p = window.gridmap.map.latLngToContainerPoint([arguments[0], arguments[1]]);"
                + "return {x: p.x, y: p.y};", lat, lon);
        WebElement mapEl = driver.findElement(By.id("map"));
        int x = ((Number) px.get("x")).intValue() - mapEl.getSize().getWidth() / 2;
        int y = ((Number) px.get("y")).intValue() - mapEl.getSize().getHeight() / 2;
        new Actions(driver).moveToElement(mapEl, x, y).click().perform();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> !d.findElements(By.cssSelector(".leaflet-popup .region-code")).isEmpty());
        String shown = driver.findElement(By.cssSelector(".leaflet-popup .region-code")).getText();
        assertEquals(gridCode, shown);
        assertEquals("grid", driver.findElement(By.cssSelector(".leaflet-popup .region-level")).getText());
        Thread.sleep(300);
        screenshot("map.png");
    }

    @Test
    void searchByNameFindsACommunity() {
        driver.get(root);
        waitFor("window.mapReady === true");
        driver.findElement(By.id("search-input")).sendKeys("贺家弄");
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("#search-results li")).size() > 0);
        assertTrue(driver.findElement(By.cssSelector("#search-results li")).getText().contains("321102001001"));
    }

    @Test
    void householdsChoroplethColoursEveryGridAgainstThe300Guideline() throws Exception {
        driver.get(root);
        waitFor("window.mapReady === true");
        js("window.gridmap.map.setView([32.2010, 119.4460], 14)");
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
        driver.get(root);
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
    void eventsComponentsAndOrganisationsAppearAsMarkersAtHighZoom() {
        Map<String, Object> event = given().get("/api/events?limit=1").then().extract().path("items[0]");
        double lon = ((Number) event.get("lon")).doubleValue();
        double lat = ((Number) event.get("lat")).doubleValue();
        driver.get(root);
        waitFor("window.mapReady === true");
        js("window.gridmap.map.setView([arguments[0], arguments[1]], 17)", lat, lon);
        waitFor("window.gridmap.markers.events.getLayers().length > 0");
        js("window.gridmap.map.setView([arguments[0], arguments[1]], 12)", lat, lon);
        waitFor("window.gridmap.markers.events.getLayers().length === 0");
    }
}
