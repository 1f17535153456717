package cn.gridmap.export;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import cn.gridmap.security.AsAdmin;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code ./gridmap bench export}: whole-city exports, ours over HTTP against GDAL's ogr2ogr reading PostGIS directly
 * (what an analyst with database access would run: one SQL, its own GeoPackage/Shapefile/GeoJSON/CSV writers), same
 * rows, columns and CRS, in one run. Each is run once to warm up, then three times; the best counts. Not a test
 * (surefire skips *Bench); timings are printed, never asserted.
 */
@QuarkusTest
class ExportBench {
    @TestHTTPResource("/")
    String root;

    /** The libpq connection string of the benchmark's database (for ogr2ogr). */
    static final String PG = System.getProperty("bench.pg", System.getenv().getOrDefault("GRIDMAP_BENCH_PG", "host=localhost port=55432 dbname=gridmap user=postgres"));

    record Case(String name, String url, String format, String driver, String sql, String layer) {
    }

    @Test
    void exportBenchmark() throws Exception {
        String micro = "SELECT code AS id, code, name, parent_code, (properties->>'households')::int AS households, round(area_sqm::numeric)::bigint AS area_sqm, "
                + "derived, geom FROM region WHERE level = 'microgrid' AND generation_high IS NULL ORDER BY code";
        String micro4549 = micro.replace("derived, geom", "derived, ST_Transform(geom, 4549) AS geom");
        String events = "SELECT external_id AS id, external_id, class_code, occurred_at, address, district_code, left(microgrid_code, 15) AS grid_code, "
                + "microgrid_code, geom FROM event ORDER BY external_id";
        List<Case> cases = List.of(
                new Case("micro-grids → GeoPackage", "/api/export/microgrid?format=gpkg", "gpkg", "GPKG", micro, "microgrid"),
                new Case("micro-grids → GeoPackage, EPSG:4549", "/api/export/microgrid?format=gpkg&crs=EPSG:4549", "gpkg", "GPKG", micro4549, "microgrid"),
                new Case("micro-grids → Shapefile (zip)", "/api/export/microgrid?format=shp", "shp.zip", "ESRI Shapefile", micro, "microgrid"),
                new Case("micro-grids → GeoJSON", "/api/export/microgrid?format=geojson", "geojson", "GeoJSON", micro, "microgrid"),
                new Case("micro-grids → CSV (WKT)", "/api/export/microgrid?format=csv", "csv", "CSV", micro, "microgrid"),
                new Case("events → GeoPackage", "/api/export/events?format=gpkg", "gpkg", "GPKG", events, "events"),
                new Case("events → CSV (lon,lat)", "/api/export/events?format=csv", "csv", "CSV", events, "events"));
        HttpClient http = HttpClient.newHttpClient();
        String token = AsAdmin.adminToken();
        Path dir = Files.createTempDirectory("export-bench");
        StringBuilder out = new StringBuilder("\n== export benchmark, whole city, " + Runtime.getRuntime().availableProcessors()
                + " cores; best of 3 after a warm-up ==\n");
        out.append(String.format("| %-38s | %9s | %10s | %12s | %10s | %7s |%n", "export", "features", "ours", "ogr2ogr+PG", "size", "ratio"));
        out.append("|---|---|---|---|---|---|\n");
        for (Case c : cases) {
            long[] ours = new long[4];
            long features = 0;
            long bytes = 0;
            for (int i = 0; i < 4; i++) {
                long t0 = System.nanoTime();
                HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(root.replaceAll("/$", "") + c.url()))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofFile(dir.resolve("ours." + c.format())));
                ours[i] = System.nanoTime() - t0;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(c.url() + " → " + r.statusCode() + ": " + Files.readString(r.body()));
                }
                features = Long.parseLong(r.headers().firstValue("X-Feature-Count").orElse("0"));
                bytes = Files.size(r.body());
            }
            long[] gdal = new long[4];
            for (int i = 0; i < 4; i++) {
                Path target = dir.resolve("gdal-" + i + "." + (c.format().equals("shp.zip") ? "shp.zip" : c.format()));
                Files.deleteIfExists(target);
                List<String> cmd = new ArrayList<>(List.of("ogr2ogr", "-f", c.driver(), target.toString(), "PG:" + PG, "-sql", c.sql(), "-nln", c.layer()));
                if (c.driver().equals("CSV")) {
                    cmd.addAll(List.of("-lco", c.layer().equals("events") ? "GEOMETRY=AS_XY" : "GEOMETRY=AS_WKT"));
                }
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("gdal.log").toFile()).start();
                if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    throw new IllegalStateException("ogr2ogr failed: " + Files.readString(dir.resolve("gdal.log")));
                }
                gdal[i] = System.nanoTime() - t0;
            }
            double o = best(ours);
            double g = best(gdal);
            out.append(String.format("| %-38s | %,9d | %8.2f s | %10.2f s | %7.1f MB | %6.2f× |%n", c.name(), features, o, g, bytes / 1e6, o / g));
        }
        out.append("(ratio = ours / ogr2ogr: below 1 is faster. Ours includes HTTP, the scope's row-level security, the count for the size "
                + "headers, and for GeoPackage the R-tree index GDAL also builds.)\n");
        System.out.println(out);
        Files.writeString(Path.of("target/bench-export.txt"), out.toString());
    }

    private static double best(long[] ns) {
        long b = Long.MAX_VALUE;
        for (int i = 1; i < ns.length; i++) {
            b = Math.min(b, ns[i]);
        }
        return b / 1e9;
    }
}
