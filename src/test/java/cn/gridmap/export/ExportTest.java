package cn.gridmap.export;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cn.gridmap.layer.Gdal;
import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;

/** Exports opened by GDAL's ogrinfo/ogr2ogr: feature counts, fields and CRS as the API has them; scope and bad requests. */
@QuarkusTest
class ExportTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource dataSource;

    private String scalar(String sql, Object... args) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private String busiestStreet() throws Exception {
        return scalar("SELECT left(parent_code, 9) FROM region WHERE level = 'grid' AND generation_high IS NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1");
    }

    private static Path download(String url, String file, Map<String, String> headers) throws Exception {
        Response r = given().headers(headers).get(url);
        assertEquals(200, r.statusCode(), url + ": " + r.asString());
        Path f = Files.createTempDirectory("export").resolve(file);
        Files.write(f, r.asByteArray());
        return f;
    }

    @Test
    void everyFormatOpensInOgrinfoWithTheRightFeatureCountFieldsAndCrs() throws Exception {
        String street = busiestStreet();
        long grids = Long.parseLong(scalar("SELECT count(*) FROM region WHERE level = 'grid' AND generation_high IS NULL AND code LIKE ?", street + "%"));
        Map<String, String> open = Map.of("gpkg", "grids.gpkg", "shp", "grids.shp.zip", "geojson", "grids.geojson", "csv", "grids.csv", "kml", "grids.kml");
        for (Map.Entry<String, String> f : new TreeMap<>(open).entrySet()) {
            Response r = given().get("/api/export/grid?format=" + f.getKey() + "&parent=" + street);
            assertEquals(200, r.statusCode(), f.getKey() + ": " + r.asString());
            assertEquals(String.valueOf(grids), r.header("X-Feature-Count"), f.getKey());
            assertTrue(r.header("Content-Disposition").contains("grid-" + street), r.header("Content-Disposition"));
            Path file = Files.createTempDirectory("export").resolve(f.getValue());
            Files.write(file, r.asByteArray());
            String source = switch (f.getKey()) {
                case "shp" -> "/vsizip/" + file + "/grid.shp";
                default -> file.toString();
            };
            String info = f.getKey().equals("csv") ? Gdal.run("ogrinfo", "-ro", "-al", "-so", "-oo", "GEOM_POSSIBLE_NAMES=wkt", "-oo", "KEEP_GEOM_COLUMNS=NO", source)
                    : Gdal.run("ogrinfo", "-ro", "-al", "-so", source);
            assertTrue(info.contains("Feature Count: " + grids), f.getKey() + ":\n" + info);
            assertTrue(info.contains("code: ") && info.contains("name: ") && info.contains("households: "), f.getKey() + ":\n" + info);
            assertTrue(info.contains(f.getKey().equals("shp") ? "parent_cod: " : "parent_code: "), f.getKey() + ":\n" + info);
            if (!f.getKey().equals("csv")) {
                assertTrue(info.contains("WGS 84") || info.contains("WGS84"), f.getKey() + " is in WGS84:\n" + info);
            }
            String all = f.getKey().equals("csv") ? Gdal.run("ogrinfo", "-ro", "-al", "-oo", "GEOM_POSSIBLE_NAMES=wkt", "-oo", "KEEP_GEOM_COLUMNS=NO", source)
                    : Gdal.run("ogrinfo", "-ro", "-al", source);
            assertEquals(grids, all.lines().filter(l -> l.matches("\\s+(MULTI)?POLYGON \\(.*")).count(), f.getKey() + ": a polygon per grid");
            if (!f.getKey().equals("kml")) {
                long estimate = r.header("X-Estimated-Bytes") == null ? Long.parseLong(r.header("Content-Length")) : Long.parseLong(r.header("X-Estimated-Bytes"));
                assertTrue(estimate > r.asByteArray().length / 3 && estimate < r.asByteArray().length * 3L,
                        f.getKey() + ": estimate " + estimate + " for " + r.asByteArray().length + " bytes");
            }
        }
    }

    @Test
    void aGeoPackageInTheGaussKrugerZoneHoldsPostgisTransformToTheMillimetre() throws Exception {
        String street = busiestStreet();
        Path gpkg = download("/api/export/grid?format=gpkg&crs=EPSG:4549&parent=" + street, "grids-4549.gpkg", Map.of());
        String info = Gdal.run("ogrinfo", "-ro", "-al", "-so", gpkg.toString());
        assertTrue(info.contains("CGCS2000 / 3-degree Gauss-Kruger CM 120E"), info);
        Path csv = gpkg.resolveSibling("grids.csv");
        Gdal.run("ogr2ogr", "-f", "CSV", csv.toString(), gpkg.toString(), "-lco", "GEOMETRY=AS_WKT");
        var file = Gdal.csvGeometries(csv, "id");
        assertTrue(file.size() > 1);
        for (var e : file.entrySet()) {
            String wkt = scalar("SELECT ST_AsText(ST_Transform(geom, 4549)) FROM region WHERE code = ? AND generation_high IS NULL", e.getKey());
            double d = Gdal.maxVertexDistance(e.getValue(), new org.locationtech.jts.io.WKTReader().read(wkt));
            assertTrue(d < 0.001, e.getKey() + " is off by " + d + " m");
        }
    }

    @Test
    void aShapefileRoundTripKeepsTheChineseNames() throws Exception {
        String district = scalar("SELECT code FROM region WHERE level = 'district' AND generation_high IS NULL ORDER BY code LIMIT 1");
        Path zip = download("/api/export/community?format=shp&parent=" + district, "communities.shp.zip", Map.of());
        Path json = zip.resolveSibling("back.geojson");
        Gdal.run("ogr2ogr", "-f", "GeoJSON", json.toString(), "/vsizip/" + zip + "/community.shp");
        JsonNode back = new ObjectMapper().readTree(Files.readString(json, StandardCharsets.UTF_8));
        Map<String, String> names = new TreeMap<>();
        back.path("features").forEach(f -> names.put(f.path("properties").path("code").asText(), f.path("properties").path("name").asText()));
        Map<String, String> stored = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT code, name FROM region WHERE level = 'community' AND generation_high IS NULL AND parent_code LIKE ?")) {
            ps.setString(1, district + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        assertTrue(stored.size() > 5);
        assertEquals(stored, names);
        assertTrue(stored.values().stream().anyMatch(n -> n.codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN)));
    }

    @Test
    void csvCarriesLonLatForPointsAndWktForPolygons() throws Exception {
        String lines = new String(given().get("/api/export/events?format=csv&bbox=119.40,32.15,119.50,32.25").then().statusCode(200)
                .header("Content-Type", containsString("text/csv")).extract().response().asByteArray(), StandardCharsets.UTF_8);
        String header = lines.substring(0, lines.indexOf('\r'));
        assertTrue(header.startsWith("\uFEFFid,external_id,class_code") && header.endsWith(",lon,lat"), header);
        String[] first = lines.split("\r\n")[1].split(",");
        double lon = Double.parseDouble(first[first.length - 2]);
        assertTrue(lon > 119.40 && lon < 119.50, lines.split("\r\n")[1]);
        String polygons = new String(given().get("/api/export/street?format=csv&geometry=wkt").then().statusCode(200).extract().response().asByteArray(), StandardCharsets.UTF_8);
        assertTrue(polygons.split("\r\n")[0].endsWith(",wkt") && polygons.split("\r\n")[1].contains("\"MULTIPOLYGON"), polygons.substring(0, 300));
    }

    @Test
    void regionLevelsExportAsTheyWereOnAnEarlierDay() throws Exception {
        given().get("/api/export/grid?format=geojson&asOf=2020-01-01&parent=" + busiestStreet()).then().statusCode(200)
                .header("X-Feature-Count", org.hamcrest.Matchers.notNullValue());
        given().get("/api/export/events?format=geojson&asOf=2020-01-01").then().statusCode(400).body("message", containsString("asOf"));
    }

    @Test
    void peopleLeaveMaskedOrInClearOnlyWithPiiAndAPurposeAndEveryExportIsAudited() throws Exception {
        String grid = scalar("SELECT left(microgrid_code, 15) FROM person GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
        long inGrid = Long.parseLong(scalar("SELECT count(*) FROM person WHERE microgrid_code LIKE ?", grid + "%"));
        String masked = Logins.token("export-people-worker", List.of("gridworker"), List.of(grid), false);
        String clear = Logins.token("export-people-pii", List.of("gridworker"), List.of(grid), true);
        String planner = Logins.token("export-people-planner", List.of("planner"), List.of("321100"), true);
        AsAdmin.off();
        Response r = given().header("Authorization", "Bearer " + masked).get("/api/export/people?format=csv&geometry=xy");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(String.valueOf(inGrid), r.header("X-Feature-Count"));
        List<String> rows = new String(r.asByteArray(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(inGrid + 1, rows.size());
        List<String> header = List.of(rows.get(0).substring(1).split(","));
        int id = header.indexOf("id_number");
        assertTrue(rows.subList(1, rows.size()).stream().allMatch(l -> l.split(",")[id].matches("\\d{4}\\*{10}[0-9X]{4}")), rows.get(1));
        assertEquals("1", scalar("SELECT count(*) FROM audit_log WHERE actor = 'export-people-worker' AND action = 'person.export'"));

        given().header("Authorization", "Bearer " + masked).get("/api/export/people?format=geojson&unmask=true").then().statusCode(403);
        given().header("Authorization", "Bearer " + clear).get("/api/export/people?format=geojson&unmask=true").then().statusCode(400)
                .body("message", containsString("X-Purpose"));
        given().header("Authorization", "Bearer " + planner).get("/api/export/people?format=geojson").then().statusCode(403);
        given().header("Authorization", "Bearer " + clear).get("/api/export/people?format=kml").then().statusCode(400);
        given().header("Authorization", "Bearer " + clear).get("/api/export/grid?format=geojson&unmask=true").then().statusCode(400)
                .body("message", containsString("personal data"));

        Path gpkg = Files.createTempDirectory("export").resolve("people.gpkg");
        Response inClear = given().header("Authorization", "Bearer " + clear).header("X-Purpose", "%E5%85%A5%E6%88%B7%E8%B5%B0%E8%AE%BF")
                .get("/api/export/people?format=gpkg&crs=EPSG:4549&unmask=true");
        assertEquals(200, inClear.statusCode(), inClear.asString());
        Files.write(gpkg, inClear.asByteArray());
        String info = Gdal.run("ogrinfo", "-ro", "-al", gpkg.toString());
        assertTrue(info.contains("Feature Count: " + inGrid) && info.contains("CGCS2000 / 3-degree Gauss-Kruger CM 120E"), info.substring(0, 2000));
        assertTrue(info.lines().filter(l -> l.trim().startsWith("id_number (String) = ")).allMatch(l -> l.trim().matches("id_number \\(String\\) = \\d{17}[0-9X]")),
                "in clear");
        assertEquals(String.valueOf(inGrid), scalar("SELECT cardinality(row_ids) FROM audit_log WHERE actor = 'export-people-pii' "
                + "AND action = 'person.export.unmask' AND purpose = '入户走访'"), "the audit names every person sent in clear");
    }

    @Test
    void badRequestsAre400WithTheReason() {
        given().get("/api/export/grid").then().statusCode(400).body("message", containsString("format"));
        given().get("/api/export/grid?format=dwg").then().statusCode(400).body("message", containsString("dwg"));
        given().get("/api/export/events?format=kml").then().statusCode(400).body("message", containsString("KML"));
        given().get("/api/export/grid?format=kml&crs=EPSG:4549").then().statusCode(400).body("message", containsString("WGS84"));
        given().get("/api/export/grid?format=gpkg&crs=gcj02").then().statusCode(400).body("message", containsString("gcj02"));
        given().get("/api/export/grid?format=gpkg&parent=abc").then().statusCode(400).body("message", containsString("parent"));
        given().get("/api/export/grid?format=gpkg&bbox=1,2").then().statusCode(400);
        given().get("/api/export/grid?format=gpkg&asOf=yesterday").then().statusCode(400).body("message", containsString("asOf"));
        given().get("/api/export/grid?format=gpkg&geometry=wkt").then().statusCode(400).body("message", containsString("CSV"));
        given().get("/api/export/aliens?format=gpkg").then().statusCode(404);
    }

    @Test
    void elementExportsAreForStaffAndHoldOnlyTheCallersArea() throws Exception {
        given().get("/api/export").then().statusCode(200).body("id", hasItems("grid", "events", "houses"));
        String grid = scalar("SELECT left(microgrid_code, 15) FROM event GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
        long inGrid = Long.parseLong(scalar("SELECT count(*) FROM event WHERE microgrid_code LIKE ?", grid + "%"));
        String worker = Logins.token("export-worker", List.of("gridworker"), List.of(grid), false);
        String volunteer = Logins.token("export-volunteer", List.of("volunteer"), List.of("321100"), false);
        AsAdmin.off();
        Response r = given().header("Authorization", "Bearer " + worker).get("/api/export/events?format=geojson");
        assertEquals(200, r.statusCode(), r.asString());
        JsonNode fc = new ObjectMapper().readTree(r.asString());
        assertEquals(inGrid, fc.path("features").size(), "a grid worker's export holds her grid's events, no more");
        fc.path("features").forEach(f -> assertTrue(f.path("properties").path("microgrid_code").asText().startsWith(grid)));
        given().header("Authorization", "Bearer " + volunteer).get("/api/export/events?format=geojson").then().statusCode(403);
        given().header("Authorization", "Bearer " + volunteer).get("/api/export/grid?format=geojson&parent=" + grid.substring(0, 12)).then().statusCode(200);
        given().header("Authorization", "Bearer " + volunteer).get("/api/export").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("events")));
        given().get("/api/export/grid?format=geojson").then().statusCode(401);
    }
}
