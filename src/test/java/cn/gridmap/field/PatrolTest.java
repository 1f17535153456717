package cn.gridmap.field;

import static cn.gridmap.event.EventFixtures.as;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.event.EventFixtures;
import cn.gridmap.event.EventFixtures.Place;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/** 巡查走访 through the API: a patrol's track in batches, every write safe to send twice, the week's visited micro-grids. */
@QuarkusTest
class PatrolTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    private static String at(int secondsAgo) {
        return OffsetDateTime.now(ZoneOffset.ofHours(8)).minusSeconds(secondsAgo).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static Map<String, Object> point(double lon, double lat, String at) {
        return Map.of("lon", lon, "lat", lat, "at", at, "accuracyMeters", 8);
    }

    /** Stops any patrol the worker left going (each test starts its own). */
    private static void stopOpen(String worker, DataSource owner, String username) throws Exception {
        String[] open = EventFixtures.row(owner, "SELECT coalesce(max(id), 0) FROM patrol WHERE username = ? AND ended_at IS NULL", username);
        if (!"0".equals(open[0])) {
            as(worker).post("/api/patrols/" + open[0] + "/stop").then().statusCode(200);
        }
    }

    @Test
    void aPatrolRecordsItsTrackItsLengthAndTheMicrogridsItPassed() throws Exception {
        Place p = EventFixtures.place(owner, 63, 40);
        String worker = EventFixtures.workerOf(p);
        stopOpen(worker, owner, p.worker());
        JsonPath s = as(worker).body(Map.of("lon", p.lon(), "lat", p.lat(), "at", at(300))).post("/api/patrols").then().statusCode(201)
                .extract().jsonPath();
        long id = s.getLong("id");
        assertNull(s.get("endedAt"));
        List<Map<String, Object>> track = List.of(point(p.lon() + 0.0001, p.lat(), at(240)), point(p.lon() + 0.0002, p.lat(), at(180)),
                point(p.lon() + 0.0002, p.lat() + 0.0001, at(120)));
        JsonPath b = as(worker).body(Map.of("points", track)).post("/api/patrols/" + id + "/points").then().statusCode(200).extract().jsonPath();
        assertEquals(3, b.getInt("received"));
        assertEquals(3, b.getInt("stored"));
        assertEquals(4, b.getLong("points"));
        JsonPath stop = as(worker).post("/api/patrols/" + id + "/stop").then().statusCode(200).extract().jsonPath();
        assertEquals(4, stop.getLong("points"));
        // 0.0002° of longitude and 0.0001° of latitude at 32°N: about 18.9 m + 11.1 m
        double length = stop.getDouble("lengthMeters");
        assertTrue(length > 28 && length < 32, "length " + length);
        String micro = EventFixtures.row(owner, "SELECT code FROM region WHERE generation_high IS NULL AND level = 'microgrid' "
                + "AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(?, ?), 4326))", p.lon(), p.lat())[0];
        assertEquals(micro, stop.getList("microgrids").get(0));
        JsonPath got = as(worker).get("/api/patrols/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals("LineString", got.getString("track.type"));
        assertEquals(4, got.getList("track.coordinates").size());
        assertEquals(stop.getString("endedAt"), got.getString("endedAt"));
    }

    @Test
    void aBatchSentTwiceAddsNothingTheSecondTimeAndASecondStopAnswersTheSame() throws Exception {
        Place p = EventFixtures.place(owner, 64, 40);
        String worker = EventFixtures.workerOf(p);
        stopOpen(worker, owner, p.worker());
        long id = as(worker).body(Map.of("lon", p.lon(), "lat", p.lat(), "at", at(200))).post("/api/patrols").then().statusCode(201)
                .extract().jsonPath().getLong("id");
        Map<String, Object> batch = Map.of("points", List.of(point(p.lon(), p.lat() + 0.0001, at(150)), point(p.lon(), p.lat() + 0.0002, at(100))));
        as(worker).body(batch).post("/api/patrols/" + id + "/points").then().statusCode(200);
        JsonPath again = as(worker).body(batch).post("/api/patrols/" + id + "/points").then().statusCode(200).extract().jsonPath();
        assertEquals(0, again.getInt("stored"));
        assertEquals(2, again.getInt("repeated"));
        assertEquals(3, again.getLong("points"));
        String first = as(worker).post("/api/patrols/" + id + "/stop").then().statusCode(200).extract().jsonPath().getString("endedAt");
        String second = as(worker).post("/api/patrols/" + id + "/stop").then().statusCode(200).extract().jsonPath().getString("endedAt");
        assertEquals(first, second);
    }

    @Test
    void aStartSentTwiceWithItsClientIdIsOnePatrolAndAnotherStartWaitsForTheStop() throws Exception {
        Place p = EventFixtures.place(owner, 65, 40);
        String worker = EventFixtures.workerOf(p);
        stopOpen(worker, owner, p.worker());
        String key = java.util.UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("clientId", key, "lon", p.lon(), "lat", p.lat());
        long id = as(worker).body(body).post("/api/patrols").then().statusCode(201).extract().jsonPath().getLong("id");
        assertEquals(id, as(worker).body(body).post("/api/patrols").then().statusCode(200).extract().jsonPath().getLong("id"));
        as(worker).body(Map.of("lon", p.lon(), "lat", p.lat())).post("/api/patrols").then().statusCode(409)
                .body("message", containsString("patrol " + id + " is still going"));
        assertEquals(1, EventFixtures.count(owner, "SELECT count(*) FROM patrol WHERE client_key = ?", key));
        as(worker).post("/api/patrols/" + id + "/stop").then().statusCode(200);
    }

    @Test
    void pointsOutsideTheCityAreCountedAndDroppedAndABadPointNamesItsIndex() throws Exception {
        Place p = EventFixtures.place(owner, 66, 40);
        String worker = EventFixtures.workerOf(p);
        stopOpen(worker, owner, p.worker());
        long id = as(worker).body(Map.of("lon", p.lon(), "lat", p.lat(), "at", at(100))).post("/api/patrols").then().statusCode(201)
                .extract().jsonPath().getLong("id");
        JsonPath b = as(worker).body(Map.of("points", List.of(point(121.47, 31.23, at(90)), point(p.lon(), p.lat() + 0.00005, at(80)))))
                .post("/api/patrols/" + id + "/points").then().statusCode(200).extract().jsonPath();
        assertEquals(1, b.getInt("outside"));
        assertEquals(1, b.getInt("stored"));
        as(worker).body(Map.of("points", List.of(point(p.lon(), p.lat(), at(70)), Map.of("lon", p.lon(), "lat", p.lat()))))
                .post("/api/patrols/" + id + "/points").then().statusCode(400).body("message", containsString("points[1]"));
        as(worker).body(Map.of("points", List.of(point(p.lon(), p.lat(), at(3600))))).post("/api/patrols/" + id + "/points").then()
                .statusCode(400).body("message", containsString("outside patrol " + id));
        as(worker).body(Map.of("points", List.of(Map.of("lon", "east", "lat", p.lat(), "at", at(60))))).post("/api/patrols/" + id + "/points")
                .then().statusCode(400).body("message", containsString("lon must be a number"));
        as(worker).body("[1,2]").post("/api/patrols/" + id + "/points").then().statusCode(400);
        as(worker).post("/api/patrols/" + id + "/stop").then().statusCode(200);
    }

    @Test
    void someoneElsesPatrolCannotBeWrittenAndAStartOutsideMyScopeIsRefused() throws Exception {
        Place p = EventFixtures.place(owner, 67, 40);
        Place q = EventFixtures.place(owner, 68, 40);
        String worker = EventFixtures.workerOf(p);
        stopOpen(worker, owner, p.worker());
        long id = as(worker).body(Map.of("lon", p.lon(), "lat", p.lat())).post("/api/patrols").then().statusCode(201).extract().jsonPath().getLong("id");
        String other = EventFixtures.workerOf(q);
        as(other).body(Map.of("points", List.of(point(q.lon(), q.lat(), at(10))))).post("/api/patrols/" + id + "/points").then().statusCode(404);
        as(other).post("/api/patrols/" + id + "/stop").then().statusCode(404);
        as(other).body(Map.of("lon", p.lon(), "lat", p.lat())).post("/api/patrols").then().statusCode(403);
        as(worker).body(Map.of("lon", p.lon(), "lat", p.lat(), "at", "2020-01-01T08:00:00+08:00")).post("/api/patrols").then().statusCode(400)
                .body("message", containsString("more than 7 days old"));
        as(other).get("/api/patrols/" + id).then().statusCode(404); // outside her scope
        as(worker).body(Map.of("at", "yesterday")).post("/api/patrols/" + id + "/stop").then().statusCode(400).body("message", containsString("ISO 8601"));
        as(worker).get("/api/patrols/first").then().statusCode(400).body("message", containsString("number"));
        as(worker).post("/api/patrols/" + id + "/stop").then().statusCode(200);
    }

    @Test
    void myGridsShowWhichOfTheirMicrogridsAPatrolVisitedThisWeek() throws Exception {
        Place p = EventFixtures.place(owner, 69, 40);
        String worker = EventFixtures.workerOf(p);
        stopOpen(worker, owner, p.worker());
        long id = as(worker).body(Map.of("lon", p.lon(), "lat", p.lat())).post("/api/patrols").then().statusCode(201).extract().jsonPath().getLong("id");
        as(worker).post("/api/patrols/" + id + "/stop").then().statusCode(200);
        String micro = EventFixtures.row(owner, "SELECT code FROM region WHERE generation_high IS NULL AND level = 'microgrid' "
                + "AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(?, ?), 4326))", p.lon(), p.lat())[0];
        long micros = EventFixtures.count(owner, "SELECT count(*) FROM region WHERE generation_high IS NULL AND parent_code = ?", p.grid());
        JsonPath g = as(worker).get("/api/me/grids").then().statusCode(200).contentType("application/geo+json").extract().jsonPath();
        assertEquals("FeatureCollection", g.getString("type"));
        assertEquals("fulltime", g.getString("features.find { it.properties.code == '" + p.grid() + "' }.properties.duty"));
        assertTrue(g.getInt("microgrids") >= micros);
        assertTrue(g.getBoolean("features.find { it.properties.code == '" + micro + "' }.properties.visited"));
        assertEquals(List.of(p.worker()), g.getList("features.find { it.properties.code == '" + micro + "' }.properties.visitedBy"));
        assertTrue(g.getInt("visited") >= 1);
        JsonPath lastYear = as(worker).get("/api/me/grids?date=2025-12-01").then().statusCode(200).extract().jsonPath();
        assertEquals(0, lastYear.getInt("visited"));
        as(worker).get("/api/me/grids?date=yesterday").then().statusCode(400).body("message", containsString("date"));
    }
}
