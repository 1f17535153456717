package cn.gridmap.layer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;

import cn.gridmap.geo.TileMath;
import cn.gridmap.security.Masking;
import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.MvtReader;
import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.TagKeyValueMapConverter;
import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.model.JtsLayer;
import io.github.sebasbaumh.mapbox.vectortile.adapt.jts.model.JtsMvt;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;

/** Vector tiles decoded back into features, TileJSON, and the cache's targeted invalidation, against PostGIS. */
@QuarkusTest
class TileResourceTest {
    /** The urban core of 京口区 (贺家弄社区). */
    static final double LON = 119.4440;
    static final double LAT = 32.2084;

    @Inject
    @io.quarkus.agroal.DataSource("owner") // the tables' owner: tests look at what is stored, past row-level security
    DataSource dataSource;
    @Inject
    TileService service;

    static JtsMvt decode(byte[] mvt) throws Exception {
        return MvtReader.loadMvt(new ByteArrayInputStream(mvt), new GeometryFactory(), new TagKeyValueMapConverter());
    }

    /** RestAssured without its transparent gzip decoding, so that the test sees the bytes as sent. */
    static io.restassured.specification.RequestSpecification raw() {
        return given().config(io.restassured.RestAssured.config().decoderConfig(
                io.restassured.config.DecoderConfig.decoderConfig().noContentDecoders()));
    }

    /** The decoded bytes of a tile (empty for 204). */
    static byte[] tile(String layer, int z, long x, long y) throws Exception {
        Response r = raw().header("Accept-Encoding", "gzip").get("/tiles/" + layer + "/" + z + "/" + x + "/" + y + ".mvt");
        if (r.statusCode() == 204) {
            return new byte[0];
        }
        r.then().statusCode(200).header("Content-Type", containsString("application/vnd.mapbox-vector-tile"))
                .header("Content-Encoding", "gzip");
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(r.asByteArray()))) {
            return in.readAllBytes();
        }
    }

    private long count(String sql, Object... args) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void gridTileHoldsEveryGridThatTouchesItWithItsProperties() throws Exception {
        long[] t = TileMath.tileOf(14, LON, LAT);
        JtsMvt mvt = decode(tile("grid", 14, t[0], t[1]));
        JtsLayer layer = mvt.getLayer("grid");
        assertEquals(List.of("grid"), List.copyOf(mvt.getLayersByName().keySet()), "one layer, named by the catalogue");
        long expected = count("SELECT count(*) FROM region WHERE level = 'grid' AND generation_high IS NULL "
                + "AND ST_Intersects(geom_3857, ST_TileEnvelope(?, ?, ?, margin => 64.0 / 4096))", 14, (int) t[0], (int) t[1]);
        assertEquals(expected, layer.getGeometries().size(), "the features are the grids intersecting the tile and its buffer");
        for (Geometry g : layer.getGeometries()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) g.getUserData();
            assertTrue(((String) p.get("code")).matches("\\d{15}"), p.toString());
            assertEquals("grid", p.get("level"));
            assertTrue(g.getGeometryType().contains("Polygon"));
        }
    }

    @Test
    void aCompositeTileHoldsEachNamedLayerInOrderWithTheSameFeaturesAsItsOwnTile() throws Exception {
        long[] t = TileMath.tileOf(14, LON, LAT);
        JtsMvt both = decode(tile("microgrid,grid,district", 14, t[0], t[1]));
        assertEquals(List.of("microgrid", "grid", "district"), List.copyOf(both.getLayersByName().keySet()), "drawn in the order asked");
        for (String id : List.of("microgrid", "grid", "district")) {
            Set<Object> alone = new HashSet<>();
            decode(tile(id, 14, t[0], t[1])).getLayer(id).getGeometries().forEach(g -> alone.add(((Map<?, ?>) g.getUserData()).get("code")));
            Set<Object> inside = new HashSet<>();
            both.getLayer(id).getGeometries().forEach(g -> inside.add(((Map<?, ?>) g.getUserData()).get("code")));
            assertFalse(alone.isEmpty());
            assertEquals(alone, inside, id);
        }
        String path = "/tiles/grid,district/14/" + t[0] + "/" + t[1] + ".mvt";
        String etag = given().get(path).then().statusCode(200).extract().header("ETag");
        assertNotEquals(given().get("/tiles/grid/14/" + t[0] + "/" + t[1] + ".mvt").header("ETag"), etag);
        given().header("If-None-Match", etag).get(path).then().statusCode(304);
        given().get("/tiles/grid,nope/14/" + t[0] + "/" + t[1] + ".mvt").then().statusCode(404).body("message", containsString("nope"));
        given().get("/tiles/grid,grid/14/" + t[0] + "/" + t[1] + ".mvt").then().statusCode(400).body("message", containsString("twice"));
        given().get("/tiles/grid,district.json").then().statusCode(200).body("vector_layers.id", equalTo(List.of("grid", "district")))
                .body("tiles[0]", containsString("/tiles/grid,district/{z}/{x}/{y}.mvt"));
    }

    @Test
    void elementLayersAreCountsBelowThePointZoomAndPointsFromIt() throws Exception {
        long[] low = TileMath.tileOf(10, LON, LAT);
        JtsLayer counts = decode(tile("events", 10, low[0], low[1])).getLayer("events");
        long total = 0;
        for (Geometry g : counts.getGeometries()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) g.getUserData();
            assertTrue(((String) p.get("code")).matches("\\d{9}"), "streets at zoom 10: " + p);
            total += ((Number) p.get("count")).longValue();
        }
        assertTrue(total > 0);
        double[] at = new double[2];
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT ST_X(geom), ST_Y(geom) FROM event ORDER BY id LIMIT 1"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            at[0] = rs.getDouble(1);
            at[1] = rs.getDouble(2);
        }
        long[] high = TileMath.tileOf(15, at[0], at[1]);
        byte[] raw = tile("events", 15, high[0], high[1]);
        JtsLayer points = decode(raw).getLayer("events");
        double[] b = TileMath.bounds(15, high[0], high[1]);
        long inside = count("SELECT count(*) FROM event WHERE geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)", b[0], b[1], b[2], b[3]);
        assertTrue(points.getGeometries().size() >= inside, "every event in the tile (and its buffer) is a point");
        for (Geometry g : points.getGeometries()) {
            assertEquals("Point", g.getGeometryType());
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) g.getUserData();
            assertTrue(((String) p.get("class_code")).matches("\\d{4}"));
            assertFalse(p.containsKey("description"), "free text stays out of tiles");
        }
    }

    @Test
    void noPersonalDataInAnyTile() throws Exception {
        for (String layer : List.of("houses", "organizations", "events", "components")) {
            int z = layer.equals("houses") ? 17 : 15;
            long[] t = TileMath.tileOf(z, LON, LAT);
            byte[] bytes = tile(layer, z, t[0], t[1]);
            if (bytes.length == 0) {
                continue;
            }
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(text.replaceAll("[^\\x20-\\x7e]", " "), Masking.text(text.replaceAll("[^\\x20-\\x7e]", " ")),
                    layer + ": no ID number or phone");
            Set<String> keys = new HashSet<>();
            for (Geometry g : decode(bytes).getLayer(layer).getGeometries()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> p = (Map<String, Object>) g.getUserData();
                keys.addAll(p.keySet());
            }
            assertTrue(keys.stream().noneMatch(k -> k.contains("phone") || k.contains("id_number") || k.contains("name") && layer.equals("houses")),
                    layer + " keys " + keys);
        }
    }

    @Test
    void gzipEtagAnd304() {
        long[] t = TileMath.tileOf(12, LON, LAT);
        String url = "/tiles/street/12/" + t[0] + "/" + t[1] + ".mvt";
        Response gz = raw().header("Accept-Encoding", "gzip").get(url);
        gz.then().statusCode(200).header("Content-Encoding", "gzip").header("Cache-Control", containsString("max-age"));
        byte[] body = gz.asByteArray();
        assertTrue(body[0] == (byte) 0x1f && body[1] == (byte) 0x8b, "gzip bytes");
        byte[] plain = raw().header("Accept-Encoding", "identity").get(url).then().statusCode(200).extract().asByteArray();
        assertTrue(plain.length > body.length, "uncompressed for clients that do not accept gzip");
        String etag = gz.header("ETag");
        given().header("If-None-Match", etag).get(url).then().statusCode(304);
        // a tile outside the city is empty: 204
        given().get("/tiles/grid/14/0/0.mvt").then().statusCode(204);
    }

    /** A tile is gzipped once, when it is made: a hit sends the very bytes kept; other clients get them inflated. */
    @Test
    void tilesAreKeptGzippedAndSentAsKeptToClientsThatAcceptGzip() throws Exception {
        long[] t = TileMath.tileOf(14, LON, LAT);
        String url = "/tiles/microgrid,grid,community/14/" + t[0] + "/" + t[1] + ".mvt";
        service.invalidateAll();
        Response first = raw().header("Accept-Encoding", "gzip, deflate, br").get(url);
        first.then().statusCode(200).header("Content-Encoding", "gzip").header("X-Cache", "MISS").header("Vary", "Accept-Encoding");
        Response again = raw().header("Accept-Encoding", "gzip").get(url);
        again.then().statusCode(200).header("Content-Encoding", "gzip").header("X-Cache", "HIT");
        org.junit.jupiter.api.Assertions.assertArrayEquals(first.asByteArray(), again.asByteArray(), "a hit sends the bytes kept");
        assertEquals(1, service.sentTiles(), "one tile kept as sent");
        assertEquals(first.asByteArray().length, service.sentBytes(), "kept as the gzip bytes that were sent");
        byte[] mvt;
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(first.asByteArray()))) {
            mvt = in.readAllBytes();
        }
        assertTrue(mvt.length > first.asByteArray().length, "compressed: " + mvt.length + " B of MVT in " + first.asByteArray().length + " B");
        for (String accept : new String[] {null, "identity", "gzip;q=0", "gzip; q=0.0, identity"}) {
            Response plain = accept == null ? raw().get(url) : raw().header("Accept-Encoding", accept).get(url);
            plain.then().statusCode(200).header("X-Cache", "HIT").header("ETag", first.header("ETag"));
            assertEquals(null, plain.header("Content-Encoding"), "no gzip for Accept-Encoding " + accept);
            org.junit.jupiter.api.Assertions.assertArrayEquals(mvt, plain.asByteArray(), "the same tile, inflated, for Accept-Encoding " + accept);
        }
        raw().header("Accept-Encoding", "*").get(url).then().statusCode(200).header("Content-Encoding", "gzip");
        raw().header("Accept-Encoding", "br;q=1, GZIP;q=0.5").get(url).then().statusCode(200).header("Content-Encoding", "gzip");
    }

    @Test
    void acceptEncodingIsReadAsRfc9110Says() {
        assertTrue(TileResource.acceptsGzip("gzip"));
        assertTrue(TileResource.acceptsGzip("deflate, gzip;q=0.8"));
        assertTrue(TileResource.acceptsGzip("x-gzip"));
        assertTrue(TileResource.acceptsGzip("*"));
        assertFalse(TileResource.acceptsGzip(null));
        assertFalse(TileResource.acceptsGzip(""));
        assertFalse(TileResource.acceptsGzip("identity"));
        assertFalse(TileResource.acceptsGzip("gzip;q=0"));
        assertFalse(TileResource.acceptsGzip("gzip; q=0.000"));
        assertFalse(TileResource.acceptsGzip("*, gzip;q=0"), "gzip refused by name although * is accepted");
        assertFalse(TileResource.acceptsGzip("*;q=0"));
    }

    @Test
    void badTileRequestsAre4xx() {
        given().get("/tiles/people/10/1/1.mvt").then().statusCode(404).body("message", containsString("no tile layer"));
        given().get("/tiles/grid/23/1/1.mvt").then().statusCode(400).body("message", containsString("zoom"));
        given().get("/tiles/grid/3/8/1.mvt").then().statusCode(400);
        given().get("/tiles/grid/a/1/1.mvt").then().statusCode(400);
        given().get("/tiles/grid';DROP TABLE region;--/1/1/1.mvt").then().statusCode(404);
    }

    @Test
    void catalogueAndTileJson() {
        given().get("/tiles").then().statusCode(200)
                .body("id", hasItems("city", "district", "street", "community", "grid", "microgrid", "water", "land", "events", "houses"))
                .body("find { it.id == 'events' }.pointzoom", equalTo(15)).body("find { it.id == 'houses' }.pointzoom", equalTo(17))
                .body("find { it.id == 'grid' }", not(hasKey("pointzoom")));
        given().get("/tiles/grid.json").then().statusCode(200)
                .body("tilejson", equalTo("3.0.0"))
                .body("tiles[0]", containsString("/tiles/grid/{z}/{x}/{y}.mvt"))
                .body("bounds", hasSize(4))
                .body("vector_layers[0].id", equalTo("grid"))
                .body("vector_layers[0].fields.code", equalTo("String"));
    }

    /** Every layer's TileJSON, and a composite's, against a JSON Schema of TileJSON 3.0.0 (which catches a broken one). */
    @Test
    void everyTileJsonValidatesAgainstTheTileJson300Schema() throws Exception {
        com.networknt.schema.Schema schema;
        try (var in = getClass().getResourceAsStream("/layer/tilejson-3.0.0.schema.json")) {
            schema = com.networknt.schema.SchemaRegistry.withDefaultDialect(com.networknt.schema.SpecificationVersion.DRAFT_2020_12)
                    .getSchema(in);
        }
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> ids = given().get("/tiles").then().statusCode(200).extract().jsonPath().getList("id");
        List<String> docs = new java.util.ArrayList<>(ids);
        docs.add("microgrid,grid,community,street,district,city");
        for (String id : docs) {
            var doc = mapper.readTree(given().get("/tiles/" + id + ".json").then().statusCode(200).extract().asString());
            assertEquals(List.of(), schema.validate(doc).stream().map(e -> e.getInstanceLocation() + " " + e.getMessage()).toList(), id);
            assertTrue(doc.get("minzoom").asInt() <= doc.get("maxzoom").asInt(), id);
        }
        var broken = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(given().get("/tiles/grid.json").asString());
        broken.remove("tiles");
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken.get("vector_layers").get(0)).remove("fields");
        assertEquals(2, schema.validate(broken).size(), "the schema sees a missing tiles array and a layer without fields");
    }

    /** Changing one grid in SQL drops exactly the cached tiles that intersect it; the others stay cached. */
    @Test
    void aBoundaryChangeInvalidatesOnlyTheTilesItTouches() throws Exception {
        int z = 15;
        long[] c = TileMath.tileOf(z, LON, LAT);
        Map<String, String> before = new HashMap<>();
        List<String> urls = new java.util.ArrayList<>();
        for (long dx = -3; dx <= 3; dx++) {
            for (long dy = -3; dy <= 3; dy++) {
                // single layers and composites: both are kept as sent, and both must be dropped by a change
                String layers = (dx + dy) % 2 == 0 ? "microgrid" : "microgrid,grid,community";
                urls.add("/tiles/" + layers + "/" + z + "/" + (c[0] + dx) + "/" + (c[1] + dy) + ".mvt");
            }
        }
        service.invalidateAll();
        for (String u : urls) {
            Response first = given().get(u);
            assertEquals("MISS", first.header("X-Cache"));
            assertTrue(Double.parseDouble(first.header("Server-Timing").replace("render;dur=", "")) > 0, "a miss says how long it rendered");
            before.put(u, first.header("ETag"));
            assertEquals("HIT", given().get(u).header("X-Cache"), "cached after the first request");
        }
        String micro;
        String properties;
        double[] box;
        try (Connection con = dataSource.getConnection()) {
            try (PreparedStatement ps = con.prepareStatement("SELECT code, ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom), properties::text "
                    + "FROM region WHERE level = 'microgrid' AND generation_high IS NULL AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(?, ?), 4326))")) {
                ps.setDouble(1, LON);
                ps.setDouble(2, LAT);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    micro = rs.getString(1);
                    box = new double[] {rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5)};
                    properties = rs.getString(6);
                }
            }
            // a change of its properties only (the geometry stays valid): the tiles it touches must be redrawn
            try (PreparedStatement ps = con.prepareStatement("UPDATE region SET properties = properties || '{\"households\": 4242}' "
                    + "WHERE code = ? AND generation_high IS NULL")) {
                ps.setString(1, micro);
                assertEquals(1, ps.executeUpdate());
            }
        }
        long deadline = System.currentTimeMillis() + 10_000;
        String touched = null;
        for (String u : urls) {
            String[] p = u.split("/");
            double[] b = TileMath.bounds(z, Long.parseLong(p[4]), Long.parseLong(p[5].replace(".mvt", "")));
            double mx = (b[2] - b[0]) * 64 / 4096;
            double my = (b[3] - b[1]) * 64 / 4096;
            boolean hits = b[0] - mx <= box[2] && b[2] + mx >= box[0] && b[1] - my <= box[3] && b[3] + my >= box[1];
            if (hits) {
                touched = u;
                String now = before.get(u);
                while (now.equals(before.get(u)) && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                    now = given().get(u).header("ETag");
                }
                assertNotEquals(before.get(u), now, u + " intersects the changed micro-grid: redrawn");
            } else {
                Response r = given().get(u);
                assertEquals("HIT", r.header("X-Cache"), u + " does not intersect the change: still cached");
                assertEquals("render;dur=0.000", r.header("Server-Timing"), "a hit renders nothing");
                assertEquals(before.get(u), r.header("ETag"));
            }
        }
        assertTrue(touched != null, "some tile intersects the changed micro-grid");
        // put it back
        try (Connection con = dataSource.getConnection(); PreparedStatement ps = con.prepareStatement(
                "UPDATE region SET properties = ?::jsonb WHERE code = ? AND generation_high IS NULL")) {
            ps.setString(1, properties);
            ps.setString(2, micro);
            ps.executeUpdate();
        }
    }
}
