package cn.gridmap.layer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** OGC API – Features basics against PostGIS: links, paging, bbox, properties, datetime, CQL2 and its injection corpus. */
@QuarkusTest
class OgcResourceTest {

    @Test
    void landingConformanceAndCollections() {
        given().get("/ogc").then().statusCode(200).body("links.rel", hasItems("self", "service-desc", "conformance", "data"));
        given().get("/ogc/conformance").then().statusCode(200)
                .body("conformsTo", hasItems("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson", "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text"));
        given().get("/ogc/collections").then().statusCode(200)
                .body("collections.id", hasItems("city", "district", "street", "community", "grid", "microgrid", "events", "components",
                        "organizations", "houses"))
                .body("collections.id", org.hamcrest.Matchers.not(hasItem("people")));
        given().get("/ogc/collections/grid").then().statusCode(200).body("itemType", equalTo("feature"))
                .body("extent.spatial.bbox[0]", hasSize(4)).body("links.rel", hasItem("items"));
        given().get("/ogc/collections/people").then().statusCode(404);
    }

    @Test
    void everyPageHasAnHtmlTwinForBrowsersWithTheSameContentAndLinksThatStayInHtml() {
        given().header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").get("/ogc").then().statusCode(200)
                .contentType(containsString("text/html")).body(containsString("collections?f=html"));
        given().get("/ogc?f=json").then().statusCode(200).contentType(containsString("application/json"))
                .body("links.find { it.rel == 'alternate' }.type", equalTo("text/html"));
        given().get("/ogc/conformance?f=html").then().statusCode(200)
                .body(containsString("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"));
        String collections = given().get("/ogc/collections?f=html").then().statusCode(200).extract().asString();
        for (String id : List.of("grid", "microgrid", "events")) {
            assertTrue(collections.contains("href=\"collections/" + id + "/items?f=html\""), id);
        }
        given().get("/ogc/collections/grid?f=html").then().statusCode(200).body(containsString("households"))
                .body(containsString("href=\"grid/items?f=html\""));

        List<String> ids = given().get("/ogc/collections/street/items?limit=7&offset=3").then().extract().jsonPath().getList("features.id");
        String page = given().get("/ogc/collections/street/items?limit=7&offset=3&f=html").then().statusCode(200).extract().asString();
        for (String id : ids) {
            assertTrue(page.contains("<a href=\"items/" + id + "?f=html\">" + id + "</a>"), id);
        }
        assertEquals(7, page.split("<a href=\"items/", -1).length - 1, "one row per feature");
        assertTrue(page.contains("rel=\"next\"") && page.contains("offset=10") && page.contains("rel=\"prev\""), "paging links");
        String next = page.replaceAll("(?s).*rel=\"next\" href=\"([^\"]+)\".*", "$1").replace("&amp;", "&");
        assertTrue(next.contains("f=html"), next);
        JsonPath embedded = JsonPath.from(page.replaceAll("(?s).*<script type=\"application/json\" id=\"features\">(.*?)</script>.*", "$1"));
        assertEquals(ids, embedded.getList("features.id"), "the map draws the same features");

        String item = given().get("/ogc/collections/street/items/" + ids.get(0) + "?f=html").then().statusCode(200).extract().asString();
        assertTrue(item.contains("<th>code</th>") && item.contains("as-json"));
        given().get("/ogc/collections/street/items?f=xml").then().statusCode(400).body("message", containsString("json or html"));
    }

    @Test
    void eachCollectionLinksItsQueryablesAsJsonSchemaAndEveryOneFilters() {
        String rel = "http://www.opengis.net/def/rel/ogc/1.0/queryables";
        for (String id : List.of("grid", "events", "houses")) {
            String href = given().get("/ogc/collections/" + id).then().statusCode(200).extract().jsonPath()
                    .getString("links.find { it.rel == '" + rel + "' }.href");
            assertTrue(href.endsWith("/ogc/collections/" + id + "/queryables"), href);
            JsonPath q = given().get("/ogc/collections/" + id + "/queryables").then().statusCode(200)
                    .contentType(containsString("application/schema+json")).extract().jsonPath();
            assertEquals("https://json-schema.org/draft/2020-12/schema", q.getString("$schema"));
            assertEquals("object", q.getString("type"));
            assertEquals("geometry-any", q.getString("properties.geometry.format"));
            Map<String, Map<String, String>> props = q.getMap("properties");
            for (Map.Entry<String, Map<String, String>> e : props.entrySet()) {
                if (e.getKey().equals("geometry")) {
                    continue;
                }
                // every queryable is one a filter may name: an IS NOT NULL on it is a 200, never "unknown property"
                given().queryParam("filter", e.getKey() + " IS NOT NULL").get("/ogc/collections/" + id + "/items?limit=1").then()
                        .statusCode(200);
                assertTrue(List.of("string", "number", "boolean").contains(e.getValue().get("type")), e.getKey() + ": " + e.getValue());
            }
        }
        given().get("/ogc/collections/nothing/queryables").then().statusCode(404);
    }

    @Test
    void aQueryParameterTheApiDoesNotDefineIsA400() {
        given().get("/ogc/collections/grid/items?foo=bar").then().statusCode(400).body("message", containsString("foo"));
        given().get("/ogc/collections/grid/items?limit=1&Limit=2").then().statusCode(400);
        given().get("/ogc/collections/grid/items?limit=1&f=json").then().statusCode(200);
        given().get("/ogc/collections/grid/items?limit=1&filter-crs=EPSG:9999").then().statusCode(400).body("message", containsString("EPSG:9999"));
        given().get("/ogc/collections/grid/items?limit=1&crs=EPSG:4491").then().statusCode(400).body("message", containsString("not offered"));
        given().get("/ogc/collections/grid/items?limit=1&bbox-crs=EPSG:3857").then().statusCode(400).body("message", containsString("3857"));
        given().get("/ogc/collections/grid/items/x?limit=1").then().statusCode(400).body("message", containsString("limit"));
    }

    @Test
    void theServiceDescIsAnOpenApi30DocumentWithAPathPerCollectionNamingItsQueryables() {
        String desc = given().get("/ogc").then().statusCode(200).extract().jsonPath()
                .getString("links.find { it.rel == 'service-desc' }.href");
        JsonPath api = given().get(desc.replaceFirst("^https?://[^/]+", "")).then().statusCode(200)
                .contentType(containsString("application/vnd.oai.openapi+json")).extract().jsonPath();
        assertTrue(api.getString("openapi").startsWith("3.0"));
        assertTrue(api.getString("servers[0].url").endsWith("/ogc"));
        List<String> grid = api.getList("paths.'/collections/grid/items'.get.parameters.name");
        assertTrue(grid.containsAll(List.of("bbox", "bbox-crs", "crs", "filter", "filter-lang", "filter-crs", "limit", "parent_code", "households")), grid.toString());
        assertTrue(api.getList("paths.'/collections/{collectionId}/items'.get.parameters.find { it.name == 'filter-lang' }.schema.enum")
                .contains("cql2-text"));
        assertTrue(api.getMap("paths").containsKey("/collections/{collectionId}/queryables"));
    }

    @Test
    void aParameterNamedAfterAQueryableKeepsTheItemsEqualToIt() {
        String community = given().get("/ogc/collections/community/items?limit=1").then().extract().path("features[0].id");
        JsonPath page = given().get("/ogc/collections/grid/items?limit=500&parent_code=" + community).then().statusCode(200).extract().jsonPath();
        List<String> parents = page.getList("features.properties.parent_code");
        assertTrue(parents.size() > 0);
        assertTrue(parents.stream().allMatch(community::equals), parents.toString());
        assertEquals(parents.size(), page.getInt("numberMatched"));
        given().get("/ogc/collections/grid/items?households=many").then().statusCode(400).body("message", containsString("households"));
        given().get("/ogc/collections/grid/items?parent_code=1&parent_code=2").then().statusCode(400).body("message", containsString("once"));
        given().get("/ogc/collections/grid/items?derived=maybe").then().statusCode(400);
    }

    @Test
    void numberMatchedCountsWhatTheFilterKeepsAcrossAllPages() {
        JsonPath one = given().queryParam("filter", "households >= 200").get("/ogc/collections/grid/items?limit=1").then().statusCode(200)
                .extract().jsonPath();
        JsonPath all = given().queryParam("filter", "households >= 200").get("/ogc/collections/grid/items?limit=5000").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(1, one.getInt("numberReturned"));
        assertEquals(all.getInt("numberReturned"), one.getInt("numberMatched"));
        assertEquals(all.getInt("numberReturned"), all.getInt("numberMatched"));
    }

    @Test
    void crsAnswersInCgcs2000AndItsGaussKrugerZonesInTheAuthoritysAxisOrder() {
        JsonPath plain = given().get("/ogc/collections/street/items?limit=1").then().statusCode(200)
                .header("Content-Crs", equalTo("<http://www.opengis.net/def/crs/OGC/1.3/CRS84>")).extract().jsonPath();
        List<Float> lonLat = plain.getList("features[0].geometry.coordinates[0][0][0]");
        String id = plain.getString("features[0].id");
        // EPSG:4490 is latitude first
        List<Float> latLon = given().get("/ogc/collections/street/items/" + id + "?crs=http://www.opengis.net/def/crs/EPSG/0/4490").then()
                .statusCode(200).header("Content-Crs", equalTo("<http://www.opengis.net/def/crs/EPSG/0/4490>")).extract().path("geometry.coordinates[0][0][0]");
        assertEquals(lonLat.get(0), latLon.get(1), 1e-6);
        assertEquals(lonLat.get(1), latLon.get(0), 1e-6);
        // EPSG:4549 (3° zone CM 120E) is northing first, in metres: 镇江 lies west of 120°E, so easting < 500 km
        List<Float> ne = given().get("/ogc/collections/street/items/" + id + "?crs=http://www.opengis.net/def/crs/EPSG/0/4549").then()
                .statusCode(200).header("Content-Crs", equalTo("<http://www.opengis.net/def/crs/EPSG/0/4549>")).extract().path("geometry.coordinates[0][0][0]");
        assertTrue(ne.get(0) > 3_500_000 && ne.get(0) < 3_600_000, "northing " + ne);
        assertTrue(ne.get(1) > 400_000 && ne.get(1) < 500_000, "easting " + ne);
        JsonPath collection = given().get("/ogc/collections/grid").then().statusCode(200).extract().jsonPath();
        assertEquals("http://www.opengis.net/def/crs/OGC/1.3/CRS84", collection.getString("storageCrs"));
        assertTrue(collection.getList("crs").containsAll(List.of("http://www.opengis.net/def/crs/EPSG/0/4490", "http://www.opengis.net/def/crs/EPSG/0/4549",
                "http://www.opengis.net/def/crs/EPSG/0/4528")));
        given().get("/ogc/conformance").then().body("conformsTo", hasItem("http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"));
    }

    @Test
    void bboxCrsAndFilterCrsTakeCoordinatesInTheirCrsAndAxisOrder() {
        // the grid holding 119.444, 32.2084 (as in cql2TextFilters), found by a box and a point given in EPSG:4549 (northing, easting)
        String wanted = given().queryParam("filter", "S_INTERSECTS(geometry, POINT(119.444 32.2084))").get("/ogc/collections/grid/items")
                .then().statusCode(200).extract().path("features[0].id");
        List<Float> ne = given().queryParam("filter", "S_INTERSECTS(geometry, POINT(119.444 32.2084))").queryParam("crs", "http://www.opengis.net/def/crs/EPSG/0/4549")
                .queryParam("properties", "code").get("/ogc/collections/grid/items").then().statusCode(200).extract().path("features[0].geometry.coordinates[0][0][0]");
        assertTrue(ne.get(0) > 3_500_000, "a vertex, northing first: " + ne);
        List<Float> point = given().queryParam("filter", "S_INTERSECTS(geometry, POINT(32.2084 119.444))")
                .queryParam("filter-crs", "http://www.opengis.net/def/crs/EPSG/0/4326").get("/ogc/collections/grid/items").then().statusCode(200)
                .body("features[0].id", equalTo(wanted)).extract().path("features[0].geometry.coordinates[0][0][0]");
        assertTrue(point.get(0) > 119 && point.get(0) < 120, "the answer stays CRS84: " + point);
        JsonPath inZone = given().queryParam("filter", "S_INTERSECTS(geometry, POINT(119.444 32.2084))").queryParam("crs", "EPSG:4549")
                .get("/ogc/collections/grid/items?properties=code").then().statusCode(200).extract().jsonPath();
        assertEquals(wanted, inZone.getString("features[0].id"));
        // a 2 m box around a vertex of the wanted grid, in EPSG:4549 axis order (northing, easting)
        String box = (ne.get(0) - 1) + "," + (ne.get(1) - 1) + "," + (ne.get(0) + 1) + "," + (ne.get(1) + 1);
        List<String> hit = given().queryParam("bbox", box).queryParam("bbox-crs", "http://www.opengis.net/def/crs/EPSG/0/4549")
                .get("/ogc/collections/grid/items?limit=50").then().statusCode(200).extract().path("features.id");
        assertTrue(hit.contains(wanted), hit + " holds " + wanted);
        assertTrue(hit.size() < 10, "a 2 m box: " + hit);
        given().queryParam("bbox", "3564000,443000,3563000,444000").queryParam("bbox-crs", "EPSG:4549").get("/ogc/collections/grid/items")
                .then().statusCode(400).body("message", containsString("lower corner"));
        given().queryParam("bbox", "1e9,1e9,2e9,2e9").queryParam("bbox-crs", "EPSG:4549").get("/ogc/collections/grid/items")
                .then().statusCode(400).body("message", containsString("domain"));
        given().queryParam("bbox", "119,32,120,33").queryParam("bbox-crs", "EPSG:4490").get("/ogc/collections/grid/items")
                .then().statusCode(400).body("message", containsString("latitude first"));
        given().queryParam("filter", "S_INTERSECTS(geometry, POINT(1e9 1e9))").queryParam("filter-crs", "EPSG:4549").get("/ogc/collections/grid/items")
                .then().statusCode(400).body("message", containsString("domain"));
    }

    @Test
    void htmlPagesEscapeWhatTheRequestCarries() {
        String page = given().queryParam("filter", "name LIKE '%<script>alert(1)</script>%'").queryParam("f", "html")
                .get("/ogc/collections/street/items").then().statusCode(200).extract().asString();
        assertFalse(page.contains("<script>alert"), "nothing from the request reaches the page unescaped");
    }

    @Test
    void pagingFollowsNextLinksWithoutOverlap() {
        JsonPath first = given().get("/ogc/collections/street/items?limit=25").then().statusCode(200)
                .contentType(containsString("application/geo+json"))
                .body("type", equalTo("FeatureCollection")).body("numberReturned", equalTo(25)).extract().jsonPath();
        String next = first.getList("links", Map.class).stream().filter(l -> "next".equals(l.get("rel"))).map(l -> (String) l.get("href"))
                .findFirst().orElseThrow();
        JsonPath second = given().get(next.replaceFirst("^https?://[^/]+", "")).then().statusCode(200).extract().jsonPath();
        List<String> a = first.getList("features.id");
        List<String> b = second.getList("features.id");
        assertEquals(25, a.size());
        assertEquals(25, b.size(), "60 streets in pages of 25");
        assertTrue(a.stream().noneMatch(b::contains));
        assertTrue(second.getList("links.rel").contains("prev"));
    }

    @Test
    void bboxPropertiesAndItemById() {
        given().get("/ogc/collections/grid/items?bbox=119.43,32.19,119.46,32.22&limit=500&properties=code,households").then().statusCode(200)
                .body("features.size()", greaterThan(10))
                .body("features.properties.code", everyItem(startsWith("3211")))
                .body("features[0].properties.keySet()", equalTo(java.util.Set.of("code", "households")));
        String code = given().get("/ogc/collections/community/items?limit=1").then().extract().path("features[0].id");
        given().get("/ogc/collections/community/items/" + code).then().statusCode(200).body("type", equalTo("Feature"))
                .body("id", equalTo(code)).body("geometry.type", equalTo("MultiPolygon"));
        given().get("/ogc/collections/community/items/999").then().statusCode(404);
        given().get("/ogc/collections/grid/items?properties=code,secret").then().statusCode(400).body("message", containsString("secret"));
        given().get("/ogc/collections/grid/items?bbox=1,2,3").then().statusCode(400);
        given().get("/ogc/collections/grid/items?limit=0").then().statusCode(400);
    }

    @Test
    void datetimeFiltersEvents() {
        List<String> times = given().get("/ogc/collections/events/items?datetime=2025-01-01T00:00:00Z/2025-01-31T23:59:59Z&limit=200").then()
                .statusCode(200).extract().path("features.properties.occurred_at");
        assertTrue(times.size() > 0);
        for (String t : times) {
            java.time.Instant i = java.time.OffsetDateTime.parse(t).toInstant();
            assertTrue(!i.isBefore(java.time.Instant.parse("2025-01-01T00:00:00Z")) && !i.isAfter(java.time.Instant.parse("2025-01-31T23:59:59Z")), t);
        }
        given().get("/ogc/collections/events/items?datetime=yesterday").then().statusCode(400);
        given().get("/ogc/collections/grid/items?datetime=2025-01-01").then().statusCode(400).body("message", containsString("no time"));
    }

    @Test
    void cql2TextFilters() {
        given().queryParam("filter", "households >= 250 AND households <= 350").get("/ogc/collections/grid/items?limit=100").then()
                .statusCode(200).body("features.properties.households", everyItem(lessThanOrEqualTo(350)));
        given().queryParam("filter", "name LIKE '贺家弄%'").get("/ogc/collections/community/items").then().statusCode(200)
                .body("features.properties.name", everyItem(startsWith("贺家弄")));
        given().queryParam("filter", "class_code IN ('0101','0102') AND NOT (class_code = '0101')").get("/ogc/collections/events/items?limit=50")
                .then().statusCode(200).body("features.properties.class_code", everyItem(equalTo("0102")));
        given().queryParam("filter", "S_INTERSECTS(geometry, POINT(119.444 32.2084))").get("/ogc/collections/grid/items").then()
                .statusCode(200).body("numberReturned", equalTo(1));
        // basic spatial functions: S_INTERSECTS with a line, a polygon and a bbox literal
        List<String> byLine = given().queryParam("filter", "S_INTERSECTS(geometry, LINESTRING(119.440 32.2084, 119.448 32.2084))")
                .get("/ogc/collections/grid/items?limit=50").then().statusCode(200).extract().path("features.id");
        List<String> byPolygon = given().queryParam("filter", "S_INTERSECTS(geometry, POLYGON((119.440 32.2080, 119.448 32.2080, 119.448 32.2088, "
                + "119.440 32.2088, 119.440 32.2080)))").get("/ogc/collections/grid/items?limit=50").then().statusCode(200).extract().path("features.id");
        List<String> byBox = given().queryParam("filter", "S_INTERSECTS(geometry, BBOX(119.440, 32.2080, 119.448, 32.2088))")
                .get("/ogc/collections/grid/items?limit=50").then().statusCode(200).extract().path("features.id");
        assertTrue(byLine.size() >= 1 && byPolygon.containsAll(byLine), byLine + " within " + byPolygon);
        assertEquals(byPolygon, byBox, "a BBOX literal is its polygon");
        List<String> late = given().queryParam("filter", "occurred_at > TIMESTAMP('2026-06-01T00:00:00Z') AND address IS NOT NULL")
                .get("/ogc/collections/events/items?limit=20").then().statusCode(200).extract().path("features.properties.occurred_at");
        assertTrue(late.size() > 0 && late.stream().allMatch(t -> java.time.OffsetDateTime.parse(t).toInstant()
                .isAfter(java.time.Instant.parse("2026-06-01T00:00:00Z"))), late.toString());
        given().queryParam("filter", "derived = TRUE AND code BETWEEN '321102' AND '321112'").get("/ogc/collections/district/items").then()
                .statusCode(200).body("numberReturned", equalTo(0));
    }

    @Test
    void injectionAndMalformedFiltersAre400() {
        String[] corpus = {
            "name = 'x' OR 1=1",
            "name = 'x'; DROP TABLE region; --",
            "name = 'x' --",
            "1 = 1",
            "code = (SELECT code FROM region LIMIT 1)",
            "name = 'x' UNION SELECT * FROM person",
            "pg_sleep(5) = 1",
            "name = 'unclosed",
            "households > 'abc'",
            "households = 1e999e",
            "S_INTERSECTS(code, POINT(1 2))",
            "S_INTERSECTS(geometry, POINT(1 2); DELETE FROM region)",
            "S_INTERSECTS(geometry, NOTWKT(1 2))",
            "name IN ()",
            "name ~ 'x'",
            "name = \"x\"",
            "(name = 'x'",
            "id_number_enc = 'v1:'",
            "t.code = '1'",
            "code = '1') OR (1=1",
        };
        for (String f : corpus) {
            given().queryParam("filter", f).get("/ogc/collections/grid/items").then().statusCode(400)
                    .body("message", startsWith("filter"));
        }
        // a quote inside a literal is data, not SQL
        given().queryParam("filter", "name = 'x'' OR ''1''=''1'").get("/ogc/collections/grid/items").then().statusCode(200)
                .body("numberReturned", equalTo(0));
        given().queryParam("filter", "name = 'x'").queryParam("filter-lang", "cql2-json").get("/ogc/collections/grid/items").then()
                .statusCode(400);
        given().get("/api/regions/321100").then().statusCode(200);
    }
}
