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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.geo.TileMath;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * {@code ./gridmap bench tiles}: the tiles the web map asks for, timed four ways in one run.
 * <ul>
 * <li>The list: at each position of zooms 10–16 the map requests two tiles, the composite of the levels it draws
 * there ({@code street,district,city} at z10 … {@code microgrid,…,city} from z15) and {@code land,water}. Zooms 10–12
 * are complete over the city's bounding box; 13–16 are seeded samples (seed 11) of {@code bench.sample} positions.</li>
 * <li>Raw SQL: each layer's {@code ST_AsMVT} query through one JDBC connection and prepared statement, concatenated
 * (the floor a pg_tileserv-style server reaches).</li>
 * <li>Ours uncached, in process ({@code TileService.render}, pooled connections) and over HTTP (one JDK client,
 * keep-alive, gzip), with the server's own time from the {@code Server-Timing} header; then the same requests again,
 * cached, which is the HTTP round trip alone.</li>
 * <li>Ours cached: wrk (2 threads, 16 connections, 15 s) over the hot set of zooms 12–15, all in the cache; then a
 * second mix, every level at every zoom z10–16 (what the map's 各级同显 switch requests: the big composites), up to
 * 285 tiles a zoom (every position of z10–12, a sample with seed 12 above), all in the cache.</li>
 * </ul>
 * Everything is also broken down by tile size, since small tiles show fixed per-request costs and big ones the SQL.
 * Not a test (surefire skips *Bench); timings are printed, never asserted.
 */
@QuarkusTest
class TileBench {
    static final int SAMPLE = Integer.getInteger("bench.sample", 1000);
    static final double WORLD = 40075016.685578488;
    static final List<String> DRAW_ORDER = List.of("microgrid", "grid", "community", "street", "district", "city");
    static final int[] WEB_MIN_ZOOM = {15, 13, 11, 9, 0, 0};
    static final long[] SIZE_CLASSES = {1, 4 << 10, 32 << 10, Long.MAX_VALUE};
    static final String[] SIZE_NAMES = {"empty", "< 4 KB", "4–32 KB", "≥ 32 KB"};

    @TestHTTPResource("/")
    String root;
    @Inject
    @io.quarkus.agroal.DataSource("owner") // the tables' owner: tests look at what is stored, past row-level security
    DataSource dataSource;
    @Inject
    TileCatalog catalog;
    @Inject
    TileService service;

    /** One request of the web map: a composite of layers at one tile position. */
    record T(List<String> layers, int z, long x, long y) {
        String path() {
            return "/tiles/" + String.join(",", layers) + "/" + z + "/" + x + "/" + y + ".mvt";
        }
    }

    @Test
    void tileBenchmark() throws Exception {
        List<T> tiles = tileList();
        StringBuilder out = new StringBuilder("\n== tile benchmark: " + tiles.size() + " composite tiles as the web map requests them "
                + "(z10–12 all, z13–16 " + SAMPLE + " positions each, seed 11), " + Runtime.getRuntime().availableProcessors() + " cores ==\n");
        Random rnd = new Random(11);
        for (int i = 0; i < 300; i++) { // warm-up: JIT, PostgreSQL caches
            T t = tiles.get(rnd.nextInt(tiles.size()));
            for (String l : t.layers()) {
                service.render(catalog.get(l), t.z(), t.x(), t.y());
            }
        }

        long[] raw = new long[tiles.size()];
        long[] size = new long[tiles.size()];
        long t0 = System.nanoTime();
        try (Connection c = dataSource.getConnection(); PreparedStatement region = c.prepareStatement(TileSql.REGION);
             PreparedStatement basemap = c.prepareStatement(TileSql.BASEMAP)) {
            for (int i = 0; i < tiles.size(); i++) {
                T t = tiles.get(i);
                long s = System.nanoTime();
                for (String l : t.layers()) {
                    boolean base = catalog.get(l).kind() == TileLayer.Kind.BASEMAP;
                    PreparedStatement ps = base ? basemap : region;
                    int k = 1;
                    for (int r = 0; r < 2; r++) {
                        ps.setInt(k++, t.z());
                        ps.setInt(k++, (int) t.x());
                        ps.setInt(k++, (int) t.y());
                    }
                    ps.setString(k++, l);
                    ps.setDouble(k++, WORLD / (1L << t.z()) / 4096);
                    if (base) {
                        ps.setArray(k, c.createArrayOf("text", l.equals("water") ? new String[] {"water", "river", "canal"} : new String[] {"land"}));
                    } else {
                        ps.setString(k, l);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        byte[] b = rs.getBytes(1);
                        size[i] += b == null ? 0 : b.length;
                    }
                }
                raw[i] = System.nanoTime() - s;
            }
        }
        long rawTotal = System.nanoTime() - t0;

        long[] inProcess = new long[tiles.size()];
        t0 = System.nanoTime();
        for (int i = 0; i < tiles.size(); i++) {
            T t = tiles.get(i);
            long s = System.nanoTime();
            for (String l : t.layers()) {
                service.render(catalog.get(l), t.z(), t.x(), t.y());
            }
            inProcess[i] = System.nanoTime() - s;
        }
        long inProcessTotal = System.nanoTime() - t0;

        service.invalidateAll();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        long[] overHttp = new long[tiles.size()];
        long[] serverSide = new long[tiles.size()];
        t0 = System.nanoTime();
        for (int i = 0; i < tiles.size(); i++) {
            long s = System.nanoTime();
            HttpResponse<byte[]> r = get(http, base + tiles.get(i).path());
            overHttp[i] = System.nanoTime() - s;
            String timing = r.headers().firstValue("Server-Timing").orElseThrow();
            serverSide[i] = (long) (Double.parseDouble(timing.replaceAll(".*dur=([0-9.]+).*", "$1")) * 1e6);
        }
        long httpTotal = System.nanoTime() - t0;
        // the same requests again, now all cached: the HTTP round trip alone (client, stack, gzip, loopback)
        long[] again = new long[tiles.size()];
        t0 = System.nanoTime();
        for (int i = 0; i < tiles.size(); i++) {
            long s = System.nanoTime();
            get(http, base + tiles.get(i).path());
            again[i] = System.nanoTime() - s;
        }
        long againTotal = System.nanoTime() - t0;

        out.append(line("raw ST_AsMVT via JDBC (1 connection, per layer)", raw, rawTotal));
        out.append(line("ours uncached, in process (TileService.render)", inProcess, inProcessTotal));
        out.append(line("ours uncached over HTTP (1 client, gzip)", overHttp, httpTotal));
        out.append(line("   of which the server's render time (Server-Timing)", serverSide, Arrays.stream(serverSide).sum()));
        out.append(line("the same requests again, cached (the HTTP round trip alone)", again, againTotal));
        out.append(String.format("time against raw SQL: in process %.2f×, server render %.2f×, over HTTP %.2f×; "
                + "over HTTP less the cached round trip %.2f×%n", ratio(inProcess, raw), ratio(serverSide, raw), ratio(overHttp, raw),
                (double) (Arrays.stream(overHttp).sum() - Arrays.stream(again).sum()) / Arrays.stream(raw).sum()));
        out.append("\nby tile size (all layers of the composite, before gzip):\n");
        out.append(String.format("%-10s %6s %9s %12s %12s %12s %12s%n", "size", "tiles", "bytes", "raw p50", "in-proc p50", "HTTP p50",
                "HTTP / raw"));
        for (int k = 0; k < SIZE_CLASSES.length; k++) {
            long lo = k == 0 ? 0 : SIZE_CLASSES[k - 1];
            long hi = SIZE_CLASSES[k];
            List<Integer> idx = new ArrayList<>();
            long bytes = 0;
            for (int i = 0; i < tiles.size(); i++) {
                if (size[i] >= lo && size[i] < hi) {
                    idx.add(i);
                    bytes += size[i];
                }
            }
            if (idx.isEmpty()) {
                continue;
            }
            long[] a = pick(raw, idx);
            long[] b = pick(inProcess, idx);
            long[] h = pick(overHttp, idx);
            out.append(String.format("%-10s %6d %8.1fM %10.2f ms %10.2f ms %10.2f ms %11.2f×%n", SIZE_NAMES[k], idx.size(), bytes / 1e6,
                    p(a, 0.5), p(b, 0.5), p(h, 0.5), ratio(h, a)));
        }

        // cached: wrk over the hot set, all of it in the cache
        List<String> hot = tiles.stream().filter(t -> t.z() >= 12 && t.z() <= 15).map(T::path).limit(2000).toList();
        for (String path : hot) {
            get(http, base + path);
        }
        Path list = Path.of("target", "bench", "hot-tiles.txt");
        Files.createDirectories(list.getParent());
        Files.write(list, hot, StandardCharsets.UTF_8);
        out.append("\n").append(wrk("ours cached, the map's mix (wrk, gzip)", base, list, hot.size()));

        // the second mix: every level at every zoom (the map's 各级同显 switch), z10–16: the composite of all six levels at
        // every position of z10–12 and a seeded sample (seed 12) of z13–16, the same number per zoom
        List<String> all = new ArrayList<>();
        int perZoom = 2000 / 7;
        Random r12 = new Random(12);
        for (int z = 10; z <= 16; z++) {
            final int zz = z;
            List<T> at = new ArrayList<>(tiles.stream().filter(t -> t.z() == zz && !t.layers().contains("land"))
                    .map(t -> new T(DRAW_ORDER, t.z(), t.x(), t.y())).toList());
            Collections.shuffle(at, r12);
            at.stream().limit(perZoom).map(T::path).forEach(all::add);
        }
        long sent = 0;
        long largest = 0;
        for (String path : all) {
            int n = get(http, base + path).body().length;
            sent += n;
            largest = Math.max(largest, n);
        }
        Path allList = Path.of("target", "bench", "every-level-tiles.txt");
        Files.write(allList, all, StandardCharsets.UTF_8);
        out.append(String.format("every level at every zoom: %d composites of all six levels, z10–16 (up to %d a zoom, seed 12), %.1f MB "
                + "gzipped (largest %.0f KB); the cache keeps %d tiles as sent, %.1f MB%n", all.size(), perZoom, sent / 1e6, largest / 1e3,
                service.sentTiles(), service.sentBytes() / 1e6));
        out.append(wrk("ours cached, every level at every zoom (wrk, gzip)", base, allList, all.size()));
        System.out.println(out);
        Files.writeString(Path.of("target", "bench-tiles.txt"), out.toString(), StandardCharsets.UTF_8);
    }

    private List<T> tileList() {
        double[] b = service.cityBounds();
        List<T> tiles = new ArrayList<>();
        Random rnd = new Random(11);
        for (int z = 10; z <= 16; z++) {
            long[] min = TileMath.tileOf(z, b[0], b[3]);
            long[] max = TileMath.tileOf(z, b[2], b[1]);
            List<long[]> positions = new ArrayList<>();
            for (long x = min[0]; x <= max[0]; x++) {
                for (long y = min[1]; y <= max[1]; y++) {
                    positions.add(new long[] {x, y});
                }
            }
            if (z >= 13) {
                Collections.shuffle(positions, rnd);
                positions = positions.subList(0, Math.min(SAMPLE, positions.size()));
            }
            List<String> levels = new ArrayList<>();
            for (int i = 0; i < DRAW_ORDER.size(); i++) {
                if (z >= WEB_MIN_ZOOM[i]) {
                    levels.add(DRAW_ORDER.get(i));
                }
            }
            for (long[] p : positions) {
                tiles.add(new T(List.copyOf(levels), z, p[0], p[1]));
                tiles.add(new T(List.of("land", "water"), z, p[0], p[1]));
            }
        }
        return tiles;
    }

    /** Runs wrk against the hot set and returns its summary line (or why it could not run). */
    private static String wrk(String label, String base, Path list, int n) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("wrk", "-t2", "-c16", "-d15s", "--latency", "-s", "bench/tiles.lua", base).redirectErrorStream(true);
        pb.environment().put("TILES", list.toAbsolutePath().toString());
        pb.environment().put("TOKEN", TOKEN.get()); // tiles need a login, as the map's do
        Process p = pb.start();
        String text;
        try (var in = p.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        p.waitFor();
        Matcher rps = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(text);
        Matcher p50 = Pattern.compile("\\s50%\\s+(\\S+)").matcher(text);
        Matcher p99 = Pattern.compile("\\s99%\\s+(\\S+)").matcher(text);
        if (!rps.find() || !p50.find() || !p99.find()) {
            return label + ": no result:\n" + text + "\n";
        }
        Matcher bytes = Pattern.compile("([0-9.]+[KMG]?B) read").matcher(text);
        return String.format("%-62s %,8.0f tiles/s  p50 %9s  p99 %9s  (wrk -t2 -c16 -d15s, hot set of %d tiles, %s sent)%n",
                label, Double.parseDouble(rps.group(1)), p50.group(1), p99.group(1), n, bytes.find() ? bytes.group(1) : "?");
    }

    private static HttpResponse<byte[]> get(HttpClient http, String url) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept-Encoding", "gzip")
                .header("Authorization", "Bearer " + TOKEN.get()).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200 && r.statusCode() != 204) {
            throw new IllegalStateException(url + " → " + r.statusCode());
        }
        return r;
    }

    /** An admin token, made once per bench run (it lasts an hour). */
    private static final java.util.function.Supplier<String> TOKEN = new java.util.function.Supplier<>() {
        private String token;

        @Override
        public synchronized String get() {
            if (token == null) {
                token = cn.gridmap.security.AsAdmin.adminToken();
            }
            return token;
        }
    };

    private static long[] pick(long[] a, List<Integer> idx) {
        return idx.stream().mapToLong(i -> a[i]).toArray();
    }

    private static double ratio(long[] a, long[] b) {
        return (double) Arrays.stream(a).sum() / Arrays.stream(b).sum();
    }

    private static double p(long[] nanos, double q) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) (s.length * q))] / 1e6;
    }

    private static String line(String what, long[] nanos, long totalNanos) {
        return String.format("%-62s %,8.0f tiles/s  p50 %6.2f ms  p99 %6.2f ms  (%,d tiles in %.1f s)%n", what,
                nanos.length / (totalNanos / 1e9), p(nanos, 0.5), p(nanos, 0.99), nanos.length, totalNanos / 1e9);
    }
}
