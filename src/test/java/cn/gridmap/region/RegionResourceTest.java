package cn.gridmap.region;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The region API against the whole loaded city in PostGIS. */
@QuarkusTest
class RegionResourceTest {

    @Test
    void cityShowsTheSizeOfTheWholeHierarchy() {
        given().get("/api/regions/321100").then().statusCode(200)
                .body("name", equalTo("镇江市"))
                .body("level", equalTo("city"))
                .body("chain", hasSize(0))
                .body("derived", equalTo(false))
                .body("descendantCounts.district", equalTo(6))
                .body("descendantCounts.street", equalTo(60))
                .body("descendantCounts.community", equalTo(769))
                .body("descendantCounts.grid", both(greaterThan(3500)).and(lessThan(4500)))
                .body("descendantCounts.microgrid", both(greaterThan(27000)).and(lessThan(33000)))
                // Zhenjiang covers about 3,840 km²
                .body("areaSqm", both(greaterThan(3.7e9f)).and(lessThan(3.95e9f)));
    }

    @Test
    void districtCarriesItsChainAndRealName() {
        given().get("/api/regions/321183").then().statusCode(200)
                .body("name", equalTo("句容市"))
                .body("parentCode", equalTo("321100"))
                .body("chain.code", equalTo(java.util.List.of("321100")))
                .body("derived", equalTo(false))
                .body("descendantCounts.street", equalTo(11));
    }

    @Test
    void newAreaUnitsHangUnderJingkouWithTheirOriginalCodes() {
        given().get("/api/regions/321102/children").then().statusCode(200)
                .body("code", hasItems("321102001", "321171001", "321171102"))
                .body("", hasSize(13))
                .body("parentCode", everyItem(equalTo("321102")))
                .body("derived", everyItem(equalTo(true)));
        given().get("/api/regions/321171001").then().statusCode(200)
                .body("name", equalTo("丁卯街道"))
                .body("properties.statisticalParentCode", equalTo("321171"))
                .body("chain.code", equalTo(java.util.List.of("321100", "321102")));
    }

    @Test
    void gridCodeHasFifteenDigitsAndAFullChain() {
        String grid = given().get("/api/regions/321102001001/children").then().statusCode(200)
                .body("code", everyItem(allOf(startsWith("321102001001"))))
                .body("level", everyItem(equalTo("grid")))
                .extract().path("[0].code");
        given().get("/api/regions/" + grid).then().statusCode(200)
                .body("code.length()", equalTo(15))
                .body("chain.level", equalTo(java.util.List.of("city", "district", "street", "community")))
                .body("descendantCounts.microgrid", greaterThan(0))
                .body("properties.households", greaterThan(0))
                .body("properties.seed", equalTo(20260101));
    }

    @Test
    void unknownCodeIs404WithAMessage() {
        given().get("/api/regions/999999").then().statusCode(404)
                .body("message", equalTo("no region with code 999999"));
    }

    @Test
    void malformedCodeIs400WithAMessage() {
        given().get("/api/regions/abc").then().statusCode(400)
                .body("message", containsString("6 to 18 digits"));
    }

    @Test
    void geometryIsAGeoJsonFeature() {
        given().get("/api/regions/321182/geometry").then().statusCode(200)
                .body("type", equalTo("Feature"))
                .body("id", equalTo("321182"))
                .body("properties.name", equalTo("扬中市"))
                .body("geometry.type", equalTo("MultiPolygon"))
                .body("geometry.coordinates[0][0][0][0]", both(greaterThan(119.5f)).and(lessThan(120.1f)));
    }

    @Test
    void regionsByLevelAndBboxAreAFeatureCollection() {
        given().queryParam("level", "grid").queryParam("bbox", "119.42,32.18,119.46,32.21").queryParam("tolerance", "0.00005")
                .get("/api/regions").then().statusCode(200)
                .body("type", equalTo("FeatureCollection"))
                .body("features.size()", greaterThan(10))
                .body("features.properties.level", everyItem(equalTo("grid")))
                .body("features.id", everyItem(org.hamcrest.Matchers.matchesPattern("\\d{15}")));
    }

    @Test
    void regionsUnderAParent() {
        given().queryParam("level", "street").queryParam("parent", "321182").get("/api/regions").then().statusCode(200)
                .body("numberMatched", equalTo(6))
                .body("features.properties.parentCode", everyItem(equalTo("321182")));
    }

    @Test
    void everyStreetsLabelPointLiesInsideThatStreet() {
        List<Map<String, Object>> labels = given().queryParam("level", "street").get("/api/regions/labels").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertEquals(60, labels.size());
        for (Map<String, Object> l : labels) {
            String at = ((Number) l.get("lon")).doubleValue() + "," + ((Number) l.get("lat")).doubleValue();
            assertEquals(l.get("code"), given().get("/api/point/4326/" + at).then().statusCode(200).extract().path("regions[2].code"),
                    l.get("name") + " at " + at);
        }
        given().queryParam("level", "community").queryParam("bbox", "119.42,32.18,119.46,32.21").get("/api/regions/labels").then()
                .statusCode(200).body("level", everyItem(equalTo("community"))).body("size()", greaterThan(3));
        given().queryParam("level", "microgrid").get("/api/regions/labels").then().statusCode(400)
                .body("message", containsString("more than the limit"));
    }

    @Test
    void tooLargeARequestIs400SayingHowMuch() {
        given().queryParam("level", "microgrid").get("/api/regions").then().statusCode(400)
                .body("message", allOf(containsString("more than the limit of 5000"), containsString("microgrid")));
    }

    @Test
    void badLevelBboxOrToleranceIs400() {
        given().queryParam("level", "province").get("/api/regions").then().statusCode(400)
                .body("message", containsString("level must be one of"));
        given().queryParam("level", "grid").queryParam("bbox", "119,32,120").get("/api/regions").then().statusCode(400)
                .body("message", containsString("bbox must be"));
        given().queryParam("level", "grid").queryParam("bbox", "119,32,x,33").get("/api/regions").then().statusCode(400)
                .body("message", containsString("must be a number"));
        given().queryParam("level", "district").queryParam("tolerance", "5").get("/api/regions").then().statusCode(400)
                .body("message", containsString("tolerance must be between"));
        given().queryParam("level", "district").queryParam("tolerance", "abc").get("/api/regions").then().statusCode(400);
    }

    @Test
    void searchFindsByNameAndByCode() {
        given().queryParam("q", "贺家弄").get("/api/regions/search").then().statusCode(200)
                .body("code", hasItem("321102001001"))
                .body("[0].chain.code", hasItem("321102001"));
        given().queryParam("q", "321183").get("/api/regions/search").then().statusCode(200)
                .body("[0].code", equalTo("321183"))
                .body("size()", lessThanOrEqualTo(20));
        given().get("/api/regions/search").then().statusCode(400);
    }
}
