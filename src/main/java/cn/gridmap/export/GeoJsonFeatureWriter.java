package cn.gridmap.export;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.geojson.GeoJsonWriter;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import cn.gridmap.geo.OutputCrs;

/**
 * A GeoJSON FeatureCollection, streamed. In CRS84 it is RFC 7946; in another CRS it names it in a {@code crs} member
 * (the 2008 form GDAL and QGIS read), positions x = east.
 */
final class GeoJsonFeatureWriter implements FeatureWriter {
    private final JsonGenerator json;
    private final List<Column> columns;
    private final GeoJsonWriter geometry;

    GeoJsonFeatureWriter(OutputStream out, String name, List<Column> columns, OutputCrs crs) throws IOException {
        this.json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8);
        this.columns = columns;
        this.geometry = new GeoJsonWriter(crs.decimals());
        this.geometry.setEncodeCRS(false);
        json.writeStartObject();
        json.writeStringField("type", "FeatureCollection");
        json.writeStringField("name", name);
        if (!crs.isCrs84() && crs.srid() != cn.gridmap.geo.Srid.WGS84) {
            json.writeObjectFieldStart("crs");
            json.writeStringField("type", "name");
            json.writeObjectFieldStart("properties");
            json.writeStringField("name", "urn:ogc:def:crs:EPSG::" + crs.srid());
            json.writeEndObject();
            json.writeEndObject();
        }
        json.writeArrayFieldStart("features");
    }

    @Override
    public void write(String id, Object[] values, Geometry g) throws IOException {
        json.writeStartObject();
        json.writeStringField("type", "Feature");
        json.writeStringField("id", id);
        json.writeFieldName("geometry");
        json.writeRawValue(g == null ? "null" : geometry.write(g));
        json.writeObjectFieldStart("properties");
        for (int i = 0; i < columns.size(); i++) {
            Object v = Values.plain(values[i]);
            json.writeFieldName(columns.get(i).name());
            if (v == null) {
                json.writeNull();
            } else if (v instanceof Number n) {
                json.writeNumber(n.toString());
            } else if (v instanceof Boolean b) {
                json.writeBoolean(b);
            } else {
                json.writeString(v.toString());
            }
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    @Override
    public void finish() throws IOException {
        json.writeEndArray();
        json.writeEndObject();
        json.flush();
    }
}
