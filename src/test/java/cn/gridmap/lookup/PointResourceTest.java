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
    DataSource dataSource;

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
