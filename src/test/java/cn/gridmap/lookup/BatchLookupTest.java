package cn.gridmap.lookup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The streamed batch lookup: every input format, both outputs, inline row errors, and flat memory for 1M rows. */
@QuarkusTest
class BatchLookupTest {
    private static final String INSIDE = "119.455,32.204";
    private String microAtInside;

    @TestHTTPResource("/api/point/batch")
    String batchUrl;

    @org.junit.jupiter.api.BeforeEach
    void microGridAtTheInsidePoint() {
        microAtInside = given().get("/api/point/4326/" + INSIDE).then().statusCode(200).extract().path("regions[5].code");
    }

    private static List<String> lines(String body) {
        return body.lines().toList();
    }

    @Test
    void csvInCsvOutWithInlineErrors() {
        String body = given().contentType("text/csv").accept("text/csv")
                .body("id,x,y\na," + INSIDE + "\nb,abc,32\nc,116.4,39.9\n\"d,1\"," + INSIDE + "\ne,1\n")
                .post("/api/point/batch").then().statusCode(200).contentType(containsString("text/csv")).extract().asString();
        List<String> l = lines(body);
        assertEquals("id,district,street,community,grid,microgrid,error", l.get(0));
        assertEquals(6, l.size());
        assertTrue(l.get(1).startsWith("a,321102,") && l.get(1).endsWith("," + microAtInside + ","), l.get(1));
        assertTrue(l.get(2).startsWith("b,,,,,,") && l.get(2).contains("must be numbers"), l.get(2));
        assertEquals("c,,,,,,", l.get(3), "outside the city: no regions and no error");
        assertTrue(l.get(4).startsWith("\"d,1\",321102,"), l.get(4));
        assertTrue(l.get(5).contains("expected 3 fields"), l.get(5));
    }

    @Test
    void ndjsonInNdjsonOutKeepsIdsAndTheLookupShape() {
        String body = given().contentType("application/x-ndjson").config(io.restassured.RestAssured.config().encoderConfig(
                io.restassured.config.EncoderConfig.encoderConfig().encodeContentTypeAs("application/x-ndjson", io.restassured.http.ContentType.TEXT)))
                .body("{\"id\":\"p1\",\"x\":119.455,\"y\":32.204}\nnot json\n{\"id\":7,\"lon\":116.4,\"lat\":39.9}\n")
                .post("/api/point/batch").then().statusCode(200).contentType(containsString("application/x-ndjson")).extract().asString();
        List<String> l = lines(body);
        assertEquals(3, l.size());
        JsonPath first = new JsonPath(l.get(0));
        assertEquals("p1", first.getString("id"));
        assertEquals(microAtInside, first.getString("regions[5].code"));
        assertEquals("city", first.getString("regions[0].level"));
        assertTrue(new JsonPath(l.get(1)).getString("error").contains("not JSON"));
        assertEquals(0, new JsonPath(l.get(2)).getList("regions").size());
    }

    private static String ndjson(String body, String crs, String accept) {
        return given().contentType("application/x-ndjson").accept(accept).queryParam("crs", crs).config(io.restassured.RestAssured.config()
                .encoderConfig(io.restassured.config.EncoderConfig.encoderConfig().encodeContentTypeAs("application/x-ndjson",
                        io.restassured.http.ContentType.TEXT)))
                .body(body).post("/api/point/batch").then().statusCode(200).extract().asString();
    }

    /**
     * Flat lines take the byte-level path, every other line the JSON parser: a line and its twin with one more key (which
     * the fast path hands over) give the same answer, value for value, in NDJSON and in CSV, in WGS84 and in GCJ-02.
     */
    @Test
    void ndjsonFlatLinesAndTheirParsedTwinsGiveTheSameAnswers() {
        String[] flat = {
            "{\"id\":\"p1\",\"x\":119.455,\"y\":32.204}",
            "  { \"y\" : 32.2040000 , \"x\" : 119.4550 , \"id\" : 17 }  ",
            "{\"id\":\"点位-2\",\"lon\":1.19455e2,\"lat\":32.204}",
            "{\"id\":\"far\",\"lng\":116.4,\"lat\":39.9}",
            "{\"id\":\"a,b\",\"x\":119.455,\"y\":32.204}",
        };
        for (String crs : new String[] {"4326", "gcj02"}) {
            StringBuilder fast = new StringBuilder();
            StringBuilder parsed = new StringBuilder();
            for (String l : flat) {
                fast.append(l).append('\n');
                parsed.append(l.replaceFirst("\\{", "{\"note\":{\"a\":[1]},")).append('\n');
            }
            List<String> a = lines(ndjson(fast.toString(), crs, "application/x-ndjson"));
            List<String> b = lines(ndjson(parsed.toString(), crs, "application/x-ndjson"));
            assertEquals(flat.length, a.size());
            assertEquals(b.size(), a.size());
            for (int i = 0; i < a.size(); i++) {
                JsonPath x = new JsonPath(a.get(i));
                JsonPath y = new JsonPath(b.get(i));
                for (String f : new String[] {"id", "regions", "error"}) {
                    assertEquals((Object) y.get(f), (Object) x.get(f), f + " of line " + (i + 1) + " in " + crs + ": " + a.get(i) + " vs " + b.get(i));
                }
                for (String f : new String[] {"x", "y", "lon", "lat"}) {
                    assertEquals(((Number) y.get(f)).doubleValue(), ((Number) x.get(f)).doubleValue(), 0.0, f + " of line " + (i + 1) + " in " + crs);
                }
            }
            assertEquals("17", new JsonPath(a.get(1)).getString("id"), "a number id is written as a string, as by the parser");
            if (crs.equals("4326")) {
                assertEquals(microAtInside, new JsonPath(a.get(0)).getString("regions[5].code"));
                assertEquals(0, new JsonPath(a.get(3)).getList("regions").size(), "outside the city");
            }
            // CSV out: the same chains, a quoted id where it needs quotes
            List<String> c = lines(ndjson(fast.toString(), crs, "text/csv"));
            List<String> d = lines(ndjson(parsed.toString(), crs, "text/csv"));
            assertEquals(d, c);
            assertTrue(c.get(5).startsWith("\"a,b\","), c.get(5));
        }
    }

    /** Flat lines are looked up in blocks; answers still come in the order of the lines, across blocks and hand-overs. */
    @Test
    void ndjsonAnswersKeepTheOrderOfTheLinesAcrossBlocks() {
        StringBuilder body = new StringBuilder();
        int n = 3 * BatchBlock.BLOCK + 17;
        for (int i = 0; i < n; i++) {
            String extra = i % 101 == 0 ? ",\"note\":[1]" : ""; // every 101st line goes through the parser
            String coords = i % 53 == 0 ? "\"x\":\"bad\",\"y\":1" : "\"x\":" + (119.40 + i * 1e-5) + ",\"y\":32.204";
            body.append("{\"id\":\"n").append(i).append('"').append(extra).append(',').append(coords).append("}\n");
        }
        for (String accept : new String[] {"application/x-ndjson", "text/csv"}) {
            List<String> l = lines(ndjson(body.toString(), "4326", accept));
            boolean csv = accept.equals("text/csv");
            assertEquals(n + (csv ? 1 : 0), l.size());
            for (int i = 0; i < n; i++) {
                String row = l.get(i + (csv ? 1 : 0));
                // read with plain string functions: a JSON parser per row would take longer than the batch
                String id = csv ? row.substring(0, row.indexOf(',')) : row.substring(7, row.indexOf('"', 7));
                assertEquals("n" + i, id, "line " + (i + 1) + " answered in its place (" + accept + "): " + row);
                boolean error = csv ? !row.endsWith(",") : row.contains("\"error\":");
                assertEquals(i % 53 == 0, error, row);
            }
        }
    }

    @Test
    void ndjsonLinesTheFastPathDoesNotTakeAreAnsweredOrExplainedOneByOne() {
        String body = String.join("\n",
                "{\"id\":\"q\\\"1\",\"x\":119.455,\"y\":32.204}", // an escaped quote in the id
                "{\"id\":\"s\",\"x\":\"119.455\",\"y\":32.204}", // a coordinate as a string
                "{\"id\":\"m\",\"x\":119.455}", // no y
                "{\"id\":\"p\",\"x\":+119.455,\"y\":32.204}", // not JSON
                "{\"id\":\"r\",\"x\":519.455,\"y\":32.204}", // not a point
                "   ",
                "[119.455, 32.204]",
                "{\"x\":119.455,\"y\":32.204}") + "\n";
        List<String> l = lines(ndjson(body, "4326", "application/x-ndjson"));
        assertEquals(7, l.size(), String.join("\n", l));
        assertEquals("q\"1", new JsonPath(l.get(0)).getString("id"));
        assertEquals(microAtInside, new JsonPath(l.get(0)).getString("regions[5].code"));
        assertTrue(new JsonPath(l.get(1)).getString("error").contains("needs numeric x and y"), l.get(1));
        assertTrue(new JsonPath(l.get(2)).getString("error").contains("needs numeric x and y"), l.get(2));
        assertTrue(new JsonPath(l.get(3)).getString("error").contains("not JSON"), l.get(3));
        assertTrue(new JsonPath(l.get(4)).getString("error").contains("not a valid point"), l.get(4));
        assertEquals(microAtInside, new JsonPath(l.get(5)).getString("regions[5].code"), "a pair, id = its line");
        assertEquals("7", new JsonPath(l.get(5)).getString("id"));
        assertEquals("8", new JsonPath(l.get(6)).getString("id"), "no id: its line number");
    }

    @Test
    void jsonArrayAndGeoJsonFeatureCollectionsAreRead() {
        String json = given().contentType("application/json").accept("text/csv")
                .body("[[119.455, 32.204], {\"id\": \"q\", \"x\": \"a\", \"y\": 1}, 5]").post("/api/point/batch").then().statusCode(200)
                .extract().asString();
        List<String> l = lines(json);
        assertTrue(l.get(1).startsWith("1,321102,"), l.get(1));
        assertTrue(l.get(2).startsWith("q,,,,,,"), l.get(2));
        assertTrue(l.get(3).contains("expected an object"), l.get(3));
        String geo = given().contentType("application/geo+json").accept("text/csv").body("""
                {"type":"FeatureCollection","features":[
                  {"type":"Feature","id":"f1","geometry":{"type":"Point","coordinates":[119.455,32.204]},"properties":{}},
                  {"type":"Feature","properties":{"id":"p2"},"geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}}]}""")
                .post("/api/point/batch").then().statusCode(200).extract().asString();
        assertTrue(lines(geo).get(1).startsWith("f1,321102,"), geo);
        assertTrue(lines(geo).get(2).startsWith("p2,,,,,,") && geo.contains("must be a Point"), geo);
    }

    @Test
    void otherCoordinateSystemsAreConvertedPerRow() {
        double[] g = cn.gridmap.geo.ChinaOffsets.wgs84ToGcj02(119.455, 32.204);
        String body = given().contentType("text/csv").accept("text/csv").queryParam("crs", "gcj02").body("id,x,y\n1," + g[0] + "," + g[1] + "\n")
                .post("/api/point/batch").then().statusCode(200).extract().asString();
        assertTrue(lines(body).get(1).endsWith("," + microAtInside + ","), body);
    }

    @Test
    void structuralProblemsAre4xxBeforeAnyOutput() {
        given().contentType("text/plain").body("x").post("/api/point/batch").then().statusCode(415).body("message", containsString("Content-Type"));
        given().contentType("application/json").body("{\"a\":1}").post("/api/point/batch").then().statusCode(400)
                .body("message", containsString("array"));
        given().contentType("text/csv").body("foo,bar\n1,2\n").post("/api/point/batch").then().statusCode(400)
                .body("message", containsString("id,x,y"));
        given().contentType("text/csv").queryParam("crs", "9999").body("id,x,y\n").post("/api/point/batch").then().statusCode(400)
                .body("message", containsString("unsupported crs"));
    }

    /**
     * 1,000,000 generated rows (~30 MB) stream in and out over a plain socket. The client sends the first half, then
     * stops sending until the answers for those rows have come back: a server that read the whole body before
     * answering would never answer, and the test would fail on the timeout instead of hanging. The heap held
     * mid-stream is printed for the record (other tests' background work makes it too noisy to assert).
     */
    @Test
    void aMillionRowsStreamThroughAnswersBeforeTheBodyEnds() throws Exception {
        int rows = 1_000_000;
        int pauseAt = rows / 2;
        int answersBeforeResuming = rows * 2 / 5;
        URI uri = URI.create(batchUrl);
        var heap = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = heap.getHeapMemoryUsage().getUsed();
        var answered = new java.util.concurrent.CountDownLatch(1);
        var waitedInVain = new java.util.concurrent.atomic.AtomicBoolean();
        String token = cn.gridmap.security.AsAdmin.adminToken();
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            Thread writer = new Thread(() -> {
                try {
                    OutputStream os = new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16);
                    os.write(("POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nContent-Type: text/csv\r\n"
                            + "Accept: text/csv\r\nTransfer-Encoding: chunked\r\nConnection: close\r\nAuthorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    Random rnd = new Random(7);
                    StringBuilder chunk = new StringBuilder("id,x,y\n");
                    for (int i = 0; i < rows; i++) {
                        chunk.append(i).append(',').append(119.0 + rnd.nextDouble() * 0.9).append(',').append(31.7 + rnd.nextDouble() * 0.6).append('\n');
                        if (chunk.length() > 16_000 || i == rows - 1 || i == pauseAt - 1) {
                            byte[] b = chunk.toString().getBytes(StandardCharsets.US_ASCII);
                            os.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                            os.write(b);
                            os.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                            chunk.setLength(0);
                        }
                        if (i == pauseAt - 1) {
                            os.flush();
                            waitedInVain.set(!answered.await(60, java.util.concurrent.TimeUnit.SECONDS));
                        }
                    }
                    os.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    os.flush();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16);
            String status = readLine(in);
            assertTrue(status.startsWith("HTTP/1.1 200"), status);
            while (!readLine(in).isEmpty()) {
                // headers
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(new ChunkedInputStream(in), StandardCharsets.UTF_8));
            long lines = 0;
            long inside = 0;
            String line;
            while ((line = r.readLine()) != null) {
                lines++;
                if (!line.contains(",,,,,,")) {
                    inside++;
                }
                if (lines == answersBeforeResuming + 1) {
                    answered.countDown();
                }
                if (lines % (rows / 4) == 0) {
                    System.gc();
                    long used = heap.getHeapMemoryUsage().getUsed();
                    System.out.printf("batch: after %d rows the heap holds %+d KB more than before%n", lines, (used - before) / 1024);
                }
            }
            writer.join();
            assertFalse(waitedInVain.get(), "no answers for the first " + pauseAt + " rows within 60 s while the body was unfinished: the batch is being buffered");
            assertEquals(rows + 1, lines, "one output line per input row plus the header");
            assertTrue(inside > rows / 2, inside + " rows inside the city");
        }
    }

    private static String readLine(InputStream in) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /** Decodes an HTTP/1.1 chunked body. */
    private static final class ChunkedInputStream extends InputStream {
        private final InputStream in;
        private int left;
        private boolean done;

        ChunkedInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws java.io.IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = readLine(in).trim();
                if (size.isEmpty()) {
                    size = readLine(in).trim();
                }
                left = Integer.parseInt(size.split(";")[0], 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
