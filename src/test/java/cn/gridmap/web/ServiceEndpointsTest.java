package cn.gridmap.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The service around the API: health with PostGIS, OpenAPI, Swagger UI, the web map and its basemap. */
@QuarkusTest
class ServiceEndpointsTest {

    @Test
    void healthReportsPostgisAndTheLoadedCity() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'postgis' }.data.postgis", containsString("3."))
                .body("checks.find { it.name == 'postgis' }.data.regions", greaterThan(30000))
                .body("checks.find { it.name == 'lookup-index' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'lookup-index' }.data.microgrids", greaterThan(25000));
    }

    @Test
    void openApiDocumentsTheRegionAndPointPaths() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("paths.keySet()", hasItems("/api/regions/{code}", "/api/regions/{code}/children",
                        "/api/regions/{code}/geometry", "/api/regions", "/api/point/{crs}/{coords}", "/api/point/batch", "/api/basemap"))
                // no JTS internals leak into the schemas
                .body("components.schemas.keySet()", not(hasItem("GeometryFactory")));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void theWebMapAndLeafletFromNpmAreServed() {
        given().get("/").then().statusCode(200).body(containsString("vendor/leaflet/leaflet.js"));
        given().get("/vendor/leaflet/leaflet.js").then().statusCode(200).body(containsString("Leaflet"));
        given().get("/js/map.js").then().statusCode(200);
    }

    @Test
    void basemapHasRealLandAndWater() {
        given().get("/api/basemap").then().statusCode(200)
                .body("type", equalTo("FeatureCollection"))
                .body("features.properties.kind", hasItems("land", "water", "river"))
                .body("features.find { it.properties.kind == 'water' }.properties.source", containsString("GSHHG"));
    }

    @Test
    void mapConfigHasNoOnlineTilesByDefault() {
        given().get("/api/map-config").then().statusCode(200).body("onlineTileUrl", nullValue());
    }
}
