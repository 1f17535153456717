package cn.gridmap.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.element.CreditCodes;
import cn.gridmap.element.ElementSql;
import cn.gridmap.element.IdNumbers;
import cn.gridmap.geo.ChinaOffsets;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import mil.nga.geopackage.GeoPackage;
import mil.nga.geopackage.GeoPackageManager;
import mil.nga.geopackage.db.GeoPackageDataType;
import mil.nga.geopackage.features.columns.GeometryColumns;
import mil.nga.geopackage.features.user.FeatureColumn;
import mil.nga.geopackage.features.user.FeatureDao;
import mil.nga.geopackage.features.user.FeatureRow;
import mil.nga.geopackage.features.user.FeatureTableMetadata;
import mil.nga.geopackage.geom.GeoPackageGeometryData;
import mil.nga.sf.GeometryType;
import mil.nga.sf.Point;

/**
 * Bulk import against PostGIS: malformed rows are reported (line, field, reason) and not stored while the rest is;
 * re-running a file is idempotent; GeoJSON and GeoPackage import like CSV; an import killed mid-way stores nothing.
 */
@QuarkusTest
class ImportTest {
    /** A point well inside 京口区. */
    static final double LON = 119.4450;
    static final double LAT = 32.2050;

    @Inject
    @io.quarkus.agroal.DataSource("owner") // the tables' owner: tests look at what is stored, past row-level security
    DataSource dataSource;
    @Inject
    ImportService imports;

    static String id(String first17) {
        return first17 + IdNumbers.checkCharacter(first17);
    }

    static String credit(String first17) {
        return first17 + CreditCodes.checkCharacter(first17);
    }

    private String existingHouse() throws SQLException {
        return scalar("SELECT external_id FROM house WHERE derived AND households > 0 ORDER BY id LIMIT 1");
    }

    private String scalar(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private long count(String table, String externalIdPrefix) throws SQLException {
        return Long.parseLong(scalar("SELECT count(*) FROM " + table + " WHERE external_id LIKE ?", externalIdPrefix + "%"));
    }

    private static JsonPath importCsv(String kind, String csv, String extra) {
        return given().contentType("text/csv").body(csv.getBytes(StandardCharsets.UTF_8))
                .post("/api/import?wait=true&kind=" + kind + extra).then().statusCode(200)
                .body("status", equalTo("committed")).extract().jsonPath();
    }

    private static List<String> report(long job) {
        String csv = given().get("/api/import/" + job + "/errors").then().statusCode(200).extract().asString();
        List<String> lines = new ArrayList<>(List.of(csv.split("\n")));
        assertEquals("line,field,reason", lines.remove(0));
        return lines;
    }

    @Test
    void malformedPeopleAreReportedNotStoredAndTheRestImported() throws SQLException {
        String house = existingHouse();
        String good = id("32110219800101123");
        String badCheck = good.substring(0, 17) + (good.charAt(17) == '0' ? '1' : '0');
        String csv = "external_id,name,id_number,phone,gender,residence,tags,house\n"
                + "IMP-P1,张三," + good + ",13812345678,男,registered,elderly_alone," + house + "\n"
                + "IMP-P2,李四," + badCheck + ",13812345679,,registered,," + house + "\n"
                + "IMP-P3,王五," + id("32110219900202223") + ",,,migrant,,NO-SUCH-HOUSE\n"
                + "IMP-P1,赵六," + id("32110219910303333") + ",,,registered,," + house + "\n"
                + "IMP-P5,钱七," + id("32110219920404443") + ",12345,,registered,," + house + "\n"
                + "IMP-P6,孙八," + id("32110219930505553") + ",,女,registered,," + house + "\n"
                + "IMP-P7,周九," + id("32110219940606663") + ",,,外星,," + house + "\n";
        JsonPath job = importCsv("people", csv, "");
        assertEquals(7, job.getInt("rowsRead"));
        assertEquals(1, job.getInt("rowsStored"));
        assertEquals(6, job.getInt("rowsFailed"));
        List<String> lines = report(job.getLong("id"));
        assertEquals(List.of("3,id_number", "4,house", "5,external_id", "6,phone", "7,gender", "8,residence"),
                lines.stream().map(l -> l.substring(0, l.indexOf(',', l.indexOf(',') + 1))).toList());
        String all = String.join("\n", lines);
        assertFalse(all.contains(badCheck), "the report masks ID numbers");
        assertTrue(all.contains("check character"), all);
        assertEquals(1, count("person", "IMP-P"));
        assertEquals("M", scalar("SELECT gender FROM person WHERE external_id = 'IMP-P1'"));
        given().get("/api/people?house=" + house + "&limit=100").then().statusCode(200)
                .body("items.find { it.externalId == 'IMP-P1' }.idNumber", equalTo(good.substring(0, 4) + "**********" + good.substring(14)))
                .body("items.find { it.externalId == 'IMP-P1' }.phone", equalTo("138****5678"));
    }

    @Test
    void housesWithBadPlacesAreReportedWithTheLocationOfTheProblem() throws SQLException {
        String address = scalar("SELECT address FROM house WHERE derived AND use = 'residential' ORDER BY id LIMIT 1");
        String csv = "external_id,address,use,households,x,y,crs\n"
                + "IMP-H1,江苏省镇江市京口区测试路1号,residential,1," + LON + "," + LAT + ",4326\n"
                + "IMP-H2,上海某地1号,residential,1,121.47,31.23,4326\n"
                + "IMP-H3,镇江市火星路1号,residential,1,,,\n"
                + "IMP-H4,江苏省镇江市京口区测试路2号,residential,1,40500000,3560000,4326\n"
                + "IMP-H5,江苏省镇江市京口区测试路3号,residential,1,119.44,32.2,9999\n"
                + "IMP-H6," + address + ",rental,2,,,\n"
                + "IMP-H7,江苏省镇江市京口区测试路4号,residential,-1," + LON + "," + LAT + ",4326\n";
        JsonPath job = importCsv("houses", csv, "");
        assertEquals(2, job.getInt("rowsStored"));
        List<String> lines = report(job.getLong("id"));
        assertEquals(5, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("3,x,") && lines.get(0).contains("121.47,31.23") && lines.get(0).contains("outside the city"),
                lines.get(0));
        assertTrue(lines.get(1).startsWith("4,address") && lines.get(1).contains("火星路"), lines.get(1));
        assertTrue(lines.get(2).startsWith("5,crs") && lines.get(2).contains("projected"), lines.get(2));
        assertTrue(lines.get(3).startsWith("6,crs"), lines.get(3));
        assertTrue(lines.get(4).startsWith("8,households"), lines.get(4));
        // the geocoded house sits on its building, with the method and score recorded
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT n.geocode_method, n.geocode_score, ST_Equals(n.geom, o.geom), n.microgrid_code = o.microgrid_code "
                        + "FROM house n, house o WHERE n.external_id = 'IMP-H6' AND o.address = ? AND o.derived")) {
            ps.setString(1, address);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("exact_address", rs.getString(1));
                assertEquals(1.0, rs.getDouble(2));
                assertTrue(rs.getBoolean(3));
                assertTrue(rs.getBoolean(4));
            }
        }
    }

    @Test
    void reImportingTheSameFileIsIdempotent() throws SQLException {
        String csv = "external_id,class_code,state,x,y\n"
                + "IMP-C1,0101,完好," + LON + "," + LAT + "\n"
                + "IMP-C2,0301,破损," + (LON + 0.001) + "," + LAT + "\n"
                + "IMP-C3,9999,完好," + LON + "," + LAT + "\n";
        JsonPath first = importCsv("components", csv, "");
        assertEquals(2, first.getInt("rowsStored"));
        String ids = scalar("SELECT string_agg(id || ':' || code, ',' ORDER BY external_id) FROM component WHERE external_id LIKE 'IMP-C%'");
        String stats = scalar("SELECT components FROM microgrid_stats WHERE microgrid_code = "
                + "(SELECT microgrid_code FROM component WHERE external_id = 'IMP-C1')");
        JsonPath second = importCsv("components", csv, "");
        assertEquals(2, second.getInt("rowsStored"));
        assertEquals(2, count("component", "IMP-C"));
        assertEquals(ids, scalar("SELECT string_agg(id || ':' || code, ',' ORDER BY external_id) FROM component WHERE external_id LIKE 'IMP-C%'"),
                "same ids and generated codes");
        assertEquals(stats, scalar("SELECT components FROM microgrid_stats WHERE microgrid_code = "
                + "(SELECT microgrid_code FROM component WHERE external_id = 'IMP-C1')"));
        assertTrue(ids.split(",")[0].split(":")[1].matches("3211020101\\d{6}"), ids);
        // a changed row updates the element in place
        importCsv("components", csv.replace("IMP-C2,0301,破损", "IMP-C2,0301,丢失"), "");
        assertEquals("丢失", scalar("SELECT state FROM component WHERE external_id = 'IMP-C2'"));
    }

    @Test
    void organisationsWithBadCreditCodesAreRejected() throws SQLException {
        String good = credit("91321102MA9XXXX01");
        String bad = good.substring(0, 17) + (good.charAt(17) == '0' ? '1' : '0');
        String csv = "external_id,credit_code,name,kind,x,y\n"
                + "IMP-O1," + good + ",测试商贸有限公司,enterprise," + LON + "," + LAT + "\n"
                + "IMP-O2," + bad + ",坏代码有限公司,enterprise," + LON + "," + LAT + "\n"
                + "IMP-O3," + good + ",重复代码有限公司,enterprise," + LON + "," + LAT + "\n";
        JsonPath job = importCsv("organizations", csv, "");
        assertEquals(1, job.getInt("rowsStored"));
        List<String> lines = report(job.getLong("id"));
        assertTrue(lines.get(0).startsWith("3,credit_code") && lines.get(0).contains("check character"), lines.get(0));
        assertTrue(lines.get(1).startsWith("4,credit_code") && lines.get(1).contains("line 2"), lines.get(1));
    }

    /**
     * A component re-imported elsewhere leaves its old micro-grid's count; after imports of components, houses and
     * people, every touched micro-grid's statistics equal a full recount from the tables.
     */
    @Test
    void statisticsFollowAMovedElementAndEqualAFullRecount() throws Exception {
        double lon2 = LON + 0.02;
        String component = "external_id,class_code,state,x,y\nIMP-M1,0101,完好,%s," + LAT + "\n";
        importCsv("components", String.format(component, LON), "");
        String left = scalar("SELECT microgrid_code FROM component WHERE external_id = 'IMP-M1'");
        long before = Long.parseLong(scalar("SELECT components FROM microgrid_stats WHERE microgrid_code = ?", left));
        importCsv("components", String.format(component, lon2), "");
        String entered = scalar("SELECT microgrid_code FROM component WHERE external_id = 'IMP-M1'");
        assertNotEquals(left, entered, "the component moved to another micro-grid");
        assertEquals(before - 1, Long.parseLong(scalar("SELECT components FROM microgrid_stats WHERE microgrid_code = ?", left)));
        importCsv("houses", "external_id,address,use,households,x,y,crs\nIMP-MH1,江苏省镇江市京口区统计路1号,rental,3," + lon2 + "," + LAT
                + ",4326\n", "");
        String house = existingHouse();
        importCsv("people", "external_id,name,id_number,phone,gender,residence,tags,house\nIMP-MP1,吴十," + id("32110219950707773")
                + ",,,migrant,elderly_alone," + house + "\n", "");
        List<String> codes = List.of(left, entered, scalar("SELECT microgrid_code FROM person WHERE external_id = 'IMP-MP1'"));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE kept ON COMMIT DROP AS SELECT * FROM microgrid_stats");
                ElementSql.rebuildStats(c);
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM ((SELECT * FROM microgrid_stats EXCEPT SELECT * FROM kept) "
                        + "UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM microgrid_stats)) d WHERE d.microgrid_code = ANY (?)")) {
                    ps.setArray(1, c.createArrayOf("text", codes.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertEquals(0, rs.getLong(1), "incremental statistics of " + codes + " equal a full recount");
                    }
                }
            } finally {
                c.rollback();
            }
        }
    }

    /** A component re-imported at a place in another district moves to that district's partition, keeping its id. */
    @Test
    void aComponentReImportedInAnotherDistrictMovesToThatDistrictsPartition() throws Exception {
        String elsewhere = scalar("SELECT ST_X(p) || ',' || ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM region "
                + "WHERE level = 'microgrid' AND generation_high IS NULL AND code NOT LIKE '321102%' ORDER BY code LIMIT 1) m");
        String component = "external_id,class_code,state,x,y\nIMP-D1,0101,完好,%s\n";
        importCsv("components", String.format(component, LON + "," + LAT), "");
        String id = scalar("SELECT id FROM component_321102 WHERE external_id = 'IMP-D1'");
        assertTrue(id != null, "first in 京口区's partition");
        importCsv("components", String.format(component, elsewhere), "");
        String district = scalar("SELECT district_code FROM component WHERE external_id = 'IMP-D1'");
        assertNotEquals("321102", district);
        assertEquals(id, scalar("SELECT id FROM component_" + district + " WHERE external_id = 'IMP-D1'"), "moved, same id");
        assertEquals("0", scalar("SELECT count(*) FROM component_321102 WHERE external_id = 'IMP-D1'"));
        assertEquals("1", scalar("SELECT count(*) FROM component WHERE external_id = 'IMP-D1'"));
    }

    /** Reports are kept for the retention (30 days), then deleted, and asking for one says it is gone. */
    @Test
    void errorReportsOlderThanTheRetentionAreDeletedAndThenAre410() throws Exception {
        String good = credit("91321102MA9XXXX02");
        String csv = "external_id,credit_code,name,kind,x,y\n"
                + "IMP-R1," + good + ",保留测试有限公司,enterprise," + LON + "," + LAT + "\n"
                + "IMP-R2,not-a-code,坏代码有限公司,enterprise," + LON + "," + LAT + "\n";
        long oldJob = importCsv("organizations", csv, "").getLong("id");
        long newJob = importCsv("organizations", csv, "").getLong("id");
        java.nio.file.Path oldReport = imports.errorReport(oldJob);
        java.nio.file.Files.setLastModifiedTime(oldReport, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofDays(31))));
        java.nio.file.Path orphan = java.nio.file.Files.createTempFile(imports.workDir(), "upload-", ".part");
        java.nio.file.Files.setLastModifiedTime(orphan, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofDays(2))));

        assertTrue(imports.cleanWorkDir(java.time.Instant.now()) >= 2);
        assertFalse(java.nio.file.Files.exists(oldReport), "a 31-day-old report is deleted");
        assertFalse(java.nio.file.Files.exists(orphan), "an upload a stopped service left behind is deleted");
        given().get("/api/import/" + oldJob + "/errors").then().statusCode(410).body("message", containsString("kept for 30 days"));
        assertEquals(1, report(newJob).size(), "a fresh report stays");
    }

    @Test
    void geoJsonEventsInCgcs2000AndGcj02() throws SQLException {
        double[] g = ChinaOffsets.wgs84ToGcj02(LON, LAT);
        String geojson = "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4490\"}},"
                + "\"features\":[" + "{\"type\":\"Feature\",\"id\":\"IMP-E1\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + LON + "," + LAT
                + "]},\"properties\":{\"class_code\":\"0102\",\"occurred_at\":\"2026-03-01T08:30:00+08:00\",\"description\":\"暴露垃圾\"}},"
                + "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + g[0] + "," + g[1] + "]},\"properties\":"
                + "{\"external_id\":\"IMP-E2\",\"crs\":\"gcj02\",\"class_code\":\"0403\",\"occurred_at\":\"2026-03-02\",\"description\":\"道路积水\"}},"
                + "{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[119,32],[119.1,32.1]]},\"properties\":"
                + "{\"external_id\":\"IMP-E3\",\"class_code\":\"0102\",\"occurred_at\":\"2026-03-02\",\"description\":\"x\"}},"
                + "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + LON + "," + LAT + "]},\"properties\":"
                + "{\"external_id\":\"IMP-E4\",\"class_code\":\"0102\",\"occurred_at\":\"2099-01-01\",\"description\":\"x\"}}]}";
        JsonPath job = given().contentType("application/geo+json").body(geojson.getBytes(StandardCharsets.UTF_8))
                .post("/api/import?wait=true&kind=events").then().statusCode(200).extract().jsonPath();
        assertEquals(2, job.getInt("rowsStored"));
        List<String> lines = report(job.getLong("id"));
        assertTrue(lines.get(0).startsWith("3,geometry") && lines.get(0).contains("LineString"), lines.get(0));
        assertTrue(lines.get(1).startsWith("4,occurred_at") && lines.get(1).contains("future"), lines.get(1));
        // the GCJ-02 point was converted back: both events sit on the same WGS84 point (within 1 mm)
        assertEquals("t", scalar("SELECT ST_Distance(a.geom::geography, b.geom::geography) < 0.001 FROM event a, event b "
                + "WHERE a.external_id = 'IMP-E1' AND b.external_id = 'IMP-E2'"));
        assertEquals("gcj02", scalar("SELECT raw_crs FROM event WHERE external_id = 'IMP-E2'"));
        assertEquals("4490", scalar("SELECT raw_crs FROM event WHERE external_id = 'IMP-E1'"));
    }

    @Test
    void geoPackageComponentsImportLikeCsv() throws Exception {
        Path dir = Files.createTempDirectory("gpkg");
        File file = dir.resolve("components.gpkg").toFile();
        GeoPackageManager.create(file);
        GeoPackage gp = GeoPackageManager.open(file);
        try {
            gp.getSpatialReferenceSystemDao().getOrCreateCode("EPSG", 4326);
            GeometryColumns gc = new GeometryColumns();
            gc.setTableName("components");
            gc.setColumnName("geom");
            gc.setGeometryType(GeometryType.POINT);
            gc.setZ((byte) 0);
            gc.setM((byte) 0);
            gc.setSrsId(4326);
            gp.createFeatureTable(FeatureTableMetadata.create(gc, List.of(FeatureColumn.createColumn("external_id", GeoPackageDataType.TEXT),
                    FeatureColumn.createColumn("class_code", GeoPackageDataType.TEXT))));
            FeatureDao dao = gp.getFeatureDao("components");
            for (int i = 1; i <= 3; i++) {
                FeatureRow row = dao.newRow();
                row.setValue("external_id", "IMP-G" + i);
                row.setValue("class_code", i == 3 ? "0000" : "0111");
                row.setGeometry(GeoPackageGeometryData.create(4326, new Point(LON + i * 0.0001, LAT)));
                dao.create(row);
            }
        } finally {
            gp.close();
        }
        JsonPath job = given().contentType("application/geopackage+sqlite3").body(Files.readAllBytes(file.toPath()))
                .post("/api/import?wait=true&kind=components").then().statusCode(200).extract().jsonPath();
        assertEquals(3, job.getInt("rowsRead"));
        assertEquals(2, job.getInt("rowsStored"));
        assertTrue(report(job.getLong("id")).get(0).startsWith("3,class_code"));
        assertEquals(2, count("component", "IMP-G"));
    }

    @Test
    void structuralProblemsAre400AndStoreNothing() {
        given().contentType("text/csv").body(new byte[0]).post("/api/import?wait=true&kind=people").then().statusCode(400)
                .body("message", containsString("empty"));
        given().contentType("text/csv").body("a,b\n1,2\n").post("/api/import?wait=true&kind=aliens").then().statusCode(400)
                .body("message", containsString("kind"));
        given().contentType("application/geo+json").body("{\"type\":\"Feature\"}").post("/api/import?wait=true&kind=events").then()
                .statusCode(400).body("status", equalTo("failed")).body("message", containsString("FeatureCollection"));
        given().contentType("application/geo+json").body("{\"type\":").post("/api/import?wait=true&kind=events").then()
                .statusCode(400).body("message", containsString("JSON"));
        given().get("/api/import/999999").then().statusCode(404);
        given().get("/api/import/abc").then().statusCode(400);
    }

    @Test
    void anImportKilledMidwayLeavesNothing() throws Exception {
        List<String> houses = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT external_id FROM house WHERE households > 0 ORDER BY id LIMIT 500"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                houses.add(rs.getString(1));
            }
        }
        StringBuilder csv = new StringBuilder("external_id,name,id_number,house\n");
        int n = 300_000;
        for (int i = 0; i < n; i++) {
            String first17 = String.format("3211021970%02d%02d%03d", 1 + i % 12, 1 + (i / 12) % 28, i / 336 % 1000);
            csv.append("KILL-").append(i).append(",测试").append(',').append(id(first17)).append(',').append(houses.get(i % houses.size()))
                    .append('\n');
        }
        long job = given().contentType("text/csv").body(csv.toString().getBytes(StandardCharsets.UTF_8)).post("/api/import?kind=people")
                .then().statusCode(202).extract().jsonPath().getLong("id");
        // wait until rows are flowing, then kill the import's database session (what a crash of the service does to it)
        long deadline = System.currentTimeMillis() + 60_000;
        boolean killed = false;
        while (!killed && System.currentTimeMillis() < deadline) {
            JsonPath s = given().get("/api/import/" + job).then().statusCode(200).extract().jsonPath();
            assertEquals("running", s.getString("status"), "the import must still be running when it is killed");
            if (s.getLong("rowsRead") > 1000) {
                killed = "t".equals(scalar("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?",
                        "gridmap-import-" + job));
            }
            Thread.sleep(20);
        }
        assertTrue(killed, "the import session was found and killed");
        String status = "running";
        while (status.equals("running") && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            status = given().get("/api/import/" + job).then().extract().path("status");
        }
        assertEquals("failed", status);
        given().get("/api/import/" + job).then().body("message", containsString("nothing was stored"));
        assertEquals(0, count("person", "KILL-"), "no row of the killed import is stored");
        // and the service imports again right away
        importCsv("people", "external_id,name,id_number,house\nKILL-AFTER,测试," + id("32110219850505123") + "," + houses.get(0) + "\n", "");
        assertEquals(1, count("person", "KILL-"));
    }
}
