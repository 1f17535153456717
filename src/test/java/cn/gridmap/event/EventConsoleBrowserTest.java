package cn.gridmap.event;

import static cn.gridmap.event.EventFixtures.as;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import cn.gridmap.event.EventFixtures.Place;
import cn.gridmap.security.Logins;
import cn.gridmap.web.Browser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The loop in headless Chromium: a 12345 order comes in; the street's dispatcher finds it in the console's new queue,
 * registers and dispatches it; the grid's worker finds it among her events, signs for it, reports it handled and
 * verifies it on site; the dispatcher closes it and records the caller's evaluation. Every step is a real click.
 */
@QuarkusTest
class EventConsoleBrowserTest {
    private static Browser b;

    @TestHTTPResource("/")
    String root;

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    @BeforeAll
    static void startBrowser() throws Exception {
        b = new Browser(1280, 860);
        b.diagnostics = "JSON.stringify(window.gridmapEvents && {list: window.gridmapEvents.list, items: window.gridmapEvents.items.map((e) => e.id),"
                + " open: window.gridmapEvents.open && {id: window.gridmapEvents.open.id, state: window.gridmapEvents.open.state},"
                + " actions: window.gridmapEvents.actions, error: window.gridmapEvents.error})";
    }

    @AfterAll
    static void stopBrowser() {
        if (b != null) {
            b.close();
        }
    }

    private static void click(String css) {
        b.driver.findElement(By.cssSelector(css)).click();
    }

    private static void take(String action, String state) {
        b.waitFor("window.gridmapEvents.actions.includes('" + action + "')", 30);
        click("#events-panel .act[data-action='" + action + "']" + (action.equals("verify") ? "[data-passed='true']" : ""));
        b.waitFor("window.gridmapEvents.open && window.gridmapEvents.open.state === '" + state + "'", 30);
    }

    @Test
    void aDispatcherAndAGridWorkerRunAnEventFromIntakeToEvaluationInTheBrowser() throws Exception {
        Place p = EventFixtures.place(owner, 50, 60);
        long id = EventFixtures.report(EventFixtures.hotline(), "0602", p, "邻里因漏水发生纠纷，请网格员调解").jsonPath().getLong("id");
        String dispatcher = "pq." + p.street();
        Logins.staff(dispatcher);
        Logins.staff(p.worker());

        b.loginFresh(root, dispatcher, Logins.password(dispatcher));
        b.waitFor("window.gridmapEvents !== undefined");
        click("#open-events");
        b.waitFor("window.gridmapEvents.items.some((e) => e.id === " + id + ")", 30);
        click("#events-panel .event-list li[data-id='" + id + "']");
        b.waitFor("window.gridmapEvents.open && window.gridmapEvents.open.id === " + id, 30);
        b.driver.findElement(By.cssSelector("#events-panel .note")).sendKeys("核实属实，立案");
        take("register", "registered");
        take("dispatch", "dispatched");
        b.screenshot("events-console.png");

        b.loginFresh(root, p.worker(), Logins.password(p.worker()));
        b.waitFor("window.gridmapEvents !== undefined");
        click("#open-events");
        b.waitFor("window.gridmapEvents.list === 'mine' && window.gridmapEvents.items.some((e) => e.id === " + id + ")", 30);
        click("#events-panel .event-list li[data-id='" + id + "']");
        b.waitFor("window.gridmapEvents.open && window.gridmapEvents.open.id === " + id, 30);
        take("accept", "handling");
        b.driver.findElement(By.cssSelector("#events-panel .note")).sendKeys("已上门调解，双方达成协议");
        take("handle", "handled");
        take("verify", "verified");
        b.screenshot("events-worker.png");

        b.loginFresh(root, dispatcher, Logins.password(dispatcher));
        b.waitFor("window.gridmapEvents !== undefined");
        b.js("window.gridmap.openEvent(arguments[0], true)", id);
        b.waitFor("window.gridmapEvents.open && window.gridmapEvents.open.id === " + id, 30);
        take("close", "closed");
        b.driver.findElement(By.cssSelector("#events-panel .satisfaction option[value='basic']")).click();
        take("evaluate", "evaluated");

        List<String> actions = as(Logins.staff(dispatcher)).get("/api/events/" + id + "/log").then().statusCode(200).extract().path("action");
        assertEquals(List.of("report", "register", "dispatch", "accept", "handle", "verify", "close", "evaluate"), actions);
        assertEquals("basic", as(Logins.staff(dispatcher)).get("/api/events/" + id).then().extract().path("satisfaction"));
        assertEquals("核实属实，立案", as(Logins.staff(dispatcher)).get("/api/events/" + id + "/log").then().extract().path("[1].note"));
    }
}
