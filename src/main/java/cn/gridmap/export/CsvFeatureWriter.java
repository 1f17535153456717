package cn.gridmap.export;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.io.WKTWriter;

import cn.gridmap.geo.OutputCrs;

/**
 * CSV (RFC 4180, UTF-8 with a byte order mark so that spreadsheet programs read the Chinese names): id, the columns,
 * then the geometry as WKT in a {@code wkt} column or as {@code lon,lat} ({@code x,y} in metres) — for a polygon its
 * point on surface. Text that a spreadsheet would run as a formula (= + - @) is prefixed with an apostrophe.
 */
final class CsvFeatureWriter implements FeatureWriter {
    private final BufferedWriter out;
    private final List<Column> columns;
    private final boolean wkt;
    private final WKTWriter wktWriter = new WKTWriter();

    CsvFeatureWriter(OutputStream stream, List<Column> columns, boolean wkt, OutputCrs crs) throws IOException {
        this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
        this.columns = columns;
        this.wkt = wkt;
        out.write('\uFEFF');
        out.write("id");
        for (Column c : columns) {
            out.write(',');
            out.write(quote(c.name(), false));
        }
        out.write(wkt ? ",wkt" : crs.projected() ? ",x,y" : ",lon,lat");
        out.write("\r\n");
    }

    @Override
    public void write(String id, Object[] values, Geometry g) throws IOException {
        out.write(quote(id, true));
        for (int i = 0; i < columns.size(); i++) {
            out.write(',');
            Object v = Values.plain(values[i]);
            out.write(v == null ? "" : quote(v.toString(), v instanceof String));
        }
        if (wkt) {
            out.write(',');
            out.write(g == null ? "" : quote(wktWriter.write(g), false));
        } else {
            Point p = g == null ? null : g instanceof Point pt ? pt : g.getInteriorPoint();
            out.write(p == null ? ",," : "," + p.getX() + "," + p.getY());
        }
        out.write("\r\n");
    }

    static String quote(String s, boolean text) {
        String v = text && !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }

    @Override
    public void finish() throws IOException {
        out.flush();
    }
}
