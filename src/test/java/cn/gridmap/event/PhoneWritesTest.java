package cn.gridmap.event;

import static cn.gridmap.event.EventFixtures.act;
import static cn.gridmap.event.EventFixtures.as;
import static cn.gridmap.event.EventFixtures.ok;
import static cn.gridmap.event.EventFixtures.place;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.event.EventFixtures.Place;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/**
 * What the grid worker's phone sends: a report and a transition carry the phone's own key and are done once however
 * often a bad connection makes the phone send them; arriving on site logs where she stood; her events come nearest
 * first with their distance and direction.
 */
@QuarkusTest
class PhoneWritesTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    private static Map<String, Object> report(Place p, String key) {
        Map<String, Object> b = new HashMap<>(Map.of("classCode", "0602", "lon", p.lon(), "lat", p.lat(), "description", "邻里纠纷（现场上报）",
                "source", "patrol"));
        if (key != null) {
            b.put("clientId", key);
        }
        return b;
    }

    @Test
    void aReportSentTwiceWithItsClientIdIsStoredOnceAndAnsweredTheSame() throws Exception {
        Place p = place(owner, 70, 40);
        String worker = EventFixtures.workerOf(p);
        String key = UUID.randomUUID().toString();
        JsonPath first = as(worker).body(report(p, key)).post("/api/events").then().statusCode(201).extract().jsonPath();
        JsonPath again = as(worker).body(report(p, key)).post("/api/events").then().statusCode(200).extract().jsonPath();
        assertEquals(first.getLong("id"), again.getLong("id"));
        assertTrue(again.getBoolean("repeated"));
        assertEquals(first.getString("gridCode"), again.getString("gridCode"));
        assertEquals(first.getString("assignee"), again.getString("assignee"));
        assertEquals(1, EventFixtures.count(owner, "SELECT count(*) FROM event WHERE client_key = ?", key));
        // another reporter's key is hers: the same text from someone else is a report of its own
        String dispatcher = EventFixtures.dispatcherOf(p);
        as(dispatcher).body(report(p, key)).post("/api/events").then().statusCode(201);
        as(worker).body(report(p, "short")).post("/api/events").then().statusCode(400).body("message", containsString("clientId"));
    }

    @Test
    void aTransitionSentTwiceWithItsClientIdIsTakenOnce() throws Exception {
        Place p = place(owner, 71, 40);
        String worker = EventFixtures.workerOf(p);
        long id = EventFixtures.report(EventFixtures.hotline(), "0602", p, "邻里因噪音纠纷").jsonPath().getLong("id");
        String dispatcher = EventFixtures.dispatcherOf(p);
        ok(dispatcher, id, Map.of("action", "register"));
        ok(dispatcher, id, Map.of("action", "dispatch"));
        String key = UUID.randomUUID().toString();
        assertEquals("handling", ok(worker, id, Map.of("action", "accept", "clientId", key)).jsonPath().getString("state"));
        // the answer was lost; the phone sends it again: no 409, no second log row
        assertEquals("handling", ok(worker, id, Map.of("action", "accept", "clientId", key)).jsonPath().getString("state"));
        assertEquals(1, EventFixtures.count(owner, "SELECT count(*) FROM event_log WHERE event_id = ? AND action = 'accept'", id));
        // without the key the repeat is what it is: not allowed from handling
        act(worker, id, Map.of("action", "accept")).then().statusCode(409);
    }

    @Test
    void arrivingOnSiteLogsWhereTheWorkerStoodAndLeavesTheStateAsItIs() throws Exception {
        Place p = place(owner, 72, 40);
        String worker = EventFixtures.workerOf(p);
        long id = EventFixtures.report(EventFixtures.hotline(), "0601", p, "夜间施工噪音").jsonPath().getLong("id");
        String dispatcher = EventFixtures.dispatcherOf(p);
        ok(dispatcher, id, Map.of("action", "register"));
        ok(dispatcher, id, Map.of("action", "dispatch"));
        act(worker, id, Map.of("action", "arrive", "lon", p.lon(), "lat", p.lat())).then().statusCode(409)
                .body("allowed", org.hamcrest.Matchers.hasItem("accept"));
        ok(worker, id, Map.of("action", "accept"));
        act(worker, id, Map.of("action", "arrive")).then().statusCode(400).body("message", containsString("lon and lat"));
        // 0.0003° north of the event at 32°N: 33.3 m
        JsonPath e = ok(worker, id, Map.of("action", "arrive", "lon", p.lon(), "lat", p.lat() + 0.0003, "accuracyMeters", 12)).jsonPath();
        assertEquals("handling", e.getString("state"));
        JsonPath log = as(worker).get("/api/events/" + id + "/log").then().statusCode(200).extract().jsonPath();
        Map<String, Object> arrive = log.getMap("find { it.action == 'arrive' }");
        assertEquals("handling", arrive.get("fromState"));
        assertEquals("handling", arrive.get("toState"));
        double d = log.getDouble("find { it.action == 'arrive' }.detail.distanceMeters");
        assertTrue(Math.abs(d - 33.3) < 0.5, "distance " + d);
        assertEquals(12.0, log.getDouble("find { it.action == 'arrive' }.detail.accuracyMeters"), 1e-9);
        assertEquals("handled", ok(worker, id, Map.of("action", "handle", "note", "已劝停")).jsonPath().getString("state"));
    }

    @Test
    void myEventsComeNearestFirstWithTheirDistanceAndDirection() throws Exception {
        Place p = place(owner, 73, 40);
        String worker = EventFixtures.workerOf(p);
        Place east = new Place(p.grid(), p.lon() + 0.0004, p.lat());
        long far = as(EventFixtures.hotline()).body(Map.of("classCode", "0602", "lon", p.lon(), "lat", p.lat() - 0.0002, "description", "南边的纠纷",
                "source", "hotline12345")).post("/api/events").then().statusCode(201).extract().jsonPath().getLong("id");
        long near = as(EventFixtures.hotline()).body(Map.of("classCode", "0602", "lon", east.lon(), "lat", east.lat(), "description", "东边的纠纷",
                "source", "hotline12345")).post("/api/events").then().statusCode(201).extract().jsonPath().getLong("id");
        double[] me = {p.lon() + 0.0003, p.lat()};
        JsonPath mine = as(worker).queryParam("near", me[0] + "," + me[1]).get("/api/me/events").then().statusCode(200).extract().jsonPath();
        List<Long> ids = mine.getList("items.id", Long.class);
        assertTrue(ids.indexOf(near) >= 0 && ids.indexOf(far) > ids.indexOf(near), "nearest first: " + ids);
        assertEquals(90.0, mine.getDouble("items.find { it.id == " + near + " }.bearingDegrees"), 1.0); // due east
        double bearing = mine.getDouble("items.find { it.id == " + far + " }.bearingDegrees"); // south-west
        assertTrue(bearing > 180 && bearing < 270, "bearing " + bearing);
        assertTrue(mine.getDouble("items.find { it.id == " + near + " }.distanceMeters") < 12);
    }
}
