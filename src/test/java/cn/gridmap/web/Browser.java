package cn.gridmap.web;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Selenium, for the tests of the web map: scripts in the page, waiting for a
 * condition of the page, logging in through the map's form, and screenshots to target/screens/.
 */
public final class Browser implements AutoCloseable {
    public final WebDriver driver;
    /** A JavaScript expression whose value a failed wait reports (the page's own state), or null. */
    public String diagnostics;

    public Browser(int width, int height) throws IOException {
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                "--user-data-dir=" + Files.createTempDirectory("gridmap-chromium"));
        org.openqa.selenium.logging.LoggingPreferences logs = new org.openqa.selenium.logging.LoggingPreferences();
        logs.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService svc = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        driver = new ChromeDriver(svc, o);
        driver.manage().window().setSize(new Dimension(width, height));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(120));
        Files.createDirectories(Path.of("target/screens"));
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Waits (up to a minute) until a JavaScript expression of the page is true. */
    public void waitFor(String condition) {
        waitFor(condition, 60);
    }

    public void waitFor(String condition, int seconds) {
        try {
            new WebDriverWait(driver, Duration.ofSeconds(seconds)).until(d -> Boolean.TRUE.equals(js("return " + condition)));
        } catch (org.openqa.selenium.TimeoutException e) {
            Object state = null;
            if (diagnostics != null) {
                try {
                    state = js("return " + diagnostics);
                } catch (RuntimeException ignored) {
                    state = "(diagnostics failed: " + ignored.getMessage() + ")";
                }
            }
            throw new AssertionError("waited " + seconds + " s for " + condition + "; the page: " + state + "; its console: " + console(), e);
        }
    }

    /** The page's console messages since the last call (errors of the map's scripts show here). */
    public String console() {
        StringBuilder out = new StringBuilder();
        driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)
                .forEach(l -> out.append("\n  ").append(l.getLevel()).append(' ').append(l.getMessage()));
        return out.toString();
    }

    /** Waits for the map or its login form; logs in through the form when it shows. */
    public void login(String user, String password) {
        waitFor("window.mapReady === true || (document.getElementById('login') != null && !document.getElementById('login').hidden)", 30);
        if (Boolean.TRUE.equals(js("return window.mapReady === true"))) {
            return;
        }
        js("const f = document.getElementById('login-form'); f.username.value = arguments[0]; f.password.value = arguments[1];"
                + " f.requestSubmit();", user, password);
    }

    /** A fresh tab's session: no stored token, no cookie; then the map as this user. */
    public void loginFresh(String root, String user, String password) {
        driver.get(root);
        js("sessionStorage.clear()");
        driver.manage().deleteAllCookies();
        driver.get(root);
        login(user, password);
        waitFor("window.mapReady === true");
    }

    /** Where a point of the map is on the screen (the map fills the window), in CSS pixels. */
    public double[] px(double lat, double lon) {
        java.util.List<?> p = (java.util.List<?>) js("const p = window.gridmap.map.latLngToContainerPoint([arguments[0], arguments[1]]);"
                + "return [p.x, p.y];", lat, lon);
        return new double[] {((Number) p.get(0)).doubleValue(), ((Number) p.get(1)).doubleValue()};
    }

    /** A real click (pointer down and up) at a point of the map. */
    public void clickAt(double lat, double lon) {
        double[] p = px(lat, lon);
        new org.openqa.selenium.interactions.Actions(driver).moveToLocation((int) Math.round(p[0]), (int) Math.round(p[1])).click().perform();
    }

    /** A real drag: pointer down at one screen point, moved in steps, released at the other. */
    public void drag(double[] from, double[] to) {
        org.openqa.selenium.interactions.Actions a = new org.openqa.selenium.interactions.Actions(driver)
                .moveToLocation((int) Math.round(from[0]), (int) Math.round(from[1])).clickAndHold();
        int steps = 8;
        for (int i = 1; i <= steps; i++) {
            double f = (double) i / steps;
            a = a.moveToLocation((int) Math.round(from[0] + (to[0] - from[0]) * f), (int) Math.round(from[1] + (to[1] - from[1]) * f));
        }
        a.release().perform();
    }

    /** Chrome DevTools, for what WebDriver does not say: the phone's position, its network, its permissions. */
    public Object cdp(String command, java.util.Map<String, Object> params) {
        return ((org.openqa.selenium.chromium.HasCdp) driver).executeCdpCommand(command, params);
    }

    /** Geolocation allowed for the page's origin, and the phone at this point (accuracy in metres). */
    /** scheme://host:port of a URL (what the browser's permissions are granted to). */
    public static String origin(String url) {
        java.net.URI u = java.net.URI.create(url);
        return u.getScheme() + "://" + u.getHost() + ":" + u.getPort();
    }

    public void position(String origin, double lat, double lon, double accuracy) {
        cdp("Browser.grantPermissions", java.util.Map.of("origin", origin, "permissions", java.util.List.of("geolocation")));
        cdp("Emulation.setGeolocationOverride", java.util.Map.of("latitude", lat, "longitude", lon, "accuracy", accuracy));
    }

    /** The user said no to sharing her position. */
    public void positionRefused(String origin) {
        cdp("Browser.setPermission", java.util.Map.of("origin", origin, "permission", java.util.Map.of("name", "geolocation"), "setting", "denied"));
    }

    /** The phone loses (true) or regains (false) its connection. */
    public void offline(boolean off) {
        cdp("Network.enable", java.util.Map.of());
        cdp("Network.emulateNetworkConditions", java.util.Map.of("offline", off, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
    }

    public void screenshot(String name) throws IOException {
        Files.write(Path.of("target/screens", name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
