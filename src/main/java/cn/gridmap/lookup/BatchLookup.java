package cn.gridmap.lookup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import cn.gridmap.geo.InputCrs;
import cn.gridmap.region.Level;
import cn.gridmap.web.ApiException;

/**
 * Batch point lookup, streamed: rows are read, looked up and written one at a time, so memory stays flat whatever
 * the size of the batch. Inputs: CSV (header with {@code id,x,y}), NDJSON and JSON arrays of {@code {"id","x","y"}}
 * objects (or {@code [x, y]} pairs), and GeoJSON FeatureCollections of points. Outputs: CSV
 * {@code id,district,street,community,grid,microgrid,error} or NDJSON, one line per input row. A bad row gets its
 * error inline and the batch goes on.
 */
public final class BatchLookup {
    public static final String CSV = "text/csv";
    public static final String NDJSON = "application/x-ndjson";
    public static final String JSON = "application/json";
    public static final String GEOJSON = "application/geo+json";
    static final String CSV_HEADER = "id,district,street,community,grid,microgrid,error\n";
    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    /** Where looked-up rows go. */
    interface Sink {
        void row(String id, double x, double y) throws IOException;

        void error(String id, String message) throws IOException;

        void finish() throws IOException;
    }

    /** A prepared batch: the input is checked enough to fail with a 400 before any output is written. */
    public interface Prepared {
        void writeTo(OutputStream out) throws IOException;
    }

    private BatchLookup() {
    }

    /** Picks the input format from a Content-Type; 415 for anything else. */
    static String inputFormat(String contentType) {
        String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).split(";")[0].trim();
        return switch (ct) {
            case CSV, "application/csv" -> CSV;
            case NDJSON, "application/jsonl", "application/x-jsonlines", "application/jsonlines" -> NDJSON;
            case JSON -> JSON;
            case GEOJSON -> GEOJSON;
            default -> throw new ApiException(415, "Content-Type must be " + CSV + ", " + NDJSON + ", " + JSON + " or "
                    + GEOJSON + "; got '" + contentType + "'");
        };
    }

    /** Picks the output format from an Accept header: CSV when it asks for CSV, NDJSON otherwise. */
    static String outputFormat(String accept) {
        String a = accept == null ? "" : accept.toLowerCase(Locale.ROOT);
        return a.contains("csv") && !a.contains("ndjson") ? CSV : NDJSON;
    }

    /**
     * Reads the head of the input (CSV header, JSON start) so that structural errors are a 400, and returns the
     * batch ready to stream.
     */
    static Prepared prepare(InputStream in, String inFormat, String outFormat, InputCrs crs, GridIndex index) throws IOException {
        return switch (inFormat) {
            case CSV -> prepareCsv(in, outFormat, crs, index);
            case NDJSON -> out -> {
                // byte-level fast path for flat lines; the others are parsed by Jackson and written by the general sink
                Sink sink = sink(out, outFormat, crs, index);
                sink.finish();
                new NdjsonFastPath(new CsvFastPath(in)).run(out, outFormat.equals(CSV), crs, index, (buf, from, to, n) -> {
                    ndjsonLine(buf, from, to, n, sink);
                    sink.finish();
                });
                sink.finish();
            };
            default -> prepareJson(in, inFormat, outFormat, crs, index);
        };
    }

    // ---------------------------------------------------------------- CSV in

    private static Prepared prepareCsv(InputStream in, String outFormat, InputCrs crs, GridIndex index) throws IOException {
        CsvFastPath reader = new CsvFastPath(in);
        int[] h = reader.nextLine();
        if (h == null) {
            throw ApiException.badRequest("the CSV is empty; it needs a header with the columns id,x,y");
        }
        String header = reader.text(h[0], h[1]);
        String[] cols = header.replace("\uFEFF", "").toLowerCase(Locale.ROOT).split(",", -1);
        int id = -1;
        int x = -1;
        int y = -1;
        for (int i = 0; i < cols.length; i++) {
            switch (unquote(cols[i].trim())) {
                case "id" -> id = i;
                case "x", "lon", "lng", "longitude", "easting" -> x = i;
                case "y", "lat", "latitude", "northing" -> y = i;
                default -> { }
            }
        }
        if (x < 0 || y < 0) {
            throw ApiException.badRequest("the CSV header must name the columns id,x,y (x/y may be lon/lat); got '" + header + "'");
        }
        CsvColumns columns = new CsvColumns(id, x, y, cols.length);
        return out -> {
            Sink sink = sink(out, outFormat, crs, index);
            if (outFormat.equals(CSV)) {
                // byte-level fast path; rows it hands over are written (and flushed) by the general sink
                sink.finish();
                reader.run(out, columns, crs, index, (line, n) -> {
                    csvRow(line, n, columns, sink);
                    sink.finish();
                });
            } else {
                int[] l;
                long n = 1;
                while ((l = reader.nextLine()) != null) {
                    n++;
                    if (l[0] < l[1]) {
                        csvRow(reader.text(l[0], l[1]), n, columns, sink);
                    }
                }
            }
            sink.finish();
        };
    }

    /** Column positions of a CSV batch. */
    record CsvColumns(int id, int x, int y, int width) {
    }

    /** One CSV data line through the general path: quoting, checks, and a row or an error. */
    private static void csvRow(String line, long n, CsvColumns c, Sink sink) throws IOException {
        String[] f = line.indexOf('"') < 0 ? line.split(",", -1) : splitQuoted(line);
        if (f == null) {
            sink.error(Long.toString(n - 1), "line " + n + ": unbalanced quotes");
            return;
        }
        String rowId = c.id() >= 0 && c.id() < f.length ? f[c.id()].trim() : Long.toString(n - 1);
        if (f.length != c.width()) {
            sink.error(rowId, "line " + n + ": expected " + c.width() + " fields, got " + f.length);
            return;
        }
        double vx = number(f[c.x()]);
        double vy = number(f[c.y()]);
        if (Double.isNaN(vx) || Double.isNaN(vy)) {
            sink.error(rowId, "line " + n + ": x and y must be numbers, got '" + f[c.x()] + "','" + f[c.y()] + "'");
            return;
        }
        sink.row(rowId, vx, vy);
    }

    /** Splits one CSV line with RFC 4180 quoting; null when a quote is left open. */
    static String[] splitQuoted(String line) {
        java.util.List<String> out = new java.util.ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    f.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(ch);
            }
        }
        if (quoted) {
            return null;
        }
        out.add(f.toString());
        return out.toArray(new String[0]);
    }

    private static double number(String s) {
        try {
            double v = Double.parseDouble(unquote(s.trim()));
            return Double.isFinite(v) ? v : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"' ? s.substring(1, s.length() - 1).replace("\"\"", "\"") : s;
    }

    // ---------------------------------------------------------------- NDJSON, JSON, GeoJSON in

    /** One NDJSON line through Jackson: a row, an error, or nothing for a blank line. */
    private static void ndjsonLine(byte[] buf, int from, int to, long n, Sink sink) throws IOException {
        try (JsonParser p = JSON_FACTORY.createParser(buf, from, to - from)) {
            if (p.nextToken() == null) {
                return;
            }
            readItem(p, n, sink);
        } catch (JsonParseException e) {
            sink.error(Long.toString(n), "line " + n + ": not JSON: " + e.getOriginalMessage());
        }
    }

    private static Prepared prepareJson(InputStream in, String inFormat, String outFormat, InputCrs crs, GridIndex index) throws IOException {
        JsonParser p = JSON_FACTORY.createParser(in);
        JsonToken first;
        try {
            first = p.nextToken();
        } catch (JsonParseException e) {
            throw ApiException.badRequest("the body is not JSON: " + e.getOriginalMessage());
        }
        if (inFormat.equals(JSON) && first != JsonToken.START_ARRAY) {
            throw ApiException.badRequest("a JSON batch is an array of {\"id\",\"x\",\"y\"} objects or [x, y] pairs");
        }
        if (inFormat.equals(GEOJSON)) {
            if (first != JsonToken.START_OBJECT || !seekFeatures(p)) {
                throw ApiException.badRequest("a GeoJSON batch is a FeatureCollection with a \"features\" array of Point features");
            }
        }
        return out -> {
            Sink sink = sink(out, outFormat, crs, index);
            long n = 0;
            try {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    n++;
                    if (inFormat.equals(GEOJSON)) {
                        readFeature(p, n, sink);
                    } else {
                        readItem(p, n, sink);
                    }
                }
            } catch (JsonParseException e) {
                sink.error(null, "the JSON breaks off after item " + n + " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + "): " + e.getOriginalMessage() + "; the rest of the batch was not read");
            } finally {
                p.close();
            }
            sink.finish();
        };
    }

    /** Moves the parser to just inside the top-level "features" array. */
    private static boolean seekFeatures(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("features".equals(name)) {
                return v == JsonToken.START_ARRAY;
            }
            p.skipChildren();
        }
        return false;
    }

    /** One item: {"id":…, "x":…, "y":…} (or lon/lat), or [x, y]. The parser is on the item's first token. */
    private static void readItem(JsonParser p, long n, Sink sink) throws IOException {
        if (p.currentToken() == JsonToken.START_ARRAY) {
            double x = Double.NaN;
            double y = Double.NaN;
            int i = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t.isNumeric()) {
                    if (i == 0) {
                        x = p.getDoubleValue();
                    } else if (i == 1) {
                        y = p.getDoubleValue();
                    }
                }
                if (t.isStructStart()) {
                    p.skipChildren();
                }
                i++;
            }
            emit(Long.toString(n), x, y, i == 2, n, sink);
            return;
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            if (p.currentToken().isStructStart()) {
                p.skipChildren();
            }
            sink.error(Long.toString(n), "item " + n + ": expected an object {\"id\",\"x\",\"y\"} or a pair [x, y]");
            return;
        }
        String id = Long.toString(n);
        double x = Double.NaN;
        double y = Double.NaN;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "id" -> id = v.isScalarValue() ? p.getText() : id;
                case "x", "lon", "lng" -> x = v.isNumeric() ? p.getDoubleValue() : Double.NaN;
                case "y", "lat" -> y = v.isNumeric() ? p.getDoubleValue() : Double.NaN;
                default -> {
                }
            }
            if (v.isStructStart()) {
                p.skipChildren();
            }
        }
        emit(id, x, y, true, n, sink);
    }

    /** One GeoJSON Feature with a Point geometry; id from the feature id or properties.id. */
    private static void readFeature(JsonParser p, long n, Sink sink) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            if (p.currentToken().isStructStart()) {
                p.skipChildren();
            }
            sink.error(Long.toString(n), "feature " + n + ": not an object");
            return;
        }
        String id = null;
        String propId = null;
        String type = null;
        double x = Double.NaN;
        double y = Double.NaN;
        boolean pair = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("id".equals(name) && v.isScalarValue()) {
                id = p.getText();
            } else if ("properties".equals(name) && v == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String pn = p.currentName();
                    JsonToken pv = p.nextToken();
                    if ("id".equals(pn) && pv.isScalarValue()) {
                        propId = p.getText();
                    } else if (pv.isStructStart()) {
                        p.skipChildren();
                    }
                }
            } else if ("geometry".equals(name) && v == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String gn = p.currentName();
                    JsonToken gv = p.nextToken();
                    if ("type".equals(gn)) {
                        type = p.getText();
                    } else if ("coordinates".equals(gn) && gv == JsonToken.START_ARRAY) {
                        int i = 0;
                        JsonToken t;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            if (t.isNumeric() && i == 0) {
                                x = p.getDoubleValue();
                            } else if (t.isNumeric() && i == 1) {
                                y = p.getDoubleValue();
                            } else if (t.isStructStart()) {
                                p.skipChildren();
                            }
                            i++;
                        }
                        pair = i >= 2;
                    } else if (gv.isStructStart()) {
                        p.skipChildren();
                    }
                }
            } else if (v.isStructStart()) {
                p.skipChildren();
            }
        }
        String rowId = id != null ? id : propId != null ? propId : Long.toString(n);
        if (!"Point".equals(type)) {
            sink.error(rowId, "feature " + n + ": geometry must be a Point, got " + type);
            return;
        }
        emit(rowId, x, y, pair, n, sink);
    }

    private static void emit(String id, double x, double y, boolean shapeOk, long n, Sink sink) throws IOException {
        if (!shapeOk || Double.isNaN(x) || Double.isNaN(y) || !Double.isFinite(x) || !Double.isFinite(y)) {
            sink.error(id, "item " + n + ": needs numeric x and y");
        } else {
            sink.row(id, x, y);
        }
    }

    // ---------------------------------------------------------------- out

    private static Sink sink(OutputStream out, String outFormat, InputCrs crs, GridIndex index) {
        OutputStream w = new java.io.BufferedOutputStream(out, 1 << 16);
        InputCrs.Converter conv = crs.converter();
        boolean csv = outFormat.equals(CSV);
        return new Sink() {
            private final StringBuilder line = new StringBuilder(256);
            private boolean started;

            private void start() throws IOException {
                if (!started) {
                    started = true;
                    if (csv) {
                        w.write(CSV_HEADER.getBytes(StandardCharsets.US_ASCII));
                    }
                }
            }

            @Override
            public void row(String id, double x, double y) throws IOException {
                start();
                double[] ll = conv.toWgs84(x, y);
                if (!(ll[0] >= -180 && ll[0] <= 180 && ll[1] >= -90 && ll[1] <= 90)) {
                    error(id, "x,y " + x + "," + y + " is not a valid point in crs " + crs.id());
                    return;
                }
                int micro = index.locateMicro(ll[0], ll[1]);
                line.setLength(0);
                if (csv) {
                    csvField(line, id).append(',').append(micro < 0 ? ",,,," : index.csvChain(micro)).append(",\n");
                    w.write(line.toString().getBytes(StandardCharsets.UTF_8));
                } else {
                    // the chain (most of the row) is written from its precomputed UTF-8 bytes
                    line.append("{\"id\":");
                    jsonString(line, id).append(",\"x\":").append(x).append(",\"y\":").append(y).append(",\"lon\":").append(ll[0])
                            .append(",\"lat\":").append(ll[1]).append(",\"regions\":");
                    w.write(line.toString().getBytes(StandardCharsets.UTF_8));
                    w.write(micro < 0 ? EMPTY_REGIONS : index.jsonChainBytes(micro));
                    w.write(END_OBJECT);
                }
            }

            @Override
            public void error(String id, String message) throws IOException {
                start();
                line.setLength(0);
                if (csv) {
                    csvField(line, id == null ? "" : id).append(",,,,,,");
                    csvField(line, message).append('\n');
                } else {
                    line.append("{\"id\":");
                    if (id == null) {
                        line.append("null");
                    } else {
                        jsonString(line, id);
                    }
                    jsonString(line.append(",\"error\":"), message).append("}\n");
                }
                w.write(line.toString().getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void finish() throws IOException {
                start();
                w.flush();
            }
        };
    }

    private static final byte[] EMPTY_REGIONS = "[]".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OBJECT = "}\n".getBytes(StandardCharsets.US_ASCII);

    private static StringBuilder csvField(StringBuilder sb, String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return sb.append(s);
        }
        return sb.append('"').append(s.replace("\"", "\"\"")).append('"');
    }

    static StringBuilder jsonString(StringBuilder sb, String s) {
        sb.append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, sb);
        return sb.append('"');
    }

    /** The CSV columns district..microgrid of a micro-grid's chain. */
    static String csvChain(GridIndex index, int micro) {
        int[] chain = index.chain(micro);
        StringBuilder sb = new StringBuilder();
        for (int l = Level.DISTRICT.ordinal(); l < chain.length; l++) {
            if (l > Level.DISTRICT.ordinal()) {
                sb.append(',');
            }
            sb.append(index.code(chain[l]));
        }
        return sb.toString();
    }

    /** The JSON regions array of a micro-grid's chain. */
    static String jsonChain(GridIndex index, int micro) {
        StringBuilder sb = new StringBuilder("[");
        for (int r : index.chain(micro)) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append("{\"code\":\"").append(index.code(r)).append("\",\"name\":");
            jsonString(sb, index.name(r)).append(",\"level\":\"").append(index.level(r).wireName()).append("\"}");
        }
        return sb.append(']').toString();
    }
}
