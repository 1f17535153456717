package cn.gridmap.edit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;

/**
 * R1: hostile and broken operations — bowties, degenerate lines, NaN and Infinity, swapped axes, projected metres
 * given as degrees, a million vertices, deeply nested JSON, wrong types, codes of other levels, retired and unknown
 * codes. Every one is a 4xx with its reason (a geometry problem says where), none is stored, none is a 5xx.
 */
@QuarkusTest
class MalformedOpsTest {
    private static final String DISTRICT = "321183";

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource dataSource;

    private String planner;

    @BeforeEach
    void aPlanner() {
        AsAdmin.off();
        planner = Logins.token("r1-planner", List.of(Roles.PLANNER), List.of(DISTRICT), false);
    }

    /** One hostile request: a name, the body, and whether a 422 must say where (a geometry problem). */
    private record Case(String name, String body, boolean located) {
    }

    @Test
    void everyMalformedOperationIsA4xxWithItsReasonAndNothingIsStored() throws Exception {
        String[] pair = EditFixtures.row(dataSource, "SELECT a.code, b.code, a.parent_code FROM region a JOIN region b ON b.parent_code = a.parent_code "
                + "AND b.code > a.code WHERE a.level = 'microgrid' AND a.generation_high IS NULL AND b.generation_high IS NULL AND a.code LIKE ? "
                + "AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))::geography) > 60 ORDER BY a.code OFFSET 50 LIMIT 1",
                DISTRICT + "%");
        String a = pair[0];
        String b = pair[1];
        String grid = pair[2];
        String[] inside = EditFixtures.row(dataSource, "SELECT ST_X(p), ST_Y(p), ST_XMin(g), ST_XMax(g), ST_YMin(g), ST_YMax(g) FROM (SELECT "
                + "ST_PointOnSurface(geom) p, geom g FROM region WHERE code = ? AND generation_high IS NULL) x", a);
        double x = Double.parseDouble(inside[0]);
        double y = Double.parseDouble(inside[1]);
        String far = EditFixtures.row(dataSource, "SELECT code FROM region WHERE level = 'microgrid' AND generation_high IS NULL AND code LIKE ? "
                + "AND NOT ST_DWithin(geom, (SELECT geom FROM region WHERE code = ? AND generation_high IS NULL), 0.01) ORDER BY code LIMIT 1",
                DISTRICT + "%", a)[0];
        String street = a.substring(0, 9);
        String community = a.substring(0, 12);
        String retiredEver = "321183999999999999";

        long id = given().header("Authorization", "Bearer " + planner).contentType(ContentType.JSON).body(Map.of("title", "R1"))
                .post("/api/changesets").then().statusCode(201).extract().jsonPath().getLong("id");
        // a retired code of this draft: merged away at revision 1; everything below is sent at revision 1
        op(id, "{\"revision\":0,\"op\":\"merge\",\"codes\":[\"" + a + "\",\"" + b + "\"],\"keep\":\"" + a + "\"}").then().statusCode(200);
        String c1 = EditFixtures.row(dataSource, "SELECT code FROM region WHERE parent_code = ? AND generation_high IS NULL AND code NOT IN (?, ?) "
                + "ORDER BY code LIMIT 1", grid, a, b)[0];

        List<String> lines = new ArrayList<>(); // hostile lines, each as GeoJSON
        Map<String, Boolean> located = new LinkedHashMap<>();
        lineVariants(x, y, lines, located);
        List<Case> cases = new ArrayList<>();
        for (String line : lines) {
            boolean loc = located.get(line);
            cases.add(new Case("split " + line, "{\"revision\":1,\"op\":\"split\",\"code\":\"" + c1 + "\",\"line\":" + line + "}", loc));
            cases.add(new Case("create " + line, "{\"revision\":1,\"op\":\"createMicrogrids\",\"grid\":\"" + grid + "\",\"lines\":[" + line + "]}", loc));
            cases.add(new Case("reshape " + line, "{\"revision\":1,\"op\":\"reshapeEdge\",\"a\":\"" + a + "\",\"b\":\"" + c1 + "\",\"line\":" + line + "}",
                    false));
        }
        // wrong types in every field of every operation
        String[] junk = {"null", "true", "42", "-1.5", "\"\"", "\"   \"", "[]", "{}", "\"abc\"", "[\"" + a + "\"]", "\"" + "9".repeat(40) + "\""};
        for (String j : junk) {
            cases.add(new Case("revision " + j, "{\"revision\":" + j + ",\"op\":\"rename\",\"code\":\"" + c1 + "\",\"name\":\"x\"}", false));
            cases.add(new Case("op " + j, "{\"revision\":1,\"op\":" + j + "}", false));
            cases.add(new Case("split code " + j, "{\"revision\":1,\"op\":\"split\",\"code\":" + j + ",\"line\":" + lines.get(0) + "}", false));
            cases.add(new Case("merge codes " + j, "{\"revision\":1,\"op\":\"merge\",\"codes\":" + j + ",\"keep\":\"" + c1 + "\"}", false));
            cases.add(new Case("move toGrid " + j, "{\"revision\":1,\"op\":\"moveMicrogrids\",\"codes\":[\"" + c1 + "\"],\"toGrid\":" + j + "}", false));
            cases.add(new Case("create lines " + j, "{\"revision\":1,\"op\":\"createMicrogrids\",\"grid\":\"" + grid + "\",\"lines\":" + j + "}", false));
            if (!j.startsWith("\"") || j.isBlank() || j.trim().equals("\"   \"") || j.equals("\"\"")) { // other text is a fine name
                cases.add(new Case("rename name " + j, "{\"revision\":1,\"op\":\"rename\",\"code\":\"" + c1 + "\",\"name\":" + j + "}", false));
            }
            cases.add(new Case("reshape a " + j, "{\"revision\":1,\"op\":\"reshapeEdge\",\"a\":" + j + ",\"b\":\"" + c1 + "\",\"line\":" + lines.get(0) + "}",
                    false));
            cases.add(new Case("line " + j, "{\"revision\":1,\"op\":\"split\",\"code\":\"" + c1 + "\",\"line\":" + j + "}", false));
            cases.add(new Case("reshape b " + j, "{\"revision\":1,\"op\":\"reshapeEdge\",\"a\":\"" + c1 + "\",\"b\":" + j + ",\"line\":" + lines.get(0) + "}",
                    false));
            cases.add(new Case("create grid " + j, "{\"revision\":1,\"op\":\"createMicrogrids\",\"grid\":" + j + ",\"lines\":[" + lines.get(0) + "]}", false));
            cases.add(new Case("merge keep " + j, "{\"revision\":1,\"op\":\"merge\",\"codes\":[\"" + c1 + "\",\"" + b + "\"],\"keep\":" + j + "}", false));
            cases.add(new Case("rename code " + j, "{\"revision\":1,\"op\":\"rename\",\"code\":" + j + ",\"name\":\"x\"}", false));
        }
        // codes of other levels, unknown, retired, outside the planner's scope
        cases.add(new Case("split a grid far away", "{\"revision\":1,\"op\":\"split\",\"code\":\"" + grid + "\",\"line\":{\"type\":\"LineString\","
                + "\"coordinates\":[[116.39,39.9],[116.40,39.91]]}}", true));
        cases.add(new Case("move a grid", "{\"revision\":1,\"op\":\"moveMicrogrids\",\"codes\":[\"" + grid + "\"],\"toGrid\":\"" + grid + "\"}", false));
        for (String code : new String[] {"321100", DISTRICT, street, community, a + "0", "321183", retiredEver, b, "000000000000000000",
                "32118300100100100x", "３２１１８３"}) {
            cases.add(new Case("split " + code, "{\"revision\":1,\"op\":\"split\",\"code\":\"" + code + "\",\"line\":" + lineAcross(x, y) + "}", false));
            cases.add(new Case("move to " + code, "{\"revision\":1,\"op\":\"moveMicrogrids\",\"codes\":[\"" + c1 + "\"],\"toGrid\":\"" + code + "\"}", false));
            cases.add(new Case("move " + code, "{\"revision\":1,\"op\":\"moveMicrogrids\",\"codes\":[\"" + code + "\"],\"toGrid\":\"" + grid + "\"}", false));
            cases.add(new Case("merge " + code, "{\"revision\":1,\"op\":\"merge\",\"codes\":[\"" + c1 + "\",\"" + code + "\"],\"keep\":\"" + c1 + "\"}", false));
            cases.add(new Case("create in " + code, "{\"revision\":1,\"op\":\"createMicrogrids\",\"grid\":\"" + code + "\",\"lines\":[" + lineAcross(x, y) + "]}",
                    false));
        }
        // shapes of the operations themselves
        String ok = lineAcross(x, y);
        cases.add(new Case("reshape same", "{\"revision\":1,\"op\":\"reshapeEdge\",\"a\":\"" + c1 + "\",\"b\":\"" + c1 + "\",\"line\":" + ok + "}", false));
        cases.add(new Case("reshape far apart", "{\"revision\":1,\"op\":\"reshapeEdge\",\"a\":\"" + c1 + "\",\"b\":\"" + far + "\",\"line\":" + ok + "}", true));
        cases.add(new Case("reshape levels", "{\"revision\":1,\"op\":\"reshapeEdge\",\"a\":\"" + c1 + "\",\"b\":\"" + grid + "\",\"line\":" + ok + "}", false));
        cases.add(new Case("reshape streets", "{\"revision\":1,\"op\":\"reshapeEdge\",\"a\":\"" + street + "\",\"b\":\"" + street.substring(0, 6) + "002"
                + "\",\"line\":" + ok + "}", false));
        cases.add(new Case("merge one", "{\"revision\":1,\"op\":\"merge\",\"codes\":[\"" + c1 + "\"],\"keep\":\"" + c1 + "\"}", false));
        cases.add(new Case("merge twice", "{\"revision\":1,\"op\":\"merge\",\"codes\":[\"" + c1 + "\",\"" + c1 + "\"],\"keep\":\"" + c1 + "\"}", false));
        cases.add(new Case("merge apart", "{\"revision\":1,\"op\":\"merge\",\"codes\":[\"" + c1 + "\",\"" + far + "\"],\"keep\":\"" + c1 + "\"}", false));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 201; i++) {
            many.append(i == 0 ? "" : ",").append('"').append(grid).append(String.format("%03d", i % 999 + 1)).append('"');
        }
        cases.add(new Case("merge 201", "{\"revision\":1,\"op\":\"merge\",\"codes\":[" + many + "],\"keep\":\"" + c1 + "\"}", false));
        cases.add(new Case("move into own grid", "{\"revision\":1,\"op\":\"moveMicrogrids\",\"codes\":[\"" + c1 + "\"],\"toGrid\":\"" + grid + "\"}", false));
        cases.add(new Case("create 51 lines", "{\"revision\":1,\"op\":\"createMicrogrids\",\"grid\":\"" + grid + "\",\"lines\":[" + String.join(",",
                java.util.Collections.nCopies(51, ok)) + "]}", false));
        cases.add(new Case("rename long", "{\"revision\":1,\"op\":\"rename\",\"code\":\"" + c1 + "\",\"name\":\"" + "名".repeat(61) + "\"}", false));
        cases.add(new Case("rename control", "{\"revision\":1,\"op\":\"rename\",\"code\":\"" + c1 + "\",\"name\":\"a\\u0000b\"}", false));
        cases.add(new Case("rename district", "{\"revision\":1,\"op\":\"rename\",\"code\":\"" + DISTRICT + "\",\"name\":\"新名\"}", false));
        cases.add(new Case("stale revision", "{\"revision\":0,\"op\":\"rename\",\"code\":\"" + c1 + "\",\"name\":\"x\"}", false));
        cases.add(new Case("future revision", "{\"revision\":99,\"op\":\"rename\",\"code\":\"" + c1 + "\",\"name\":\"x\"}", false));
        // not operations at all
        for (String body : new String[] {"", "not json", "[]", "null", "42", "\"rename\"", "{", "{\"revision\":1,", "{\"revision\":1,\"op\":\"rename\"}",
                "{\"revision\":1,\"op\":\"rename\",\"code\":\"" + c1 + "\",\"name\":\"x\"" + "}".repeat(3),
                "{\"revision\":NaN,\"op\":\"rename\"}", "{\"revision\":1,\"op\":\"split\",\"code\":\"" + c1 + "\",\"line\":{\"type\":\"LineString\","
                        + "\"coordinates\":[[NaN,1],[2,Infinity]]}}"}) {
            cases.add(new Case("body " + body, body, false));
        }
        cases.add(new Case("nested 5000", "{\"revision\":1,\"op\":\"split\",\"code\":\"" + c1 + "\",\"line\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
                false));
        cases.add(new Case("nested objects", "{\"revision\":1,\"op\":\"split\",\"code\":\"" + c1 + "\",\"line\":" + "{\"a\":".repeat(3000) + "1"
                + "}".repeat(3000) + "}", false));
        cases.add(new Case("20k vertices", "{\"revision\":1,\"op\":\"split\",\"code\":\"" + c1 + "\",\"line\":" + zigzag(x, y, 20_000) + "}", false));
        cases.add(new Case("1M vertices", "{\"revision\":1,\"op\":\"split\",\"code\":\"" + c1 + "\",\"line\":" + zigzag(x, y, 1_000_000) + "}", false));

        assertTrue(cases.size() >= 300, cases.size() + " cases");
        List<String> wrong = new ArrayList<>();
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        for (Case c : cases) {
            Response r = given().header("Authorization", "Bearer " + planner).contentType(ContentType.JSON).body(c.body())
                    .post("/api/changesets/" + id + "/ops");
            int s = r.statusCode();
            statuses.merge(s, 1, Integer::sum);
            String text = r.asString();
            if (s < 400 || s >= 500 || !(text.contains("\"message\"") || text.contains("\"issues\""))) {
                wrong.add(s + " " + abbreviate(c.name()) + " → " + abbreviate(text));
            } else if (c.located() && s == 422 && text.contains("\"location\":null")) {
                wrong.add("no location: " + abbreviate(c.name()) + " → " + abbreviate(text));
            }
        }
        System.out.printf("R1: %d malformed operations, statuses %s%n", cases.size(), statuses);
        assertEquals(List.of(), wrong);
        // nothing was stored: still the one merge of revision 1
        given().header("Authorization", "Bearer " + planner).get("/api/changesets/" + id).then().statusCode(200).body("revision", equalTo(1))
                .body("ops.size()", equalTo(1));
        assertEquals("2", EditFixtures.row(dataSource, "SELECT count(*) FROM change_set_region WHERE change_set_id = ?", id)[0]);
        assertTrue(Set.of(400, 403, 404, 409, 413, 422).containsAll(statuses.keySet()), statuses.toString());
    }

    private Response op(long id, String body) {
        return given().header("Authorization", "Bearer " + planner).contentType(ContentType.JSON).body(body).post("/api/changesets/" + id + "/ops");
    }

    private static String lineAcross(double x, double y) {
        return "{\"type\":\"LineString\",\"coordinates\":[[" + (x - 0.01) + "," + y + "],[" + (x + 0.01) + "," + y + "]]}";
    }

    /** Lines that cannot cut anything; {@code located}: the answer must say where. */
    private static void lineVariants(double x, double y, List<String> out, Map<String, Boolean> located) {
        double d = 0.0005;
        String[][] bad = {
            // bowties and self-crossings
            {"[[" + (x - d) + "," + (y - d) + "],[" + (x + d) + "," + (y + d) + "],[" + (x + d) + "," + (y - d) + "],[" + (x - d) + "," + (y + d) + "],["
                    + (x - d) + "," + (y - d) + "]]", "located"},
            {"[[" + (x - 0.01) + "," + y + "],[" + (x + 0.01) + "," + y + "],[" + x + "," + (y + 0.01) + "],[" + x + "," + (y - 0.01) + "]]", "located"},
            // degenerate
            {"[[" + x + "," + y + "]]", ""}, {"[]", ""}, {"[[" + x + "," + y + "],[" + x + "," + y + "]]", ""}, {"[[" + x + "],[" + y + "]]", ""},
            {"[[" + x + "," + y + ",1,2],[" + (x + d) + "," + y + "]]", ""}, {"[[\"" + x + "\",\"" + y + "\"],[1,2]]", ""}, {"[[null,null],[1,2]]", ""},
            {"[[" + x + "," + y + "],\"x\"]", ""}, {"\"LINESTRING(1 2, 3 4)\"", ""},
            // non-finite and out of range
            {"[[1e400," + y + "],[" + x + "," + y + "]]", ""}, {"[[-1e400," + y + "],[" + x + "," + y + "]]", ""},
            {"[[" + x + ",1e309],[" + x + "," + y + "]]", ""},
            // swapped axes, projected metres given as degrees, outside the city
            {"[[" + y + "," + x + "],[" + (y + d) + "," + x + "]]", ""},
            {"[[504000.5,3564000.2],[504100.7,3564000.9]]", ""}, {"[[40504000,3564000],[40504100,3564000]]", ""},
            {"[[116.39,39.9],[116.40,39.91]]", "located"}, {"[[0,0],[0.001,0.001]]", "located"},
            {"[[-181,0],[0,0]]", ""}, {"[[0,91],[0,0]]", ""},
            // lines that do not cut: dangling inside, touching the boundary only
            {"[[" + x + "," + y + "],[" + (x + 1e-5) + "," + (y + 1e-5) + "]]", "located"},
        };
        for (String[] b : bad) {
            String line = "{\"type\":\"LineString\",\"coordinates\":" + b[0] + "}";
            out.add(line);
            located.put(line, !b[1].isEmpty());
        }
        // not LineStrings
        for (String g : new String[] {"{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}",
                "{\"type\":\"MultiLineString\",\"coordinates\":[[[0,0],[1,1]]]}", "{\"type\":\"Point\",\"coordinates\":[" + x + "," + y + "]}",
                "{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]}}", "{\"type\":\"linestring\",\"coordinates\":[[0,0],[1,1]]}",
                "{\"coordinates\":[[0,0],[1,1]]}", "{\"type\":\"LineString\"}", "{\"type\":\"LineString\",\"coordinates\":{}}",
                "{\"type\":\"LineString\",\"coordinates\":[[" + x + "," + y + "],[" + (x + d) + "," + y + "]],\"crs\":{\"type\":\"name\",\"properties\":"
                        + "{\"name\":\"EPSG:4549\"}}}"}) {
            out.add(g);
            located.put(g, false);
        }
    }

    private static String zigzag(double x, double y, int n) {
        StringBuilder s = new StringBuilder("{\"type\":\"LineString\",\"coordinates\":[");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ",").append('[').append(x + i * 1e-7).append(',').append(y + (i % 2) * 1e-7).append(']');
        }
        return s.append("]}").toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "…" : s;
    }
}
