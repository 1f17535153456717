package cn.gridmap.element;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.security.PersonalDataProtector;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/** The element lists and region statistics against the synthetic city (GRIDMAP_SCALE=0.01 in tests) in PostGIS. */
@QuarkusTest
class ElementResourceTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner") // the tables' owner: tests look at what is stored, past row-level security
    DataSource dataSource;

    @Inject
    PersonalDataProtector protector;

    @Inject
    cn.gridmap.GridmapConfig config;

    @Test
    void everyListGivesIdLocationGridAndMicroGrid() {
        for (String kind : List.of("people", "houses", "components", "organizations", "events")) {
            given().get("/api/" + kind + "?limit=20").then().statusCode(200)
                    .body("items", hasSize(20))
                    .body("limit", equalTo(20)).body("offset", equalTo(0)).body("next", equalTo(20))
                    .body("items.id", everyItem(notNullValue()))
                    .body("items.lon", everyItem(notNullValue())).body("items.lat", everyItem(notNullValue()))
                    .body("items.gridCode", everyItem(matchesPattern("\\d{15}")))
                    .body("items.microgridCode", everyItem(matchesPattern("\\d{18}")));
        }
    }

    @Test
    void houseCarriesItsFullStandardAddressAndTheGridItsPointIsIn() {
        JsonPath page = given().get("/api/houses?limit=5&use=residential").then().statusCode(200).extract().jsonPath();
        for (Map<String, Object> h : page.<Map<String, Object>>getList("items")) {
            assertTrue(((String) h.get("address")).startsWith("江苏省镇江市"), h.toString());
            assertTrue(((String) h.get("address")).matches(".*(室|号)$"), h.toString());
            String micro = (String) h.get("microgridCode");
            assertTrue(micro.startsWith((String) h.get("gridCode")));
            // the engine's answer for the house's point is the stored micro-grid
            given().get("/api/point/4326/" + h.get("lon") + "," + h.get("lat")).then().statusCode(200)
                    .body("regions[5].code", equalTo(micro));
        }
    }

    @Test
    void peopleShowOnlyMaskedIdNumbersAndPhones() {
        String body = given().get("/api/people?limit=200").then().statusCode(200)
                .body("items.idNumber", everyItem(matchesPattern("\\d{4}\\*{10}[0-9X]{4}")))
                .extract().asString();
        // the log masker finds ID numbers (18 characters with a real birth date) and mobiles: it must find none
        assertEquals(body, cn.gridmap.security.Masking.text(body), "no ID number or mobile number in clear");
        List<String> phones = JsonPath.from(body).getList("items.phone");
        assertTrue(phones.stream().anyMatch(p -> p != null && p.matches("1\\d\\d\\*{4}\\d{4}")), "phones are masked 138****5678");
    }

    @Test
    void idNumbersAndPhonesAreEncryptedAtRestWithWorkingBlindIndexes() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT external_id, id_number_enc, phone_enc FROM person WHERE phone_enc IS NOT NULL ORDER BY id LIMIT 50")) {
            int n = 0;
            while (rs.next()) {
                n++;
                String enc = rs.getString(2);
                assertTrue(enc.startsWith("v1:") && !enc.matches(".*\\d{17}.*"), enc);
                String id = protector.decrypt(enc);
                assertNull(IdNumbers.problem(id, LocalDate.now()), "synthetic ID numbers are valid: " + IdNumbers.mask(id));
                assertTrue(Integer.parseInt(id.substring(14, 17)) >= 900, "synthetic order codes are 900-999");
                String phone = protector.decrypt(rs.getString(3));
                // exact search by the plain value goes through the blind index and finds the person
                given().queryParam("idNumber", id).get("/api/people").then().statusCode(200)
                        .body("items.externalId", org.hamcrest.Matchers.hasItem(rs.getString(1)));
                if (n <= 3) {
                    given().queryParam("phone", phone).get("/api/people").then().statusCode(200)
                            .body("items.externalId", org.hamcrest.Matchers.hasItem(rs.getString(1)));
                }
            }
            assertEquals(50, n);
        }
    }

    @Test
    void organisationsHaveValidCreditCodesAndMaskedPhones() {
        JsonPath page = given().get("/api/organizations?limit=50").then().statusCode(200)
                .body("items.phone", everyItem(matchesPattern("\\d{3}\\*{4}\\d{4}"))).extract().jsonPath();
        for (String code : page.<String>getList("items.creditCode")) {
            assertNull(CreditCodes.problem(code), code);
        }
    }

    @Test
    void componentCodesAreCountyClassAndSequence() {
        JsonPath page = given().get("/api/components?limit=50").then().statusCode(200).extract().jsonPath();
        for (Map<String, Object> c : page.<Map<String, Object>>getList("items")) {
            String code = (String) c.get("code");
            assertTrue(code.matches("\\d{16}"), code);
            assertEquals(c.get("classCode"), code.substring(6, 10));
            assertEquals(c.get("districtCode"), code.substring(0, 6));
        }
    }

    @Test
    void regionFilterWorksAtEveryLevel() {
        String micro = given().get("/api/houses?limit=1").then().extract().path("items[0].microgridCode");
        for (int len : new int[] {9, 12, 15, 18}) {
            String code = micro.substring(0, len);
            given().get("/api/houses?limit=100&region=" + code).then().statusCode(200)
                    .body("items", org.hamcrest.Matchers.not(hasSize(0)))
                    .body("items.microgridCode", everyItem(startsWith(code)));
            given().get("/api/people?limit=100&region=" + code).then().statusCode(200)
                    .body("items.microgridCode", everyItem(startsWith(code)));
        }
        given().get("/api/people?limit=50&region=321183").then().statusCode(200)
                .body("items.districtCode", everyItem(equalTo("321183")));
    }

    @Test
    void pagingWalksThroughWithoutOverlap() {
        List<Integer> first = given().get("/api/events?limit=10&offset=0").then().extract().path("items.id");
        List<Integer> second = given().get("/api/events?limit=10&offset=10").then().extract().path("items.id");
        assertEquals(10, first.size());
        assertTrue(first.stream().noneMatch(second::contains));
        assertTrue(first.get(9) < second.get(0));
    }

    @Test
    void badParametersAre400WithTheReason() {
        given().get("/api/people?limit=0").then().statusCode(400).body("message", containsString("limit"));
        given().get("/api/people?limit=abc").then().statusCode(400).body("message", containsString("integer"));
        given().get("/api/people?offset=-1").then().statusCode(400).body("message", containsString("offset"));
        given().get("/api/people?residence=alien").then().statusCode(400).body("message", containsString("registered"));
        given().get("/api/events?from=yesterday").then().statusCode(400).body("message", containsString("date"));
        given().get("/api/houses?region=12ab").then().statusCode(400).body("message", containsString("region code"));
        given().get("/api/houses?region=321199").then().statusCode(404);
        for (String kind : List.of("people", "houses", "components", "organizations", "events")) {
            given().get("/api/" + kind + "/12ab").then().statusCode(400).body("message", containsString("element id"));
        }
        given().header("X-Purpose", "%41%zz").get("/api/people/" + given().get("/api/people?limit=1").then().extract().path("items[0].id")
                + "?unmask=true").then().statusCode(400).body("message", containsString("X-Purpose"));
    }

    @Test
    void statisticsOfARegionAreTheSumsOfItsChildren() {
        JsonPath city = given().get("/api/regions/321100/stats").then().statusCode(200)
                .body("people", greaterThan(10_000)).body("houses", greaterThan(3_000)).extract().jsonPath();
        List<Map<String, Object>> districts = given().get("/api/regions/321100/children/stats").then().statusCode(200)
                .body("", hasSize(6)).extract().jsonPath().getList("");
        for (String key : List.of("people", "houses", "households", "components", "organizations", "events")) {
            long sum = districts.stream().mapToLong(d -> ((Number) d.get(key)).longValue()).sum();
            assertEquals(city.getLong(key), sum, key);
        }
        assertEquals(city.getLong("people"), city.getLong("peopleByResidence.registered") + city.getLong("peopleByResidence.migrant"));
        assertTrue(city.getMap("peopleByTag").size() >= 3, "special groups are counted by tag");
    }

    @Test
    void statisticsMatchTheElementTables() throws SQLException {
        String community = given().get("/api/houses?limit=1").then().extract().<String>path("items[0].microgridCode").substring(0, 12);
        JsonPath stats = given().get("/api/regions/" + community + "/stats").then().statusCode(200).extract().jsonPath();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM person WHERE microgrid_code LIKE '" + community + "%'), "
                     + "(SELECT count(*) FROM house WHERE microgrid_code LIKE '" + community + "%'), "
                     + "(SELECT COALESCE(sum(households), 0) FROM house WHERE microgrid_code LIKE '" + community + "%')")) {
            rs.next();
            assertEquals(rs.getLong(1), stats.getLong("people"));
            assertEquals(rs.getLong(2), stats.getLong("houses"));
            assertEquals(rs.getLong(3), stats.getLong("households"));
        }
        given().get("/api/regions/" + community + "/children/stats").then().statusCode(200)
                .body("level", everyItem(equalTo("grid"))).body("code", everyItem(startsWith(community)));
    }
}
