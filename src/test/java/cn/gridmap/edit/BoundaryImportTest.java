package cn.gridmap.edit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.WKBReader;
import org.locationtech.jts.io.WKBWriter;

import cn.gridmap.geo.Geometries;
import cn.gridmap.layer.Gdal;
import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
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

/**
 * Boundaries drawn in another GIS come back as a change set's redraw: a GeoPackage or a zipped Shapefile of a grid's
 * micro-grids or a community's grids, checked like any edit (gaps, overlaps, overhangs refused at their place),
 * previewed in the draft, never written to the regions directly.
 */
@QuarkusTest
class BoundaryImportTest {
    private static final String DISTRICT = "321183";

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource dataSource;

    private String planner;

    @BeforeEach
    void aPlanner() {
        AsAdmin.off();
        planner = Logins.token("import-planner", List.of(Roles.PLANNER), List.of(DISTRICT), false);
    }

    private long newChangeSet(String title) {
        return given().header("Authorization", "Bearer " + planner).contentType(ContentType.JSON).body(Map.of("title", title))
                .post("/api/changesets").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private Response upload(long id, String parent, String type, byte[] body) {
        return given().header("Authorization", "Bearer " + planner).contentType(type).body(body)
                .post("/api/changesets/" + id + "/import?parent=" + parent);
    }

    /** The current children of a region: code → geometry. */
    private Map<String, Geometry> children(String parent) throws SQLException, org.locationtech.jts.io.ParseException {
        Map<String, Geometry> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT code, ST_AsBinary(geom) FROM region WHERE parent_code = ? AND generation_high IS NULL ORDER BY code")) {
            ps.setString(1, parent);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new WKBReader(Geometries.STORAGE).read(rs.getBytes(2)));
                }
            }
        }
        return out;
    }

    private String[] row(String sql, Object... args) throws SQLException {
        return EditFixtures.row(dataSource, sql, args);
    }

    /** A grid of the district with at least {@code n} micro-grids. */
    private String grid(int n, int offset) throws SQLException {
        return row("SELECT g.code FROM region g WHERE g.level = 'grid' AND g.generation_high IS NULL AND g.code LIKE ? AND (SELECT count(*) "
                + "FROM region m WHERE m.parent_code = g.code AND m.generation_high IS NULL) >= ? ORDER BY g.code OFFSET ? LIMIT 1", DISTRICT + "%", n, offset)[0];
    }

    /** Writes features (code or null, name or null, WGS84 geometry) to a GeoPackage in EPSG:4326. */
    static byte[] geoPackage(List<Object[]> features) throws Exception {
        Path dir = Files.createTempDirectory("boundaries");
        File file = dir.resolve("drawn.gpkg").toFile();
        GeoPackageManager.create(file);
        GeoPackage gp = GeoPackageManager.open(file);
        try {
            gp.getSpatialReferenceSystemDao().getOrCreateCode("EPSG", 4326);
            GeometryColumns gc = new GeometryColumns();
            gc.setTableName("drawn");
            gc.setColumnName("geom");
            gc.setGeometryType(GeometryType.MULTIPOLYGON);
            gc.setZ((byte) 0);
            gc.setM((byte) 0);
            gc.setSrsId(4326);
            gp.createFeatureTable(FeatureTableMetadata.create(gc, "fid", List.of(FeatureColumn.createColumn("code", GeoPackageDataType.TEXT),
                    FeatureColumn.createColumn("name", GeoPackageDataType.TEXT))));
            FeatureDao dao = gp.getFeatureDao("drawn");
            for (Object[] f : features) {
                FeatureRow row = dao.newRow();
                row.setValue("code", f[0]);
                row.setValue("name", f[1]);
                row.setGeometry(GeoPackageGeometryData.createFromWkb(4326, new WKBWriter().write((Geometry) f[2])));
                dao.create(row);
            }
        } finally {
            gp.close();
        }
        return Files.readAllBytes(file.toPath());
    }

    /** The same features as a zipped Shapefile in {@code epsg}, written by GDAL's ogr2ogr (UTF-8 attributes, .cpg). */
    static byte[] shapefile(List<Object[]> features, int epsg) throws Exception {
        Path dir = Files.createTempDirectory("boundaries-shp");
        Path gpkg = dir.resolve("drawn.gpkg");
        Files.write(gpkg, geoPackage(features));
        Gdal.run("ogr2ogr", "-f", "ESRI Shapefile", "-t_srs", "EPSG:" + epsg, "-lco", "ENCODING=UTF-8", dir.resolve("drawn.shp").toString(), gpkg.toString());
        Path zip = dir.resolve("drawn.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String ext : List.of(".shp", ".shx", ".dbf", ".prj", ".cpg")) {
                z.putNextEntry(new ZipEntry("drawn" + ext));
                Files.copy(dir.resolve("drawn" + ext), z);
                z.closeEntry();
            }
        }
        return Files.readAllBytes(zip);
    }

    private static List<Object[]> unchanged(Map<String, Geometry> children) {
        List<Object[]> out = new ArrayList<>();
        children.forEach((code, g) -> out.add(new Object[] {code, null, g}));
        return out;
    }

    @Test
    void aGeoPackageThatMergesTwoMicrogridsBecomesTheDraftsRedrawWithLineage() throws Exception {
        String grid = grid(3, 40);
        Map<String, Geometry> ms = children(grid);
        List<String> codes = new ArrayList<>(ms.keySet());
        // the two micro-grids that share the longest edge, merged in the file
        String a = null;
        String b = null;
        double longest = 0;
        for (String x : codes) {
            for (String y : codes) {
                double len = x.compareTo(y) < 0 ? ms.get(x).getBoundary().intersection(ms.get(y).getBoundary()).getLength() : 0;
                if (len > longest) {
                    longest = len;
                    a = x;
                    b = y;
                }
            }
        }
        List<Object[]> drawn = new ArrayList<>();
        for (String c : codes) {
            if (c.equals(a)) {
                drawn.add(new Object[] {a, "合并后的微网格", ms.get(a).union(ms.get(b))});
            } else if (!c.equals(b)) {
                drawn.add(new Object[] {c, null, ms.get(c)});
            }
        }
        long id = newChangeSet("import: merge");
        JsonPath r = upload(id, grid, "application/geopackage+sqlite3", geoPackage(drawn)).then().log().ifValidationFails().statusCode(200)
                .body("revision", equalTo(1)).extract().jsonPath();
        assertTrue(r.getList("changed").containsAll(List.of(a, b)), r.prettify());
        assertEquals("t", row("SELECT deleted FROM change_set_region WHERE change_set_id = ? AND code = ?", id, b)[0], b + " retired");
        assertEquals("合并后的微网格", row("SELECT name FROM change_set_region WHERE change_set_id = ? AND code = ?", id, a)[0]);
        assertEquals("t", row("SELECT ST_Area(ST_SymDifference(n.geom, (SELECT ST_Union(geom) FROM region WHERE code IN (?, ?) AND generation_high IS NULL))"
                + "::geography) < 1 FROM change_set_region n WHERE n.change_set_id = ? AND n.code = ?", a, b, id, a)[0]);
        assertEquals("merged", row("SELECT relation FROM change_set_lineage WHERE change_set_id = ? AND from_code = ? AND to_code = ?", id, b, a)[0]);
        assertEquals("0", row("SELECT count(*) FROM region WHERE code = ? AND generation_high IS NOT NULL", b)[0], "nothing is written before sign-off");
        // the draft goes back out as a file the planner checks in her GIS
        Response back = given().header("Authorization", "Bearer " + planner).get("/api/changesets/" + id + "/export?level=microgrid&format=gpkg&bbox="
                + box(ms.get(a)));
        assertEquals(200, back.statusCode(), back.asString());
        Path f = Files.createTempDirectory("draft").resolve("draft.gpkg");
        Files.write(f, back.asByteArray());
        String info = Gdal.run("ogrinfo", "-ro", "-al", f.toString(), "-where", "code = '" + a + "'");
        assertTrue(info.contains("changed (Integer(Boolean)) = 1") && info.contains("合并后的微网格"), info);
        assertTrue(!Gdal.run("ogrinfo", "-ro", "-al", "-so", f.toString(), "-where", "code = '" + b + "'").contains("Feature Count: 1"));
    }

    private static String box(Geometry g) {
        Envelope e = g.getEnvelopeInternal();
        return e.getMinX() + "," + e.getMinY() + "," + e.getMaxX() + "," + e.getMaxY();
    }

    @Test
    void aZippedShapefileInTheGaussKrugerZoneThatSplitsAMicrogridMakesANewOne() throws Exception {
        String grid = grid(3, 45);
        Map<String, Geometry> ms = children(grid);
        String a = ms.keySet().iterator().next();
        Geometry m = ms.get(a);
        Envelope e = m.getEnvelopeInternal();
        Geometry west = Geometries.STORAGE.toGeometry(new Envelope(e.getMinX() - 1, (e.getMinX() + e.getMaxX()) / 2, e.getMinY() - 1, e.getMaxY() + 1));
        List<Object[]> drawn = new ArrayList<>();
        ms.forEach((code, g) -> {
            if (code.equals(a)) {
                drawn.add(new Object[] {a, null, g.intersection(west)});
                drawn.add(new Object[] {null, "新划微网格", g.difference(west)});
            } else {
                drawn.add(new Object[] {code, null, g});
            }
        });
        long id = newChangeSet("import: split (shapefile, EPSG:4549)");
        JsonPath r = upload(id, grid, "application/zip", shapefile(drawn, 4549)).then().log().ifValidationFails().statusCode(200).extract().jsonPath();
        String fresh = row("SELECT code FROM change_set_region WHERE change_set_id = ? AND parent_code = ? AND name = '新划微网格'", id, grid)[0];
        assertTrue(r.getList("changed").containsAll(List.of(a, fresh)), r.prettify());
        assertEquals("split", row("SELECT relation FROM change_set_lineage WHERE change_set_id = ? AND from_code = ? AND to_code = ?", id, a, fresh)[0]);
        // the two parts are the old micro-grid to a square metre, through EPSG:4549 and back
        assertEquals("t", row("SELECT ST_Area(ST_SymDifference(ST_Union(n.geom), (SELECT geom FROM region WHERE code = ? AND generation_high IS NULL))"
                + "::geography) < 1 FROM change_set_region n WHERE n.change_set_id = ? AND n.code IN (?, ?)", a, id, a, fresh)[0]);
        // a neighbour outside the grid may take a new vertex where the line meets the boundary, never area
        assertEquals("0", row("SELECT count(*) FROM change_set_region n JOIN region r ON r.code = n.code AND r.generation_high IS NULL "
                + "WHERE n.change_set_id = ? AND n.level = 'microgrid' AND n.parent_code <> ? "
                + "AND ST_Area(ST_SymDifference(n.geom, r.geom)::geography) > 0.01", id, grid)[0]);
    }

    @Test
    void gapsOverlapsAndOverhangsAreRefusedAtTheirPlaceAndNothingIsStored() throws Exception {
        String grid = grid(3, 50);
        Map<String, Geometry> ms = children(grid);
        List<String> codes = new ArrayList<>(ms.keySet());
        long id = newChangeSet("import: refusals");
        // a micro-grid left out: a gap
        List<Object[]> gap = unchanged(ms);
        gap.remove(0);
        upload(id, grid, "application/geopackage+sqlite3", geoPackage(gap)).then().statusCode(422).body("issues[0].rule", equalTo("parts-gap"))
                .body("issues[0].location", notNullValue());
        // one drawn twice: an overlap
        List<Object[]> overlap = unchanged(ms);
        overlap.set(0, new Object[] {codes.get(0), null, ms.get(codes.get(0)).union(ms.get(codes.get(1)))});
        upload(id, grid, "application/geopackage+sqlite3", geoPackage(overlap)).then().statusCode(422).body("issues[0].rule", equalTo("parts-overlap"))
                .body("issues[0].location", notNullValue());
        // one on the grid's boundary drawn 50 m wider: beyond the grid
        Geometry whole = Geometries.STORAGE.buildGeometry(ms.values()).union();
        int edge = 0;
        while (ms.get(codes.get(edge)).getBoundary().intersection(whole.getBoundary()).getLength() < 0.0002) {
            edge++;
        }
        List<Object[]> overhang = unchanged(ms);
        overhang.set(edge, new Object[] {codes.get(edge), null, ms.get(codes.get(edge)).buffer(0.0005)});
        upload(id, grid, "application/geopackage+sqlite3", geoPackage(overhang)).then().statusCode(422).body("issues[0].rule", equalTo("outside-parent"))
                .body("issues[0].location", notNullValue());
        // a code of another grid
        List<Object[]> foreign = unchanged(ms);
        foreign.set(0, new Object[] {grid(3, 60) + "001", null, ms.get(codes.get(0))});
        upload(id, grid, "application/geopackage+sqlite3", geoPackage(foreign)).then().statusCode(422).body("issues[0].rule", equalTo("not-a-child"));
        given().header("Authorization", "Bearer " + planner).get("/api/changesets/" + id).then().body("revision", equalTo(0));
        assertEquals("0", row("SELECT count(*) FROM change_set_region WHERE change_set_id = ?", id)[0], "nothing half-written");
    }

    @Test
    void filesThatCannotBeReadAre400WithTheReason() throws Exception {
        String grid = grid(3, 40);
        long id = newChangeSet("import: unreadable");
        upload(id, grid, "application/geopackage+sqlite3", new byte[0]).then().statusCode(400).body("message", containsString("empty"));
        upload(id, grid, "application/geopackage+sqlite3", "not a database".getBytes()).then().statusCode(400);
        upload(id, grid, "application/zip", "PK\u0003\u0004garbage".getBytes()).then().statusCode(400);
        upload(id, "abc", "application/geopackage+sqlite3", geoPackage(unchanged(children(grid)))).then().statusCode(400)
                .body("message", containsString("parent"));
        // a zip without .prj: the coordinate system is unknown
        Path dir = Files.createTempDirectory("noprj");
        Path zip = dir.resolve("x.zip");
        byte[] shp = shapefile(unchanged(children(grid)), 4326);
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(shp));
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null;) {
                if (!e.getName().endsWith(".prj")) {
                    out.putNextEntry(new ZipEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        upload(id, grid, "application/zip", Files.readAllBytes(zip)).then().statusCode(400).body("message", containsString(".prj"));
        // points are no boundaries
        List<Object[]> points = new ArrayList<>();
        points.add(new Object[] {null, null, Geometries.STORAGE.createPoint(new org.locationtech.jts.geom.Coordinate(119.5, 32.0))});
        upload(id, grid, "application/geopackage+sqlite3", geoPackage(points)).then().statusCode(400).body("message", containsString("Point"));
    }

    @Test
    void aCommunitysGridsRedrawnMoveTheMicrogridsBetweenThem() throws Exception {
        String[] mv = new EditFixtures(dataSource, planner).movable(DISTRICT, 3);
        String m = mv[0];
        String from = m.substring(0, 15);
        String to = mv[1];
        String community = from.substring(0, 12);
        Map<String, Geometry> grids = children(community);
        Geometry mGeom = children(from).get(m);
        List<Object[]> drawn = new ArrayList<>();
        grids.forEach((code, g) -> drawn.add(new Object[] {code, null, code.equals(to) ? g.union(mGeom) : code.equals(from) ? g.difference(mGeom) : g}));
        long id = newChangeSet("import: grids");
        JsonPath r = upload(id, community, "application/geopackage+sqlite3", geoPackage(drawn)).then().log().ifValidationFails().statusCode(200)
                .extract().jsonPath();
        assertTrue(r.getList("changed").containsAll(List.of(from, to)), r.prettify());
        String renumbered = row("SELECT to_code FROM change_set_lineage WHERE change_set_id = ? AND from_code = ? AND relation = 'renumbered'", id, m)[0];
        assertTrue(renumbered.startsWith(to), renumbered + " is a micro-grid of " + to);
        // a grid left out is refused: merge it first
        List<Object[]> missing = new ArrayList<>(drawn);
        missing.remove(missing.size() - 1);
        upload(id, community, "application/geopackage+sqlite3", geoPackage(missing)).then().statusCode(422);
    }

    @Test
    void aPlannerImportsOnlyInsideHerAreaScope() throws Exception {
        String other = row("SELECT code FROM region WHERE level = 'grid' AND generation_high IS NULL AND code NOT LIKE ? ORDER BY code LIMIT 1",
                DISTRICT + "%")[0];
        long id = newChangeSet("import: out of scope");
        upload(id, other, "application/geopackage+sqlite3", geoPackage(unchanged(children(other)))).then().statusCode(403);
        String viewer = Logins.token("import-viewer", List.of(Roles.APPROVER), List.of(DISTRICT), false);
        given().header("Authorization", "Bearer " + viewer).contentType("application/geopackage+sqlite3").body(geoPackage(unchanged(children(other))))
                .post("/api/changesets/" + id + "/import?parent=" + other).then().statusCode(403);
    }
}
