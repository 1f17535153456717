package cn.gridmap.field;

import static cn.gridmap.event.EventFixtures.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.event.EventFixtures;
import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/** 警网融合: police beats as their own layer over the grids (N:M), their officers, and the notice of a public-security event. */
@QuarkusTest
class BeatsTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    @Test
    void eachStreetsBeatsTileItAndMeetTheGridsManyToMany() throws Exception {
        JsonPath all = as(AsAdmin.adminToken()).get("/api/beats").then().statusCode(200).contentType("application/geo+json").extract().jsonPath();
        int n = all.getInt("numberMatched");
        assertTrue(n > 0);
        String street = all.getString("features[0].properties.station.code");
        JsonPath mine = as(AsAdmin.adminToken()).queryParam("station", street).get("/api/beats").then().statusCode(200).extract().jsonPath();
        double beats = mine.getList("features.properties.areaSqm", Number.class).stream().mapToDouble(Number::doubleValue).sum();
        double area = Double.parseDouble(EventFixtures.row(owner, "SELECT area_sqm FROM region WHERE code = ? AND generation_high IS NULL", street)[0]);
        assertEquals(area, beats, area * 0.002, "the beats of station " + street + " tile its street");
        assertTrue(mine.getString("features[0].properties.station.name").endsWith("派出所"));
        // N:M: grids covered by more than one beat, and beats covering several grids
        Map<String, Integer> beatsPerGrid = new HashMap<>();
        int multiGridBeats = 0;
        for (List<?> grids : all.getList("features.properties.grids", List.class)) {
            if (grids.size() > 1) {
                multiGridBeats++;
            }
            for (Object g : grids) {
                Map<?, ?> m = (Map<?, ?>) g;
                double share = ((Number) m.get("share")).doubleValue();
                assertTrue(share > 0 && share <= 1.0005, "share " + share);
                beatsPerGrid.merge((String) m.get("code"), 1, Integer::sum);
            }
        }
        assertTrue(multiGridBeats > n / 2, multiGridBeats + " of " + n + " beats cover several grids");
        assertTrue(beatsPerGrid.values().stream().anyMatch(k -> k > 1), "some grid lies in two beats");
    }

    @Test
    void aBeatsOfficerIsThePoliceOfEveryGridItCovers() throws Exception {
        JsonPath b = as(AsAdmin.adminToken()).get("/api/beats/" + firstBeat()).then().statusCode(200).extract().jsonPath();
        String officer = b.getString("properties.officer.username");
        assertTrue(b.getString("properties.officer.name").length() >= 2);
        String grid = b.getString("properties.grids[0].code");
        JsonPath staff = as(AsAdmin.adminToken()).get("/api/regions/" + grid + "/staff").then().statusCode(200).extract().jsonPath();
        assertEquals("police", staff.getString("staff.find { it.username == '" + officer + "' }.duty"));
    }

    @Test
    void aPublicSecurityEventNotifiesTheOfficerOfItsBeatAndOtherClassesDoNot() throws Exception {
        String[] at = EventFixtures.row(owner, "SELECT b.code, b.officer, ST_X(p), ST_Y(p) FROM police_beat b, ST_PointOnSurface(b.geom) p "
                + "WHERE b.district_code = ? AND EXISTS (SELECT 1 FROM region g WHERE g.level = 'grid' AND g.generation_high IS NULL "
                + "AND ST_Covers(g.geom, p) AND ST_Distance(ST_Boundary(g.geom)::geography, p::geography) > 40) ORDER BY b.code DESC LIMIT 1",
                EventFixtures.DISTRICT);
        double lon = Double.parseDouble(at[2]);
        double lat = Double.parseDouble(at[3]);
        long security = as(EventFixtures.hotline()).body(Map.of("classCode", "0505", "lon", lon, "lat", lat, "description", "机动车占用消防通道",
                "source", "hotline12345")).post("/api/events").then().statusCode(201).extract().jsonPath().getLong("id");
        long litter = as(EventFixtures.hotline()).body(Map.of("classCode", "0102", "lon", lon, "lat", lat, "description", "路边垃圾",
                "source", "hotline12345")).post("/api/events").then().statusCode(201).extract().jsonPath().getLong("id");
        String officer = Logins.staff(at[1]);
        JsonPath notices = as(officer).get("/api/me/notices").then().statusCode(200).extract().jsonPath();
        List<Long> events = notices.getList("eventId", Long.class);
        assertTrue(events.contains(security), "notified of " + security + ": " + events);
        assertTrue(!events.contains(litter), "not of " + litter);
        assertEquals(at[0], notices.getString("find { it.eventId == " + security + " }.beatCode"));
        JsonPath log = as(AsAdmin.adminToken()).get("/api/events/" + security + "/log").then().statusCode(200).extract().jsonPath();
        assertEquals(at[1], log.getString("find { it.action == 'notify' }.detail.officer"));
        long id = notices.getLong("find { it.eventId == " + security + " }.id");
        assertNotNull(as(officer).post("/api/me/notices/" + id + "/read").then().statusCode(200).extract().jsonPath().getString("readAt"));
        assertTrue(!as(officer).queryParam("unread", true).get("/api/me/notices").then().statusCode(200).extract().jsonPath()
                .getList("id", Long.class).contains(id));
        String other = Logins.token("officer-elsewhere", List.of("liaison"), List.of("321100"), false);
        as(other).post("/api/me/notices/" + id + "/read").then().statusCode(404);
        as(officer).post("/api/me/notices/first/read").then().statusCode(400);
        as(officer).queryParam("limit", "many").get("/api/me/notices").then().statusCode(400).body("message", containsString("limit"));
    }

    @Test
    void theBeatsAreATileLayerAndAnOgcCollection() throws Exception {
        String token = AsAdmin.adminToken();
        given().header("Authorization", "Bearer " + token).get("/tiles/beats.json").then().statusCode(200)
                .body("vector_layers.id", org.hamcrest.Matchers.hasItem("beats"));
        String[] c = EventFixtures.row(owner, "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM police_beat ORDER BY code LIMIT 1) x");
        int z = 12;
        double lon = Double.parseDouble(c[0]);
        double lat = Double.parseDouble(c[1]);
        long x = (long) Math.floor((lon + 180) / 360 * (1 << z));
        long y = (long) Math.floor((1 - Math.log(Math.tan(Math.toRadians(lat)) + 1 / Math.cos(Math.toRadians(lat))) / Math.PI) / 2 * (1 << z));
        byte[] tile = given().header("Authorization", "Bearer " + token).header("Accept-Encoding", "identity").get("/tiles/beats/" + z + "/" + x
                + "/" + y + ".mvt").then().statusCode(200).extract().asByteArray();
        assertTrue(tile.length > 50, tile.length + " bytes");
        JsonPath items = given().header("Authorization", "Bearer " + token).get("/ogc/collections/beats/items?limit=2&f=json").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(2, items.getList("features").size());
        assertTrue(items.getString("features[0].properties.code").matches("[0-9]{9}-[0-9]{2}"));
    }

    @Test
    void aBadBeatCodeIsA400AndAnUnknownOneA404() {
        String token = AsAdmin.adminToken();
        as(token).get("/api/beats/nope").then().statusCode(400).body("message", containsString("beat code"));
        as(token).get("/api/beats/999999999-99").then().statusCode(404);
        as(token).queryParam("bbox", "1,2,3").get("/api/beats").then().statusCode(400);
        as(token).queryParam("station", "32").get("/api/beats").then().statusCode(400);
    }

    private String firstBeat() throws Exception {
        return EventFixtures.row(owner, "SELECT code FROM police_beat ORDER BY code LIMIT 1")[0];
    }
}
