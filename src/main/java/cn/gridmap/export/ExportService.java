package cn.gridmap.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;

import cn.gridmap.element.ElementService;
import cn.gridmap.geo.OutputCrs;
import cn.gridmap.layer.OgcCollection;
import cn.gridmap.layer.OgcService;
import cn.gridmap.security.Caller;
import cn.gridmap.security.Roles;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Exports a collection (a region level or an element collection) in a file format: the rows, scope and filters are the
 * OGC API's ({@link OgcService}), so an export holds exactly what the caller may read there; people come from the
 * element service, masked unless unmasked with the pii right and a purpose, and audited.
 */
@ApplicationScoped
public class ExportService {
    /** Most features one export writes; a larger one is a 413 asking for a parent or bbox. */
    static final long MAX_FEATURES = 2_000_000;
    private final OgcService ogc;
    private final ElementService elements;
    private final cn.gridmap.edit.ChangeSetService changeSets;

    public ExportService(OgcService ogc, ElementService elements, cn.gridmap.edit.ChangeSetService changeSets) {
        this.ogc = ogc;
        this.elements = elements;
        this.changeSets = changeSets;
    }

    /** Where a checked export's rows come from (the OGC collections, or the people through their service). */
    interface Rows {
        void each(OgcService.ExportSink sink) throws IOException;
    }

    /** A checked export request: what will be written, and the size estimate its headers carry. */
    public record Plan(String id, String title, List<Column> columns, String geometryType, ExportFormat format, OutputCrs crs, boolean wkt,
            long features, long estimatedBytes, String filename, Rows rows) {
    }

    public record Listed(String id, String title, String geometryType, List<String> formats) {
    }

    /** The people collection: not an OGC collection (personal data), exported through the element service only. */
    public static final String PEOPLE = "people";

    public List<Listed> list(Caller caller) {
        List<Listed> out = new ArrayList<>(ogc.exportable(caller).stream()
                .map(c -> new Listed(c.id(), c.title(), OgcService.geometryType(c), formats(c.table().equals("region")))).toList());
        if (caller.principal().hasAny(Roles.PERSONAL)) {
            out.add(new Listed(PEOPLE, "实有人口 People (masked; unmask=true with pii and X-Purpose, audited)", "POINT", formats(false)));
        }
        return out;
    }

    private static List<String> formats(boolean region) {
        List<String> f = new ArrayList<>(List.of("gpkg", "shp", "geojson", "csv"));
        if (region) {
            f.add("kml");
        }
        return f;
    }

    /** Validates the request and counts what it will write (before anything is streamed: errors are a clean 4xx). */
    public Plan plan(Caller caller, String collection, String format, String bbox, String parent, String asOf, String crs, String geometry,
            boolean unmask, String purpose) {
        boolean people = PEOPLE.equals(collection);
        OgcCollection c = people ? null : ogc.collection(collection);
        if (c != null && !ogc.exportable(caller).contains(c)) {
            throw new ApiException(403, "element collections are for staff roles");
        }
        boolean region = c != null && c.table().equals("region");
        String geometryType = c == null ? "POINT" : OgcService.geometryType(c);
        ExportFormat f = ExportFormat.parse(format);
        if (f == ExportFormat.KML && !region) {
            throw ApiException.badRequest("KML is offered for the region levels; export " + collection + " as gpkg, shp, geojson or csv");
        }
        OutputCrs out = OutputCrs.parse(crs, OutputCrs.CRS84);
        if (f == ExportFormat.KML && out.srid() != cn.gridmap.geo.Srid.WGS84) {
            throw ApiException.badRequest("KML is always WGS84 longitude/latitude; leave crs out or use EPSG:4326");
        }
        boolean wkt;
        if (geometry == null || geometry.isBlank()) {
            wkt = geometryType.equals("MULTIPOLYGON");
        } else if (f != ExportFormat.CSV) {
            throw ApiException.badRequest("geometry=wkt|xy applies to CSV only");
        } else {
            wkt = switch (geometry.trim()) {
                case "wkt" -> true;
                case "xy" -> false;
                default -> throw ApiException.badRequest("geometry must be wkt or xy, got '" + geometry + "'");
            };
        }
        if (unmask && !people) {
            throw ApiException.badRequest("unmask applies to people; " + collection + " carries no personal data to unmask");
        }
        String name = collection + (parent == null || parent.isBlank() ? "" : "-" + parent.trim()) + (out.isCrs84() ? "" : "-" + out.srid()) + f.extension;
        List<Column> columns = new ArrayList<>();
        long features;
        double meanGeometry;
        Rows rows;
        String title;
        if (people) {
            if (asOf != null && !asOf.isBlank()) {
                throw ApiException.badRequest("asOf applies to the region levels; people are exported as they are now");
            }
            if (parent != null && !parent.isBlank() && !parent.trim().matches("\\d{2,18}")) {
                throw ApiException.badRequest("parent is a region code (digits), got '" + parent + "'");
            }
            ElementService.PeopleExport x = elements.planPeopleExport(caller, parent, bbox, unmask, purpose, MAX_FEATURES);
            ElementService.PEOPLE_COLUMNS.forEach(k -> columns.add(new Column(k[0], k[1])));
            features = x.count();
            meanGeometry = 45;
            title = "实有人口 People";
            rows = sink -> elements.exportPeople(caller, x, out.srid(), "export " + name, sink::row);
        } else {
            OgcService.ExportFilter filter = new OgcService.ExportFilter(parent, bbox, asOf, out);
            OgcService.ExportSize size = ogc.exportSize(caller, c, filter, MAX_FEATURES);
            c.properties().forEach((k, v) -> columns.add(new Column(k, v.type())));
            features = size.features();
            meanGeometry = size.meanGeometryBytes();
            title = c.title();
            rows = sink -> ogc.export(caller, c, filter, sink);
        }
        if (features > MAX_FEATURES) {
            throw new ApiException(413, "more than " + MAX_FEATURES + " features: narrow the export with parent= or bbox=");
        }
        long columnsBytes = 24L * (columns.size() + 1);
        double geometryBytes = f == ExportFormat.CSV && !wkt ? 40 : meanGeometry * (f == ExportFormat.KML ? 1.1 : 0.8);
        long estimate = Math.round(features * (geometryBytes + columnsBytes));
        return new Plan(collection, title, columns, geometryType, f, out, wkt, features, estimate, name, rows);
    }

    /**
     * A change set's draft of one level (the base generation with the draft's overlay) for planners: its regions with
     * code, name, level, parentCode, changed and created, in CRS84 (the draft lives in storage coordinates).
     */
    public Plan draftPlan(Caller caller, long changeSet, String level, String format, String bbox, String crs, String geometry) {
        ExportFormat f = ExportFormat.parse(format);
        OutputCrs out = OutputCrs.parse(crs, OutputCrs.CRS84);
        if (out.srid() != cn.gridmap.geo.Srid.WGS84) {
            throw ApiException.badRequest("a draft is exported in WGS84 (CRS84); reproject the file in your GIS, or export the published levels with crs=");
        }
        boolean wkt = geometry == null || geometry.isBlank() || geometry.trim().equals("wkt");
        if (geometry != null && !geometry.isBlank() && (f != ExportFormat.CSV || !List.of("wkt", "xy").contains(geometry.trim()))) {
            throw ApiException.badRequest("geometry=wkt|xy applies to CSV only");
        }
        String lvl = level == null || level.isBlank() ? "microgrid" : level.trim();
        com.fasterxml.jackson.databind.JsonNode fc = changeSets.regions(caller, changeSet, lvl, bbox);
        List<Column> columns = List.of(new Column("code", "string"), new Column("name", "string"), new Column("level", "string"),
                new Column("parentCode", "string"), new Column("changed", "boolean"), new Column("created", "boolean"));
        com.fasterxml.jackson.databind.JsonNode features = fc.path("features");
        long bytes = 0;
        for (com.fasterxml.jackson.databind.JsonNode ft : features) {
            bytes += ft.path("geometry").toString().length() + 120;
        }
        String name = "changeset-" + changeSet + "-" + lvl + f.extension;
        Rows rows = sink -> {
            org.locationtech.jts.io.geojson.GeoJsonReader reader = new org.locationtech.jts.io.geojson.GeoJsonReader();
            org.locationtech.jts.io.WKBWriter wkb = new org.locationtech.jts.io.WKBWriter();
            for (com.fasterxml.jackson.databind.JsonNode ft : features) {
                com.fasterxml.jackson.databind.JsonNode p = ft.path("properties");
                Geometry g;
                try {
                    g = reader.read(ft.path("geometry").toString());
                } catch (ParseException e) {
                    throw new IOException("unreadable draft geometry of " + p.path("code").asText(), e);
                }
                sink.row(p.path("code").asText(), new Object[] {p.path("code").asText(), p.path("name").asText(), p.path("level").asText(),
                    p.path("parentCode").asText(null), p.path("changed").asBoolean(), p.path("created").asBoolean()}, wkb.write(g));
            }
        };
        return new Plan(lvl, "变更 " + changeSet + " · " + lvl, columns, "MULTIPOLYGON", f, out, wkt, features.size(), bytes, name, rows);
    }

    /** Writes a streamed format (GeoJSON, CSV, KML) to {@code out} as the rows are read. */
    public void stream(Caller caller, Plan p, OutputStream out) throws IOException {
        List<Column> columns = p.columns();
        OutputCrs crs = p.crs();
        try (FeatureWriter w = switch (p.format()) {
            case GEOJSON -> new GeoJsonFeatureWriter(out, p.id(), columns, crs);
            case CSV -> new CsvFeatureWriter(out, columns, p.wkt(), crs);
            case KML -> new KmlFeatureWriter(out, p.title(), columns);
            default -> throw new IllegalArgumentException(p.format() + " is written to a file");
        }) {
            rows(p, w);
            w.finish();
        }
    }

    /** Writes a file format (GeoPackage, zipped Shapefile) into a new temporary folder; the caller deletes it ({@link #delete}). */
    public Path file(Caller caller, Plan p) throws IOException {
        Path dir = Files.createTempDirectory("gridmap-export");
        try {
            List<Column> columns = p.columns();
            OutputCrs crs = p.crs();
            String type = p.geometryType();
            String wkt = ogc.srsWkt(crs.srid());
            if (p.format() == ExportFormat.GPKG) {
                Path file = dir.resolve(p.id() + ".gpkg");
                try (GpkgFeatureWriter w = new GpkgFeatureWriter(file.toFile(), p.id(), p.title(), columns, type, crs, wkt)) {
                    rows(p, w);
                    w.finish();
                }
                return file;
            }
            try (ShpFeatureWriter w = new ShpFeatureWriter(dir, p.id(), columns, type, crs, wkt)) {
                rows(p, w);
                w.finish();
                return w.zip();
            }
        } catch (IOException | RuntimeException e) {
            delete(dir);
            throw e;
        }
    }

    private static void rows(Plan p, FeatureWriter w) throws IOException {
        WKBReader reader = new WKBReader();
        p.rows().each((id, values, wkb) -> {
            Geometry g;
            try {
                g = wkb == null ? null : reader.read(wkb);
            } catch (ParseException e) {
                throw new IOException("unreadable geometry of " + id, e);
            }
            w.write(id, values, g);
        });
    }

    /** Deletes an export's temporary folder (the file's parent). */
    public static void delete(Path fileOrDir) {
        Path dir = Files.isDirectory(fileOrDir) ? fileOrDir : fileOrDir.getParent();
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is removed with the system's temporary files
        }
    }
}
