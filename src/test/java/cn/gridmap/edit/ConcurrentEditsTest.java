package cn.gridmap.edit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;

/**
 * R2: 16 planners edit 16 pairs of neighbouring micro-grids of one community at once, 200 edits each — eight in
 * one shared change set (they race on its revision), eight in change sets of their own — then the eight own ones
 * are published concurrently. Every refused write was a 409 with the current revision, no acknowledged edit is
 * lost, and after every publish the community's micro-grids are valid, nested in their grids, without overlaps or
 * gaps.
 */
@QuarkusTest
class ConcurrentEditsTest {
    private static final String DISTRICT = "321112";
    private static final int CLIENTS = 16;
    private static final int EDITS = 200;

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource dataSource;

    @BeforeEach
    void noAdmin() {
        AsAdmin.off();
    }

    /** A pair of neighbouring micro-grids of one grid and their shared edge's first line. */
    private record Pair(String a, String b, ArrayNode edge) {
    }

    @Test
    void concurrentEditsAreSerialisedByRevisionAndPublishesKeepTheCityWhole() throws Exception {
        String community = EditFixtures.row(dataSource, "SELECT g.parent_code FROM region g WHERE g.level = 'grid' AND g.generation_high IS NULL "
                + "AND g.code LIKE ? GROUP BY g.parent_code HAVING count(*) >= 8 ORDER BY g.parent_code LIMIT 1", DISTRICT + "%")[0];
        String planner = Logins.token("r2-planner", List.of(Roles.PLANNER), List.of(DISTRICT), false);
        List<Pair> pairs = pairs(community, planner);
        assertEquals(CLIENTS, pairs.size(), "16 disjoint pairs in community " + community);

        long shared = newChangeSet(planner, "R2 shared");
        List<Long> own = new ArrayList<>();
        for (int i = 0; i < CLIENTS / 2; i++) {
            own.add(newChangeSet(planner, "R2 own " + i));
        }
        Map<Long, Set<Integer>> acknowledged = new ConcurrentHashMap<>();
        List<String> wrong = new CopyOnWriteArrayList<>();
        int[] stale = new int[1];
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> done = new ArrayList<>();
        for (int k = 0; k < CLIENTS; k++) {
            int client = k;
            long id = client < CLIENTS / 2 ? shared : own.get(client - CLIENTS / 2);
            Pair p = pairs.get(client);
            done.add(pool.submit(() -> {
                SplittableRandom random = new SplittableRandom(1000 + client);
                int revision = revision(planner, id);
                for (int e = 0; e < EDITS; e++) {
                    double d = (random.nextBoolean() ? 1 : -1) * (0.5e-5 + random.nextDouble() * 2e-5);
                    String body = "{\"revision\":" + revision + ",\"op\":\"reshapeEdge\",\"a\":\"" + p.a() + "\",\"b\":\"" + p.b()
                            + "\",\"line\":{\"type\":\"LineString\",\"coordinates\":" + ChangeSetResourceTest.bent(p.edge(), d) + "}}";
                    while (true) {
                        Response r = given().header("Authorization", "Bearer " + planner).contentType(ContentType.JSON).body(body)
                                .post("/api/changesets/" + id + "/ops");
                        if (r.statusCode() == 200) {
                            int got = r.jsonPath().getInt("revision");
                            if (!acknowledged.computeIfAbsent(id, x -> ConcurrentHashMap.newKeySet()).add(got)) {
                                wrong.add("revision " + got + " of change set " + id + " acknowledged twice");
                            }
                            revision = got;
                            break;
                        }
                        if (r.statusCode() != 409 || r.jsonPath().get("currentRevision") == null) {
                            wrong.add(r.statusCode() + " " + r.asString());
                            return null;
                        }
                        synchronized (stale) {
                            stale[0]++;
                        }
                        revision = r.jsonPath().getInt("currentRevision");
                        body = body.replaceFirst("\"revision\":\\d+", "\"revision\":" + revision);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        assertEquals(List.of(), wrong);
        assertTrue(stale[0] > 0, "the shared change set's clients raced");
        // no acknowledged edit lost: each change set holds exactly the operations acknowledged, at revisions 1..n
        for (long id : concat(shared, own)) {
            int n = Integer.parseInt(EditFixtures.row(dataSource, "SELECT count(*) FROM change_set_op WHERE change_set_id = ? AND NOT undone", id)[0]);
            assertEquals(acknowledged.get(id).size(), n, "change set " + id);
            assertEquals(revisionsUpTo(n), acknowledged.get(id), "change set " + id);
            assertEquals(String.valueOf(n), EditFixtures.row(dataSource, "SELECT revision FROM change_set WHERE id = ?", id)[0]);
        }
        assertEquals(CLIENTS / 2 * EDITS, acknowledged.get(shared).size());
        System.out.printf("R2: %d edits acknowledged, %d stale writes refused with 409%n", CLIENTS * EDITS, stale[0]);

        // the eight own change sets, signed off, published at once
        String today = LocalDate.now(ZoneId.of("Asia/Shanghai")).toString();
        String approver = EditFixtures.communityApprover(community + "000000");
        for (long id : own) {
            int rev = revision(planner, id);
            EditFixtures.as(planner).body("{\"revision\":" + rev + ",\"effectiveFrom\":\"" + today + "\"}").post("/api/changesets/" + id + "/submit")
                    .then().statusCode(200);
            EditFixtures.as(approver).body("{\"revision\":" + rev + ",\"decision\":\"approve\"}").post("/api/changesets/" + id + "/approvals").then()
                    .statusCode(200);
        }
        List<Future<Integer>> published = new ArrayList<>();
        for (long id : own) {
            int rev = revision(planner, id);
            published.add(pool.submit(() -> {
                Response r = EditFixtures.as(planner).body("{\"revision\":" + rev + "}").post("/api/changesets/" + id + "/publish");
                assertEquals(200, r.statusCode(), r.asString());
                assertCommunityWhole(community);
                return r.jsonPath().getInt("generation");
            }));
        }
        Set<Integer> generations = new HashSet<>();
        for (Future<Integer> f : published) {
            generations.add(f.get());
        }
        pool.shutdown();
        assertEquals(CLIENTS / 2, generations.size(), "one generation each");
        assertCommunityWhole(community);
    }

    /** The community's current micro-grids: valid, inside their grids, no two overlapping, together each grid exactly. */
    private void assertCommunityWhole(String community) throws SQLException {
        String micro = "(SELECT code, parent_code, geom FROM region WHERE level = 'microgrid' AND generation_high IS NULL AND code LIKE '" + community + "%')";
        assertEquals("0", one("SELECT count(*) FROM " + micro + " m WHERE NOT ST_IsValid(m.geom)"), "valid");
        assertEquals("0", one("SELECT count(*) FROM " + micro + " a JOIN " + micro + " b ON a.code < b.code AND a.geom && b.geom "
                + "AND ST_Relate(a.geom, b.geom, '2********')"), "no overlaps");
        assertEquals("0", one("SELECT count(*) FROM region g WHERE g.level = 'grid' AND g.generation_high IS NULL AND g.code LIKE '" + community
                + "%' AND (ST_Area(ST_SymDifference(g.geom, (SELECT ST_Union(m.geom) FROM " + micro + " m WHERE m.parent_code = g.code))::geography) > 0.01 "
                + "OR NOT ST_CoveredBy(g.geom, (SELECT c.geom FROM region c WHERE c.code = g.parent_code AND c.generation_high IS NULL)))"),
                "each grid is the union of its micro-grids (no gap), inside its community");
    }

    private String one(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private List<Pair> pairs(String community, String planner) throws Exception {
        List<Pair> out = new ArrayList<>();
        Set<String> used = new HashSet<>();
        long probe = newChangeSet(planner, "R2 edges");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT a.code, b.code FROM region a "
                + "JOIN region b ON b.parent_code = a.parent_code AND b.code > a.code WHERE a.level = 'microgrid' AND a.generation_high IS NULL "
                + "AND b.generation_high IS NULL AND a.code LIKE ? AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))::geography) > 80 "
                + "ORDER BY a.code, b.code")) {
            ps.setString(1, community + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && out.size() < CLIENTS) {
                    String a = rs.getString(1);
                    String b = rs.getString(2);
                    if (used.contains(a) || used.contains(b)) {
                        continue;
                    }
                    used.add(a);
                    used.add(b);
                    String fc = given().header("Authorization", "Bearer " + planner).get("/api/changesets/" + probe + "/edges?a=" + a + "&b=" + b)
                            .then().statusCode(200).extract().asString();
                    out.add(new Pair(a, b, (ArrayNode) new ObjectMapper().readTree(fc).path("features").get(0).path("geometry").path("coordinates")));
                }
            }
        }
        return out;
    }

    private static long newChangeSet(String planner, String title) {
        return EditFixtures.as(planner).body(Map.of("title", title)).post("/api/changesets").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private static int revision(String planner, long id) {
        return given().header("Authorization", "Bearer " + planner).get("/api/changesets/" + id).then().statusCode(200).extract().jsonPath()
                .getInt("revision");
    }

    private static Set<Integer> revisionsUpTo(int n) {
        Set<Integer> s = new HashSet<>();
        for (int i = 1; i <= n; i++) {
            s.add(i);
        }
        return s;
    }

    private static List<Long> concat(long first, List<Long> rest) {
        List<Long> all = new ArrayList<>(Collections.singletonList(first));
        all.addAll(rest);
        return all;
    }
}
