package cn.gridmap.edit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.h2gis.functions.factory.H2GISDBFactory;
import org.h2gis.functions.io.shp.SHPRead;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygonal;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;

import cn.gridmap.geo.Geometries;
import cn.gridmap.geo.InputCrs;
import cn.gridmap.geo.InvalidGeoInputException;
import cn.gridmap.web.ApiException;
import mil.nga.geopackage.GeoPackage;
import mil.nga.geopackage.GeoPackageManager;
import mil.nga.geopackage.features.user.FeatureDao;
import mil.nga.geopackage.features.user.FeatureResultSet;
import mil.nga.geopackage.features.user.FeatureRow;
import mil.nga.geopackage.geom.GeoPackageGeometryData;

/**
 * Boundaries drawn in another GIS, read from a GeoPackage (its first feature table) or a zipped Shapefile (.shp with
 * its .dbf and .prj; the .cpg names the attribute encoding, UTF-8 without one): each polygon feature becomes a part of
 * a {@link EditOp.Redraw}, its {@code code} and {@code name} attributes read if present, its CRS (EPSG:4326, 4490 or a
 * CGCS2000 Gauss-Krüger zone) converted to WGS84. What cannot be read is a 400 naming the feature.
 */
final class BoundaryFile {
    static final String GPKG = "application/geopackage+sqlite3";
    static final String ZIP = "application/zip";

    private BoundaryFile() {
    }

    static List<EditOp.Part> read(byte[] body, String contentType) {
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("the body is empty: send a GeoPackage (" + GPKG + ") or a zipped Shapefile (" + ZIP + ")");
        }
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        boolean zip = body.length > 4 && body[0] == 'P' && body[1] == 'K';
        boolean sqlite = new String(body, 0, Math.min(16, body.length), StandardCharsets.ISO_8859_1).startsWith("SQLite format 3");
        if (type.startsWith(GPKG) && !sqlite || type.startsWith(ZIP) && !zip) {
            throw ApiException.badRequest("the body is not what its Content-Type " + contentType + " says");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("gridmap-boundaries");
            if (sqlite) {
                Path f = dir.resolve("upload.gpkg");
                Files.write(f, body);
                return geoPackage(f);
            }
            if (zip) {
                return shapefile(dir, body);
            }
            throw ApiException.badRequest("send a GeoPackage (" + GPKG + ") or a zipped Shapefile (" + ZIP + "): this is neither");
        } catch (IOException e) {
            throw new IllegalStateException("could not stage the upload: " + e.getMessage(), e);
        } finally {
            delete(dir);
        }
    }

    private static List<EditOp.Part> geoPackage(Path file) {
        GeoPackage gp;
        try {
            gp = GeoPackageManager.open(file.toFile(), false);
        } catch (RuntimeException e) {
            throw ApiException.badRequest("not a readable GeoPackage: " + e.getMessage());
        }
        try {
            List<String> tables = gp.getFeatureTables();
            if (tables.isEmpty()) {
                throw ApiException.badRequest("the GeoPackage has no feature table");
            }
            FeatureDao dao = gp.getFeatureDao(tables.get(0));
            int srid = (int) dao.getSrs().getOrganizationCoordsysId();
            InputCrs.Converter crs = converter(srid);
            List<EditOp.Part> parts = new ArrayList<>();
            FeatureResultSet rs = dao.queryForAll();
            try {
                while (rs.moveToNext()) {
                    FeatureRow row = rs.getRow();
                    String code = null;
                    String name = null;
                    for (String col : row.getColumnNames()) {
                        Object v = row.getValue(col);
                        if (col.equalsIgnoreCase("code") && v != null) {
                            code = v.toString().trim();
                        } else if (col.equalsIgnoreCase("name") && v != null) {
                            name = v.toString().trim();
                        }
                    }
                    GeoPackageGeometryData data = row.getGeometry();
                    Geometry g;
                    try {
                        g = data == null || data.getWkb() == null ? null : new WKBReader().read(data.getWkb());
                    } catch (ParseException | IOException e) {
                        throw ApiException.badRequest("feature " + (parts.size() + 1) + " has an unreadable geometry: " + e.getMessage());
                    }
                    parts.add(part(parts.size() + 1, code, name, g, crs));
                }
            } finally {
                rs.close();
            }
            return parts;
        } finally {
            gp.close();
        }
    }

    private static List<EditOp.Part> shapefile(Path dir, byte[] body) throws IOException {
        Path shp = null;
        Path cpg = null;
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(body))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null;) {
                String name = Path.of(e.getName()).getFileName().toString();
                if (e.isDirectory() || name.startsWith(".") || !name.matches("[^/\\\\]+\\.(?i)(shp|shx|dbf|prj|cpg)")) {
                    continue;
                }
                String base = name.substring(0, name.lastIndexOf('.'));
                String ext = name.substring(name.lastIndexOf('.')).toLowerCase(Locale.ROOT);
                Path out = dir.resolve("upload" + ext);
                if (ext.equals(".shp")) {
                    if (shp != null) {
                        throw ApiException.badRequest("the zip holds more than one Shapefile; send one (" + base + ")");
                    }
                    shp = out;
                }
                if (ext.equals(".cpg")) {
                    cpg = out;
                }
                Files.copy(z, out);
            }
        } catch (java.util.zip.ZipException e) {
            throw ApiException.badRequest("not a readable zip: " + e.getMessage());
        }
        if (shp == null) {
            throw ApiException.badRequest("the zip holds no .shp");
        }
        if (!Files.exists(dir.resolve("upload.dbf")) || !Files.exists(dir.resolve("upload.shx"))) {
            throw ApiException.badRequest("the Shapefile needs its .shx and .dbf in the zip");
        }
        if (!Files.exists(dir.resolve("upload.prj"))) {
            throw ApiException.badRequest("the Shapefile has no .prj: its coordinate system is unknown");
        }
        String encoding = cpg == null ? "UTF-8" : Files.readString(cpg, StandardCharsets.US_ASCII).trim();
        if (encoding.equals("936") || encoding.equalsIgnoreCase("GB2312")) {
            encoding = "GBK";
        }
        String prj = Files.readString(dir.resolve("upload.prj"), StandardCharsets.ISO_8859_1);
        int declared = InputCrs.epsgOfPrj(prj);
        try (Connection h2 = H2GISDBFactory.createSpatialDataBase(dir.resolve("stage").toAbsolutePath().toString(), true)) {
            SHPRead.importTable(h2, shp.toString(), "UPLOAD", encoding, true);
            List<EditOp.Part> parts = new ArrayList<>();
            try (Statement st = h2.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM UPLOAD ORDER BY PK")) {
                ResultSetMetaData md = rs.getMetaData();
                InputCrs.Converter crs = null;
                while (rs.next()) {
                    String code = null;
                    String name = null;
                    Geometry g = null;
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        String col = md.getColumnLabel(i);
                        Object v = rs.getObject(i);
                        if (v instanceof Geometry geom) {
                            g = geom;
                        } else if (col.equalsIgnoreCase("code") && v != null) {
                            code = v.toString().trim();
                        } else if (col.equalsIgnoreCase("name") && v != null) {
                            name = v.toString().trim();
                        }
                    }
                    if (crs == null) {
                        int srid = declared > 0 ? declared : g == null ? 0 : g.getSRID();
                        if (srid <= 0) {
                            throw ApiException.badRequest("the .prj names a coordinate system not read here: "
                                    + prj.substring(0, Math.min(80, prj.length())) + "…; use EPSG:4326, EPSG:4490 or a CGCS2000 Gauss-Krüger zone");
                        }
                        crs = converter(srid);
                    }
                    parts.add(part(parts.size() + 1, code, name, g, crs));
                }
            }
            return parts;
        } catch (SQLException e) {
            throw ApiException.badRequest("not a readable Shapefile: " + e.getMessage());
        }
    }

    private static InputCrs.Converter converter(int srid) {
        if (srid <= 0) {
            throw ApiException.badRequest("the file's coordinate system is unknown (no EPSG code)");
        }
        try {
            return InputCrs.parse(String.valueOf(srid)).converter();
        } catch (InvalidGeoInputException e) {
            throw ApiException.badRequest("the file is in EPSG:" + srid + "; boundaries are read in EPSG:4326, EPSG:4490 or a CGCS2000 "
                    + "Gauss-Krüger zone (4491–4554)");
        }
    }

    private static EditOp.Part part(int n, String code, String name, Geometry g, InputCrs.Converter crs) {
        if (g == null || g.isEmpty()) {
            throw ApiException.badRequest("feature " + n + (code == null ? "" : " (" + code + ")") + " has no geometry");
        }
        if (!(g instanceof Polygonal)) {
            throw ApiException.badRequest("feature " + n + (code == null ? "" : " (" + code + ")") + " is a " + g.getGeometryType()
                    + "; boundaries are polygons");
        }
        Geometry wgs84 = Geometries.mapCoordinates(g, p -> crs.toWgs84(p[0], p[1]));
        wgs84.setSRID(Geometries.STORAGE.getSRID());
        return new EditOp.Part(code == null || code.isEmpty() ? null : code, name == null || name.isEmpty() ? null : name, wgs84);
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // left to the system's temporary files
        }
    }
}
