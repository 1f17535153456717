package cn.gridmap.synthetic;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.edit.EditFixtures;
import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;

/**
 * 专属网格 (Yangzhou): the synthetic city's schools, hospitals, sites, scenic areas, complexes, religious venues and large
 * enterprises are grids of their own, carved from the registry by a change set; the kind is in the region record and
 * a filter; each has its head, who takes its events; and a planner carves a new one with createGrid.
 */
@QuarkusTest
class ExclusiveGridsTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    private static String admin() {
        return AsAdmin.adminToken();
    }

    @Test
    void theCitysUnitsOfTheListedKindsAreGridsOfTheirOwnDerivedFromTheRegistry() throws Exception {
        JsonPath all = as(admin()).get("/api/regions?level=grid&tolerance=0.001").then().statusCode(200).extract().jsonPath();
        JsonPath exclusive = as(admin()).get("/api/regions?level=grid&kind=exclusive").then().statusCode(200).extract().jsonPath();
        JsonPath standard = as(admin()).get("/api/regions?level=grid&kind=standard").then().statusCode(200).extract().jsonPath();
        int n = exclusive.getInt("numberMatched");
        assertTrue(n > 0, "the synthetic city has 专属网格");
        assertEquals(all.getInt("numberMatched"), n + standard.getInt("numberMatched"));
        long units = Long.parseLong(EditFixtures.row(owner, "SELECT count(DISTINCT o.microgrid_code) FROM organization o WHERE o.derived "
                + "AND o.category IN ('学校', '医院', '建筑工地', '景区', '商业综合体', '宗教场所', '规上企业')")[0]);
        long derived = Long.parseLong(EditFixtures.row(owner, "SELECT count(*) FROM region WHERE level = 'grid' AND generation_high IS NULL "
                + "AND properties ->> 'kind' = 'exclusive' AND properties ->> 'source' LIKE 'derived%'")[0]);
        assertEquals(units, derived, "one grid per unit of the registry");
        assertTrue(n >= derived, "planners' own 专属网格 besides");
        List<Map<String, Object>> features = exclusive.getList("features.properties");
        for (Map<String, Object> p : features.subList(0, Math.min(5, features.size()))) {
            assertEquals("exclusive", p.get("kind"));
            Map<?, ?> org = (Map<?, ?>) p.get("organization");
            String code = (String) p.get("code");
            // the unit is in the registry, and it stands in its own grid
            JsonPath o = as(admin()).get("/api/organizations/" + org.get("id")).then().statusCode(200).extract().jsonPath();
            assertEquals(org.get("creditCode"), o.getString("creditCode"));
            assertEquals(code, o.getString("microgridCode").substring(0, 15));
            JsonPath r = as(admin()).get("/api/regions/" + code).then().statusCode(200).extract().jsonPath();
            assertEquals("exclusive", r.getString("kind"));
            assertEquals(code.substring(0, 12), r.getString("parentCode"));
            assertTrue(r.getString("name").endsWith("专属网格"), r.getString("name"));
            assertEquals(org.get("name"), r.getString("properties.organization.name"));
            assertTrue(r.getString("properties.responsible.name").length() >= 2);
        }
        String std = standard.getString("features[0].properties.code");
        assertEquals("standard", as(admin()).get("/api/regions/" + std).then().statusCode(200).extract().jsonPath().getString("kind"));
        assertNull(as(admin()).get("/api/regions/" + std.substring(0, 12)).then().statusCode(200).extract().jsonPath().get("kind"));
        // it was published as a generation of its own, by one change set, without a sign-off (derived), and audited
        assertEquals("published", EditFixtures.row(owner, "SELECT state FROM change_set WHERE title = ?", SyntheticExclusiveGrids.TITLE)[0]);
        assertEquals("1", EditFixtures.row(owner, "SELECT count(*) FROM audit_log WHERE action = 'changeset.publish.derived'")[0]);
    }

    @Test
    void aFilterByKindNeedsTheGridLevelAndAKnownKind() {
        as(admin()).get("/api/regions?level=community&kind=exclusive").then().statusCode(400).body("message", containsString("grids only"));
        as(admin()).get("/api/regions?level=grid&kind=special").then().statusCode(400).body("message", containsString("standard"));
    }

    @Test
    void anExclusiveGridsHeadTakesItsEventsAndHerBackupIsTheWorkerOfTheGridItCameFrom() throws Exception {
        String[] g = EditFixtures.row(owner, "SELECT g.code, g.properties -> 'responsible' ->> 'name', g.properties -> 'carvedFrom' ->> 0, "
                + "ST_X(ST_PointOnSurface(g.geom)), ST_Y(ST_PointOnSurface(g.geom)) FROM region g WHERE g.level = 'grid' "
                + "AND g.generation_high IS NULL AND g.properties ->> 'kind' = 'exclusive' ORDER BY g.code LIMIT 1");
        JsonPath staff = as(admin()).get("/api/regions/" + g[0] + "/staff").then().statusCode(200).extract().jsonPath();
        assertEquals("zs." + g[0], staff.getString("staff[0].username"));
        assertEquals("head", staff.getString("staff[0].duty"));
        assertEquals(g[1], staff.getString("staff[0].displayName"));
        assertTrue(staff.getList("staff.findAll { it.duty == 'backup' }.username").contains("wg." + g[2]));
        String hotline = Logins.token("hotline-exclusive", List.of(Roles.SYSTEM), List.of("321100"), false);
        JsonPath r = as(hotline).body(Map.of("classCode", "0602", "lon", Double.parseDouble(g[3]), "lat", Double.parseDouble(g[4]),
                "description", "校园周边纠纷", "source", "hotline12345", "accuracyMeters", 0)).post("/api/events").then().statusCode(201)
                .extract().jsonPath();
        assertEquals(g[0], r.getString("gridCode"));
        if (!r.getBoolean("routing.nearBoundary")) {
            assertEquals("zs." + g[0], r.getString("assignee"));
        }
    }

    @Test
    void aPlannerCarvesANewExclusiveGridOutOfAStandardOneWithCreateGrid() throws Exception {
        String district = "321102";
        String planner = Logins.token("exclusive-planner", List.of(Roles.PLANNER), List.of(district), false);
        // a micro-grid with houses whose standard grid keeps at least two others
        String[] m = EditFixtures.row(owner, "SELECT m.code, m.parent_code FROM region m JOIN region g ON g.code = m.parent_code "
                + "AND g.generation_high IS NULL AND coalesce(g.properties ->> 'kind', 'standard') = 'standard' "
                + "WHERE m.level = 'microgrid' AND m.generation_high IS NULL AND m.code LIKE ? "
                + "AND EXISTS (SELECT 1 FROM house h WHERE h.microgrid_code = m.code) "
                + "AND (SELECT count(*) FROM region s WHERE s.parent_code = m.parent_code AND s.generation_high IS NULL) >= 3 "
                + "ORDER BY m.code DESC LIMIT 1", district + "%");
        long houses = Long.parseLong(EditFixtures.row(owner, "SELECT count(*) FROM house WHERE microgrid_code = ?", m[0])[0]);
        long id = as(planner).body(Map.of("title", "新建学校专属网格")).post("/api/changesets").then().statusCode(201).extract().jsonPath().getLong("id");
        // refused: a kind we do not know, a grid emptied, micro-grids of two communities
        as(planner).body(Map.of("revision", 0, "op", "createGrid", "microgrids", List.of(m[0]), "name", "新校区专属网格", "kind", "special"))
                .post("/api/changesets/" + id + "/ops").then().statusCode(422).body("issues[0].rule", equalTo("bad-kind"));
        List<String> siblings = List.of(EditFixtures.row(owner, "SELECT array_to_string(array_agg(code ORDER BY code), ',') FROM region "
                + "WHERE parent_code = ? AND generation_high IS NULL", m[1])[0].split(","));
        as(planner).body(Map.of("revision", 0, "op", "createGrid", "microgrids", siblings, "name", "全部", "kind", "exclusive"))
                .post("/api/changesets/" + id + "/ops").then().statusCode(422).body("issues[0].rule", equalTo("grid-emptied"));
        String otherCommunity = EditFixtures.row(owner, "SELECT code FROM region WHERE level = 'microgrid' AND generation_high IS NULL "
                + "AND code LIKE ? AND left(code, 12) <> ? ORDER BY code DESC LIMIT 1", district + "%", m[0].substring(0, 12))[0];
        as(planner).body(Map.of("revision", 0, "op", "createGrid", "microgrids", List.of(m[0], otherCommunity), "name", "跨社区", "kind", "exclusive"))
                .post("/api/changesets/" + id + "/ops").then().statusCode(422).body("issues[0].rule", equalTo("other-community"));
        as(planner).body(Map.of("revision", 0, "op", "createGrid", "microgrids", List.of(m[0]), "name", "镇江市新城实验学校专属网格", "kind", "exclusive",
                "properties", Map.of("organization", Map.of("name", "镇江市新城实验学校", "category", "学校"), "responsible",
                        Map.of("name", "王校长", "title", "校长")))).post("/api/changesets/" + id + "/ops").then().log().ifValidationFails().statusCode(200);
        new EditFixtures(owner, planner).signOff(id, m[0], java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).toString(),
                List.of("community", "street"));
        JsonPath pub = as(planner).body("{\"revision\":1}").post("/api/changesets/" + id + "/publish").then().log().ifValidationFails()
                .statusCode(200).extract().jsonPath();
        String grid = EditFixtures.row(owner, "SELECT code FROM region WHERE generation_low = ? AND level = 'grid' AND name = ?",
                pub.getInt("generation"), "镇江市新城实验学校专属网格")[0];
        JsonPath r = as(planner).get("/api/regions/" + grid).then().statusCode(200).extract().jsonPath();
        assertEquals("exclusive", r.getString("kind"));
        assertEquals("王校长", r.getString("properties.responsible.name"));
        assertEquals(List.of(m[1]), r.getList("properties.carvedFrom"));
        assertEquals(m[0].substring(0, 12), r.getString("parentCode"));
        // the micro-grid moved with its houses; its grid kept the rest; the new micro-grid does not repeat the grid's kind
        String micro = grid + "001";
        assertEquals(String.valueOf(houses), EditFixtures.row(owner, "SELECT count(*) FROM house WHERE microgrid_code = ?", micro)[0]);
        assertNull(EditFixtures.row(owner, "SELECT properties ->> 'kind' FROM region WHERE code = ? AND generation_high IS NULL", micro)[0]);
        assertEquals("standard", as(planner).get("/api/regions/" + m[1]).then().statusCode(200).extract().jsonPath().getString("kind"));
    }
}
