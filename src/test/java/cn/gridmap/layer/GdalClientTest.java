package cn.gridmap.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.WKBReader;
import org.locationtech.jts.io.WKTReader;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * GDAL 3.6's OGC API – Features client and MVT driver, as a planner's QGIS uses them, against the running service: the
 * filter goes to the server, downloads reprojected to CGCS2000 match PostGIS to the millimetre, tiles open as layers.
 */
@QuarkusTest
class GdalClientTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource dataSource;

    /** The community with the most grids, and how many it has. */
    private Map.Entry<String, Integer> busiestCommunity() throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT parent_code, count(*) FROM region "
                + "WHERE level = 'grid' AND generation_high IS NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return Map.entry(rs.getString(1), rs.getInt(2));
        }
    }

    /** Grid code → its geometry transformed by PostGIS into {@code srid}. */
    private Map<String, Geometry> transformed(String community, int srid) throws Exception {
        Map<String, Geometry> out = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT code, ST_AsBinary(ST_Transform(geom, ?)) "
                + "FROM region WHERE level = 'grid' AND generation_high IS NULL AND parent_code = ?")) {
            ps.setInt(1, srid);
            ps.setString(2, community);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new WKBReader().read(rs.getBytes(2)));
                }
            }
        }
        return out;
    }

    @Test
    void ogr2ogrWhereOnParentCodeIsFilteredOnTheServer() throws Exception {
        Map.Entry<String, Integer> community = busiestCommunity();
        Path out = Files.createTempDirectory("gdal").resolve("grids.geojson");
        String log = Gdal.run("ogr2ogr", "-f", "GeoJSON", out.toString(), "OAPIF:" + Gdal.base() + "/ogc", "grid", "-where",
                "parent_code = '" + community.getKey() + "'");
        assertFalse(log.contains("client side"), "GDAL evaluated the filter itself:\n" + log);
        assertTrue(log.contains("filter="), "the request carries filter=:\n" + log);
        String json = Files.readString(out);
        int features = json.split("\"type\": \"Feature\"", -1).length - 1;
        assertEquals(community.getValue(), features, "the grids of " + community.getKey());
    }

    @Test
    void ogr2ogrDownloadsInCgcs2000AndItsGaussKrugerZoneMatchPostgisToTheMillimetre() throws Exception {
        String community = busiestCommunity().getKey();
        for (int srid : new int[] {4490, 4549}) {
            Path out = Files.createTempDirectory("gdal").resolve("grids.csv");
            Gdal.run("ogr2ogr", "-f", "CSV", out.toString(), "OAPIF:" + Gdal.base() + "/ogc", "grid", "-where", "parent_code = '" + community + "'",
                    "-t_srs", "EPSG:" + srid, "-lco", "GEOMETRY=AS_WKT");
            Map<String, Geometry> gdal = Gdal.csvGeometries(out, "code");
            Map<String, Geometry> postgis = transformed(community, srid);
            assertEquals(postgis.keySet(), gdal.keySet());
            double tolerance = srid == 4490 ? 1e-8 : 0.001; // 1e-8° ≈ 1 mm
            for (String code : postgis.keySet()) {
                double d = Gdal.maxVertexDistance(gdal.get(code), postgis.get(code));
                assertTrue(d < tolerance, code + " in EPSG:" + srid + " is off by " + d);
            }
        }
    }

    @Test
    void vectorTilesOpenInGdalsMvtDriverWithTheirLayerAndFields() throws Exception {
        // z14 tile over 镇江 city centre (119.45, 32.20)
        int z = 14;
        int x = (int) Math.floor((119.45 + 180) / 360 * (1 << z));
        double lat = Math.toRadians(32.20);
        int y = (int) Math.floor((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2 * (1 << z));
        String info = Gdal.run("ogrinfo", "-ro", "-al", "-so", "MVT:" + Gdal.base() + "/tiles/grid/" + z + "/" + x + "/" + y + ".mvt");
        assertTrue(info.contains("Layer name: grid"), info);
        assertTrue(info.matches("(?s).*Feature Count: [1-9].*"), info);
        assertTrue(info.contains("code: String"), info);
        assertTrue(info.contains("EPSG\",3857") || info.contains("Pseudo-Mercator"), info);
    }
}
