package cn.gridmap.edit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
class ChangeSetResourceTest {
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
        JsonPath cs = asPlanner().contentType(ContentType.JSON).body(Map.of("title", "谷阳家园网格调整", "description", "两网格间边界"))
                .post("/api/changesets").then().statusCode(201).header("Location", org.hamcrest.Matchers.startsWith("/api/changesets/"))
                .body("state", equalTo("draft")).body("revision", equalTo(0)).body("baseGeneration", equalTo(1))
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

    private String[] row(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), sql);
                String[] out = new String[rs.getMetaData().getColumnCount()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = rs.getString(i + 1);
                }
                return out;
            }
        }
    }
}
