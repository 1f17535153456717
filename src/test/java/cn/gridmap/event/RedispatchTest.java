package cn.gridmap.event;

import static cn.gridmap.event.EventFixtures.as;
import static cn.gridmap.event.EventFixtures.dispatcherOf;
import static cn.gridmap.event.EventFixtures.hotline;
import static cn.gridmap.event.EventFixtures.ok;
import static cn.gridmap.event.EventFixtures.row;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.edit.EditFixtures;
import cn.gridmap.event.EventFixtures.Place;
import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/** A published boundary change that puts an open event in another grid sends it back to the dispatcher, with the reason. */
@QuarkusTest
class RedispatchTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    @Test
    void anOpenEventWhoseMicroGridMovesToAnotherGridReturnsToDispatchAndAClosedOneKeepsItsGrid() throws Exception {
        String planner = Logins.token("events-planner", List.of(Roles.PLANNER), List.of(EventFixtures.DISTRICT), false);
        EditFixtures fx = new EditFixtures(owner, planner);
        String[] move = fx.movable(EventFixtures.DISTRICT, 25);
        String m = move[0];
        String toGrid = move[1];
        String fromGrid = m.substring(0, 15);
        // a point of the micro-grid far from every grid edge
        String[] pt = row(owner, "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(ST_Buffer(geom::geography, -15)::geometry) AS p "
                + "FROM region WHERE code = ? AND generation_high IS NULL) q", m);
        Place p = new Place(fromGrid, Double.parseDouble(pt[0]), Double.parseDouble(pt[1]));
        JsonPath r = EventFixtures.report(hotline(), "0102", p, "垃圾").jsonPath();
        assertEquals(m, r.getString("microgridCode"), r.prettify());
        long open = r.getLong("id");
        long closed = EventFixtures.report(hotline(), "0601", p, "已结的纠纷").jsonPath().getLong("id");
        String dispatcher = dispatcherOf(p);
        ok(dispatcher, open, Map.of("action", "register"));
        ok(dispatcher, open, Map.of("action", "dispatch"));
        ok(dispatcher, closed, Map.of("action", "void", "note", "重复来电"));

        fx.publishMove("事件跟随边界", m, toGrid, java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).toString());

        long until = System.currentTimeMillis() + 15_000;
        while (!"returned".equals(row(owner, "SELECT state FROM event WHERE id = ?", open)[0]) && System.currentTimeMillis() < until) {
            Thread.sleep(200);
        }
        JsonPath e = as(dispatcher).get("/api/events/" + open).then().statusCode(200).extract().jsonPath();
        assertEquals("returned", e.getString("state"));
        assertEquals(toGrid, e.getString("gridCode"));
        assertEquals("wg." + toGrid, e.getString("assignee"));
        assertEquals("redispatch", e.getString("queue"));
        assertTrue(e.getString("queueReason").contains(fromGrid + " → " + toGrid), e.getString("queueReason"));
        as(dispatcher).get("/api/events/queue?kind=redispatch").then().statusCode(200).body("items.id", hasItem(open));
        JsonPath log = as(dispatcher).get("/api/events/" + open + "/log").then().extract().jsonPath();
        assertEquals("redispatch", log.getString("action[-1]"));
        assertEquals(fromGrid, log.getString("detail[-1].fromGrid"));
        assertEquals("system:boundaries", log.getString("actor[-1]"));
        // the voided one moved with its micro-grid but is not sent anywhere
        assertEquals("voided", row(owner, "SELECT state FROM event WHERE id = ?", closed)[0]);
        assertEquals(0, EventFixtures.count(owner, "SELECT count(*) FROM event_log WHERE event_id = ? AND action = 'redispatch'", closed));
        // and the dispatcher sends it on to its new grid's worker
        ok(dispatcher, open, Map.of("action", "dispatch"));
        as(dispatcher).get("/api/events/queue?kind=redispatch").then().body("items.id", org.hamcrest.Matchers.not(hasItem(open)));
        as(dispatcher).get("/api/events/" + open).then().body("queue", org.hamcrest.Matchers.nullValue())
                .body("assignee", containsString(toGrid));
    }
}
