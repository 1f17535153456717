package cn.gridmap.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import cn.gridmap.event.EventFixtures;
import cn.gridmap.event.EventFixtures.Place;
import cn.gridmap.security.Logins;
import cn.gridmap.web.Browser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The grid worker's phone in headless Chromium at 390 × 844 with its position set by the test: her events nearest
 * first, one signed for, arrived at and handled with a note and a photo; a report made offline in three taps and
 * sent once when the connection comes back (even when the phone sends it twice); a patrol whose track marks the
 * micro-grids visited this week; and, with the position refused, the list measured from her grid's centre.
 */
@QuarkusTest
class PhoneBrowserTest {
    private static final String DIAGNOSTICS = "JSON.stringify(window.gridmapPhone && {ready: gridmapPhone.ready, origin: gridmapPhone.origin,"
            + " items: gridmapPhone.items.map((e) => e.id), open: gridmapPhone.open && {id: gridmapPhone.open.id, state: gridmapPhone.open.state,"
            + " actions: gridmapPhone.open.actions}, queue: gridmapPhone.queue.map((q) => q.label), failed: gridmapPhone.failed,"
            + " online: gridmapPhone.online, patrol: gridmapPhone.patrol && {id: gridmapPhone.patrol.id, sent: gridmapPhone.patrol.sent},"
            + " visited: gridmapPhone.grids && gridmapPhone.grids.visited, error: gridmapPhone.error})";

    @TestHTTPResource("/")
    String root;

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    private String origin() {
        return Browser.origin(root);
    }

    private static Browser phone() throws Exception {
        Browser b = new Browser(390, 844);
        b.diagnostics = DIAGNOSTICS;
        return b;
    }

    private void login(Browser b, String user) {
        b.driver.get(root + "m/");
        b.waitFor("document.getElementById('login') && !document.getElementById('login').hidden", 30);
        b.js("const f = document.getElementById('login'); f.username.value = arguments[0]; f.password.value = arguments[1]; f.requestSubmit();",
                user, Logins.password(user));
        b.waitFor("window.gridmapPhone.ready === true", 60);
        b.js("window.gridmapPhone.config.retryMs = 300");
    }

    private static void click(Browser b, String css) {
        b.driver.findElement(By.cssSelector(css)).click();
    }

    /** A dispatched event of a class the grid worker handles herself. */
    private long dispatched(Place p, double lon, double lat, String classCode, String text) {
        long id = EventFixtures.as(EventFixtures.hotline()).body(Map.of("classCode", classCode, "lon", lon, "lat", lat, "description", text,
                "source", "hotline12345")).post("/api/events").then().statusCode(201).extract().jsonPath().getLong("id");
        String dispatcher = EventFixtures.dispatcherOf(p);
        EventFixtures.ok(dispatcher, id, Map.of("action", "register"));
        EventFixtures.ok(dispatcher, id, Map.of("action", "dispatch"));
        return id;
    }

    private void waitForRows(String sql, long n, Object... args) throws Exception {
        long seen = -1;
        for (int i = 0; i < 100; i++) {
            seen = EventFixtures.count(owner, sql, args);
            if (seen == n) {
                return;
            }
            Thread.sleep(200);
        }
        assertEquals(n, seen, sql);
    }

    @Test
    void aGridWorkerHandlesHerNearestEventReportsOfflineAndPatrolsOnHerPhone() throws Exception {
        Place p = EventFixtures.place(owner, 74, 40);
        String user = p.worker();
        Logins.staff(user);
        long near = dispatched(p, p.lon() + 0.0003, p.lat(), "0602", "楼道堆物引发邻里纠纷");
        long far = dispatched(p, p.lon(), p.lat() - 0.0012, "0601", "广场舞音响扰民");
        try (Browser b = phone()) {
            b.position(origin(), p.lat(), p.lon(), 8);
            login(b, user);

            // my events, nearest first, with distance and direction
            b.waitFor("gridmapPhone.items.some((e) => e.id === " + near + ") && gridmapPhone.items.some((e) => e.id === " + far + ")", 30);
            assertEquals("gps", b.js("return gridmapPhone.origin"));
            List<?> ids = (List<?>) b.js("return gridmapPhone.items.map((e) => e.id)");
            assertTrue(ids.indexOf(near) < ids.indexOf(far), "nearest first: " + ids);
            String nearRow = b.driver.findElement(By.cssSelector("#event-list li[data-id='" + near + "'] .dist")).getText();
            assertTrue(nearRow.contains("东") && nearRow.contains("米"), nearRow);
            b.screenshot("phone-events.png");

            // open it: sign for it, arrive, handle with a note and a photo
            click(b, "#event-list li[data-id='" + near + "']");
            b.waitFor("gridmapPhone.open && gridmapPhone.open.id === " + near + " && gridmapPhone.open.actions.includes('accept')", 30);
            click(b, "#sheet .act[data-action='accept']");
            b.waitFor("gridmapPhone.open && gridmapPhone.open.state === 'handling' && gridmapPhone.open.actions.includes('arrive')", 30);
            b.position(origin(), p.lat(), p.lon() + 0.00028, 6);
            click(b, "#sheet .act[data-action='arrive']");
            waitForRows("SELECT count(*) FROM event_log WHERE event_id = ? AND action = 'arrive'", 1, near);
            b.waitFor("gridmapPhone.queue.length === 0 && document.querySelector('#sheet .act[data-action=\"handle\"]') !== null", 30);
            Path photo = Files.createTempFile("site", ".jpg");
            Files.write(photo, Pictures.jpeg(1200, 900, 11));
            b.driver.findElement(By.cssSelector("#sheet .note")).sendKeys("已上门调解，楼道已清理");
            b.driver.findElement(By.cssSelector("#sheet input[type=file]")).sendKeys(photo.toAbsolutePath().toString());
            b.waitFor("document.querySelector('#sheet .thumb') && !document.querySelector('#sheet .thumb').hidden", 30);
            b.screenshot("phone-event.png");
            click(b, "#sheet .act[data-action='handle']");
            b.waitFor("gridmapPhone.open && gridmapPhone.open.state === 'handled'", 30);
            String[] handled = EventFixtures.row(owner, "SELECT attachment, note FROM event_log WHERE event_id = ? AND action = 'handle'", near);
            assertTrue(handled[0].startsWith("file:"), handled[0]);
            assertEquals("已上门调解，楼道已清理", handled[1]);
            String[] file = EventFixtures.row(owner, "SELECT content_type, width, uploaded_by FROM field_file WHERE id = ?",
                    Long.parseLong(handled[0].substring(5)));
            assertEquals(List.of("image/jpeg", "1200", user), List.of(file)); // under the page's 1600 px, sent as it was drawn
            double arrived = Double.parseDouble(EventFixtures.row(owner, "SELECT (detail->>'distanceMeters') FROM event_log WHERE event_id = ? "
                    + "AND action = 'arrive'", near)[0]);
            assertTrue(arrived < 5, "arrived " + arrived + " m from the event");
            click(b, "#sheet .close");

            // offline: report in three taps (上报 → a class → 提交); nothing reaches the service until the connection is back
            b.offline(true);
            click(b, "nav button[data-tab='report']");
            click(b, "#class-grid button[data-code='0102']");
            b.waitFor("document.querySelector('#sheet .act[data-action=\"report\"]') !== null", 10);
            click(b, "#sheet .act[data-action='report']");
            b.waitFor("gridmapPhone.online === false && gridmapPhone.queue.length === 1", 20);
            String key = (String) b.js("return gridmapPhone.queue[0].body.clientId");
            // the phone sends it twice (an answer lost on the way): the service must store it once
            b.js("gridmapPhone.queue.push(Object.assign({}, gridmapPhone.queue[0], {qid: 'again-' + gridmapPhone.queue[0].qid}))");
            Thread.sleep(1000);
            assertEquals(0, EventFixtures.count(owner, "SELECT count(*) FROM event WHERE client_key = ?", key));
            b.offline(false);
            b.waitFor("gridmapPhone.queue.length === 0 && gridmapPhone.online === true", 30);
            assertEquals(0, ((List<?>) b.js("return gridmapPhone.failed")).size());
            assertEquals(1, EventFixtures.count(owner, "SELECT count(*) FROM event WHERE client_key = ? AND reported_by = ? AND class_code = '0102' "
                    + "AND source = 'patrol'", key, user));

            // patrol: start, walk (the test moves the phone), stop; the micro-grids walked through are visited this week
            click(b, "#sheet .close");
            click(b, "nav button[data-tab='patrol']");
            b.js("gridmapPhone.config.sampleMs = 250");
            b.position(origin(), p.lat(), p.lon(), 5);
            click(b, "#patrol-toggle");
            b.waitFor("gridmapPhone.patrol && gridmapPhone.patrol.id != null", 30);
            String recorded = "(gridmapPhone.patrol.sent + gridmapPhone.patrol.buffer.length)";
            long before = ((Number) b.js("return " + recorded)).longValue();
            for (int i = 1; i <= 4; i++) {
                b.position(origin(), p.lat() + i * 0.00005, p.lon() + i * 0.00004, 5);
                // the page samples its position every 250 ms here; each new position is one more point of the track
                b.waitFor(recorded + " >= " + (before + i), 20);
            }
            click(b, "#patrol-toggle");
            b.waitFor("gridmapPhone.queue.length === 0 && gridmapPhone.patrol === null && gridmapPhone.grids.visited >= 1", 30);
            long points = EventFixtures.count(owner, "SELECT count(*) FROM patrol_point WHERE patrol_id = (SELECT max(id) FROM patrol WHERE username = ?)", user);
            assertTrue(points >= 4, points + " track points");
            assertEquals(1, EventFixtures.count(owner, "SELECT count(*) FROM patrol WHERE username = ? AND ended_at IS NOT NULL "
                    + "AND id = (SELECT max(id) FROM patrol WHERE username = ?)", user, user));
            assertTrue(b.driver.findElement(By.cssSelector("#microgrid-list li.visited")).getText().contains("已走访"));
            b.screenshot("phone-patrol.png");
            click(b, "nav button[data-tab='map']");
            b.waitFor("document.querySelectorAll('#map .leaflet-interactive').length > 2", 30);
            Thread.sleep(1000);
            b.screenshot("phone-map.png");
        }
    }

    @Test
    void withThePositionRefusedHerEventsAreMeasuredFromHerGridsCentre() throws Exception {
        Place p = EventFixtures.place(owner, 75, 40);
        String user = p.worker();
        Logins.staff(user);
        long id = dispatched(p, p.lon(), p.lat(), "0602", "邻里纠纷");
        try (Browser b = phone()) {
            b.driver.get(root + "m/");
            b.positionRefused(origin());
            login(b, user);
            b.waitFor("gridmapPhone.items.some((e) => e.id === " + id + ")", 30);
            assertEquals("grid", b.js("return gridmapPhone.origin"));
            assertTrue(b.driver.findElement(By.id("origin")).getText().contains("网格中心"));
            Map<?, ?> centre = (Map<?, ?>) b.js("return gridmapPhone.position");
            List<?> c = (List<?>) b.js("return gridmapPhone.grids.features.find((f) => f.properties.level === 'grid').properties.centre");
            assertEquals(((Number) c.get(0)).doubleValue(), ((Number) centre.get("lon")).doubleValue(), 1e-9);
            assertTrue(((Number) b.js("return gridmapPhone.items.find((e) => e.id === " + id + ").distanceMeters")).doubleValue() >= 0);
        }
    }

    @Test
    void aVolunteerSendsATipFromHerPhoneAndSeesItInHerList() throws Exception {
        Place p = EventFixtures.place(owner, 76, 40);
        String user = "zy.phone-" + p.grid();
        Logins.token(user, List.of("volunteer"), List.of(p.grid().substring(0, 12)), false);
        try (Browser b = phone()) {
            b.position(origin(), p.lat(), p.lon(), 10);
            login(b, user);
            assertEquals(Boolean.TRUE, b.js("return gridmapPhone.volunteer"));
            assertEquals(Boolean.FALSE, b.js("return document.querySelector('nav button[data-tab=\"patrol\"]').offsetParent !== null"));
            click(b, "nav button[data-tab='report']");
            click(b, "#class-grid button[data-code='0505']");
            b.waitFor("document.querySelector('#sheet .act[data-action=\"report\"]') !== null", 10);
            b.driver.findElement(By.cssSelector("#sheet .note")).sendKeys("电动车在楼道充电");
            click(b, "#sheet .act[data-action='report']");
            b.waitFor("gridmapPhone.queue.length === 0 && gridmapPhone.sent >= 1", 30);
            String[] e = EventFixtures.row(owner, "SELECT id, source, description FROM event WHERE reported_by = ? ORDER BY id DESC LIMIT 1", user);
            assertEquals(List.of("volunteer", "电动车在楼道充电"), List.of(e[1], e[2]));
            click(b, "#sheet .close");
            click(b, "nav button[data-tab='events']");
            b.waitFor("gridmapPhone.items.some((x) => x.id === " + e[0] + ")", 30);
        }
    }
}
