package cn.gridmap.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import mil.nga.geopackage.GeoPackage;
import mil.nga.geopackage.GeoPackageManager;
import mil.nga.geopackage.features.user.FeatureDao;
import mil.nga.geopackage.features.user.FeatureResultSet;
import mil.nga.geopackage.features.user.FeatureRow;
import mil.nga.geopackage.geom.GeoPackageGeometryData;
import mil.nga.sf.Geometry;
import mil.nga.sf.GeometryType;

/**
 * Reads an import file row by row as (line, field → text): CSV with a header (RFC 4180 quoting, UTF-8, BOM
 * tolerated), a GeoJSON FeatureCollection (streamed feature by feature; a Point's coordinates become x and y) or a
 * GeoPackage feature table (its points become x and y, its SRS id the crs). Structural problems (no header, not a
 * FeatureCollection, no feature table) are an {@link ImportException}; row problems are left to the row mapper.
 */
final class ImportReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One input row: {@code line} is the CSV line, or the feature's position (1-based). */
    record Row(long line, Map<String, String> fields) {
        String get(String name) {
            String v = fields.get(name);
            return v == null || v.isBlank() ? null : v.trim();
        }
    }

    interface RowSink {
        void accept(Row row) throws Exception;
    }

    /** Bytes read so far (CSV and GeoJSON progress). */
    final AtomicLong bytesRead = new AtomicLong();

    static String formatOf(String format, String fileName) {
        String f = format != null && !format.isBlank() ? format : fileName == null ? "" : fileName;
        f = f.toLowerCase(Locale.ROOT);
        if (f.endsWith("csv") || f.equals("text/csv")) {
            return "csv";
        }
        if (f.endsWith("geojson") || f.endsWith("json")) {
            return "geojson";
        }
        if (f.endsWith("gpkg") || f.endsWith("geopackage")) {
            return "gpkg";
        }
        throw new ImportException("format must be csv, geojson or gpkg (or a file name ending so), got '" + (format == null ? fileName : format) + "'");
    }

    void read(Path file, String format, RowSink sink) throws Exception {
        switch (format) {
            case "csv" -> csv(file, sink);
            case "geojson" -> geojson(file, sink);
            case "gpkg" -> gpkg(file, sink);
            default -> throw new ImportException("unknown format " + format);
        }
    }

    private InputStream counting(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return new java.io.FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    bytesRead.incrementAndGet();
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    bytesRead.addAndGet(n);
                }
                return n;
            }
        };
    }

    private void csv(Path file, RowSink sink) throws Exception {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(counting(file), StandardCharsets.UTF_8), 1 << 16)) {
            long[] line = {0};
            List<String> header = record(r, line);
            if (header == null || header.isEmpty() || header.stream().allMatch(String::isBlank)) {
                throw new ImportException("the CSV file has no header row");
            }
            if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
                header.set(0, header.get(0).substring(1));
            }
            for (int i = 0; i < header.size(); i++) {
                header.set(i, header.get(i).trim().toLowerCase(Locale.ROOT));
            }
            while (true) {
                long start = line[0] + 1;
                List<String> values = record(r, line);
                if (values == null) {
                    break;
                }
                if (values.size() == 1 && values.get(0).isBlank()) {
                    continue;
                }
                Map<String, String> fields = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    fields.put(header.get(i), i < values.size() ? values.get(i) : null);
                }
                if (values.size() > header.size()) {
                    fields.put("__extra", String.valueOf(values.size() - header.size()));
                }
                sink.accept(new Row(start, fields));
            }
        }
    }

    /** One CSV record (quoted fields may span lines); null at the end. */
    private static List<String> record(BufferedReader r, long[] line) throws IOException {
        String l = r.readLine();
        if (l == null) {
            return null;
        }
        line[0]++;
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        int i = 0;
        while (true) {
            if (i >= l.length()) {
                if (quoted) {
                    String next = r.readLine();
                    if (next == null) {
                        throw new ImportException("line " + line[0] + ": a quoted field is not closed");
                    }
                    line[0]++;
                    f.append('\n');
                    l = next;
                    i = 0;
                    continue;
                }
                out.add(f.toString());
                return out;
            }
            char c = l.charAt(i++);
            if (quoted) {
                if (c == '"') {
                    if (i < l.length() && l.charAt(i) == '"') {
                        f.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    f.append(c);
                }
            } else if (c == '"' && f.length() == 0) {
                quoted = true;
            } else if (c == ',') {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
    }

    private void geojson(Path file, RowSink sink) throws Exception {
        JsonFactory factory = JSON.getFactory();
        try (JsonParser p = factory.createParser(counting(file))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ImportException("a GeoJSON FeatureCollection object is expected");
            }
            String crs = null;
            boolean collection = false;
            boolean sawFeatures = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ("type".equals(name)) {
                    collection = "FeatureCollection".equals(p.getValueAsString());
                    if (!collection) {
                        throw new ImportException("a GeoJSON FeatureCollection is expected, got type " + p.getValueAsString());
                    }
                } else if ("crs".equals(name) && t == JsonToken.START_OBJECT) {
                    JsonNode n = JSON.readTree(p);
                    crs = crsOf(n.path("properties").path("name").asText(null));
                } else if ("features".equals(name) && t == JsonToken.START_ARRAY) {
                    sawFeatures = true;
                    long index = 0;
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        index++;
                        JsonNode f = JSON.readTree(p);
                        sink.accept(new Row(index, feature(f, crs)));
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (!sawFeatures) {
                throw new ImportException("the GeoJSON has no features array");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ImportException("the GeoJSON is not valid JSON near line " + e.getLocation().getLineNr() + ": " + e.getOriginalMessage());
        }
    }

    private static Map<String, String> feature(JsonNode f, String crs) {
        Map<String, String> fields = new LinkedHashMap<>();
        JsonNode props = f.path("properties");
        props.fields().forEachRemaining(e -> fields.put(e.getKey().toLowerCase(Locale.ROOT),
                e.getValue().isNull() ? null : e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        if (f.hasNonNull("id") && !fields.containsKey("external_id")) {
            fields.put("external_id", f.get("id").asText());
        }
        JsonNode g = f.path("geometry");
        if (g.isObject()) {
            if (!"Point".equals(g.path("type").asText())) {
                fields.put("__geometry_error", "only Point geometries are imported, got " + g.path("type").asText("none"));
            } else {
                JsonNode c = g.path("coordinates");
                fields.put("x", c.path(0).isNumber() ? c.path(0).asText() : null);
                fields.put("y", c.path(1).isNumber() ? c.path(1).asText() : null);
                if (crs != null && !fields.containsKey("crs")) {
                    fields.put("crs", crs);
                }
            }
        }
        return fields;
    }

    /** "urn:ogc:def:crs:EPSG::4490" / "EPSG:4490" / "urn:ogc:def:crs:OGC:1.3:CRS84" → "4490" / "4326". */
    static String crsOf(String name) {
        if (name == null) {
            return null;
        }
        if (name.endsWith("CRS84")) {
            return "4326";
        }
        int i = name.lastIndexOf(':');
        return i >= 0 ? name.substring(i + 1) : name;
    }

    private void gpkg(Path file, RowSink sink) throws Exception {
        GeoPackage gp;
        try {
            gp = GeoPackageManager.open(file.toFile(), false);
        } catch (RuntimeException e) {
            throw new ImportException("not a readable GeoPackage: " + e.getMessage());
        }
        try {
            List<String> tables = gp.getFeatureTables();
            if (tables.isEmpty()) {
                throw new ImportException("the GeoPackage has no feature table");
            }
            FeatureDao dao = gp.getFeatureDao(tables.get(0));
            String crs = String.valueOf(dao.getSrs().getOrganizationCoordsysId());
            String geomColumn = dao.getGeometryColumnName();
            FeatureResultSet rs = dao.queryForAll();
            try {
                long index = 0;
                while (rs.moveToNext()) {
                    index++;
                    FeatureRow row = rs.getRow();
                    Map<String, String> fields = new LinkedHashMap<>();
                    for (String col : row.getColumnNames()) {
                        if (col.equals(geomColumn) || col.equals(row.getPkColumn().getName())) {
                            continue;
                        }
                        Object v = row.getValue(col);
                        fields.put(col.toLowerCase(Locale.ROOT), v == null ? null : String.valueOf(v));
                    }
                    GeoPackageGeometryData data = row.getGeometry();
                    Geometry g = data == null ? null : data.getGeometry();
                    if (g != null) {
                        if (g.getGeometryType() != GeometryType.POINT) {
                            fields.put("__geometry_error", "only Point geometries are imported, got " + g.getGeometryType());
                        } else {
                            mil.nga.sf.Point pt = (mil.nga.sf.Point) g;
                            fields.put("x", String.valueOf(pt.getX()));
                            fields.put("y", String.valueOf(pt.getY()));
                            fields.putIfAbsent("crs", crs);
                        }
                    }
                    sink.accept(new Row(index, fields));
                }
            } finally {
                rs.close();
            }
        } finally {
            gp.close();
        }
    }
}
