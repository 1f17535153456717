package cn.gridmap.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import cn.gridmap.geo.TileMath;
import io.quarkus.test.junit.QuarkusTest;

/** Prometheus metrics at /q/metrics: what each capability counts, labelled by route templates and kinds only. */
@QuarkusTest
class MetricsTest {
    private static final double LON = 119.4550;
    private static final double LAT = 32.2040;

    static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The sum of the samples of a metric whose labels contain every given label text (e.g. {@code engine="memory"}). */
    static double value(String text, String name, String... labels) {
        double sum = 0;
        boolean found = false;
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{.*\\})? ([-+0-9.eE]+|NaN)$").matcher(text);
        while (m.find()) {
            String l = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String want : labels) {
                all &= l.contains(want);
            }
            if (all) {
                sum += Double.parseDouble(m.group(2));
                found = true;
            }
        }
        assertTrue(found, name + " " + String.join(",", labels) + " is in /q/metrics; its lines: "
                + text.lines().filter(x -> x.startsWith(name)).limit(12).toList());
        return sum;
    }

    @Test
    void lookupsAreCountedPerEngineAndTimedPerRouteTemplate() {
        given().get("/api/point/4326/" + LON + "," + LAT).then().statusCode(200); // the counters exist from the first lookup
        given().queryParam("engine", "postgis").get("/api/point/4326/" + LON + "," + LAT).then().statusCode(200);
        String before = metrics();
        double memory = value(before, "gridmap_lookups_total", "engine=\"memory\"");
        double postgis = value(before, "gridmap_lookups_total", "engine=\"postgis\"");
        for (int i = 0; i < 3; i++) {
            given().get("/api/point/4326/" + LON + "," + (LAT + i * 1e-4)).then().statusCode(200);
        }
        given().queryParam("engine", "postgis").get("/api/point/4326/" + LON + "," + LAT).then().statusCode(200);
        given().contentType("text/csv").body("id,x,y\n1,119.455,32.204\n").post("/api/point/batch").then().statusCode(200);
        String after = metrics();
        assertEquals(memory + 3, value(after, "gridmap_lookups_total", "engine=\"memory\""));
        assertEquals(postgis + 1, value(after, "gridmap_lookups_total", "engine=\"postgis\""));
        assertTrue(value(after, "gridmap_lookup_batches_total", "format=\"csv\"") >= 1);
        assertTrue(value(after, "http_server_requests_seconds_count", "uri=\"/api/point/{crs}/{coords}\"", "status=\"200\"") >= 4,
                "timed under the route template");
        assertFalse(after.contains("119.455"), "no coordinates in any label");
    }

    @Test
    void theIndexTheTileCachesImportsAndThePoolAreThere() {
        long[] t = TileMath.tileOf(13, LON, LAT);
        String tile = "/tiles/grid,community/13/" + t[0] + "/" + t[1] + ".mvt";
        String before = metrics();
        double hits = value(before, "cache_gets_total", "cache=\"tiles_sent\"", "result=\"hit\"");
        given().header("Accept-Encoding", "gzip").get(tile).then().statusCode(200);
        given().header("Accept-Encoding", "gzip").get(tile).then().statusCode(200).header("X-Cache", "HIT");
        given().contentType("text/csv").body("external_id,class_code,state,x,y\nMETRICS-C1,0101,完好," + LON + "," + LAT + "\nMETRICS-C2,9999,完好," + LON + "," + LAT + "\n")
                .queryParam("kind", "components").queryParam("wait", "true").post("/api/import").then().statusCode(200);
        String after = metrics();
        assertTrue(value(after, "cache_gets_total", "cache=\"tiles_sent\"", "result=\"hit\"") >= hits + 1, "a hit of the sent tiles");
        assertTrue(value(after, "gridmap_tiles_cache_bytes", "cache=\"tiles_sent\"") > 0, "the bytes of the tiles kept as sent");
        assertTrue(value(after, "gridmap_lookup_index_version") > 0);
        assertTrue(value(after, "gridmap_lookup_index_microgrids") > 25_000);
        assertTrue(value(after, "gridmap_lookup_index_rebuild_seconds_count") >= 1, "the index build is timed");
        assertTrue(value(after, "gridmap_import_rows_total", "kind=\"components\"", "outcome=\"rejected\"") >= 1);
        assertTrue(value(after, "gridmap_imports_total", "kind=\"components\"") >= 1);
        assertTrue(value(after, "agroal_active_count") >= 0, "the database pool");
        assertTrue(value(after, "jvm_memory_used_bytes") > 0);
    }

    @Test
    void noPersonalDataOrSearchTermInAnyMetric() {
        String id = "321102199001011234";
        String phone = "13912345678";
        given().queryParam("idNumber", id).get("/api/people").then().statusCode(200);
        given().queryParam("phone", phone).queryParam("name", "张三丰").get("/api/people").then().statusCode(200);
        given().get("/api/people/" + id).then().statusCode(404);
        given().queryParam("q", "京口区福寿路1号谷阳家园3幢").get("/api/geocode").then().statusCode(200);
        given().queryParam("q", "贺家弄").get("/api/regions/search").then().statusCode(200);
        given().get("/api/regions/321102001001").then().statusCode(200);
        String text = metrics();
        for (String secret : new String[] {id, phone, "张三丰", "谷阳家园", "贺家弄", "321102001001"}) {
            assertFalse(text.contains(secret), "'" + secret + "' appears in /q/metrics");
        }
        assertTrue(value(text, "http_server_requests_seconds_count", "uri=\"/api/people\"") >= 2);
        assertTrue(value(text, "http_server_requests_seconds_count", "uri=\"/api/regions/{code}\"") >= 1);
    }
}
