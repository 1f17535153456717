package cn.gridmap.export;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

/**
 * KML 2.2 (always WGS84 lon/lat): a Placemark per feature named by its name (or id), the columns as ExtendedData, the
 * geometry as Polygon/MultiGeometry/Point.
 */
final class KmlFeatureWriter implements FeatureWriter {
    private final BufferedWriter out;
    private final List<Column> columns;
    private final int nameIndex;

    KmlFeatureWriter(OutputStream stream, String title, List<Column> columns) throws IOException {
        this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
        this.columns = columns;
        int n = -1;
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals("name")) {
                n = i;
            }
        }
        this.nameIndex = n;
        out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><name>");
        out.write(xml(title));
        out.write("</name>\n");
    }

    @Override
    public void write(String id, Object[] values, Geometry g) throws IOException {
        out.write("<Placemark id=\"");
        out.write(xml("f" + id));
        out.write("\"><name>");
        out.write(xml(nameIndex >= 0 && values[nameIndex] != null ? values[nameIndex].toString() : id));
        out.write("</name><ExtendedData><Data name=\"id\"><value>");
        out.write(xml(id));
        out.write("</value></Data>");
        for (int i = 0; i < columns.size(); i++) {
            out.write("<Data name=\"");
            out.write(xml(columns.get(i).name()));
            out.write("\"><value>");
            out.write(xml(Values.text(values[i])));
            out.write("</value></Data>");
        }
        out.write("</ExtendedData>");
        if (g != null) {
            geometry(g);
        }
        out.write("</Placemark>\n");
    }

    private void geometry(Geometry g) throws IOException {
        if (g.getNumGeometries() > 1 || !(g instanceof Polygon || g instanceof Point || g instanceof LineString)) {
            out.write("<MultiGeometry>");
            for (int i = 0; i < g.getNumGeometries(); i++) {
                geometry(g.getGeometryN(i));
            }
            out.write("</MultiGeometry>");
        } else if (g instanceof Point p) {
            out.write("<Point><coordinates>");
            coordinates(p.getCoordinates());
            out.write("</coordinates></Point>");
        } else if (g instanceof LineString l) {
            out.write("<LineString><coordinates>");
            coordinates(l.getCoordinates());
            out.write("</coordinates></LineString>");
        } else if (g instanceof Polygon p) {
            out.write("<Polygon><outerBoundaryIs><LinearRing><coordinates>");
            coordinates(p.getExteriorRing().getCoordinates());
            out.write("</coordinates></LinearRing></outerBoundaryIs>");
            for (int i = 0; i < p.getNumInteriorRing(); i++) {
                out.write("<innerBoundaryIs><LinearRing><coordinates>");
                coordinates(p.getInteriorRingN(i).getCoordinates());
                out.write("</coordinates></LinearRing></innerBoundaryIs>");
            }
            out.write("</Polygon>");
        }
    }

    private void coordinates(Coordinate[] cs) throws IOException {
        for (int i = 0; i < cs.length; i++) {
            if (i > 0) {
                out.write(' ');
            }
            out.write(Double.toString(cs[i].x));
            out.write(',');
            out.write(Double.toString(cs[i].y));
        }
    }

    static String xml(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    @Override
    public void finish() throws IOException {
        out.write("</Document></kml>\n");
        out.flush();
    }
}
