package cn.gridmap.field;

import static cn.gridmap.event.EventFixtures.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.event.EventFixtures;
import cn.gridmap.event.EventFixtures.Place;
import cn.gridmap.security.Logins;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;

/** Photos from the field: checked by their bytes, placed where they were taken, seen inside the area scope only. */
@QuarkusTest
class PhotoTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    private static Response upload(String token, byte[] bytes, String type, Place p) {
        return given().header("Authorization", "Bearer " + token).contentType(type).body(bytes).queryParam("lon", p.lon())
                .queryParam("lat", p.lat()).post("/api/files");
    }

    @Test
    void aJpegTakenInMyGridIsStoredWithItsSizeAndServedBackByteForByte() throws Exception {
        Place p = EventFixtures.place(owner, 60, 40);
        String worker = EventFixtures.workerOf(p);
        byte[] jpeg = Pictures.jpeg(640, 480, 1);
        JsonPath r = upload(worker, jpeg, "image/jpeg", p).then().statusCode(201).extract().jsonPath();
        long id = r.getLong("id");
        assertEquals("file:" + id, r.getString("ref"));
        assertEquals("image/jpeg", r.getString("contentType"));
        assertEquals(640, r.getInt("width"));
        assertEquals(480, r.getInt("height"));
        assertEquals(jpeg.length, r.getInt("sizeBytes"));
        assertTrue(r.getString("microgridCode").startsWith(p.grid()));
        Response got = given().header("Authorization", "Bearer " + worker).get("/api/files/" + id);
        assertEquals(200, got.statusCode());
        assertEquals("image/jpeg", got.contentType());
        assertArrayEquals(jpeg, got.asByteArray());
    }

    @Test
    void theSamePictureSentTwiceIsOneFile() throws Exception {
        Place p = EventFixtures.place(owner, 60, 40);
        String worker = EventFixtures.workerOf(p);
        byte[] png = Pictures.png(200, 100, 2);
        long first = upload(worker, png, "image/png", p).then().statusCode(201).extract().jsonPath().getLong("id");
        JsonPath again = upload(worker, png, "image/png", p).then().statusCode(200).extract().jsonPath();
        assertEquals(first, again.getLong("id"));
        assertEquals(1, EventFixtures.count(owner, "SELECT count(*) FROM field_file WHERE id = ? OR sha256 = ?", first, again.getString("sha256")));
    }

    @Test
    void bytesThatAreNoPictureAreRefusedWhateverTheyAreCalled() throws Exception {
        Place p = EventFixtures.place(owner, 60, 40);
        String worker = EventFixtures.workerOf(p);
        upload(worker, "<html>not a photo</html>".getBytes(), "image/jpeg", p).then().statusCode(415)
                .body("message", containsString("neither"));
        upload(worker, Pictures.png(20, 20, 3), "image/jpeg", p).then().statusCode(415).body("message", containsString("image/png"));
    }

    @Test
    void aDamagedJpegIsA400() throws Exception {
        Place p = EventFixtures.place(owner, 60, 40);
        byte[] jpeg = Pictures.jpeg(100, 100, 4);
        upload(EventFixtures.workerOf(p), Arrays.copyOf(jpeg, 40), "image/jpeg", p).then().statusCode(400)
                .body("message", containsString("damaged"));
    }

    @Test
    void aPictureLargerThanTheLimitIsA413AndNothingIsStored() throws Exception {
        Place p = EventFixtures.place(owner, 60, 40);
        byte[] big = Arrays.copyOf(Pictures.jpeg(100, 100, 5), 5 * 1024 * 1024 + 1);
        long before = EventFixtures.count(owner, "SELECT count(*) FROM field_file");
        upload(EventFixtures.workerOf(p), big, "image/jpeg", p).then().statusCode(413).body("message", containsString("5242880"));
        assertEquals(before, EventFixtures.count(owner, "SELECT count(*) FROM field_file"));
    }

    @Test
    void aPhotoNeedsAPlaceInsideTheCityAndInsideMyScope() throws Exception {
        Place p = EventFixtures.place(owner, 60, 40);
        String worker = EventFixtures.workerOf(p);
        byte[] jpeg = Pictures.jpeg(50, 50, 6);
        given().header("Authorization", "Bearer " + worker).contentType("image/jpeg").body(jpeg).post("/api/files").then().statusCode(400)
                .body("message", containsString("lon="));
        upload(worker, jpeg, "image/jpeg", new Place(p.grid(), 100.0, 20.0)).then().statusCode(400).body("message", containsString("outside the city"));
        Place elsewhere = EventFixtures.placeOutside(owner, p.street());
        upload(worker, jpeg, "image/jpeg", elsewhere).then().statusCode(403).body("message", containsString("outside your scope"));
    }

    @Test
    void aPhotoTakenOutsideMyScopeIsNotFoundForMe() throws Exception {
        Place p = EventFixtures.place(owner, 61, 40);
        Place other = EventFixtures.placeOutside(owner, p.street());
        String dispatcher = Logins.token("photo-district-dispatcher", java.util.List.of("dispatcher"), java.util.List.of(EventFixtures.DISTRICT), false);
        long id = upload(dispatcher, Pictures.jpeg(60, 60, 7), "image/jpeg", other).then().statusCode(201).extract().jsonPath().getLong("id");
        given().header("Authorization", "Bearer " + EventFixtures.workerOf(p)).get("/api/files/" + id).then().statusCode(404);
        given().header("Authorization", "Bearer " + dispatcher).get("/api/files/" + id).then().statusCode(200);
        given().header("Authorization", "Bearer " + dispatcher).get("/api/files/photo").then().statusCode(400).body("message", containsString("number"));
    }

    @Test
    void anEventHandledWithAPhotoKeepsItsReferenceAndAnUnknownOneIsRefused() throws Exception {
        Place p = EventFixtures.place(owner, 62, 40);
        String worker = EventFixtures.workerOf(p);
        long event = EventFixtures.report(EventFixtures.hotline(), "0602", p, "楼上漏水，邻里纠纷").jsonPath().getLong("id");
        String dispatcher = EventFixtures.dispatcherOf(p);
        EventFixtures.ok(dispatcher, event, Map.of("action", "register"));
        EventFixtures.ok(dispatcher, event, Map.of("action", "dispatch"));
        EventFixtures.ok(worker, event, Map.of("action", "accept"));
        String ref = upload(worker, Pictures.jpeg(320, 240, 8), "image/jpeg", p).then().statusCode(201).extract().jsonPath().getString("ref");
        EventFixtures.act(worker, event, Map.of("action", "handle", "note", "已调解", "attachment", "file:999999999")).then().statusCode(400)
                .body("message", containsString("file:999999999"));
        EventFixtures.ok(worker, event, Map.of("action", "handle", "note", "已调解，双方签字", "attachment", ref));
        JsonPath log = as(worker).get("/api/events/" + event + "/log").then().statusCode(200).extract().jsonPath();
        assertEquals(ref, log.getString("find { it.action == 'handle' }.attachment"));
    }
}
