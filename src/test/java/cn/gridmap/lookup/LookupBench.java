package cn.gridmap.lookup;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.postgresql.PGConnection;

/**
 * {@code ./gridmap bench lookup}, kernel part: JMH for our index and naive JTS, and the PostGIS bulk join (plain and
 * subdivided, GiST) on the same seeded points, printed side by side with ratios. Points/s throughout.
 */
public final class LookupBench {
    private LookupBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Double> r = new LinkedHashMap<>();
        for (String dist : new String[] {"uniform", "weighted"}) {
            jmh(r, 1_000_000, dist, ".*LookupKernelBench\\.(ours|oursParallel|naiveJts)$");
            jmh(r, 10_000_000, dist, ".*LookupKernelBench\\.(ours|oursParallel)$");
            postgis(r, 1_000_000, dist);
        }
        System.out.println();
        System.out.println("| points | distribution | ours 1 thread | ours 2 threads | naive JTS | PostGIS join | PostGIS subdivided | ours(2t)/JTS | ours(2t)/PostGIS best |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (String dist : new String[] {"uniform", "weighted"}) {
            for (int n : new int[] {1_000_000, 10_000_000}) {
                String k = n + "/" + dist + "/";
                double ours = r.getOrDefault(k + "ours", Double.NaN);
                double par = r.getOrDefault(k + "oursParallel", Double.NaN);
                double jts = r.getOrDefault(1_000_000 + "/" + dist + "/naiveJts", Double.NaN);
                double pg = r.getOrDefault(1_000_000 + "/" + dist + "/postgis", Double.NaN);
                double pgs = r.getOrDefault(1_000_000 + "/" + dist + "/postgisSubdivided", Double.NaN);
                System.out.printf("| %,d | %s | %s | %s | %s | %s | %s | %.0f× | %.0f× |%n", n, dist, fmt(ours), fmt(par),
                        n == 1_000_000 ? fmt(jts) : "(1M: " + fmt(jts) + ")", n == 1_000_000 ? fmt(pg) : "(1M)",
                        n == 1_000_000 ? fmt(pgs) : "(1M)", par / jts, par / Math.max(pg, pgs));
            }
        }
    }

    private static String fmt(double pointsPerSecond) {
        return Double.isNaN(pointsPerSecond) ? "–" : String.format("%,.0f/s", pointsPerSecond);
    }

    private static void jmh(Map<String, Double> out, int points, String dist, String include) throws Exception {
        Options o = new OptionsBuilder().include(include).param("points", String.valueOf(points)).param("distribution", dist)
                .shouldFailOnError(true).build();
        Collection<RunResult> results = new Runner(o).run();
        for (RunResult rr : results) {
            String name = rr.getParams().getBenchmark().replaceAll(".*\\.", "");
            out.put(points + "/" + dist + "/" + name, rr.getPrimaryResult().getScore() * points);
        }
    }

    /** Times the PostGIS bulk join of the same points against the micro-grids: plain and ST_Subdivide'd, both GiST. */
    private static void postgis(Map<String, Double> out, int n, String dist) throws Exception {
        try (Connection c = LookupKernelBench.connect()) {
            double[][] p = LookupKernelBench.points(c, n, dist);
            StringBuilder csv = new StringBuilder(n * 40);
            for (int i = 0; i < n; i++) {
                csv.append(i).append(',').append(p[0][i]).append(',').append(p[1][i]).append('\n');
            }
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS bench_probe, bench_micro, bench_micro_sub");
                s.execute("CREATE UNLOGGED TABLE bench_probe (id int, lon float8, lat float8)");
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bench_probe FROM STDIN (FORMAT csv)", new StringReader(csv.toString()));
                s.execute("ALTER TABLE bench_probe ADD COLUMN p geometry(Point, 4326)");
                s.execute("UPDATE bench_probe SET p = ST_SetSRID(ST_MakePoint(lon, lat), 4326)");
                s.execute("CREATE UNLOGGED TABLE bench_micro AS SELECT code, geom FROM region WHERE generation_high IS NULL AND level = 'microgrid'");
                s.execute("CREATE INDEX ON bench_micro USING GIST (geom)");
                s.execute("CREATE UNLOGGED TABLE bench_micro_sub AS SELECT code, ST_Subdivide(geom, 16) geom FROM bench_micro");
                s.execute("CREATE INDEX ON bench_micro_sub USING GIST (geom)");
                s.execute("ANALYZE bench_probe; ANALYZE bench_micro; ANALYZE bench_micro_sub");
                for (String[] v : new String[][] {{"postgis", "bench_micro"}, {"postgisSubdivided", "bench_micro_sub"}}) {
                    String sql = "SELECT count(DISTINCT x.id) FROM bench_probe x JOIN " + v[1] + " m ON ST_Covers(m.geom, x.p)";
                    s.executeQuery(sql).close(); // warm-up (caches)
                    long best = Long.MAX_VALUE;
                    for (int rep = 0; rep < 2; rep++) {
                        long t0 = System.nanoTime();
                        try (ResultSet rs = s.executeQuery(sql)) {
                            rs.next();
                        }
                        best = Math.min(best, System.nanoTime() - t0);
                    }
                    out.put(n + "/" + dist + "/" + v[0], n / (best / 1e9));
                    System.out.printf("PostGIS %s %s: %,d points in %.2f s%n", v[0], dist, n, best / 1e9);
                }
                s.execute("DROP TABLE bench_probe, bench_micro, bench_micro_sub");
            }
        }
    }
}
