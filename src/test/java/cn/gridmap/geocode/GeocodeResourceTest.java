package cn.gridmap.geocode;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.JsonConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.config.JsonPathConfig;
import jakarta.inject.Inject;

/**
 * Geocoding against the synthetic address base in PostGIS: exact, variant, ambiguous and unknown addresses, reverse
 * geocoding, and precision/recall on a held-out sample of house addresses perturbed the way people write them.
 */
@QuarkusTest
class GeocodeResourceTest {
    private static RestAssuredConfig previous;

    @Inject
    @io.quarkus.agroal.DataSource("owner") // the tables' owner: tests look at what is stored, past row-level security
    DataSource dataSource;

    @BeforeAll
    static void doubles() {
        previous = RestAssured.config;
        RestAssured.config = RestAssured.config().jsonConfig(JsonConfig.jsonConfig().numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE));
    }

    @AfterAll
    static void restore() {
        RestAssured.config = previous;
    }

    /** A house of the address base with the names around it. */
    record Sample(String address, double lon, double lat, String district, String street, String community, String place, int kind,
            String micro) {
        String prefix() {
            return "江苏省镇江市" + district + street + community;
        }

        String local() {
            return address.substring(prefix().length());
        }
    }

    List<Sample> samples(int n) throws SQLException {
        String sql = "SELECT h.address, ST_X(h.geom), ST_Y(h.geom), d.name, s.name, c.name, p.name, p.kind, h.microgrid_code "
                + "FROM house h JOIN building b ON b.id = h.building_id JOIN address_place p ON p.id = b.place_id "
                + "JOIN region c ON c.code = p.community_code AND c.generation_high IS NULL "
                + "JOIN region s ON s.code = c.parent_code AND s.generation_high IS NULL "
                + "JOIN region d ON d.code = s.parent_code AND d.generation_high IS NULL "
                + "WHERE h.derived AND h.use <> 'commercial' ORDER BY md5(h.id::text) LIMIT ?";
        List<Sample> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String community = rs.getString(6).replaceAll("(居委会|村委会)$", "");
                    out.add(new Sample(rs.getString(1), rs.getDouble(2), rs.getDouble(3), rs.getString(4), rs.getString(5), community,
                            rs.getString(7), rs.getInt(8), rs.getString(9)));
                }
            }
        }
        return out;
    }

    @Test
    void fullStandardAddressMatchesItsBuildingAndGivesTheGridChain() throws SQLException {
        Sample s = samples(1).get(0);
        given().queryParam("q", s.address()).get("/api/geocode").then().statusCode(200)
                .body("query", equalTo(s.address()))
                .body("match.address", equalTo(s.address()))
                .body("match.level", equalTo("building"))
                .body("match.score", equalTo(1.0))
                .body("match.lon", equalTo(s.lon())).body("match.lat", equalTo(s.lat()))
                .body("regions", hasSize(6))
                .body("regions[5].code", equalTo(s.micro()))
                .body("regions[5].level", equalTo("microgrid"));
    }

    @Test
    void namesThatRepeatAcrossTheCityAreResolvedByTheLevelsGiven() throws SQLException {
        // a community name used twice in the city, and a house in the second of them
        String sql = "SELECT h.address, ST_X(h.geom), ST_Y(h.geom) FROM house h JOIN building b ON b.id = h.building_id "
                + "JOIN address_place p ON p.id = b.place_id WHERE h.derived AND p.community_code = (SELECT max(code) FROM region "
                + "WHERE level = 'community' AND name IN (SELECT name FROM region WHERE level = 'community' GROUP BY name "
                + "HAVING count(*) > 1)) ORDER BY h.id LIMIT 1";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), "Zhenjiang has community names used twice");
            given().queryParam("q", rs.getString(1)).get("/api/geocode").then().statusCode(200)
                    .body("match.address", equalTo(rs.getString(1)))
                    .body("match.lon", equalTo(rs.getDouble(2)));
        }
    }

    @Test
    void unknownAddressIsNotPlacedAndSaysWhy() {
        given().queryParam("q", "镇江市火星路99号").get("/api/geocode").then().statusCode(200)
                .body("match", nullValue())
                .body("reason", containsString("火星路"))
                .body("parsed.unknownRoad", equalTo("火星路"));
        given().queryParam("q", "京口区").get("/api/geocode").then().statusCode(200)
                .body("match", nullValue()).body("reason", containsString("administrative"));
    }

    @Test
    void ambiguousPlaceNameListsTheCandidatesInsteadOfGuessing() throws SQLException {
        String name;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT name FROM address_place WHERE kind = 42 GROUP BY name HAVING count(DISTINCT district_code) > 1 ORDER BY name LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), "the synthetic city reuses compound names across districts");
            name = rs.getString(1);
        }
        given().queryParam("q", name + "1幢").get("/api/geocode").then().statusCode(200)
                .body("match", nullValue())
                .body("reason", containsString("add the district"))
                .body("candidates.size()", greaterThan(1));
    }

    @Test
    void missingOrOverlongQueryIs400() {
        given().get("/api/geocode").then().statusCode(400).body("message", containsString("q"));
        given().queryParam("q", "路".repeat(300)).get("/api/geocode").then().statusCode(400);
    }

    @Test
    void batchKeepsTheOrderAndReportsBadItems() throws SQLException {
        Sample s = samples(1).get(0);
        given().contentType("application/json").body(List.of(s.address(), "火星路1号", "")).post("/api/geocode/batch").then()
                .statusCode(200).body("", hasSize(3))
                .body("[0].match.address", equalTo(s.address()))
                .body("[1].match", nullValue())
                .body("[2].reason", containsString("item 2"));
    }

    @Test
    void reverseGivesTheNearestStandardAddress() throws SQLException {
        Sample s = samples(1).get(0);
        String building = s.address().replaceAll("\\d+单元\\d+室$", "");
        given().get("/api/reverse/4326/" + (s.lon() + 0.00003) + "," + s.lat()).then().statusCode(200)
                .body("address.address", notNullValue())
                .body("address.distanceMeters", lessThan(10.0))
                .body("regions", hasSize(6));
        given().get("/api/reverse/4326/" + s.lon() + "," + s.lat()).then().statusCode(200)
                .body("address.distanceMeters", equalTo(0.0))
                .body("address.address", equalTo(building));
        given().get("/api/reverse/4326/119.0,40.0").then().statusCode(200)
                .body("address", nullValue()).body("regions", hasSize(0)).body("reason", containsString("500 m"));
        given().get("/api/reverse/9999/1,2").then().statusCode(400);
    }

    /** Precision and recall of the geocoder on house addresses written in the ways people write them. */
    @Test
    void precisionAndRecallOnAHeldOutSample() throws SQLException {
        List<Sample> samples = samples(300);
        assertTrue(samples.size() >= 200, "enough samples: " + samples.size());
        Map<String, Function<Sample, String>> variants = new LinkedHashMap<>();
        variants.put("full standard address", Sample::address);
        variants.put("without province and city", s -> s.address().substring(6));
        variants.put("district + local part", s -> s.district() + s.local());
        variants.put("street + community + local", s -> s.street() + s.community() + s.local());
        variants.put("full-width digits, 栋", s -> toFullWidth(s.district() + s.local()).replace("幢", "栋"));
        variants.put("dashed b-u-r", s -> s.district() + s.local().replaceAll("(\\d+)幢(\\d+)单元(\\d+)室$", "$1-$2-$3"));
        variants.put("typo in the place name", s -> s.district() + typo(s.local(), s.place()));
        variants.put("local part only", Sample::local);
        int total = 0;
        int matched = 0;
        int correct = 0;
        StringBuilder report = new StringBuilder("\ngeocoder precision/recall on " + samples.size() + " held-out house addresses\n");
        for (Map.Entry<String, Function<Sample, String>> v : variants.entrySet()) {
            List<String> qs = samples.stream().map(v.getValue()).toList();
            List<Map<String, Object>> results = given().contentType("application/json").body(qs).post("/api/geocode/batch").then()
                    .statusCode(200).extract().jsonPath().getList("");
            int m = 0;
            int ok = 0;
            for (int i = 0; i < qs.size(); i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> match = (Map<String, Object>) results.get(i).get("match");
                if (match != null) {
                    m++;
                    if (Math.abs(((Number) match.get("lon")).doubleValue() - samples.get(i).lon()) < 1e-9
                            && Math.abs(((Number) match.get("lat")).doubleValue() - samples.get(i).lat()) < 1e-9) {
                        ok++;
                    }
                }
            }
            total += qs.size();
            matched += m;
            correct += ok;
            report.append(String.format("  %-28s precision %5.1f %%  recall %5.1f %%  (%d matched, %d right of %d)%n", v.getKey(),
                    m == 0 ? 100.0 : 100.0 * ok / m, 100.0 * ok / qs.size(), m, ok, qs.size()));
            if (v.getKey().equals("full standard address")) {
                assertEquals(qs.size(), ok, "every full standard address finds its building");
            }
        }
        double precision = 100.0 * correct / matched;
        double recall = 100.0 * correct / total;
        report.append(String.format("  %-28s precision %5.1f %%  recall %5.1f %%%n", "all", precision, recall));
        System.out.println(report);
        assertTrue(precision >= 99.0, "a match is the right building: " + report);
        assertTrue(recall >= 75.0, "most written forms are found: " + report);
    }

    private static String toFullWidth(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= '0' && c <= '9' ? (char) ('０' + (c - '0')) : c);
        }
        return sb.toString();
    }

    /** One wrong character in place names of three or more characters (shorter names are left alone). */
    private static String typo(String local, String place) {
        if (place.length() < 3) {
            return local;
        }
        String wrong = place.charAt(0) + "某" + place.substring(2);
        return local.replace(place, wrong);
    }
}
