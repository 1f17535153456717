package cn.gridmap.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.WKTReader;
import java.util.concurrent.TimeUnit;

import cn.gridmap.security.AsAdmin;
import io.restassured.RestAssured;

/**
 * GDAL's own command-line clients ({@code ogrinfo}, {@code ogr2ogr} from Debian's gdal-bin, which the launcher installs)
 * run against the test service, with the admin's bearer token in a header file.
 */
public final class Gdal {
    private Gdal() {
    }

    /** The running test service's base URL. */
    public static String base() {
        return RestAssured.baseURI + ":" + RestAssured.port;
    }

    /** What a GDAL command printed (stdout then stderr); the test fails unless it exits 0. */
    public static String run(String... args) throws IOException, InterruptedException {
        Path headers = Files.createTempFile("gdal-headers", ".txt");
        Files.writeString(headers, "Authorization: Bearer " + AsAdmin.adminToken() + "\n", StandardCharsets.US_ASCII);
        List<String> cmd = new ArrayList<>(List.of(args));
        cmd.addAll(1, List.of("--config", "GDAL_HTTP_HEADER_FILE", headers.toString(), "--config", "CPL_DEBUG", "ON", "--config",
                "GDAL_HTTP_TIMEOUT", "120"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        Files.deleteIfExists(headers);
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(true, done, "GDAL timed out: " + cmd);
        assertEquals(0, p.exitValue(), "GDAL failed: " + cmd + "\n" + text);
        return text;
    }
    /** Reads a CSV that ogr2ogr wrote with GEOMETRY=AS_WKT: code → geometry. */
    public static Map<String, Geometry> csvGeometries(Path csv, String codeColumn) throws Exception {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> header = List.of(lines.get(0).replace("\"", "").split(","));
        int code = header.indexOf(codeColumn);
        Map<String, Geometry> out = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String wkt = line.substring(1, line.indexOf('"', 1));
            String[] rest = line.substring(line.indexOf('"', 1) + 2).split(",");
            out.put(rest[code - 1].replace("\"", ""), new WKTReader().read(wkt));
        }
        return out;
    }

    /** The largest distance between corresponding vertices of two equal-shaped geometries. */
    public static double maxVertexDistance(Geometry a, Geometry b) {
        Coordinate[] x = a.getCoordinates();
        Coordinate[] y = b.getCoordinates();
        assertEquals(x.length, y.length, "same vertices");
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, x[i].distance(y[i]));
        }
        return max;
    }

}
