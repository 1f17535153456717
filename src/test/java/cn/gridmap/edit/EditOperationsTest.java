package cn.gridmap.edit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;

/**
 * The edit operations on drafts in district 321183 (nothing here is published), each checked against PostGIS: the
 * draft's micro-grids still tile the same area without overlap, every grid is the union of its micro-grids, codes are
 * numbered and never reused, and lineage says what became of each region.
 */
@QuarkusTest
class EditOperationsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A planner's district (the fixtures are all in it). */
    private static final String DISTRICT = "321183";

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource dataSource;

    private String planner;

    @BeforeEach
    void aPlanner() {
        AsAdmin.off();
        planner = Logins.token("ops-planner", List.of(Roles.PLANNER), List.of(DISTRICT), false);
    }

    private RequestSpecification asPlanner() {
        return given().header("Authorization", "Bearer " + planner);
    }

    private long newChangeSet(String title, String unlocks) {
        Map<String, String> body = unlocks == null ? Map.of("title", title) : Map.of("title", title, "unlocks", unlocks);
        return asPlanner().contentType(ContentType.JSON).body(body).post("/api/changesets").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private Response op(long id, String json) {
        return asPlanner().contentType(ContentType.JSON).body(json).post("/api/changesets/" + id + "/ops");
    }

    /** A horizontal line through a region's point on surface, reaching 0.01° beyond its box on both sides. */
    private String lineAcross(String code) throws SQLException {
        String[] r = row("SELECT ST_XMin(geom) - 0.01, ST_XMax(geom) + 0.01, ST_Y(ST_PointOnSurface(geom)) FROM region WHERE code = ? "
                + "AND generation_high IS NULL", code);
        return "{\"type\":\"LineString\",\"coordinates\":[[" + r[0] + "," + r[2] + "],[" + r[1] + "," + r[2] + "]]}";
    }

    @Test
    void aSplitKeepsTheCodeForTheLargerPartAndNumbersTheNewOneAfterEveryCodeEverUsed() throws Exception {
        String m = row("SELECT code FROM region WHERE level = 'microgrid' AND generation_high IS NULL AND code LIKE ? ORDER BY code OFFSET 30 LIMIT 1",
                DISTRICT + "%")[0];
        String grid = m.substring(0, 15);
        int highest = Integer.parseInt(row("SELECT max(code) FROM region WHERE parent_code = ?", grid)[0].substring(15));
        long id = newChangeSet("split", null);
        JsonPath r = op(id, "{\"revision\":0,\"op\":\"split\",\"code\":\"" + m + "\",\"line\":" + lineAcross(m) + "}").then().log().ifValidationFails()
                .statusCode(200).body("revision", equalTo(1)).extract().jsonPath();
        String fresh = grid + String.format("%03d", highest + 1);
        assertTrue(r.getList("changed").contains(m) && r.getList("changed").contains(fresh), r.prettify());
        // the larger part kept the code; both parts are the old micro-grid to the centimetre; no draft micro-grid overlaps another
        assertEquals("t", row("SELECT (SELECT area_sqm FROM change_set_region WHERE change_set_id = ? AND code = ?) >= "
                + "(SELECT area_sqm FROM change_set_region WHERE change_set_id = ? AND code = ?)", id, m, id, fresh)[0]);
        assertEquals("t", row("SELECT ST_Area(ST_SymDifference(ST_Union(n.geom), (SELECT geom FROM region WHERE code = ? AND generation_high IS NULL))"
                + "::geography) < 1 FROM change_set_region n WHERE n.change_set_id = ? AND n.code IN (?, ?)", m, id, m, fresh)[0]);
        assertNoOverlapsOrGaps(id, grid);
        asPlanner().get("/api/changesets/" + id).then().body("summary.regions.microgrid.created", equalTo(1))
                .body("summary.regions.microgrid.changed", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
        assertEquals("split", row("SELECT relation FROM change_set_lineage WHERE change_set_id = ? AND from_code = ? AND to_code = ?", id, m, fresh)[0]);
        // a second split numbers after the first one's new code
        r = op(id, "{\"revision\":1,\"op\":\"split\",\"code\":\"" + fresh + "\",\"line\":" + verticalAcross(id, fresh) + "}").then()
                .statusCode(200).extract().jsonPath();
        assertTrue(r.getList("changed").contains(grid + String.format("%03d", highest + 2)), r.prettify());
        // a line that does not cross the micro-grid cuts nothing
        op(id, "{\"revision\":2,\"op\":\"split\",\"code\":\"" + m + "\",\"line\":{\"type\":\"LineString\",\"coordinates\":[[119.0,31.0],[119.001,31.0]]}}")
                .then().statusCode(422).body("issues[0].rule", equalTo("line-misses"));
    }

    @Test
    void aGridSplitInTwoMakesANewGridOfTheCommunityAndMovesTheMicrogridsOnItsSide() throws Exception {
        String grid = row("SELECT g.code FROM region g WHERE g.level = 'grid' AND g.generation_high IS NULL AND g.code LIKE ? AND (SELECT count(*) "
                + "FROM region m WHERE m.parent_code = g.code AND m.generation_high IS NULL) >= 6 ORDER BY g.code OFFSET 20 LIMIT 1", DISTRICT + "%")[0];
        String community = grid.substring(0, 12);
        int highest = Integer.parseInt(row("SELECT max(code) FROM region WHERE parent_code = ? AND level = 'grid'", community)[0].substring(12));
        String fresh = community + String.format("%03d", highest + 1);
        long id = newChangeSet("grid split", null);
        JsonPath r = op(id, "{\"revision\":0,\"op\":\"split\",\"code\":\"" + grid + "\",\"line\":" + lineAcross(grid) + "}").then()
                .log().ifValidationFails().statusCode(200).extract().jsonPath();
        assertTrue(r.getList("changed").contains(grid) && r.getList("changed").contains(fresh), r.prettify());
        assertEquals(community, row("SELECT parent_code FROM change_set_region WHERE change_set_id = ? AND code = ?", id, fresh)[0]);
        assertEquals("split", row("SELECT relation FROM change_set_lineage WHERE change_set_id = ? AND from_code = ? AND to_code = ?", id, grid, fresh)[0]);
        for (String g : List.of(grid, fresh)) {
            assertEquals("t", row("SELECT ST_Equals(g.geom, (SELECT ST_Union(x.geom) FROM (SELECT geom FROM change_set_region WHERE change_set_id = ? "
                    + "AND parent_code = ? AND NOT deleted UNION ALL SELECT r.geom FROM region r WHERE r.parent_code = ? AND r.generation_high IS NULL "
                    + "AND r.code NOT IN (SELECT code FROM change_set_region WHERE change_set_id = ?)) x)) FROM change_set_region g "
                    + "WHERE g.change_set_id = ? AND g.code = ?", id, g, g, id, id, g)[0], g);
        }
        assertTrue(Integer.parseInt(row("SELECT count(*) FROM change_set_region WHERE change_set_id = ? AND parent_code = ? AND NOT deleted", id, fresh)[0]) > 0);
        assertEquals("t", row("SELECT ST_Area(ST_SymDifference((SELECT ST_Union(geom) FROM change_set_region WHERE change_set_id = ? AND code IN (?, ?)), "
                + "(SELECT geom FROM region WHERE code = ? AND generation_high IS NULL))::geography) < 1", id, grid, fresh, grid)[0], "the two grids are the old one");
        assertNoOverlapsOrGaps(id, grid);
    }

    /** A vertical line through a draft region's point on surface. */
    private String verticalAcross(long id, String code) throws SQLException {
        String[] r = row("SELECT ST_X(ST_PointOnSurface(geom)), ST_YMin(geom) - 0.01, ST_YMax(geom) + 0.01 FROM change_set_region "
                + "WHERE change_set_id = ? AND code = ?", id, code);
        return "{\"type\":\"LineString\",\"coordinates\":[[" + r[0] + "," + r[1] + "],[" + r[0] + "," + r[2] + "]]}";
    }

    @Test
    void mergingNeighboursKeepsOneCodeAndRetiresTheOthers() throws Exception {
        String[] pair = row("SELECT a.code, b.code FROM region a JOIN region b ON b.parent_code = a.parent_code AND b.code > a.code "
                + "WHERE a.level = 'microgrid' AND a.generation_high IS NULL AND b.generation_high IS NULL AND a.code LIKE ? "
                + "AND ST_Relate(a.geom, b.geom, 'F***1****') ORDER BY a.code OFFSET 40 LIMIT 1", DISTRICT + "%");
        long id = newChangeSet("merge", null);
        op(id, "{\"revision\":0,\"op\":\"merge\",\"codes\":[\"" + pair[0] + "\",\"" + pair[1] + "\"],\"keep\":\"" + pair[1] + "\"}").then()
                .log().ifValidationFails().statusCode(200).body("changed", hasItems(pair[0], pair[1]));
        assertEquals("t", row("SELECT ST_Equals(n.geom, (SELECT ST_Union(geom) FROM region WHERE code IN (?, ?) AND generation_high IS NULL)) "
                + "FROM change_set_region n WHERE n.change_set_id = ? AND n.code = ?", pair[0], pair[1], id, pair[1])[0]);
        assertEquals("t", row("SELECT deleted FROM change_set_region WHERE change_set_id = ? AND code = ?", id, pair[0])[0]);
        assertEquals("merged", row("SELECT relation FROM change_set_lineage WHERE change_set_id = ? AND from_code = ?", id, pair[0])[0]);
        // the retired code is gone from the draft view and cannot be edited again
        given().header("Authorization", "Bearer " + planner).get("/api/changesets/" + id + "/regions?level=microgrid&bbox="
                + bbox(pair[1])).then().statusCode(200).body("retired", hasItem(pair[0])).body("features.id", hasItem(pair[1]))
                .body("features.id", org.hamcrest.Matchers.not(hasItem(pair[0])));
        op(id, "{\"revision\":1,\"op\":\"rename\",\"code\":\"" + pair[0] + "\",\"name\":\"x\"}").then().statusCode(422)
                .body("issues[0].rule", equalTo("retired-region"));
        // regions that do not touch, or of two grids, are not merged
        String[] apart = row("SELECT a.code, b.code FROM region a JOIN region b ON b.parent_code = a.parent_code AND b.code > a.code "
                + "WHERE a.level = 'microgrid' AND a.generation_high IS NULL AND b.generation_high IS NULL AND a.code LIKE ? "
                + "AND NOT ST_Intersects(a.geom, b.geom) ORDER BY a.code LIMIT 1", DISTRICT + "%");
        op(id, "{\"revision\":1,\"op\":\"merge\",\"codes\":[\"" + apart[0] + "\",\"" + apart[1] + "\"],\"keep\":\"" + apart[0] + "\"}").then()
                .statusCode(422).body("issues[0].rule", equalTo("not-contiguous")).body("issues[0].location.type", equalTo("MultiPolygon"));
        String[] grids = row("SELECT a.code, b.code FROM region a JOIN region b ON b.parent_code <> a.parent_code "
                + "WHERE a.level = 'microgrid' AND b.level = 'microgrid' AND a.generation_high IS NULL AND b.generation_high IS NULL "
                + "AND a.code LIKE ? AND ST_Relate(a.geom, b.geom, 'F***1****') ORDER BY a.code LIMIT 1", DISTRICT + "%");
        op(id, "{\"revision\":1,\"op\":\"merge\",\"codes\":[\"" + grids[0] + "\",\"" + grids[1] + "\"],\"keep\":\"" + grids[0] + "\"}").then()
                .statusCode(422).body("issues[0].rule", equalTo("parents-differ"));
        op(id, "{\"revision\":1,\"op\":\"merge\",\"codes\":[\"" + grids[0] + "\",\"" + grids[1] + "\"],\"keep\":\"321100\"}").then()
                .statusCode(422).body("issues[0].rule", equalTo("keep-not-merged"));
    }

    @Test
    void aMicrogridMovedToTheNeighbouringGridIsRenumberedAndBothGridsFollow() throws Exception {
        String[] mh = movable();
        String m = mh[0];
        String from = m.substring(0, 15);
        String to = mh[1];
        int highest = Integer.parseInt(row("SELECT max(code) FROM region WHERE parent_code = ?", to)[0].substring(15));
        String renumbered = to + String.format("%03d", highest + 1);
        long id = newChangeSet("move", null);
        op(id, "{\"revision\":0,\"op\":\"moveMicrogrids\",\"codes\":[\"" + m + "\"],\"toGrid\":\"" + to + "\"}").then().log().ifValidationFails()
                .statusCode(200).body("changed", hasItems(m, renumbered, from, to));
        assertEquals("renumbered", row("SELECT relation FROM change_set_lineage WHERE change_set_id = ? AND from_code = ? AND to_code = ?", id, m,
                renumbered)[0]);
        // each grid is the union of its micro-grids in the draft
        for (String g : List.of(from, to)) {
            assertEquals("t", row("SELECT ST_Equals(g.geom, (SELECT ST_Union(x.geom) FROM (SELECT geom FROM change_set_region WHERE change_set_id = ? "
                    + "AND parent_code = ? AND NOT deleted UNION ALL SELECT r.geom FROM region r WHERE r.parent_code = ? AND r.generation_high IS NULL "
                    + "AND r.code NOT IN (SELECT code FROM change_set_region WHERE change_set_id = ?)) x)) FROM change_set_region g "
                    + "WHERE g.change_set_id = ? AND g.code = ?", id, g, g, id, id, g)[0], g);
        }
        assertEquals("t", row("SELECT ST_Equals(geom, (SELECT geom FROM region WHERE code = ? AND generation_high IS NULL)) FROM change_set_region "
                + "WHERE change_set_id = ? AND code = ?", m, id, renumbered)[0], "the micro-grid keeps its shape");
        // a grid it does not touch cannot take it
        String far = row("SELECT g.code FROM region g WHERE g.level = 'grid' AND g.generation_high IS NULL AND g.code LIKE ? "
                + "AND NOT ST_Intersects(g.geom, (SELECT geom FROM region WHERE code = ? AND generation_high IS NULL)) ORDER BY g.code LIMIT 1",
                DISTRICT + "%", from)[0];
        String other = row("SELECT code FROM region WHERE parent_code = ? AND generation_high IS NULL ORDER BY code DESC LIMIT 1", from)[0];
        op(id, "{\"revision\":1,\"op\":\"moveMicrogrids\",\"codes\":[\"" + other + "\"],\"toGrid\":\"" + far + "\"}").then().statusCode(422)
                .body("issues.rule", hasItem("not-contiguous"));
        op(id, "{\"revision\":1,\"op\":\"moveMicrogrids\",\"codes\":[\"" + renumbered + "\"],\"toGrid\":\"" + to + "\"}").then().statusCode(422)
                .body("issues[0].rule", equalTo("already-there"));
        op(id, "{\"revision\":1,\"op\":\"moveMicrogrids\",\"codes\":[\"" + to + "\"],\"toGrid\":\"" + from + "\"}").then().statusCode(422)
                .body("issues[0].rule", equalTo("wrong-level"));
    }

    /** A micro-grid of one grid that shares an edge with another grid of its community, and can leave without splitting its grid. */
    private String[] movable() throws SQLException {
        return row("SELECT m.code, h.code FROM region m JOIN region g ON g.code = m.parent_code AND g.generation_high IS NULL "
                + "JOIN region h ON h.parent_code = g.parent_code AND h.code <> g.code AND h.level = 'grid' AND h.generation_high IS NULL "
                + "WHERE m.level = 'microgrid' AND m.generation_high IS NULL AND m.code LIKE ? "
                + "AND ST_Length(ST_Intersection(ST_Boundary(m.geom), ST_Boundary(h.geom))::geography) > 30 "
                + "AND (SELECT ST_NumGeometries(ST_Union(o.geom)) FROM region o WHERE o.parent_code = g.code AND o.code <> m.code "
                + "AND o.generation_high IS NULL) = 1 ORDER BY m.code LIMIT 1", DISTRICT + "%");
    }

    @Test
    void reshapingTheEdgeOfTwoGridsRecutsTheirMicrogridsAndKeepsEveryGridTheUnionOfItsOwn() throws Exception {
        String[] gh = row("SELECT a.code, b.code FROM region a JOIN region b ON b.parent_code = a.parent_code AND b.code > a.code "
                + "WHERE a.level = 'grid' AND a.generation_high IS NULL AND b.generation_high IS NULL AND a.code LIKE ? "
                + "AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))::geography) > 150 ORDER BY a.code OFFSET 3 LIMIT 1",
                DISTRICT + "%");
        long id = newChangeSet("grid edge", null);
        JsonNode fc = JSON.readTree(asPlanner().get("/api/changesets/" + id + "/edges?a=" + gh[0] + "&b=" + gh[1]).then().statusCode(200).extract().asString());
        ArrayNode line = ChangeSetResourceTest.bent((ArrayNode) fc.path("features").get(0).path("geometry").path("coordinates"), 6e-5);
        JsonPath r = op(id, "{\"revision\":0,\"op\":\"reshapeEdge\",\"a\":\"" + gh[0] + "\",\"b\":\"" + gh[1]
                + "\",\"line\":{\"type\":\"LineString\",\"coordinates\":" + line + "}}").then().log().ifValidationFails().statusCode(200)
                .body("changed", hasItems(gh[0], gh[1])).extract().jsonPath();
        assertTrue(r.getList("changed").stream().anyMatch(c -> ((String) c).length() == 18), "micro-grids along the edge changed: " + r.prettify());
        assertEquals("t", row("SELECT ST_Area(ST_SymDifference(ST_Union(geom), (SELECT ST_Union(geom) FROM region WHERE code IN (?, ?) "
                + "AND generation_high IS NULL))::geography) < 1 FROM change_set_region WHERE change_set_id = ? AND code IN (?, ?)", gh[0], gh[1], id,
                gh[0], gh[1])[0]);
        for (String g : gh) {
            assertEquals("t", row("SELECT ST_Equals(g.geom, (SELECT ST_Union(x.geom) FROM (SELECT geom FROM change_set_region WHERE change_set_id = ? "
                    + "AND parent_code = ? AND NOT deleted UNION ALL SELECT r.geom FROM region r WHERE r.parent_code = ? AND r.generation_high IS NULL "
                    + "AND r.code NOT IN (SELECT code FROM change_set_region WHERE change_set_id = ?)) x)) FROM change_set_region g "
                    + "WHERE g.change_set_id = ? AND g.code = ?", id, g, g, id, id, g)[0], g);
        }
        assertNoOverlapsOrGaps(id, gh[0]);
        // the community did not move: it is not in the overlay
        assertEquals("0", row("SELECT count(*) FROM change_set_region WHERE change_set_id = ? AND level = 'community'", id)[0]);
    }

    @Test
    void aGridEdgeOnACommunityBoundaryIsLockedUnlessTheChangeSetUnlocksCommunities() throws Exception {
        String[] gh = row("SELECT a.code, b.code FROM region a JOIN region b ON left(b.parent_code, 9) = left(a.parent_code, 9) "
                + "AND b.parent_code <> a.parent_code AND b.code > a.code "
                + "WHERE a.level = 'grid' AND b.level = 'grid' AND a.generation_high IS NULL AND b.generation_high IS NULL AND a.code LIKE ? "
                + "AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))::geography) > 150 ORDER BY a.code LIMIT 1", DISTRICT + "%");
        for (String unlocks : new String[] {null, "community"}) {
            long id = newChangeSet("community edge " + unlocks, unlocks);
            JsonNode fc = JSON.readTree(asPlanner().get("/api/changesets/" + id + "/edges?a=" + gh[0] + "&b=" + gh[1]).then().statusCode(200)
                    .extract().asString());
            ArrayNode line = ChangeSetResourceTest.bent((ArrayNode) fc.path("features").get(0).path("geometry").path("coordinates"), 6e-5);
            String body = "{\"revision\":0,\"op\":\"reshapeEdge\",\"a\":\"" + gh[0] + "\",\"b\":\"" + gh[1]
                    + "\",\"line\":{\"type\":\"LineString\",\"coordinates\":" + line + "}}";
            if (unlocks == null) {
                op(id, body).then().statusCode(422).body("issues[0].rule", equalTo("locked-boundary")).body("issues[0].level", equalTo("community"))
                        .body("issues[0].location", org.hamcrest.Matchers.notNullValue());
                assertEquals("0", row("SELECT count(*) FROM change_set_region WHERE change_set_id = ?", id)[0], "nothing stored");
            } else {
                op(id, body).then().log().ifValidationFails().statusCode(200).body("changed", hasItems(gh[0].substring(0, 12), gh[1].substring(0, 12)));
            }
        }
    }

    @Test
    void createMicrogridsCutsAGridsMicrogridsByTheLinesAndRenameChangesOnlyTheName() throws Exception {
        String grid = row("SELECT code FROM region WHERE level = 'grid' AND generation_high IS NULL AND code LIKE ? ORDER BY code OFFSET 12 LIMIT 1",
                DISTRICT + "%")[0];
        long id = newChangeSet("create", null);
        JsonPath r = op(id, "{\"revision\":0,\"op\":\"createMicrogrids\",\"grid\":\"" + grid + "\",\"lines\":[" + lineAcross(grid) + "]}").then()
                .log().ifValidationFails().statusCode(200).extract().jsonPath();
        long created = r.getList("changed", String.class).stream().filter(c -> c.startsWith(grid) && c.length() == 18)
                .filter(c -> {
                    try {
                        return "f".equals(row("SELECT in_base FROM change_set_region WHERE change_set_id = ? AND code = ?", id, c)[0]);
                    } catch (SQLException e) {
                        throw new AssertionError(e);
                    }
                }).count();
        assertTrue(created >= 1, r.prettify());
        assertNoOverlapsOrGaps(id, grid);
        String m = row("SELECT code FROM region WHERE parent_code = ? AND generation_high IS NULL ORDER BY code LIMIT 1", grid)[0];
        op(id, "{\"revision\":1,\"op\":\"rename\",\"code\":\"" + m + "\",\"name\":\"桃园微网格\"}").then().statusCode(200).body("changed", equalTo(List.of(m)));
        assertEquals("桃园微网格", row("SELECT name FROM change_set_region WHERE change_set_id = ? AND code = ?", id, m)[0]);
        op(id, "{\"revision\":2,\"op\":\"rename\",\"code\":\"" + DISTRICT + "\",\"name\":\"新区\"}").then().statusCode(422)
                .body("issues[0].rule", equalTo("locked-boundary"));
        op(id, "{\"revision\":2,\"op\":\"rename\",\"code\":\"" + m + "\",\"name\":\"\"}").then().statusCode(422).body("issues[0].rule", equalTo("bad-name"));
    }

    @Test
    void aPlannerEditsOnlyInsideHerAreaScope() throws Exception {
        String outside = row("SELECT code FROM region WHERE level = 'microgrid' AND generation_high IS NULL AND code LIKE '321182%' ORDER BY code LIMIT 1")[0];
        long id = newChangeSet("scope", null);
        op(id, "{\"revision\":0,\"op\":\"rename\",\"code\":\"" + outside + "\",\"name\":\"越界\"}").then().statusCode(403);
        asPlanner().get("/api/changesets/" + id).then().body("revision", equalTo(0));
    }

    /**
     * In the draft, around a grid: no two micro-grids' interiors meet, and together they cover what the base's did
     * (to a square metre: new vertices sit on the 1 cm grid).
     */
    private void assertNoOverlapsOrGaps(long id, String grid) throws SQLException {
        String draft = "(SELECT code, geom FROM change_set_region WHERE change_set_id = " + id + " AND level = 'microgrid' AND NOT deleted "
                + "UNION ALL SELECT code, geom FROM region r WHERE r.level = 'microgrid' AND r.generation_high IS NULL "
                + "AND r.code NOT IN (SELECT code FROM change_set_region WHERE change_set_id = " + id + "))";
        String box = "(SELECT ST_Expand(geom, 0.02) FROM region WHERE code = '" + grid + "' AND generation_high IS NULL)";
        assertEquals("0", row("SELECT count(*) FROM " + draft + " a JOIN " + draft + " b ON a.code < b.code AND a.geom && b.geom "
                + "WHERE a.geom && " + box + " AND ST_Relate(a.geom, b.geom, '2********')")[0], "no overlaps");
        assertEquals("t", row("SELECT abs(ST_Area((SELECT ST_Union(geom) FROM " + draft + " d WHERE d.geom @ " + box + ")::geography) "
                + "- ST_Area((SELECT ST_Union(geom) FROM region r WHERE r.level = 'microgrid' AND r.generation_high IS NULL AND r.geom @ " + box
                + ")::geography)) < 1")[0], "no gaps");
    }

    private String bbox(String code) throws SQLException {
        String[] r = row("SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM region WHERE code = ? AND generation_high IS NULL", code);
        return String.join(",", r);
    }

    private String[] row(String sql, Object... args) throws SQLException {
        return EditFixtures.row(dataSource, sql, args);
    }
}
