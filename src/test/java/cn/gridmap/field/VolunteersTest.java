package cn.gridmap.field;

import static cn.gridmap.event.EventFixtures.as;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.event.EventFixtures;
import cn.gridmap.event.EventFixtures.Place;
import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/** 平安志愿者: a registered volunteer's tip becomes an event of source volunteer in her area, and her contribution is counted. */
@QuarkusTest
class VolunteersTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    @Test
    void aVolunteersTipIsAnEventOfHerAreaSentOnceAndCountedAsHerContribution() throws Exception {
        Place p = EventFixtures.place(owner, 80, 40);
        String community = p.grid().substring(0, 12);
        String volunteer = Logins.token("zy.test-" + community, List.of(Roles.VOLUNTEER), List.of(community), false);
        String photo = io.restassured.RestAssured.given().header("Authorization", "Bearer " + volunteer).contentType("image/jpeg")
                .body(Pictures.jpeg(200, 150, 21)).queryParam("lon", p.lon()).queryParam("lat", p.lat()).post("/api/files").then().statusCode(201)
                .extract().jsonPath().getString("ref");
        Map<String, Object> tip = Map.of("classCode", "0505", "lon", p.lon(), "lat", p.lat(), "text", "小区门口车辆堵住消防通道", "attachment", photo,
                "clientId", UUID.randomUUID().toString());
        JsonPath r = as(volunteer).body(tip).post("/api/tips").then().statusCode(201).extract().jsonPath();
        long id = r.getLong("id");
        assertEquals(p.grid(), r.getString("gridCode"));
        assertEquals(id, as(volunteer).body(tip).post("/api/tips").then().statusCode(200).extract().jsonPath().getLong("id"));
        String[] stored = EventFixtures.row(owner, "SELECT source, reported_by FROM event WHERE id = ?", id);
        assertEquals(List.of("volunteer", "zy.test-" + community), List.of(stored));
        assertEquals(photo, EventFixtures.row(owner, "SELECT attachment FROM event_log WHERE event_id = ? AND action = 'report'", id)[0]);
        JsonPath mine = as(volunteer).get("/api/me/tips").then().statusCode(200).extract().jsonPath();
        assertEquals("reported", mine.getString("items.find { it.id == " + id + " }.state"));
        // the street's dispatcher takes it up as a case: it counts
        EventFixtures.ok(EventFixtures.dispatcherOf(p), id, Map.of("action", "register"));
        JsonPath c = as(EventFixtures.dispatcherOf(p)).queryParam("region", community).get("/api/volunteers/contributions").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(1, c.getInt("volunteers.find { it.username == 'zy.test-" + community + "' }.tips"));
        assertEquals(1, c.getInt("volunteers.find { it.username == 'zy.test-" + community + "' }.cases"));
        // outside her district her tips are not counted; bad input is a 400
        String elsewhere = cn.gridmap.security.Logins.token("contributions-321102", List.of("analyst"), List.of("321102"), false);
        assertTrue(!as(elsewhere).get("/api/volunteers/contributions").then().statusCode(200).extract().jsonPath()
                .getList("volunteers.username").contains("zy.test-" + community));
        as(elsewhere).queryParam("region", "12").get("/api/volunteers/contributions").then().statusCode(400);
        as(volunteer).queryParam("limit", "x").get("/api/me/tips").then().statusCode(400);
    }

    @Test
    void aTipOutsideHerAreaOrWithoutItsTextIsRefused() throws Exception {
        Place p = EventFixtures.place(owner, 81, 40);
        String volunteer = Logins.token("zy.refused", List.of(Roles.VOLUNTEER), List.of(p.grid().substring(0, 12)), false);
        Place elsewhere = EventFixtures.placeOutside(owner, p.street());
        as(volunteer).body(Map.of("classCode", "0102", "lon", elsewhere.lon(), "lat", elsewhere.lat(), "text", "垃圾")).post("/api/tips").then()
                .statusCode(403).body("message", containsString("outside your scope"));
        as(volunteer).body(Map.of("classCode", "0102", "lon", p.lon(), "lat", p.lat())).post("/api/tips").then().statusCode(400)
                .body("message", containsString("text"));
        as(volunteer).body(Map.of("classCode", "0102", "lon", p.lon(), "lat", p.lat(), "text", "x", "source", "patrol")).post("/api/tips").then()
                .statusCode(400).body("message", containsString("unknown field"));
        as(volunteer).body(Map.of("classCode", "9999", "lon", p.lon(), "lat", p.lat(), "text", "x")).post("/api/tips").then().statusCode(400);
        assertTrue(as(volunteer).get("/api/me/tips").then().statusCode(200).extract().jsonPath().getList("items").isEmpty());
    }
}
