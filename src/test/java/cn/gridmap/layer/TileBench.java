package cn.gridmap.layer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.geo.TileMath;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * {@code ./gridmap bench tiles}: one fixed tile list over the city — every tile of zooms 10–13 and a seeded sample
 * (seed 11) of zooms 14–16 — for the region layers, timed three ways in one run: raw {@code ST_AsMVT} SQL through
 * JDBC (the floor a pg_tileserv-style server gets), ours uncached over HTTP, and ours cached over HTTP (a hot set
 * requested again and again by 2 threads). Prints tiles/s and p50/p99. Not a test (surefire skips *Bench); timings
 * are printed, never asserted.
 */
@QuarkusTest
class TileBench {
    static final int SAMPLE = Integer.getInteger("bench.sample", 1500);

    @TestHTTPResource("/")
    String root;
    @Inject
    DataSource dataSource;
    @Inject
    TileCatalog catalog;
    @Inject
    TileService service;

    record T(String layer, int z, long x, long y) {
        String url(String root) {
            return root + "tiles/" + layer + "/" + z + "/" + x + "/" + y + ".mvt";
        }
    }

    @Test
    void tileBenchmark() throws Exception {
        double[] b = service.cityBounds();
        List<T> tiles = new ArrayList<>();
        Random rnd = new Random(11);
        for (int z = 10; z <= 16; z++) {
            long[] min = TileMath.tileOf(z, b[0], b[3]);
            long[] max = TileMath.tileOf(z, b[2], b[1]);
            List<T> all = new ArrayList<>();
            for (long x = min[0]; x <= max[0]; x++) {
                for (long y = min[1]; y <= max[1]; y++) {
                    for (String layer : layersAt(z)) {
                        all.add(new T(layer, z, x, y));
                    }
                }
            }
            if (z >= 14) {
                Collections.shuffle(all, rnd);
                all = all.subList(0, Math.min(SAMPLE, all.size()));
            }
            tiles.addAll(all);
        }
        StringBuilder out = new StringBuilder("\n== tile benchmark: " + tiles.size() + " tiles (z10–13 all, z14–16 " + SAMPLE
                + " sampled per zoom), 2 cores ==\n");
        // warm-up: JIT, PostgreSQL caches
        for (int i = 0; i < Math.min(300, tiles.size()); i++) {
            T t = tiles.get(rnd.nextInt(tiles.size()));
            service.render(catalog.get(t.layer()), t.z(), t.x(), t.y());
        }
        long[] raw = new long[tiles.size()];
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(TileSql.REGION)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < tiles.size(); i++) {
                T t = tiles.get(i);
                long s = System.nanoTime();
                int k = 1;
                for (int r = 0; r < 2; r++) {
                    ps.setInt(k++, t.z());
                    ps.setInt(k++, (int) t.x());
                    ps.setInt(k++, (int) t.y());
                }
                ps.setString(k++, t.layer());
                ps.setDouble(k++, 40075016.685578488 / (1L << t.z()) / 4096);
                ps.setString(k, t.layer());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    rs.getBytes(1);
                }
                raw[i] = System.nanoTime() - s;
            }
            out.append(line("raw ST_AsMVT via JDBC (1 connection)", raw, System.nanoTime() - t0));
        }
        service.invalidateAll();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long[] uncached = new long[tiles.size()];
        long t0 = System.nanoTime();
        for (int i = 0; i < tiles.size(); i++) {
            long s = System.nanoTime();
            get(http, tiles.get(i).url(root));
            uncached[i] = System.nanoTime() - s;
        }
        long uncachedTotal = System.nanoTime() - t0;
        out.append(line("ours uncached over HTTP (1 client)", uncached, uncachedTotal));
        // cached: the hot set = the first 500 tiles of zooms 12-15, now all in the cache
        List<T> hot = tiles.stream().filter(t -> t.z() >= 12 && t.z() <= 15).limit(500).toList();
        for (T t : hot) {
            get(http, t.url(root));
        }
        int rounds = 40;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        long[][] per = new long[2][];
        long c0 = System.nanoTime();
        List<Future<long[]>> fs = new ArrayList<>();
        for (int th = 0; th < 2; th++) {
            int seed = th;
            fs.add(pool.submit(() -> {
                Random r = new Random(seed);
                long[] lat = new long[rounds * hot.size() / 2];
                for (int i = 0; i < lat.length; i++) {
                    long s = System.nanoTime();
                    get(http, hot.get(r.nextInt(hot.size())).url(root));
                    lat[i] = System.nanoTime() - s;
                }
                return lat;
            }));
        }
        for (int th = 0; th < 2; th++) {
            per[th] = fs.get(th).get();
        }
        long cachedTotal = System.nanoTime() - c0;
        pool.shutdown();
        long[] cached = new long[per[0].length + per[1].length];
        System.arraycopy(per[0], 0, cached, 0, per[0].length);
        System.arraycopy(per[1], 0, cached, per[0].length, per[1].length);
        out.append(line("ours cached over HTTP (2 client threads, hot set of " + hot.size() + ")", cached, cachedTotal));
        out.append(String.format("uncached / raw SQL time: %.2f×%n", (double) Arrays.stream(uncached).sum() / Arrays.stream(raw).sum()));
        System.out.println(out);
        Files.writeString(Path.of("target", "bench-tiles.txt"), out.toString(), StandardCharsets.UTF_8);
    }

    private static List<String> layersAt(int z) {
        List<String> l = new ArrayList<>(List.of("district", "street"));
        if (z >= 10) {
            l.add("community");
        }
        if (z >= 12) {
            l.add("grid");
        }
        if (z >= 14) {
            l.add("microgrid");
        }
        return l;
    }

    private static void get(HttpClient http, String url) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200 && r.statusCode() != 204) {
            throw new IllegalStateException(url + " → " + r.statusCode());
        }
    }

    private static String line(String what, long[] nanos, long totalNanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format("%-62s %,8.0f tiles/s  p50 %6.2f ms  p99 %6.2f ms  (%,d tiles in %.1f s)%n", what,
                s.length / (totalNanos / 1e9), s[s.length / 2] / 1e6, s[(int) (s.length * 0.99)] / 1e6, s.length, totalNanos / 1e9);
    }
}
