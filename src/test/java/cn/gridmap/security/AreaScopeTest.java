package cn.gridmap.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.GeometryFactory;

import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.MvtReader;
import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.TagKeyValueMapConverter;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;

/**
 * Broken object-level authorization, for every element kind: a grid worker whose scope is one grid sees that grid's
 * elements and nothing else — in lists, items, region filters, statistics, tiles, OGC items and imports.
 */
@QuarkusTest
class AreaScopeTest {
    private static final List<String> KINDS = List.of("people", "houses", "components", "organizations", "events");
    private static final Map<String, String> TABLES = Map.of("people", "person", "houses", "house", "components", "component",
            "organizations", "organization", "events", "event");

    @Inject
    @io.quarkus.agroal.DataSource("owner") // the tables' owner: what is stored, past row-level security
    DataSource dataSource;

    private String grid;
    private String token;

    @BeforeEach
    void aGridWorkerOfOneGrid() throws SQLException {
        AsAdmin.off();
        // a grid holding elements of every kind (the test city is a 1 % city: few grids have all five)
        grid = text("SELECT g FROM (SELECT left(microgrid_code, 15) g, count(*) n FROM event GROUP BY 1) e WHERE "
                + "EXISTS (SELECT 1 FROM component c WHERE left(c.microgrid_code, 15) = g) AND "
                + "EXISTS (SELECT 1 FROM organization o WHERE left(o.microgrid_code, 15) = g) AND "
                + "EXISTS (SELECT 1 FROM person p WHERE left(p.microgrid_code, 15) = g) ORDER BY n DESC, g LIMIT 1");
        token = Logins.token("scope-worker", List.of(Roles.GRIDWORKER), List.of(grid), false);
    }

    private RequestSpecification worker() {
        return given().header("Authorization", "Bearer " + token);
    }

    private RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + AsAdmin.adminToken());
    }

    @Test
    void listsHoldOnlyTheGridsElementsAndAllOfThem() throws SQLException {
        for (String kind : KINDS) {
            JsonPath page = worker().get("/api/" + kind + "?limit=1000").then().statusCode(200).extract().jsonPath();
            List<String> grids = page.getList("items.gridCode");
            assertFalse(grids.isEmpty(), kind + " of grid " + grid);
            assertTrue(grids.stream().allMatch(grid::equals), kind + ": only grid " + grid + ", got " + grids);
            assertEquals(count("SELECT count(*) FROM " + TABLES.get(kind) + " WHERE left(microgrid_code, 15) = ?", grid), grids.size(),
                    kind + ": every element of the grid");
        }
    }

    @Test
    void anItemOutsideIsNotFoundAndOneInsideIs() throws SQLException {
        for (String kind : KINDS) {
            long outside = count("SELECT min(id) FROM " + TABLES.get(kind) + " WHERE left(microgrid_code, 15) <> ?", grid);
            long inside = count("SELECT min(id) FROM " + TABLES.get(kind) + " WHERE left(microgrid_code, 15) = ?", grid);
            worker().get("/api/" + kind + "/" + outside).then().statusCode(404);
            admin().get("/api/" + kind + "/" + outside).then().statusCode(200);
            worker().get("/api/" + kind + "/" + inside).then().statusCode(200);
        }
    }

    @Test
    void aRegionFilterOutsideTheScopeIs403() throws SQLException {
        String other = text("SELECT code FROM region WHERE level = 'grid' AND code <> ? AND generation_high IS NULL ORDER BY code LIMIT 1", grid);
        String district = grid.substring(0, 6);
        for (String kind : KINDS) {
            worker().get("/api/" + kind + "?region=" + other).then().statusCode(403);
            worker().get("/api/" + kind + "?region=" + district).then().statusCode(403);
            worker().get("/api/" + kind + "?region=" + grid).then().statusCode(200);
        }
    }

    @Test
    void statisticsStayInsideTheScope() throws SQLException {
        String other = text("SELECT code FROM region WHERE level = 'grid' AND code <> ? AND generation_high IS NULL ORDER BY code LIMIT 1", grid);
        worker().get("/api/regions/" + grid + "/stats").then().statusCode(200);
        worker().get("/api/regions/" + other + "/stats").then().statusCode(403);
        worker().get("/api/regions/" + grid.substring(0, 12) + "/children/stats").then().statusCode(403);
        List<String> codes = worker().get("/api/stats?level=grid").then().statusCode(200).extract().jsonPath().getList("code");
        assertEquals(List.of(grid), codes, "the level statistics hold only the grid of the scope");
    }

    @Test
    void elementTilesDrawOnlyWhatTheScopeHolds() throws Exception {
        double[] p = point("SELECT ST_X(geom), ST_Y(geom) FROM event WHERE left(microgrid_code, 15) <> ? ORDER BY id LIMIT 1", grid);
        int z = 16;
        long x = (long) Math.floor((p[0] + 180) / 360 * (1 << z));
        double lat = Math.toRadians(p[1]);
        long y = (long) Math.floor((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2 * (1 << z));
        String url = "/tiles/events/" + z + "/" + x + "/" + y + ".mvt";
        assertTrue(features(admin().get(url)) > 0, "the admin's tile has the event"); // cached now for the city scope
        Response mine = worker().get(url);
        assertEquals(0, features(mine), "the grid worker's tile of the same place is empty");
        mine.then().header("Cache-Control", org.hamcrest.Matchers.startsWith("private"));
    }

    @Test
    void ogcElementItemsStayInsideTheScope() throws SQLException {
        List<String> grids = worker().get("/ogc/collections/events/items?limit=1000").then().statusCode(200).extract().jsonPath()
                .getList("features.properties.grid_code");
        assertFalse(grids.isEmpty());
        assertTrue(grids.stream().allMatch(grid::equals), grids.toString());
        String outside = text("SELECT min(external_id) FROM event WHERE left(microgrid_code, 15) <> ?", grid);
        worker().get("/ogc/collections/events/items/" + outside).then().statusCode(404);
        admin().get("/ogc/collections/events/items/" + outside).then().statusCode(200);
    }

    @Test
    void anImportRowOutsideTheScopeIsARowErrorAndTheRestIsStored() throws SQLException {
        double[] in = point("SELECT ST_X(geom), ST_Y(geom) FROM component WHERE left(microgrid_code, 15) = ? ORDER BY id LIMIT 1", grid);
        double[] out = point("SELECT ST_X(geom), ST_Y(geom) FROM component WHERE left(microgrid_code, 15) <> ? ORDER BY id LIMIT 1", grid);
        String someoneElses = text("SELECT min(external_id) FROM component WHERE left(microgrid_code, 15) <> ?", grid);
        String csv = "external_id,class_code,state,x,y\n"
                + "SCOPE-1,0101,完好," + in[0] + "," + in[1] + "\n"
                + "SCOPE-2,0101,完好," + out[0] + "," + out[1] + "\n"
                + someoneElses + ",0101,破损," + in[0] + "," + in[1] + "\n";
        JsonPath job = worker().contentType("text/csv").body(csv.getBytes(StandardCharsets.UTF_8))
                .post("/api/import?kind=components&wait=true&name=scope.csv").then().statusCode(200).extract().jsonPath();
        assertEquals(1, job.getInt("rowsStored"), job.prettify());
        assertEquals(2, job.getInt("rowsFailed"));
        List<String> reasons = job.getList("errors.reason");
        assertTrue(reasons.get(0).contains("outside your area scope"), reasons.toString());
        assertTrue(reasons.get(1).contains("an element outside your area scope"), reasons.toString());
        assertEquals(1, count("SELECT count(*) FROM component WHERE external_id LIKE 'SCOPE-%' AND left(microgrid_code, 15) = ?", grid));
        assertEquals(0, count("SELECT count(*) FROM component WHERE external_id = ? AND state = '破损' AND left(microgrid_code, 15) = ?",
                someoneElses, grid), "another grid's component was not moved into this one");
        // the job is the worker's: another grid worker does not see it
        String other = Logins.token("scope-other", List.of(Roles.GRIDWORKER), List.of(grid.substring(0, 12)), false);
        given().header("Authorization", "Bearer " + other).get("/api/import/" + job.getLong("id")).then().statusCode(404);
        worker().get("/api/import/" + job.getLong("id")).then().statusCode(200);
    }

    private static int features(Response r) throws Exception {
        if (r.statusCode() == 204) {
            return 0;
        }
        r.then().statusCode(200);
        return MvtReader.loadMvt(new ByteArrayInputStream(r.asByteArray()), new GeometryFactory(), new TagKeyValueMapConverter())
                .getLayers().stream().mapToInt(l -> l.getGeometries().size()).sum();
    }

    private String text(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getString(1);
            }
        }
    }

    private long count(String sql, Object... args) throws SQLException {
        return Long.parseLong(text(sql, args));
    }

    private double[] point(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return new double[] {rs.getDouble(1), rs.getDouble(2)};
            }
        }
    }
}
