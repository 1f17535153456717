package cn.gridmap.edit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;

/**
 * A seeded random walk of edits over one community (fixed seed: the same run every time): reshaped edges, splits,
 * merges, moves, new micro-grids and renames, chosen from the draft as it stands. After every operation — accepted
 * or refused — the draft holds all invariants: valid micro-grids, none overlapping, every grid exactly the union of
 * its micro-grids and in one piece, together exactly the community (whose locked boundary takes new vertices on the
 * 1 cm grid but never moves), every code under its grid and never one used before; a refused operation changed nothing.
 */
@QuarkusTest
class RandomEditsPropertyTest {
    private static final String DISTRICT = "321181";
    private static final long SEED = 20261201;
    private static final int STEPS = 80;

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource dataSource;

    private String planner;

    @BeforeEach
    void aPlanner() {
        AsAdmin.off();
        planner = Logins.token("prop-planner", List.of(Roles.PLANNER), List.of(DISTRICT), false);
    }

    @Test
    void randomEditsKeepEveryInvariantOfTheDraft() throws Exception {
        String community = EditFixtures.row(dataSource, "SELECT g.parent_code FROM region g WHERE g.level = 'grid' AND g.generation_high IS NULL "
                + "AND g.code LIKE ? GROUP BY g.parent_code HAVING count(*) >= 6 ORDER BY g.parent_code OFFSET 2 LIMIT 1", DISTRICT + "%")[0];
        long id = EditFixtures.as(planner).body(Map.of("title", "property " + SEED)).post("/api/changesets").then().statusCode(201).extract().jsonPath()
                .getLong("id");
        SplittableRandom random = new SplittableRandom(SEED);
        Map<String, Integer> tally = new TreeMap<>();
        int revision = 0;
        for (int step = 0; step < STEPS; step++) {
            String kind = List.of("reshapeEdge", "reshapeEdge", "split", "merge", "moveMicrogrids", "createMicrogrids", "rename", "splitGrid")
                    .get(random.nextInt(8));
            String body = op(id, community, kind, revision, random);
            if (body == null) {
                continue;
            }
            Response r = EditFixtures.as(planner).body(body).post("/api/changesets/" + id + "/ops");
            assertTrue(r.statusCode() == 200 || r.statusCode() == 422, "step " + step + " " + kind + ": " + r.statusCode() + " " + r.asString());
            tally.merge(kind + (r.statusCode() == 200 ? " ok" : " refused: " + r.jsonPath().getList("issues.rule")), 1, Integer::sum);
            int now = given().header("Authorization", "Bearer " + planner).get("/api/changesets/" + id).then().statusCode(200).extract().jsonPath()
                    .getInt("revision");
            assertEquals(r.statusCode() == 200 ? revision + 1 : revision, now, "step " + step + ": " + r.asString());
            revision = now;
            String broken = invariants(id, community);
            assertEquals(null, broken, "after step " + step + " (" + kind + "): " + body);
        }
        System.out.printf("property test (seed %d, community %s): %s%n", SEED, community, tally);
        assertTrue(tally.keySet().stream().filter(k -> k.endsWith(" ok")).count() >= 5, "most kinds of operation were carried out: " + tally);
    }

    /** A random operation of a kind on the draft as it stands, or null when the draft offers no candidate. */
    private String op(long id, String community, String kind, int revision, SplittableRandom random) throws Exception {
        String draft = draft(id);
        String head = "{\"revision\":" + revision + ",\"op\":\"" + kind + "\",";
        switch (kind) {
            case "reshapeEdge", "merge" -> {
                List<String[]> pairs = rows("SELECT a.code, b.code FROM " + draft + " a JOIN " + draft + " b ON a.code < b.code AND a.parent_code = "
                        + "b.parent_code AND a.geom && b.geom WHERE a.code LIKE '" + community + "%' AND ST_Length(ST_Intersection(ST_Boundary(a.geom), "
                        + "ST_Boundary(b.geom))::geography) > 40 ORDER BY a.code, b.code");
                if (pairs.isEmpty()) {
                    return null;
                }
                String[] p = pairs.get(random.nextInt(pairs.size()));
                if (kind.equals("merge")) {
                    return head + "\"codes\":[\"" + p[0] + "\",\"" + p[1] + "\"],\"keep\":\"" + p[random.nextInt(2)] + "\"}";
                }
                String fc = given().header("Authorization", "Bearer " + planner).get("/api/changesets/" + id + "/edges?a=" + p[0] + "&b=" + p[1]).then()
                        .statusCode(200).extract().asString();
                ArrayNode edge = (ArrayNode) new ObjectMapper().readTree(fc).path("features").get(0).path("geometry").path("coordinates");
                double d = (random.nextBoolean() ? 1 : -1) * (1e-5 + random.nextDouble() * 4e-5);
                return head + "\"a\":\"" + p[0] + "\",\"b\":\"" + p[1] + "\",\"line\":{\"type\":\"LineString\",\"coordinates\":"
                        + ChangeSetResourceTest.bent(edge, d) + "}}";
            }
            case "split", "rename" -> {
                List<String[]> ms = rows("SELECT code, ST_XMin(geom) - 0.001, ST_XMax(geom) + 0.001, ST_Y(ST_PointOnSurface(geom)) FROM " + draft
                        + " d WHERE code LIKE '" + community + "%' ORDER BY code");
                String[] m = ms.get(random.nextInt(ms.size()));
                if (kind.equals("rename")) {
                    return head + "\"code\":\"" + m[0] + "\",\"name\":\"随机微网格" + random.nextInt(1000) + "\"}";
                }
                return head + "\"code\":\"" + m[0] + "\",\"line\":{\"type\":\"LineString\",\"coordinates\":[[" + m[1] + "," + m[3] + "],[" + m[2] + ","
                        + m[3] + "]]}}";
            }
            case "moveMicrogrids" -> {
                List<String[]> ms = rows("SELECT a.code, b.parent_code FROM " + draft + " a JOIN " + draft + " b ON a.parent_code <> b.parent_code "
                        + "AND a.geom && b.geom WHERE a.code LIKE '" + community + "%' AND b.code LIKE '" + community + "%' "
                        + "AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))::geography) > 20 ORDER BY a.code, b.code");
                if (ms.isEmpty()) {
                    return null;
                }
                String[] m = ms.get(random.nextInt(ms.size()));
                return head + "\"codes\":[\"" + m[0] + "\"],\"toGrid\":\"" + m[1] + "\"}";
            }
            case "splitGrid" -> {
                List<String[]> gs = rows("SELECT DISTINCT parent_code FROM " + draft + " d WHERE code LIKE '" + community + "%' ORDER BY 1");
                String grid = gs.get(random.nextInt(gs.size()))[0];
                String[] b = rows("SELECT ST_XMin(e) - 0.001, ST_XMax(e) + 0.001, ST_YMin(e) + (ST_YMax(e) - ST_YMin(e)) * " + (0.3 + 0.4 * random.nextDouble())
                        + " FROM (SELECT ST_Extent(geom)::box2d e FROM " + draft + " d WHERE parent_code = '" + grid + "') x").get(0);
                return "{\"revision\":" + revision + ",\"op\":\"split\",\"code\":\"" + grid + "\",\"line\":{\"type\":\"LineString\",\"coordinates\":[["
                        + b[0] + "," + b[2] + "],[" + b[1] + "," + b[2] + "]]}}";
            }
            default -> {
                List<String[]> gs = rows("SELECT DISTINCT parent_code FROM " + draft + " d WHERE code LIKE '" + community + "%' ORDER BY 1");
                String grid = gs.get(random.nextInt(gs.size()))[0];
                String[] b = rows("SELECT ST_XMin(e) - 0.001, ST_XMax(e) + 0.001, (ST_YMin(e) + ST_YMax(e)) / 2 FROM (SELECT ST_Extent(geom)::box2d e FROM "
                        + draft + " d WHERE parent_code = '" + grid + "') x").get(0);
                return head + "\"grid\":\"" + grid + "\",\"lines\":[{\"type\":\"LineString\",\"coordinates\":[[" + b[0] + "," + b[2] + "],[" + b[1] + ","
                        + b[2] + "]]}]}";
            }
        }
    }

    /** The draft's current micro-grids: the overlay's, and the base's the overlay does not replace. */
    private static String draft(long id) {
        return "(SELECT code, parent_code, geom FROM change_set_region WHERE change_set_id = " + id + " AND level = 'microgrid' AND NOT deleted "
                + "UNION ALL SELECT code, parent_code, geom FROM region r WHERE r.level = 'microgrid' AND r.generation_high IS NULL "
                + "AND r.code NOT IN (SELECT code FROM change_set_region WHERE change_set_id = " + id + "))";
    }

    /** The first invariant the draft breaks in the community, or null. */
    private String invariants(long id, String community) throws SQLException {
        String micro = "(SELECT * FROM " + draft(id) + " d WHERE code LIKE '" + community + "%')";
        String grids = "(SELECT code, geom FROM change_set_region WHERE change_set_id = " + id + " AND level = 'grid' AND NOT deleted "
                + "UNION ALL SELECT code, geom FROM region r WHERE r.level = 'grid' AND r.generation_high IS NULL AND r.parent_code = '" + community + "' "
                + "AND r.code NOT IN (SELECT code FROM change_set_region WHERE change_set_id = " + id + "))";
        Map<String, String> checks = new java.util.LinkedHashMap<>();
        checks.put("invalid micro-grids", "SELECT count(*) FROM " + micro + " m WHERE NOT ST_IsValid(m.geom) OR ST_NumGeometries(m.geom) <> 1");
        checks.put("overlapping micro-grids", "SELECT count(*) FROM " + micro + " a JOIN " + micro + " b ON a.code < b.code AND a.geom && b.geom "
                + "AND ST_Relate(a.geom, b.geom, '2********')");
        checks.put("grids that are not the union of their micro-grids, or in pieces", "SELECT count(*) FROM " + grids + " g WHERE "
                + "ST_NumGeometries(g.geom) <> 1 OR ST_Area(ST_SymDifference(g.geom, (SELECT ST_Union(m.geom) FROM " + micro
                + " m WHERE m.parent_code = g.code))::geography) > 0.01");
        String draftCommunity = "(SELECT geom FROM change_set_region WHERE change_set_id = " + id + " AND code = '" + community + "' UNION ALL "
                + "SELECT geom FROM region WHERE code = '" + community + "' AND generation_high IS NULL AND NOT EXISTS (SELECT 1 FROM change_set_region "
                + "WHERE change_set_id = " + id + " AND code = '" + community + "'))";
        checks.put("a gap or spill against the community", "SELECT (ST_Area(ST_SymDifference((SELECT ST_Union(geom) FROM " + micro + " m), "
                + "(SELECT geom FROM " + draftCommunity + " x))::geography) > 0.01)::int");
        // the community's boundary is locked: it may take new vertices on the 1 cm grid, never move (2 cm, about 2e-7 degrees)
        checks.put("the community's boundary moved", "SELECT (ST_HausdorffDistance((SELECT geom FROM " + draftCommunity + " x), "
                + "(SELECT geom FROM region WHERE code = '" + community + "' AND generation_high IS NULL)) > 2.5e-7)::int");
        checks.put("codes not under their grid", "SELECT count(*) FROM " + micro + " m WHERE m.code NOT LIKE m.parent_code || '___' OR right(m.code, 3) = '000'");
        checks.put("codes used twice", "SELECT count(*) - count(DISTINCT code) FROM " + micro + " m");
        checks.put("new codes used before", "SELECT count(*) FROM change_set_region n WHERE n.change_set_id = " + id + " AND NOT n.in_base "
                + "AND EXISTS (SELECT 1 FROM region r WHERE r.code = n.code)");
        for (Map.Entry<String, String> c : checks.entrySet()) {
            String n = rows(c.getValue()).get(0)[0];
            if (!"0".equals(n)) {
                return c.getKey() + ": " + n;
            }
        }
        return null;
    }

    private List<String[]> rows(String sql) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getString(i + 1);
                }
                out.add(row);
            }
        }
        return out;
    }
}
