package cn.gridmap.region;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.geojson.GeoJsonReader;
import org.locationtech.jts.operation.overlayng.OverlayNGRobust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cn.gridmap.geo.Geometries;

/** Reads the committed geodata files, from a folder or (by default) from the copy inside the jar. */
public final class CityDataReader {
    public static final String DISTRICTS = "zhenjiang-districts.geojson";
    public static final String UNITS = "zhenjiang-units.csv";
    public static final String WATER = "zhenjiang-water.geojson";
    public static final String LAND = "context-land.geojson";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    /** @param dir a geodata folder, or null to read the classpath copy under {@code geodata/} */
    public CityDataReader(Path dir) {
        this.dir = dir;
    }

    public CityData read() throws IOException {
        List<CityData.District> districts = new ArrayList<>();
        for (JsonNode f : readJson(DISTRICTS).get("features")) {
            JsonNode p = f.get("properties");
            districts.add(new CityData.District(p.get("code").asText(), p.get("name").asText(), geometry(f),
                    new double[] {p.get("center").get(0).asDouble(), p.get("center").get(1).asDouble()}));
        }
        List<CityData.Unit> units = new ArrayList<>();
        String[] lines = new String(bytes(UNITS), StandardCharsets.UTF_8).split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] r = lines[i].split(",");
            units.add(new CityData.Unit(Level.fromWire(r[0]), r[1], r[2], r[3], r[4]));
        }
        List<Geometry> water = new ArrayList<>();
        for (JsonNode f : readJson(WATER).get("features")) {
            Geometry g = geometry(f);
            if (g.getDimension() == 2) {
                water.add(g);
            }
        }
        return new CityData("321100", "镇江市", districts, units,
                OverlayNGRobust.union(Geometries.STORAGE.buildGeometry(water)));
    }

    /** Basemap features (water areas and lines, context land) as (kind, name, geometry, source). */
    public List<BasemapFeature> basemap() throws IOException {
        List<BasemapFeature> out = new ArrayList<>();
        for (String file : List.of(LAND, WATER)) {
            for (JsonNode f : readJson(file).get("features")) {
                JsonNode p = f.get("properties");
                out.add(new BasemapFeature(p.get("kind").asText(), p.has("name") ? p.get("name").asText() : null,
                        geometry(f), p.get("source").asText()));
            }
        }
        return out;
    }

    /** One feature of the offline basemap. */
    public record BasemapFeature(String kind, String name, Geometry geom, String source) {
    }

    private JsonNode readJson(String name) throws IOException {
        return JSON.readTree(bytes(name));
    }

    private byte[] bytes(String name) throws IOException {
        if (dir != null) {
            return Files.readAllBytes(dir.resolve(name));
        }
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream("geodata/" + name)) {
            if (in == null) {
                throw new IOException("geodata/" + name + " is not on the classpath");
            }
            return in.readAllBytes();
        }
    }

    private static Geometry geometry(JsonNode feature) throws IOException {
        try {
            return new GeoJsonReader(Geometries.STORAGE).read(feature.get("geometry").toString());
        } catch (ParseException e) {
            throw new IOException("bad geometry in geodata: " + e.getMessage(), e);
        }
    }
}
