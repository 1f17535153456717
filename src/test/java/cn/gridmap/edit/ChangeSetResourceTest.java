package cn.gridmap.edit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;

/** Change sets as a planner sees them, and the shared edge of two micro-grids checked against PostGIS. */
@QuarkusTest
public class ChangeSetResourceTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner") // the tables' owner: what is stored
    DataSource dataSource;

    private String planner;

    @BeforeEach
    void aPlanner() {
        AsAdmin.off();
        planner = Logins.token("cs-planner", List.of(Roles.PLANNER), List.of("321100"), false);
    }

    private RequestSpecification asPlanner() {
        return given().header("Authorization", "Bearer " + planner);
    }

    private long newChangeSet(String title) {
        return asPlanner().contentType(ContentType.JSON).body(Map.of("title", title, "description", "测试"))
                .post("/api/changesets").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    @Test
    void aPlannerDraftsAChangeSetOverTheCurrentGeneration() {
        int current = asPlanner().get("/api/generations").then().statusCode(200).extract().jsonPath().getInt("find { it.active }.id");
        JsonPath cs = asPlanner().contentType(ContentType.JSON).body(Map.of("title", "谷阳家园网格调整", "description", "两网格间边界"))
                .post("/api/changesets").then().statusCode(201).header("Location", org.hamcrest.Matchers.startsWith("/api/changesets/"))
                .body("state", equalTo("draft")).body("revision", equalTo(0)).body("baseGeneration", equalTo(current))
                .body("author", equalTo("cs-planner")).extract().jsonPath();
        long id = cs.getLong("id");
        asPlanner().get("/api/changesets/" + id).then().statusCode(200).body("title", equalTo("谷阳家园网格调整"))
                .body("ops.size()", equalTo(0)).body("issues.size()", equalTo(0));
        asPlanner().get("/api/changesets?state=draft").then().statusCode(200).body("id", hasItem((int) id));
        asPlanner().get("/api/changesets?state=bogus").then().statusCode(400);
        asPlanner().get("/api/changesets/99999999").then().statusCode(404);
        asPlanner().get("/api/changesets/abc").then().statusCode(400);
        asPlanner().contentType(ContentType.JSON).body(Map.of("description", "no title")).post("/api/changesets").then().statusCode(400);
        String approver = Logins.token("cs-approver", List.of(Roles.APPROVER), List.of("321100"), false);
        given().header("Authorization", "Bearer " + approver).get("/api/changesets/" + id).then().statusCode(200);
        given().header("Authorization", "Bearer " + approver).contentType(ContentType.JSON).body(Map.of("title", "x"))
                .post("/api/changesets").then().statusCode(403);
    }

    @Test
    void theSharedEdgeOfTwoMicrogridsLiesOnBothBoundariesAndEndsAtPinnedNodes() throws SQLException {
        String[] pair = row("SELECT a.code, b.code FROM region a JOIN region b ON b.parent_code = a.parent_code AND b.code > a.code "
                + "WHERE a.level = 'microgrid' AND b.level = 'microgrid' AND a.generation_high IS NULL AND b.generation_high IS NULL "
                + "AND ST_Relate(a.geom, b.geom, 'F***1****') ORDER BY a.code LIMIT 1");
        long id = newChangeSet("edge");
        com.fasterxml.jackson.databind.JsonNode fc;
        try {
            fc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(asPlanner().get("/api/changesets/" + id + "/edges?a=" + pair[0]
                    + "&b=" + pair[1]).then().statusCode(200).body("type", equalTo("FeatureCollection")).extract().asString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
        assertFalse(fc.path("features").isEmpty());
        int ends = 0;
        for (com.fasterxml.jackson.databind.JsonNode f : fc.path("features")) {
            assertEquals("LineString", f.path("geometry").path("type").asText());
            com.fasterxml.jackson.databind.JsonNode coords = f.path("geometry").path("coordinates");
            List<String> xy = new java.util.ArrayList<>();
            coords.forEach(c -> xy.add(c.get(0).asDouble() + " " + c.get(1).asDouble()));
            String wkt = "LINESTRING(" + String.join(",", xy) + ")";
            // every vertex on both boundaries
            assertEquals("t", row("SELECT bool_and(ST_DWithin(ST_Boundary(a.geom), p.geom, 1e-11) AND ST_DWithin(ST_Boundary(b.geom), p.geom, 1e-11)) "
                    + "FROM region a, region b, ST_DumpPoints(ST_GeomFromText(?, 4326)) p WHERE a.code = ? AND b.code = ? "
                    + "AND a.generation_high IS NULL AND b.generation_high IS NULL", wkt, pair[0], pair[1])[0], wkt);
            com.fasterxml.jackson.databind.JsonNode p = f.path("properties");
            if (p.path("startPinned").asBoolean()) {
                assertEquals(coords.get(0), p.path("pinned").get(0));
                assertEquals(coords.get(coords.size() - 1), p.path("pinned").get(1));
                // a pinned end is a node: a third micro-grid meets the two there, or the city's edge does
                for (com.fasterxml.jackson.databind.JsonNode end : p.path("pinned")) {
                    ends++;
                    String point = "POINT(" + end.get(0).asDouble() + " " + end.get(1).asDouble() + ")";
                    assertEquals("t", row("SELECT EXISTS (SELECT 1 FROM region m WHERE m.level = 'microgrid' AND m.generation_high IS NULL "
                            + "AND m.code NOT IN (?, ?) AND ST_DWithin(m.geom, ST_GeomFromText(?, 4326), 1e-9)) OR EXISTS (SELECT 1 FROM "
                            + "region c WHERE c.level = 'city' AND c.generation_high IS NULL AND ST_DWithin(ST_Boundary(c.geom), "
                            + "ST_GeomFromText(?, 4326), 1e-9))", pair[0], pair[1], point, point)[0], point);
                }
            }
        }
        assertTrue(ends >= 2, "two neighbours in one grid share an open edge with two pinned ends");
    }

    @Test
    void regionsThatShareNoBoundaryAre422WithTheIssueAndItsLocation() throws SQLException {
        String[] far = row("SELECT a.code, b.code FROM region a, region b WHERE a.level = 'microgrid' AND b.level = 'microgrid' "
                + "AND a.generation_high IS NULL AND b.generation_high IS NULL AND NOT ST_DWithin(a.geom, b.geom, 0.01) "
                + "ORDER BY a.code, b.code LIMIT 1");
        long id = newChangeSet("far");
        JsonPath r = asPlanner().get("/api/changesets/" + id + "/edges?a=" + far[0] + "&b=" + far[1]).then().statusCode(422).extract()
                .jsonPath();
        assertEquals("not-adjacent", r.getString("issues[0].rule"));
        assertEquals("error", r.getString("issues[0].severity"));
        assertEquals("microgrid", r.getString("issues[0].level"));
        assertTrue(r.getString("issues[0].message.en").contains("share no boundary"));
        assertTrue(r.getString("issues[0].message.zh").contains("没有公共边界"));
        assertEquals("LineString", r.getString("issues[0].location.type"));
        String grid = far[0].substring(0, 15);
        asPlanner().get("/api/changesets/" + id + "/edges?a=" + far[0] + "&b=" + grid).then().statusCode(400);
        asPlanner().get("/api/changesets/" + id + "/edges?a=" + far[0] + "&b=321100999999999999").then().statusCode(404);
        asPlanner().get("/api/changesets/" + id + "/edges?a=" + far[0]).then().statusCode(400);
    }

    /** Two neighbouring micro-grids of one grid, and their shared edge's first line (an array of [lon, lat]). */
    private record Pair(String a, String b, com.fasterxml.jackson.databind.node.ArrayNode line) {
    }

    private Pair pairWithEdge(long id) throws Exception {
        String[] pair = row("SELECT a.code, b.code FROM region a JOIN region b ON b.parent_code = a.parent_code AND b.code > a.code "
                + "WHERE a.level = 'microgrid' AND b.level = 'microgrid' AND a.generation_high IS NULL AND b.generation_high IS NULL "
                + "AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))::geography) > 80 ORDER BY a.code OFFSET 7 LIMIT 1");
        com.fasterxml.jackson.databind.JsonNode fc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(asPlanner()
                .get("/api/changesets/" + id + "/edges?a=" + pair[0] + "&b=" + pair[1]).then().statusCode(200).extract().asString());
        return new Pair(pair[0], pair[1], (com.fasterxml.jackson.databind.node.ArrayNode) fc.path("features").get(0).path("geometry")
                .path("coordinates").deepCopy());
    }

    /** The line with a vertex added halfway along its longest segment, moved sideways by {@code d} degrees. */
    public static com.fasterxml.jackson.databind.node.ArrayNode bent(com.fasterxml.jackson.databind.node.ArrayNode line, double d) {
        int best = 0;
        double longest = -1;
        for (int i = 0; i + 1 < line.size(); i++) {
            double len = Math.hypot(line.get(i + 1).get(0).asDouble() - line.get(i).get(0).asDouble(),
                    line.get(i + 1).get(1).asDouble() - line.get(i).get(1).asDouble());
            if (len > longest) {
                longest = len;
                best = i;
            }
        }
        double x0 = line.get(best).get(0).asDouble(), y0 = line.get(best).get(1).asDouble();
        double x1 = line.get(best + 1).get(0).asDouble(), y1 = line.get(best + 1).get(1).asDouble();
        double nx = -(y1 - y0) / longest, ny = (x1 - x0) / longest;
        com.fasterxml.jackson.databind.node.ArrayNode out = line.deepCopy();
        out.insert(best + 1, out.arrayNode().add((x0 + x1) / 2 + nx * d).add((y0 + y1) / 2 + ny * d));
        return out;
    }

    private io.restassured.response.Response op(long id, int revision, String a, String b, com.fasterxml.jackson.databind.JsonNode coords) {
        String body = "{\"revision\":" + revision + ",\"op\":\"reshapeEdge\",\"a\":\"" + a + "\",\"b\":\"" + b
                + "\",\"line\":{\"type\":\"LineString\",\"coordinates\":" + coords + "}}";
        return asPlanner().contentType(ContentType.JSON).body(body).post("/api/changesets/" + id + "/ops");
    }

    @Test
    void reshapingASharedEdgeRebuildsBothSidesFromOneLineAndConservesTheirArea() throws Exception {
        long id = newChangeSet("reshape");
        Pair p = pairWithEdge(id);
        com.fasterxml.jackson.databind.node.ArrayNode line = bent(p.line(), 2e-5); // about 2 m sideways
        op(id, 0, p.a(), p.b(), line).then().log().ifValidationFails().statusCode(200).body("revision", equalTo(1))
                .body("changed", org.hamcrest.Matchers.contains(p.a(), p.b()));
        // both drafts share the new line exactly; together they are the same area as before
        assertEquals("t", row("SELECT ST_Equals(ST_Union(n.geom), (SELECT ST_Union(geom) FROM region WHERE code IN (?, ?) AND generation_high IS NULL)) "
                + "AND abs(sum(ST_Area(n.geom)) - (SELECT sum(ST_Area(geom)) FROM region WHERE code IN (?, ?) AND generation_high IS NULL)) < 1e-12 "
                + "AND bool_and(ST_IsValid(n.geom)) FROM change_set_region n WHERE n.change_set_id = ?", p.a(), p.b(), p.a(), p.b(), id)[0]);
        assertEquals("t", row("SELECT ST_Relate(x.geom, y.geom, 'F***1****') FROM change_set_region x, change_set_region y "
                + "WHERE x.change_set_id = ? AND y.change_set_id = ? AND x.code = ? AND y.code = ?", id, id, p.a(), p.b())[0]);
        String moved = row("SELECT count(*) FROM change_set_region n JOIN region r ON r.code = n.code AND r.generation_high IS NULL "
                + "WHERE n.change_set_id = ? AND NOT ST_Equals(n.geom, r.geom)", id)[0];
        assertEquals("2", moved, "both sides changed");
        // the draft's edge now runs through the new vertex; the stored op and revision say so
        String edge = asPlanner().get("/api/changesets/" + id + "/edges?a=" + p.a() + "&b=" + p.b()).then().statusCode(200).extract().asString();
        assertTrue(edge.contains(String.valueOf(line.get(1).get(0).asDouble()).substring(0, 10)), edge);
        asPlanner().get("/api/changesets/" + id).then().body("revision", equalTo(1)).body("ops[0].op.op", equalTo("reshapeEdge"));
        // a stale revision is a 409 that names the current one, and nothing changes
        op(id, 0, p.a(), p.b(), bent(p.line(), -2e-5)).then().statusCode(409).body("currentRevision", equalTo(1));
        asPlanner().get("/api/changesets/" + id).then().body("revision", equalTo(1));
    }

    @Test
    void undoAndRedoReplayTheDraftFromTheBase() throws Exception {
        long id = newChangeSet("undo");
        Pair p = pairWithEdge(id);
        op(id, 0, p.a(), p.b(), bent(p.line(), 2e-5)).then().statusCode(200).body("revision", equalTo(1));
        String reshaped = row("SELECT string_agg(ST_AsText(geom), ';' ORDER BY code) FROM change_set_region WHERE change_set_id = ?", id)[0];
        String undo = "/api/changesets/" + id + "/undo";
        asPlanner().contentType(ContentType.JSON).body("{\"revision\":0}").post(undo).then().statusCode(409).body("currentRevision", equalTo(1));
        asPlanner().contentType(ContentType.JSON).body("{\"revision\":1}").post(undo).then().statusCode(200).body("revision", equalTo(2))
                .body("changed", org.hamcrest.Matchers.contains(p.a(), p.b()));
        assertEquals("0", row("SELECT count(*) FROM change_set_region WHERE change_set_id = ?", id)[0], "back to the base");
        asPlanner().contentType(ContentType.JSON).body("{}").post(undo).then().statusCode(409);
        asPlanner().contentType(ContentType.JSON).body("{}").post("/api/changesets/" + id + "/redo").then().statusCode(200)
                .body("revision", equalTo(3));
        assertEquals(reshaped, row("SELECT string_agg(ST_AsText(geom), ';' ORDER BY code) FROM change_set_region WHERE change_set_id = ?", id)[0],
                "redo gives the same draft");
        // a new operation after an undo discards what could have been redone
        asPlanner().contentType(ContentType.JSON).body("{}").post(undo).then().statusCode(200).body("revision", equalTo(4));
        op(id, 4, p.a(), p.b(), bent(p.line(), -2e-5)).then().statusCode(200).body("revision", equalTo(5));
        asPlanner().contentType(ContentType.JSON).body("{}").post("/api/changesets/" + id + "/redo").then().statusCode(409);
        asPlanner().get("/api/changesets/" + id).then().body("ops.size()", equalTo(1)).body("summary.ops", equalTo(1));
    }

    @Test
    void anEdgeLineThatCannotBeCarriedOutIs422WithItsReasonAndNothingChanges() throws Exception {
        long id = newChangeSet("bad lines");
        Pair p = pairWithEdge(id);
        com.fasterxml.jackson.databind.node.ArrayNode off = p.line().deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) off.get(0)).set(0, off.get(0).get(0).asDouble() + 1e-4);
        op(id, 0, p.a(), p.b(), off).then().statusCode(422).body("issues[0].rule", equalTo("ends-not-pinned"))
                .body("issues[0].location.type", equalTo("MultiPoint"));
        op(id, 0, p.a(), p.b(), bent(p.line(), 0.05)).then().statusCode(422).body("issues[0].rule", equalTo("line-leaves-pair"))
                .body("issues[0].location", org.hamcrest.Matchers.notNullValue());
        com.fasterxml.jackson.databind.node.ArrayNode back = p.line().arrayNode();
        back.add(p.line().get(0)).add(p.line().get(p.line().size() - 1)).add(p.line().get(0)).add(p.line().get(p.line().size() - 1));
        op(id, 0, p.a(), p.b(), back).then().statusCode(422).body("issues[0].rule", equalTo("self-crossing"));
        com.fasterxml.jackson.databind.node.ArrayNode metres = p.line().arrayNode();
        metres.add(metres.arrayNode().add(504000).add(3564000)).add(metres.arrayNode().add(504100).add(3564000));
        op(id, 0, p.a(), p.b(), metres).then().statusCode(422).body("issues[0].rule", equalTo("bad-coordinates"));
        asPlanner().contentType(ContentType.JSON).body("{\"revision\":0,\"op\":\"reshapeEdge\",\"a\":\"" + p.a() + "\",\"b\":\""
                + p.b() + "\",\"line\":{\"type\":\"Polygon\",\"coordinates\":[]}}").post("/api/changesets/" + id + "/ops").then()
                .statusCode(422).body("issues[0].rule", equalTo("not-a-linestring"));
        asPlanner().contentType(ContentType.JSON).body("{\"op\":\"reshapeEdge\"}").post("/api/changesets/" + id + "/ops").then().statusCode(400);
        asPlanner().contentType(ContentType.JSON).body("{\"revision\":0,\"op\":\"teleport\"}").post("/api/changesets/" + id + "/ops").then()
                .statusCode(422).body("issues[0].rule", equalTo("unknown-op"));
        asPlanner().contentType(ContentType.JSON).body("{\"revision\":0,\"op\":\"split\"}").post("/api/changesets/" + id + "/ops").then()
                .statusCode(422).body("issues[0].rule", equalTo("bad-code"));
        String other = Logins.token("cs-other-planner", List.of(Roles.PLANNER), List.of("321100"), false);
        given().header("Authorization", "Bearer " + other).contentType(ContentType.JSON).body("{\"revision\":0,\"op\":\"reshapeEdge\","
                + "\"a\":\"" + p.a() + "\",\"b\":\"" + p.b() + "\",\"line\":{\"type\":\"LineString\",\"coordinates\":" + bent(p.line(), 2e-5) + "}}")
                .post("/api/changesets/" + id + "/ops").then().statusCode(403);
        asPlanner().get("/api/changesets/" + id).then().body("revision", equalTo(0)).body("ops.size()", equalTo(0));
        assertEquals("0", row("SELECT count(*) FROM change_set_region WHERE change_set_id = ?", id)[0], "nothing stored");
    }

    private String[] row(String sql, Object... args) throws SQLException {
        return EditFixtures.row(dataSource, sql, args);
    }
}
