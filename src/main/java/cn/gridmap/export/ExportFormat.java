package cn.gridmap.export;

import java.util.Locale;

import cn.gridmap.web.ApiException;

/** The export formats: those written to a file first (GeoPackage, zipped Shapefile) and those streamed as they are read. */
public enum ExportFormat {
    GPKG("gpkg", "application/geopackage+sqlite3", ".gpkg", true),
    SHP("shp", "application/zip", ".shp.zip", true),
    GEOJSON("geojson", "application/geo+json", ".geojson", false),
    CSV("csv", "text/csv; charset=utf-8", ".csv", false),
    KML("kml", "application/vnd.google-earth.kml+xml", ".kml", false);

    public final String wire;
    public final String mediaType;
    public final String extension;
    /** Written to a temporary file first (its size is then exact: Content-Length). */
    public final boolean file;

    ExportFormat(String wire, String mediaType, String extension, boolean file) {
        this.wire = wire;
        this.mediaType = mediaType;
        this.extension = extension;
        this.file = file;
    }

    public static ExportFormat parse(String s) {
        if (s == null || s.isBlank()) {
            throw ApiException.badRequest("format is required: gpkg, shp, geojson, csv or kml");
        }
        for (ExportFormat f : values()) {
            if (f.wire.equals(s.trim().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw ApiException.badRequest("format must be gpkg, shp, geojson, csv or kml, got '" + s + "'");
    }
}
