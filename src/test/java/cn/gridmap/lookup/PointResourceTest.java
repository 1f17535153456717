package cn.gridmap.lookup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.geo.ChinaOffsets;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/** Point → regions through PostGIS, including points on shared edges and other coordinate systems. */
@QuarkusTest
class PointResourceTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner") // the tables' owner: tests look at what is stored, past row-level security
    DataSource dataSource;

    private static io.restassured.config.RestAssuredConfig previous;

    @org.junit.jupiter.api.BeforeAll
    static void numbersAsDoubles() {
        // RestAssured parses JSON numbers as Float by default: too coarse for coordinates
        previous = io.restassured.RestAssured.config;
        io.restassured.RestAssured.config = io.restassured.RestAssured.config().jsonConfig(io.restassured.config.JsonConfig.jsonConfig()
                .numberReturnType(io.restassured.path.json.config.JsonPathConfig.NumberReturnType.DOUBLE));
    }

    @org.junit.jupiter.api.AfterAll
    static void resetRestAssured() {
        io.restassured.RestAssured.config = previous;
    }

    private List<Object[]> rows(String sql, Object... params) throws SQLException {
        List<Object[]> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object[] r = new Object[rs.getMetaData().getColumnCount()];
                    for (int i = 0; i < r.length; i++) {
                        r[i] = rs.getObject(i + 1);
                    }
                    out.add(r);
                }
            }
        }
        return out;
    }

    @Test
    void pointInsideAMicrogridReturnsTheWholeChain() throws SQLException {
        for (Object[] m : rows("SELECT code, ST_X(p), ST_Y(p) FROM (SELECT code, ST_PointOnSurface(geom) p FROM region "
                + "WHERE level = 'microgrid' ORDER BY code LIMIT 50) x WHERE code::numeric % 7 = 0")) {
            String micro = (String) m[0];
            given().get("/api/point/4326/" + m[1] + "," + m[2]).then().statusCode(200)
                    .body("crs", equalTo("4326"))
                    .body("regions", hasSize(6))
                    .body("regions.level", equalTo(List.of("city", "district", "street", "community", "grid", "microgrid")))
                    .body("regions[5].code", equalTo(micro))
                    .body("regions[4].code", equalTo(micro.substring(0, 15)))
                    .body("regions[0].code", equalTo("321100"));
        }
    }

    @Test
    void bothEnginesGiveTheSameChainAndShape() throws SQLException {
        for (Object[] m : rows("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM region WHERE level = 'grid' "
                + "ORDER BY md5(code) LIMIT 20) x")) {
            String path = "/api/point/4326/" + m[0] + "," + m[1];
            JsonPath memory = given().get(path).then().statusCode(200).body("engine", equalTo("memory")).extract().jsonPath();
            JsonPath postgis = given().queryParam("engine", "postgis").get(path).then().statusCode(200)
                    .body("engine", equalTo("postgis")).extract().jsonPath();
            assertEquals(postgis.getList("regions"), memory.getList("regions"));
            assertEquals(postgis.getDouble("boundaryDistanceMeters"), memory.getDouble("boundaryDistanceMeters"),
                    0.01 * postgis.getDouble("boundaryDistanceMeters") + 0.05, "distance to the grid edge at " + path);
            assertEquals(postgis.getBoolean("nearBoundary"), memory.getBoolean("nearBoundary"));
        }
    }

    @Test
    void bothEnginesAgreeOnSharedVerticesAndNearEdgesIncludingTheNeighbours() throws SQLException {
        // every vertex of 5 grids (shared by two or three grids: near the boundary, with neighbours), the midpoint of
        // each of their edges, and points 4 m inside each edge's midpoint
        List<Object[]> points = rows("""
                WITH g AS (SELECT geom FROM region WHERE level = 'grid' ORDER BY md5(code) LIMIT 5),
                ring AS (SELECT ST_ExteriorRing((ST_Dump(geom)).geom) r FROM g),
                seg AS (SELECT ST_PointN(r, n) a, ST_PointN(r, n + 1) b FROM ring, generate_series(1, ST_NPoints(r) - 1) n)
                SELECT ST_X(a), ST_Y(a) FROM seg
                UNION ALL SELECT (ST_X(a) + ST_X(b)) / 2, (ST_Y(a) + ST_Y(b)) / 2 FROM seg
                UNION ALL SELECT (ST_X(a) + ST_X(b)) / 2 + 0.00004, (ST_Y(a) + ST_Y(b)) / 2 - 0.00003 FROM seg""");
        int near = 0;
        int withNeighbours = 0;
        for (Object[] m : points) {
            String path = "/api/point/4326/" + m[0] + "," + m[1];
            JsonPath memory = given().get(path).then().statusCode(200).extract().jsonPath();
            JsonPath postgis = given().queryParam("engine", "postgis").get(path).then().statusCode(200)
                    .body("engine", equalTo("postgis")).extract().jsonPath();
            assertEquals(memory.getList("regions"), postgis.getList("regions"), "chain at " + path);
            assertEquals(memory.getBoolean("nearBoundary"), postgis.getBoolean("nearBoundary"), "nearBoundary at " + path);
            assertEquals(memory.getDouble("boundaryDistanceMeters"), postgis.getDouble("boundaryDistanceMeters"),
                    0.01 * postgis.getDouble("boundaryDistanceMeters") + 0.05, "distance to the grid edge at " + path);
            assertEquals(memory.getList("neighbours.code"), postgis.getList("neighbours.code"), "neighbours at " + path);
            org.junit.jupiter.api.Assertions.assertTrue(postgis.getLong("indexVersion") > 0, "the region version PostGIS answers for");
            near += memory.getBoolean("nearBoundary") ? 1 : 0;
            withNeighbours += memory.getList("neighbours") == null || memory.getList("neighbours").isEmpty() ? 0 : 1;
        }
        org.junit.jupiter.api.Assertions.assertTrue(near > points.size() / 2, near + " of " + points.size() + " points near an edge");
        org.junit.jupiter.api.Assertions.assertTrue(withNeighbours > 40, withNeighbours + " points with neighbours");
    }

    @Test
    void pointNearAGridEdgeSaysSoAndListsTheNeighbour() throws SQLException {
        // 2 m inside grid a, across the shared edge from grid b
        Object[] r = rows("""
                SELECT a.code, b.code, ST_X(p), ST_Y(p) FROM region a JOIN region b ON a.parent_code = b.parent_code AND a.code < b.code
                  AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))::geography) > 50,
                LATERAL (SELECT ST_Project(ST_LineInterpolatePoint(ST_LineMerge(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))), 0.5)::geography,
                           2.0, radians(0))::geometry p0) q,
                LATERAL (SELECT CASE WHEN ST_Covers(a.geom, ST_SetSRID(p0, 4326)) AND NOT ST_Covers(b.geom, ST_SetSRID(p0, 4326))
                                THEN ST_SetSRID(p0, 4326) END p) w
                WHERE a.level = 'grid' AND p IS NOT NULL AND GeometryType(ST_LineMerge(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom)))) = 'LINESTRING'
                ORDER BY a.code LIMIT 1""").get(0);
        given().get("/api/point/4326/" + r[2] + "," + r[3]).then().statusCode(200)
                .body("regions[4].code", equalTo(r[0]))
                .body("nearBoundary", equalTo(true))
                .body("boundaryDistanceMeters", org.hamcrest.Matchers.lessThan(3.0))
                .body("neighbours.code", org.hamcrest.Matchers.hasItem(r[1]));
    }

    @Test
    void levelFilterReturnsOnlyThatLevel() {
        given().queryParam("level", "grid").get("/api/point/4326/119.4550,32.2040").then().statusCode(200)
                .body("regions", hasSize(1)).body("regions[0].level", equalTo("grid"));
        given().queryParam("level", "province").get("/api/point/4326/119.4550,32.2040").then().statusCode(400)
                .body("message", containsString("level must be one of"));
    }

    @Test
    void asOfIsAcceptedAsAnIsoDateAndRejectedOtherwise() {
        given().queryParam("asOf", "2026-01-31").get("/api/point/4326/119.4550,32.2040").then().statusCode(200);
        given().queryParam("asOf", "2026-01-31T08:00:00+08:00").get("/api/point/4326/119.4550,32.2040").then().statusCode(200);
        given().queryParam("asOf", "yesterday").get("/api/point/4326/119.4550,32.2040").then().statusCode(400)
                .body("message", containsString("asOf must be an ISO date"));
        given().queryParam("engine", "oracle").get("/api/point/4326/119.4550,32.2040").then().statusCode(400)
                .body("message", containsString("engine must be"));
    }

    @Test
    void lookupsCarryTheIndexVersionAsETagAndAnswer304() {
        String etag = given().get("/api/point/4326/119.4550,32.2040").then().statusCode(200)
                .header("Cache-Control", containsString("max-age=60")).extract().header("ETag");
        org.junit.jupiter.api.Assertions.assertTrue(etag.matches("\"idx-\\d+\""), etag);
        given().header("If-None-Match", etag).get("/api/point/4326/119.4550,32.2040").then().statusCode(304);
        given().header("If-None-Match", "\"idx-0\"").get("/api/point/4326/119.4550,32.2040").then().statusCode(200);
    }

    @Test
    void gaussKrugerCoordinatesAreProjectedBack() {
        // EPSG:4549 = CGCS2000 3-degree GK, central meridian 120E, false easting 500 km; EPSG:4528 = zone 40 (prefixed)
        double[] ll = {119.4550, 32.2040};
        String wgs = given().get("/api/point/4326/" + ll[0] + "," + ll[1]).then().extract().path("regions[5].code");
        double[] en = cn.gridmap.geo.InputCrsTest.forward(4549, ll[0], ll[1]);
        given().get("/api/point/4549/" + en[0] + "," + en[1]).then().statusCode(200)
                .body("crs", equalTo("4549")).body("regions[5].code", equalTo(wgs))
                .body("lon", org.hamcrest.Matchers.closeTo(ll[0], 1e-7)).body("lat", org.hamcrest.Matchers.closeTo(ll[1], 1e-7));
        given().get("/api/point/4528/" + (en[0] + 40_000_000) + "," + en[1]).then().statusCode(200).body("regions[5].code", equalTo(wgs));
    }

    @Test
    void pointOutsideTheCityReturnsAnEmptyChain() {
        given().get("/api/point/4326/116.404,39.915").then().statusCode(200).body("regions", hasSize(0));
    }

    @Test
    void malformedCoordinatesAre400WithAMessage() {
        given().get("/api/point/4326/abc").then().statusCode(400).body("message", containsString("x,y"));
        given().get("/api/point/4326/1,2,3").then().statusCode(400).body("message", containsString("x,y"));
        given().get("/api/point/4326/200,32").then().statusCode(400).body("message", containsString("longitude"));
        given().get("/api/point/4326/119,95").then().statusCode(400).body("message", containsString("latitude"));
        given().get("/api/point/3857/119,32").then().statusCode(400).body("message", containsString("unsupported crs"));
        given().get("/api/point/4549/abc,1").then().statusCode(400).body("message", containsString("number"));
    }

    @Test
    void gcj02AndBd09PointsAreConvertedBeforeTheLookup() {
        double lon = 119.4550;
        double lat = 32.2040;
        String wgs = given().get("/api/point/4326/" + lon + "," + lat).then().statusCode(200).extract().path("regions[5].code");
        double[] gcj = ChinaOffsets.wgs84ToGcj02(lon, lat);
        given().get("/api/point/gcj02/" + gcj[0] + "," + gcj[1]).then().statusCode(200)
                .body("crs", equalTo("gcj02")).body("regions[5].code", equalTo(wgs));
        double[] bd = ChinaOffsets.gcj02ToBd09(gcj[0], gcj[1]);
        given().get("/api/point/bd09/" + bd[0] + "," + bd[1]).then().statusCode(200).body("regions[5].code", equalTo(wgs));
        given().get("/api/point/4490/" + lon + "," + lat).then().statusCode(200).body("regions[5].code", equalTo(wgs));
    }

    /** Vertices shared by two sibling grids: the answer follows the documented rule, level by level. */
    @Test
    void pointsOnSharedVerticesFollowTheLowestCodeRule() throws SQLException {
        List<Object[]> vertices = rows("""
                SELECT ST_X(v), ST_Y(v) FROM (
                  SELECT (ST_Dump(ST_Intersection(ST_Points(a.geom), ST_Points(b.geom)))).geom v
                  FROM region a JOIN region b ON a.parent_code = b.parent_code AND a.code < b.code AND ST_Touches(a.geom, b.geom)
                  WHERE a.level = 'grid' AND a.parent_code IN (SELECT code FROM region WHERE level = 'community' ORDER BY code LIMIT 40)
                ) x ORDER BY 1, 2 LIMIT 60""");
        org.junit.jupiter.api.Assertions.assertTrue(vertices.size() >= 30, "found " + vertices.size() + " shared vertices");
        for (Object[] v : vertices) {
            JsonPath hit = given().get("/api/point/4326/" + v[0] + "," + v[1]).then().statusCode(200).extract().jsonPath();
            List<String> chain = hit.getList("regions.code");
            assertEquals(6, chain.size(), "a point on a shared vertex still gets one region per level");
            String parent = null;
            for (int i = 0; i < chain.size(); i++) {
                List<Object[]> expected = rows("""
                        SELECT min(code) FROM region WHERE level_rank = ? AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(?, ?), 4326))
                          AND parent_code IS NOT DISTINCT FROM CAST(? AS text)""", i, v[0], v[1], parent);
                assertEquals(expected.get(0)[0], chain.get(i), "level " + i + " at " + v[0] + "," + v[1]);
                parent = chain.get(i);
            }
        }
    }
}
