package cn.gridmap.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.h2gis.functions.factory.H2GISDBFactory;
import org.h2gis.functions.io.shp.SHPWrite;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;

import cn.gridmap.geo.Geometries;
import cn.gridmap.geo.OutputCrs;

/**
 * A zipped ESRI Shapefile (.shp .shx .dbf .prj .cpg) through H2GIS's driver: rows are staged in an H2GIS database
 * file of their own (in the export's temporary folder), then written with UTF-8 attributes and a .cpg saying so.
 * DBF field names are at most 10 characters: longer names are cut, as GDAL does ({@link #fieldNames}).
 */
final class ShpFeatureWriter implements FeatureWriter {
    private final Path dir;
    private final String name;
    private final Connection h2;
    private final PreparedStatement insert;
    private final List<Column> columns;
    private final int srid;
    private final boolean polygons;
    private final String prj;
    private final Path zip;
    private int pending;

    ShpFeatureWriter(Path dir, String name, List<Column> columns, String geometryType, OutputCrs crs, String prj) throws IOException {
        this.dir = dir;
        this.name = name;
        this.columns = columns;
        this.srid = crs.srid();
        this.prj = prj;
        this.polygons = geometryType.equals("MULTIPOLYGON");
        this.zip = dir.resolve(name + ".shp.zip");
        try {
            this.h2 = H2GISDBFactory.createSpatialDataBase(dir.resolve("stage").toAbsolutePath().toString(), true);
            List<String> fields = fieldNames(columns);
            StringBuilder ddl = new StringBuilder("CREATE TABLE EXPORT (\"id\" VARCHAR");
            StringBuilder marks = new StringBuilder("?");
            for (int i = 0; i < columns.size(); i++) {
                ddl.append(", \"").append(fields.get(i)).append("\" ").append(switch (columns.get(i).type()) {
                    case "number", "integer" -> "BIGINT";
                    case "boolean" -> "BOOLEAN";
                    default -> "VARCHAR";
                });
                marks.append(", ?");
            }
            ddl.append(", THE_GEOM GEOMETRY(").append(polygons ? "MULTIPOLYGON" : "POINT").append(", ").append(srid).append("))");
            try (Statement st = h2.createStatement()) {
                st.execute(ddl.toString());
            }
            h2.setAutoCommit(false);
            this.insert = h2.prepareStatement("INSERT INTO EXPORT VALUES (" + marks + ", ?)");
        } catch (SQLException e) {
            throw new IOException("Shapefile staging failed: " + e.getMessage(), e);
        }
    }

    /** DBF field names: at most 10 characters, unique (a cut name that repeats ends in a digit). */
    static List<String> fieldNames(List<Column> columns) {
        Set<String> used = new LinkedHashSet<>(List.of("id"));
        List<String> out = new ArrayList<>();
        for (Column c : columns) {
            String n = c.name().length() <= 10 ? c.name() : c.name().substring(0, 10);
            for (int k = 1; used.contains(n.toLowerCase(Locale.ROOT)); k++) {
                n = n.substring(0, Math.min(n.length(), 9)) + k;
            }
            used.add(n.toLowerCase(Locale.ROOT));
            out.add(n);
        }
        return out;
    }

    @Override
    public void write(String id, Object[] values, Geometry g) throws IOException {
        try {
            insert.setString(1, id);
            for (int i = 0; i < columns.size(); i++) {
                Object v = values[i];
                int at = i + 2;
                switch (columns.get(i).type()) {
                    case "number", "integer" -> insert.setObject(at, v == null ? null : ((Number) v).longValue());
                    case "boolean" -> insert.setObject(at, v);
                    default -> insert.setString(at, v == null ? null : Values.text(v));
                }
            }
            Geometry geom = g;
            if (polygons && g instanceof Polygon p) {
                geom = Geometries.STORAGE.createMultiPolygon(new Polygon[] {p});
            }
            if (geom != null) {
                geom.setSRID(srid);
            }
            insert.setObject(columns.size() + 2, geom instanceof MultiPolygon || !polygons ? geom : null);
            insert.addBatch();
            if (++pending == 1000) {
                insert.executeBatch();
                pending = 0;
            }
        } catch (SQLException e) {
            throw new IOException("Shapefile staging failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void finish() throws IOException {
        try {
            insert.executeBatch();
            h2.commit();
            Path shp = dir.resolve(name + ".shp");
            SHPWrite.exportTable(h2, shp.toString(), "EXPORT", "UTF-8", true);
        } catch (SQLException e) {
            throw new IOException("Shapefile write failed: " + e.getMessage(), e);
        }
        Files.writeString(dir.resolve(name + ".cpg"), "UTF-8", StandardCharsets.US_ASCII);
        if (prj != null) {
            // the OGC WKT PostGIS holds for the SRID (GDAL and QGIS read it), not the driver's own guess
            Files.writeString(dir.resolve(name + ".prj"), prj, StandardCharsets.US_ASCII);
        }
        try (OutputStream o = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(o)) {
            for (String ext : List.of(".shp", ".shx", ".dbf", ".prj", ".cpg")) {
                Path f = dir.resolve(name + ext);
                if (Files.exists(f)) {
                    z.putNextEntry(new ZipEntry(name + ext));
                    Files.copy(f, z);
                    z.closeEntry();
                }
            }
        }
    }

    /** The zip written by {@link #finish()}. */
    Path zip() {
        return zip;
    }

    @Override
    public void close() throws IOException {
        try {
            insert.close();
            h2.close();
        } catch (SQLException e) {
            throw new IOException(e);
        }
    }
}
