package cn.gridmap.event;

import static cn.gridmap.event.EventFixtures.as;
import static cn.gridmap.event.EventFixtures.count;
import static cn.gridmap.event.EventFixtures.hotline;
import static cn.gridmap.event.EventFixtures.place;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.event.EventFixtures.Place;
import cn.gridmap.geo.ChinaOffsets;
import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/** POST /api/events: a place in any CRS or an address; every bad request a 400 with its reason and nothing stored. */
@QuarkusTest
class EventIntakeTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    private Map<String, Object> body(Place p) {
        Map<String, Object> b = new HashMap<>(Map.of("classCode", "0102", "lon", p.lon(), "lat", p.lat(), "description", "垃圾", "source", "patrol"));
        return b;
    }

    @Test
    void aGcj02PointFromAnAmapPhoneLandsInTheSameGridAsItsWgs84() throws Exception {
        Place p = place(owner, 20, 60);
        double[] gcj = ChinaOffsets.wgs84ToGcj02(p.lon(), p.lat());
        Map<String, Object> b = body(p);
        b.put("lon", gcj[0]);
        b.put("lat", gcj[1]);
        b.put("crs", "gcj02");
        as(hotline()).body(b).post("/api/events").then().statusCode(201).body("gridCode", equalTo(p.grid()));
    }

    @Test
    void anAddressIsGeocodedIntoItsGrid() throws Exception {
        String[] a = EventFixtures.row(owner, "SELECT b.address, h.microgrid_code FROM building b JOIN house h ON h.building_id = b.id "
                + "WHERE b.district_code = ? ORDER BY b.id LIMIT 1", EventFixtures.DISTRICT);
        Map<String, Object> b = Map.of("classCode", "0601", "address", a[0], "description", "噪音", "source", "citizen");
        as(hotline()).body(b).post("/api/events").then().statusCode(201).body("gridCode", equalTo(a[1].substring(0, 15)));
        as(hotline()).body(Map.of("classCode", "0601", "address", "火星市不存在路1号", "description", "噪音", "source", "citizen"))
                .post("/api/events").then().statusCode(400).body("message", containsString("could not be placed"));
    }

    @Test
    void badReportsAre400WithTheReasonAndStoreNothing() throws Exception {
        Place p = place(owner, 21, 60);
        long before = count(owner, "SELECT count(*) FROM event");
        Object[][] cases = {
            {"classCode", null, "classCode is required"},
            {"classCode", "9999", "unknown classCode"},
            {"classCode", 102, "classCode must be a string"},
            {"description", null, "description is required"},
            {"description", "字".repeat(4001), "longer than 4000"},
            {"source", "fax", "source must be one of"},
            {"lon", null, "send both lon and lat"},
            {"lat", 95.0, "lat"},
            {"lon", 121.5, "outside the city"},
            {"crs", "EPSG:9999", "crs"},
            {"accuracyMeters", -3, "accuracyMeters"},
            {"urgency", "asap", "urgency must be"},
            {"colour", "red", "unknown field 'colour'"},
        };
        for (Object[] c : cases) {
            Map<String, Object> b = body(p);
            if (c[1] == null) {
                b.remove(c[0]);
            } else {
                b.put((String) c[0], c[1]);
            }
            as(hotline()).body(b).post("/api/events").then().log().ifValidationFails().statusCode(400)
                    .body("message", containsString((String) c[2]));
        }
        Map<String, Object> none = body(p);
        none.remove("lon");
        none.remove("lat");
        as(hotline()).body(none).post("/api/events").then().statusCode(400).body("message", containsString("a place is required"));
        as(hotline()).body("[]").post("/api/events").then().statusCode(400);
        as(hotline()).body("{not json").post("/api/events").then().statusCode(400);
        assertEquals(before, count(owner, "SELECT count(*) FROM event"), "no bad report is stored");
    }

    @Test
    void aReporterFilesOnlyInsideHerScopeAndAnAnalystFilesNothing() throws Exception {
        Place p = place(owner, 22, 60);
        String elsewhere = Logins.token("liaison-321183", List.of(Roles.LIAISON), List.of("321183"), false);
        as(elsewhere).body(body(p)).post("/api/events").then().statusCode(403).body("message", containsString("outside your scope"));
        String analyst = Logins.token("analyst-intake", List.of(Roles.ANALYST), List.of("321100"), false);
        as(analyst).body(body(p)).post("/api/events").then().statusCode(403);
        String liaison = Logins.token("liaison-" + p.grid(), List.of(Roles.LIAISON), List.of(p.grid()), false);
        as(liaison).body(body(p)).post("/api/events").then().statusCode(201).body("state", equalTo("reported"));
    }
}
