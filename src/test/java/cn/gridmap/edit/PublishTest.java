package cn.gridmap.edit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;

/**
 * The whole loop on district 321182 (the one the other tests leave alone): a planner moves a micro-grid to the
 * neighbouring grid, the preview says what moves, a community and then a street approver sign off, and publishing
 * writes a dated generation in one transaction: regions, element re-assignment, lineage, history, statistics; the
 * lookup index follows, and asOf answers for the day before still give the old grid.
 */
@QuarkusTest
class PublishTest {
    private static final String DISTRICT = "321182";
    private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Asia/Shanghai"));

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource dataSource;

    private String planner;
    private EditFixtures fx;

    @BeforeEach
    void aPlanner() {
        AsAdmin.off();
        planner = Logins.token("pub-planner", List.of(Roles.PLANNER), List.of(DISTRICT), false);
        fx = new EditFixtures(dataSource, planner);
    }

    private String[] row(String sql, Object... args) throws SQLException {
        return fx.row(sql, args);
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + AsAdmin.adminToken());
    }

    private static RequestSpecification as(String token) {
        return EditFixtures.as(token);
    }




    /**
     * Two edits of one grid edge, each moving a piece of the same micro-grid to the same neighbour: the generation
     * records that move once, with the area the neighbour holds in the end (the planner's map sends one edit per
     * release of a dragged vertex, so this is the usual case).
     */
    @Test
    void twoEditsThatMoveOneMicrogridsPiecesToOneNeighbourPublishOneLineageRow() throws Exception {
        String[] pair = row("SELECT a.code, b.code FROM region a JOIN region b ON b.parent_code = a.parent_code AND b.code > a.code "
                + "WHERE a.level = 'grid' AND b.level = 'grid' AND a.generation_high IS NULL AND b.generation_high IS NULL AND a.code LIKE ? "
                + "AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))::geography) > 200 ORDER BY a.code DESC LIMIT 1",
                DISTRICT + "%");
        long id = as(planner).body(Map.of("title", "两次调整同一边界")).post("/api/changesets").then().statusCode(201).extract().jsonPath()
                .getLong("id");
        com.fasterxml.jackson.databind.JsonNode fc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(as(planner)
                .get("/api/changesets/" + id + "/edges?a=" + pair[0] + "&b=" + pair[1]).then().statusCode(200).extract().asString());
        com.fasterxml.jackson.databind.node.ArrayNode line = (com.fasterxml.jackson.databind.node.ArrayNode) fc.path("features").get(0)
                .path("geometry").path("coordinates");
        for (int rev = 0; rev < 2; rev++) { // about 3 m, then 6 m sideways
            as(planner).body("{\"revision\":" + rev + ",\"op\":\"reshapeEdge\",\"a\":\"" + pair[0] + "\",\"b\":\"" + pair[1]
                    + "\",\"line\":{\"type\":\"LineString\",\"coordinates\":" + ChangeSetResourceTest.bent(line, 3e-5 * (rev + 1)) + "}}")
                    .post("/api/changesets/" + id + "/ops").then().log().ifValidationFails().statusCode(200);
        }
        String[] moved = row("SELECT count(*), count(DISTINCT (from_code, to_code)) FROM change_set_lineage WHERE change_set_id = ? "
                + "AND relation = 'moved'", id);
        assertTrue(Integer.parseInt(moved[0]) > Integer.parseInt(moved[1]), "the two edits moved pieces between the same micro-grids: "
                + moved[0] + " rows, " + moved[1] + " pairs");
        // the preview names the grid worker of the first grid, with its households before and after
        String worker = "pub-worker-" + pair[0];
        Logins.token(worker, List.of(Roles.GRIDWORKER), List.of(pair[0]), false);
        JsonPath preview = as(planner).get("/api/changesets/" + id + "/preview?limit=1").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(pair[0]), preview.getList("workers.staff.findAll { it.username == '" + worker + "' }.region"));
        assertEquals(preview.getInt("households.find { it.code == '" + pair[0] + "' }.after"),
                preview.getInt("workers.staff.find { it.username == '" + worker + "' }.householdsAfter"));
        assertEquals(List.of(), preview.getList("workers.unstaffedNewGrids"), "no grid is new");
        as(planner).body("{\"revision\":2,\"effectiveFrom\":\"" + TODAY + "\"}").post("/api/changesets/" + id + "/submit").then().statusCode(200);
        for (String approver : List.of(EditFixtures.communityApprover(pair[0]), EditFixtures.streetApprover(pair[0]))) {
            as(approver).body("{\"revision\":2,\"decision\":\"approve\"}").post("/api/changesets/" + id + "/approvals").then().statusCode(200);
        }
        int g = as(planner).body("{\"revision\":2}").post("/api/changesets/" + id + "/publish").then().log().ifValidationFails().statusCode(200)
                .extract().jsonPath().getInt("generation");
        String[] stored = row("SELECT count(*), count(DISTINCT (from_code, to_code)), min(area_sqm) FROM region_lineage WHERE generation = ? "
                + "AND relation = 'moved'", g);
        assertEquals(moved[1], stored[0], "one row per micro-grid pair");
        assertEquals(stored[0], stored[1]);
        // each row's area is what the receiving micro-grid holds of the old one now
        String[] check = row("SELECT max(abs(l.area_sqm / ST_Area(ST_Intersection(o.geom, n.geom)::geography) - 1)) FROM region_lineage l "
                + "JOIN region o ON o.code = l.from_code AND o.generation_high = ? - 1 JOIN region n ON n.code = l.to_code AND n.generation_low = ? "
                + "WHERE l.generation = ? AND l.relation = 'moved'", g, g, g);
        assertTrue(Double.parseDouble(check[0]) < 0.005, "areas within 0.5 % of the overlap (measured in the city's plane): " + check[0]);
        // a micro-grid that gave a piece away: two versions, and the lineage row
        String from = row("SELECT from_code FROM region_lineage WHERE generation = ? AND relation = 'moved' ORDER BY from_code LIMIT 1", g)[0];
        JsonPath h = as(planner).get("/api/regions/" + from + "/history").then().statusCode(200).extract().jsonPath();
        assertEquals(2, h.getList("versions").size());
        assertEquals(g - 1, h.getInt("versions[0].generationHigh"));
        assertEquals(TODAY.toString(), h.getString("versions[1].from"));
        assertTrue(h.getList("lineage.findAll { it.relation == 'moved' && it.generation == " + g + " }.from").contains(from));
        as(planner).get("/api/regions/32118/history").then().statusCode(400);
        as(planner).get("/api/regions/321182999999999/history").then().statusCode(404);
    }

    @Test
    void aPublishedMoveIsADatedGenerationThatMovesTheElementsAndKeepsTheirHistory() throws Exception {
        String[] mh = fx.movable(DISTRICT, 0);
        String m = mh[0];
        String from = m.substring(0, 15);
        String to = mh[1];
        long id = fx.moveDraft("迁移微网格", m, to);
        String renumbered = row("SELECT to_code FROM change_set_lineage WHERE change_set_id = ? AND relation = 'renumbered'", id)[0];
        int houses = Integer.parseInt(row("SELECT count(*) FROM house WHERE microgrid_code = ?", m)[0]);
        int people = Integer.parseInt(row("SELECT count(*) FROM person WHERE microgrid_code = ?", m)[0]);
        String house = row("SELECT min(id) FROM house WHERE microgrid_code = ?", m)[0];
        String[] point = row("SELECT ST_X(geom), ST_Y(geom) FROM house WHERE id = ?", Long.parseLong(house));

        // the preview: every house and person of the micro-grid moves from one grid to the other
        JsonPath p = as(planner).get("/api/changesets/" + id + "/preview?kind=houses&limit=5").then().log().ifValidationFails().statusCode(200)
                .body("kinds.houses.moved", equalTo(houses)).body("kinds.people.moved", equalTo(people))
                .body("kinds.houses.grids[0].from", equalTo(from)).body("kinds.houses.grids[0].to", equalTo(to))
                .body("moves.total", equalTo(houses)).body("moves.items.size()", equalTo(Math.min(5, houses))).extract().jsonPath();
        assertEquals(renumbered, p.getString("moves.items[0].toMicrogrid"));
        as(planner).get("/api/changesets/" + id + "/diff?level=grid").then().statusCode(200).body("regions.code", hasItems(from, to))
                .body("regions.find { it.code == '" + to + "' }.state", equalTo("changed"));

        // sign-off: not by the author, not by an approver of another community, the chain in order
        as(planner).body("{\"revision\":1,\"effectiveFrom\":\"" + TODAY + "\"}").post("/api/changesets/" + id + "/submit").then().statusCode(200);
        as(planner).body("{\"revision\":1,\"decision\":\"approve\"}").post("/api/changesets/" + id + "/approvals").then().statusCode(403);
        String elsewhere = Logins.token("pub-elsewhere", List.of(Roles.APPROVER), List.of("321181"), false);
        as(elsewhere).body("{\"revision\":1,\"decision\":\"approve\"}").post("/api/changesets/" + id + "/approvals").then().statusCode(403);
        String community = EditFixtures.communityApprover(m);
        as(community).body("{\"revision\":0,\"decision\":\"approve\"}").post("/api/changesets/" + id + "/approvals").then().statusCode(409)
                .body("currentRevision", equalTo(1));
        as(community).body("{\"revision\":1,\"decision\":\"approve\"}").post("/api/changesets/" + id + "/approvals").then().statusCode(200);
        // the street step needs a street's scope
        as(community).body("{\"revision\":1,\"decision\":\"approve\"}").post("/api/changesets/" + id + "/approvals").then().statusCode(403);
        as(planner).body("{\"revision\":1}").post("/api/changesets/" + id + "/publish").then().statusCode(409);
        String street = EditFixtures.streetApprover(m);
        as(street).body("{\"revision\":1,\"decision\":\"approve\"}").post("/api/changesets/" + id + "/approvals").then().statusCode(200)
                .body("state", equalTo("approved")).body("approvals.size()", equalTo(2));

        JsonPath pub = as(planner).body("{\"revision\":1}").post("/api/changesets/" + id + "/publish").then().log().ifValidationFails()
                .statusCode(200).body("state", equalTo("published")).body("effectiveFrom", equalTo(TODAY.toString()))
                .body("changed", hasItems(renumbered, from, to)).extract().jsonPath();
        int generation = pub.getInt("generation");

        // the database: old rows closed, new rows open, elements moved, history, lineage, statistics
        assertEquals(String.valueOf(generation - 1), row("SELECT generation_high FROM region WHERE code = ?", m)[0]);
        assertEquals(String.valueOf(generation), row("SELECT generation_low FROM region WHERE code = ? AND generation_high IS NULL", renumbered)[0]);
        assertEquals(to, row("SELECT parent_code FROM region WHERE code = ? AND generation_high IS NULL", renumbered)[0]);
        assertEquals("0", row("SELECT count(*) FROM house WHERE microgrid_code = ?", m)[0]);
        assertEquals(String.valueOf(houses), row("SELECT count(*) FROM house WHERE microgrid_code = ?", renumbered)[0]);
        assertEquals(String.valueOf(people), row("SELECT count(*) FROM person WHERE microgrid_code = ?", renumbered)[0]);
        assertEquals("0", row("SELECT count(*) FROM microgrid_stats WHERE microgrid_code = ?", m)[0]);
        assertEquals(String.valueOf(houses), row("SELECT houses FROM microgrid_stats WHERE microgrid_code = ?", renumbered)[0]);
        assertEquals("t", row("SELECT ST_Equals(g.geom, (SELECT ST_Union(geom) FROM region WHERE parent_code = ? AND generation_high IS NULL)) "
                + "FROM region g WHERE g.code = ? AND g.generation_high IS NULL", to, to)[0], "the grid is the union of its micro-grids");
        assertEquals("published", row("SELECT state FROM change_set WHERE id = ?", id)[0]);

        admin().get("/api/generations").then().statusCode(200).body("[0].id", equalTo(generation)).body("[0].changeSet", equalTo((int) id))
                .body("[0].effectiveFrom", equalTo(TODAY.toString()));
        admin().get("/api/generations/" + generation + "/changes").then().statusCode(200).body("changed", hasItems(renumbered, from, to))
                .body("lineage.find { it.from == '" + m + "' }.relation", equalTo("renumbered"));
        admin().get("/api/houses/" + house + "/history").then().statusCode(200).body("history.size()", equalTo(2))
                .body("history[0].microgridCode", equalTo(m)).body("history[0].generationHigh", equalTo(generation - 1))
                .body("history[1].microgridCode", equalTo(renumbered)).body("history[1].gridCode", equalTo(to));
        admin().get("/api/generations/abc/changes").then().statusCode(400);
        admin().get("/api/generations/99999/changes").then().statusCode(404);

        // lookups follow once the index is rebuilt; the day before still answers with the old micro-grid
        String at = point[0] + "," + point[1];
        long deadline = System.currentTimeMillis() + 30_000;
        while (!renumbered.equals(admin().get("/api/point/4326/" + at + "?level=microgrid").then().statusCode(200).extract().jsonPath()
                .getString("regions[0].code"))) {
            assertTrue(System.currentTimeMillis() < deadline, "the lookup index did not follow the publish");
            Thread.sleep(100);
        }
        admin().get("/api/point/4326/" + at + "?level=microgrid&asOf=" + TODAY.minusDays(1)).then().statusCode(200)
                .body("regions[0].code", equalTo(m)).body("engine", equalTo("postgis"));
        admin().get("/api/point/4326/" + at + "?level=grid&asOf=" + TODAY).then().statusCode(200).body("regions[0].code", equalTo(to));
        admin().get("/api/regions/" + m + "?asOf=" + TODAY.minusDays(1)).then().statusCode(200).body("parentCode", equalTo(from));
        // batches too: the day before is answered by an index of the old generation
        String csv = "id,x,y\nh," + point[0] + "," + point[1] + "\n";
        String before = admin().contentType("text/csv").accept("text/csv").body(csv).post("/api/point/batch?asOf=" + TODAY.minusDays(1)).then()
                .statusCode(200).extract().asString();
        assertTrue(before.contains("," + m + ","), before);
        String now = admin().contentType("text/csv").accept("text/csv").body(csv).post("/api/point/batch").then().statusCode(200).extract().asString();
        assertTrue(now.contains("," + renumbered + ","), now);
        admin().contentType("text/csv").body(csv).post("/api/point/batch?asOf=someday").then().statusCode(400);
        admin().get("/api/regions/" + m).then().statusCode(404);
        admin().get("/api/point/4326/" + at + "?asOf=yesterday").then().statusCode(400);
        AsAdmin.off();

        // a published change set is history: no more edits
        as(planner).body("{\"revision\":1,\"op\":\"rename\",\"code\":\"" + to + "\",\"name\":\"x\"}").post("/api/changesets/" + id + "/ops").then()
                .statusCode(409);
    }

    @Test
    void aChangeSetWhoseBaseChangedMeanwhileIsA409AndRebasesOntoTheNewGeneration() throws Exception {
        String[] mh = fx.movable(DISTRICT, 3);
        String m = mh[0];
        long first = fx.moveDraft("先发布", m, mh[1]);
        long second = as(planner).body(Map.of("title", "后发布")).post("/api/changesets").then().statusCode(201).extract().jsonPath().getLong("id");
        as(planner).body("{\"revision\":0,\"op\":\"rename\",\"code\":\"" + m + "\",\"name\":\"改名\"}").post("/api/changesets/" + second + "/ops")
                .then().statusCode(200);
        fx.signOff(first, m, TODAY.toString(), List.of("community", "street"));
        fx.signOff(second, m, TODAY.toString(), List.of("community"));
        as(planner).body("{\"revision\":1}").post("/api/changesets/" + first + "/publish").then().statusCode(200);
        // the second renamed a micro-grid the first retired: it is stale, and its operation no longer applies on the new base
        as(planner).body("{\"revision\":1}").post("/api/changesets/" + second + "/publish").then().statusCode(409)
                .body("message", org.hamcrest.Matchers.containsString(m));
        as(planner).body("{}").post("/api/changesets/" + second + "/rebase").then().statusCode(409)
                .body("message", org.hamcrest.Matchers.containsString("no longer applies"));
        assertEquals("approved", row("SELECT state FROM change_set WHERE id = ?", second)[0], "nothing changed");
    }

    @Test
    void aChangeSetIsSeenOnlyInItsAreaAndQueuedForTheApproverOfItsNextStep() throws Exception {
        String[] mh = fx.movable(DISTRICT, 12);
        String m = mh[0];
        long id = fx.moveDraft("只在本区可见", m, mh[1]);
        String elsewhere = Logins.token("scope-planner-321181", List.of(Roles.PLANNER), List.of("321181"), false);
        as(elsewhere).get("/api/changesets").then().statusCode(200).body("id", org.hamcrest.Matchers.not(hasItem((int) id)));
        as(elsewhere).get("/api/changesets/" + id).then().statusCode(404);
        as(elsewhere).get("/api/changesets/" + id + "/preview").then().statusCode(404);
        as(elsewhere).get("/api/changesets/" + id + "/regions?level=grid").then().statusCode(404);
        as(planner).get("/api/changesets").then().statusCode(200).body("id", hasItem((int) id));
        as(planner).body("{\"revision\":1,\"effectiveFrom\":\"" + TODAY + "\"}").post("/api/changesets/" + id + "/submit").then().statusCode(200);
        String community = EditFixtures.communityApprover(m);
        String street = EditFixtures.streetApprover(m);
        String otherCommunity = Logins.token("approver-other-community", List.of(Roles.APPROVER), List.of("321181001001"), false);
        as(community).get("/api/changesets?queue=true").then().statusCode(200).body("id", hasItem((int) id));
        as(street).get("/api/changesets?queue=true").then().statusCode(200).body("id", org.hamcrest.Matchers.not(hasItem((int) id)));
        as(otherCommunity).get("/api/changesets?queue=true").then().statusCode(200).body("id", org.hamcrest.Matchers.not(hasItem((int) id)));
        as(planner).get("/api/changesets?queue=true").then().statusCode(200).body("id", org.hamcrest.Matchers.not(hasItem((int) id)));
        // the community step is the community's: the street's approver does not sign it, nor anyone two steps
        as(street).body("{\"revision\":1,\"decision\":\"approve\"}").post("/api/changesets/" + id + "/approvals").then().statusCode(403);
        as(community).body("{\"revision\":1,\"decision\":\"approve\"}").post("/api/changesets/" + id + "/approvals").then().statusCode(200);
        as(community).get("/api/changesets?queue=true").then().statusCode(200).body("id", org.hamcrest.Matchers.not(hasItem((int) id)));
        as(street).get("/api/changesets?queue=true").then().statusCode(200).body("id", hasItem((int) id));
        as(community).body("{\"revision\":1,\"decision\":\"approve\"}").post("/api/changesets/" + id + "/approvals").then().statusCode(403);
    }

    @Test
    void badInputToSignOffPreviewAndHistoryIsA4xxWithItsReason() throws Exception {
        String[] mh = fx.movable(DISTRICT, 15);
        long id = fx.moveDraft("坏输入", mh[0], mh[1]);
        String base = "/api/changesets/" + id;
        as(planner).get(base + "/preview?kind=bogus").then().statusCode(400);
        as(planner).get(base + "/preview?limit=0").then().statusCode(400);
        as(planner).get(base + "/diff?level=bogus").then().statusCode(400);
        as(planner).get(base + "/regions?level=bogus").then().statusCode(400);
        as(planner).get(base + "/regions?level=grid&bbox=1,2,3").then().statusCode(400);
        as(planner).body("{\"revision\":1,\"effectiveFrom\":\"next week\"}").post(base + "/submit").then().statusCode(400);
        as(planner).body("{\"revision\":1,\"effectiveFrom\":\"" + TODAY.minusDays(1) + "\"}").post(base + "/submit").then().statusCode(400);
        as(planner).body("{\"effectiveFrom\":\"" + TODAY + "\"}").post(base + "/submit").then().statusCode(400);
        as(planner).body("{\"revision\":1,\"effectiveFrom\":\"" + TODAY + "\"}").post(base + "/submit").then().statusCode(200);
        String community = EditFixtures.communityApprover(mh[0]);
        as(community).body("{\"revision\":1,\"decision\":\"maybe\"}").post(base + "/approvals").then().statusCode(400);
        as(community).body("{\"revision\":1,\"decision\":\"return\"}").post(base + "/approvals").then().statusCode(400)
                .body("message", org.hamcrest.Matchers.containsString("comment"));
        as(planner).body("{}").post(base + "/publish").then().statusCode(400);
        as(planner).body("{\"revision\":1}").post("/api/changesets/abc/publish").then().statusCode(400);
        admin().get("/api/webhooks/abc/deliveries").then().statusCode(400);
        admin().get("/api/webhooks/999999/deliveries").then().statusCode(404);
        // an element's history: a number, and only inside the caller's area
        admin().get("/api/houses/abc/history").then().statusCode(400);
        admin().get("/api/events/999999999/history").then().statusCode(404);
        String house = row("SELECT min(id) FROM house WHERE district_code = ?", DISTRICT)[0];
        String here = Logins.token("history-worker-" + DISTRICT, List.of(Roles.GRIDWORKER), List.of(DISTRICT), false);
        String elsewhere = Logins.token("history-worker-321181", List.of(Roles.GRIDWORKER), List.of("321181"), false);
        as(here).get("/api/houses/" + house + "/history").then().statusCode(200).body("history.size()", org.hamcrest.Matchers.greaterThan(0));
        as(elsewhere).get("/api/houses/" + house + "/history").then().statusCode(404);
    }

    @Test
    void aFutureEffectiveDateSchedulesThePublishingForThatDay() throws Exception {
        String[] mh = fx.movable(DISTRICT, 6);
        long id = fx.moveDraft("定期生效", mh[0], mh[1]);
        fx.signOff(id, mh[0], TODAY.plusDays(7).toString(), List.of("community", "street"));
        as(planner).body("{\"revision\":1}").post("/api/changesets/" + id + "/publish").then().statusCode(200).body("state", equalTo("scheduled"))
                .body("effectiveFrom", equalTo(TODAY.plusDays(7).toString())).body("generation", org.hamcrest.Matchers.nullValue());
        assertEquals("t", row("SELECT generation_high IS NULL FROM region WHERE code = ? ORDER BY generation_low DESC LIMIT 1", mh[0])[0]);
        // the day comes and goes (moved here by hand, as if the service had been down that day): the replicas' timer
        // publishes it, in force from today, so that no answer asOf the days before changes afterwards
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE change_set SET effective_from = ? WHERE id = ?")) {
            ps.setObject(1, TODAY.minusDays(3));
            ps.setLong(2, id);
            ps.executeUpdate();
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (!"published".equals(row("SELECT state FROM change_set WHERE id = ?", id)[0])) {
            assertTrue(System.currentTimeMillis() < deadline, "the scheduled change set was not published");
            Thread.sleep(200);
        }
        assertEquals("t", row("SELECT generation_high IS NOT NULL FROM region WHERE code = ? ORDER BY generation_low DESC LIMIT 1", mh[0])[0]);
        admin().get("/api/generations").then().body("find { it.changeSet == " + id + " }.effectiveFrom", equalTo(TODAY.toString()));
    }

}
