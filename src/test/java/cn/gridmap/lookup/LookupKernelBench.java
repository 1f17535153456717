package cn.gridmap.lookup;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.index.strtree.STRtree;
import org.locationtech.jts.io.WKBReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import cn.gridmap.geo.Geometries;

/**
 * JMH kernel benchmark of point → micro-grid: our raster index (one thread, and a parallel batch over all cores)
 * against naive JTS (STRtree of the raw polygons + {@code covers}). Points are seeded: uniform over the city's bbox,
 * or population-weighted (micro-grids drawn by their households). Reads the city from the database named by
 * GRIDMAP_BENCH_DB_URL. Run by {@code ./gridmap bench lookup}, which also times the PostGIS bulk join.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class LookupKernelBench {
    static final long SEED = 20261125;

    @Param({"1000000"})
    public int points;

    @Param({"uniform", "weighted"})
    public String distribution;

    GridIndex index;
    STRtree naive;
    double[] xs;
    double[] ys;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        try (Connection c = connect()) {
            index = GridIndexLoader.load(c, 0.0002);
            naive = naiveTree(c);
            double[][] p = points(c, points, distribution);
            xs = p[0];
            ys = p[1];
        }
    }

    static Connection connect() throws Exception {
        return DriverManager.getConnection(System.getenv().getOrDefault("GRIDMAP_BENCH_DB_URL", "jdbc:postgresql://localhost:55432/gridmap"),
                "postgres", "");
    }

    static STRtree naiveTree(Connection c) throws Exception {
        STRtree tree = new STRtree();
        WKBReader wkb = new WKBReader(Geometries.STORAGE);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT code, ST_AsBinary(geom) FROM region WHERE generation_high IS NULL AND level = 'microgrid'")) {
            while (rs.next()) {
                Geometry g = wkb.read(rs.getBytes(2));
                g.setUserData(rs.getString(1));
                tree.insert(g.getEnvelopeInternal(), g);
            }
        }
        tree.build();
        return tree;
    }

    /** Seeded points: uniform over the micro-grids' bbox, or drawn micro-grid by households then uniform inside it. */
    static double[][] points(Connection c, int n, String distribution) throws Exception {
        Random rnd = new Random(SEED + n + distribution.hashCode());
        double[] xs = new double[n];
        double[] ys = new double[n];
        if (distribution.equals("uniform")) {
            double[] b = new double[4];
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM region WHERE level = 'city') x")) {
                rs.next();
                for (int i = 0; i < 4; i++) {
                    b[i] = rs.getDouble(i + 1);
                }
            }
            for (int i = 0; i < n; i++) {
                xs[i] = b[0] + rnd.nextDouble() * (b[2] - b[0]);
                ys[i] = b[1] + rnd.nextDouble() * (b[3] - b[1]);
            }
            return new double[][] {xs, ys};
        }
        List<Geometry> micro = new ArrayList<>();
        List<Integer> households = new ArrayList<>();
        WKBReader wkb = new WKBReader(Geometries.STORAGE);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT ST_AsBinary(geom), (properties->>'households')::int FROM region WHERE level = 'microgrid' ORDER BY code")) {
            while (rs.next()) {
                micro.add(wkb.read(rs.getBytes(1)));
                households.add(rs.getInt(2));
            }
        }
        long[] cum = new long[micro.size()];
        long total = 0;
        for (int i = 0; i < cum.length; i++) {
            total += households.get(i);
            cum[i] = total;
        }
        GeometryFactory gf = Geometries.STORAGE;
        for (int i = 0; i < n; i++) {
            long t = (long) (rnd.nextDouble() * total);
            int k = java.util.Arrays.binarySearch(cum, t + 1);
            int m = k >= 0 ? k : -k - 1;
            Geometry g = micro.get(Math.min(m, micro.size() - 1));
            Envelope e = g.getEnvelopeInternal();
            for (int tries = 0; tries < 100; tries++) {
                double x = e.getMinX() + rnd.nextDouble() * e.getWidth();
                double y = e.getMinY() + rnd.nextDouble() * e.getHeight();
                if (tries == 99 || g.covers(gf.createPoint(new Coordinate(x, y)))) {
                    xs[i] = x;
                    ys[i] = y;
                    break;
                }
            }
        }
        return new double[][] {xs, ys};
    }

    /** Our index, one thread. */
    @Benchmark
    public long ours() {
        long sum = 0;
        for (int i = 0; i < xs.length; i++) {
            sum += index.locateMicro(xs[i], ys[i]);
        }
        return sum;
    }

    /** Our index, the batch split over all cores. */
    @Benchmark
    public long oursParallel() {
        return IntStream.range(0, xs.length).parallel().mapToLong(i -> index.locateMicro(xs[i], ys[i])).sum();
    }

    /** Naive JTS: STRtree candidates by envelope, then covers() on the raw polygon. */
    @Benchmark
    public long naiveJts() {
        GeometryFactory gf = Geometries.STORAGE;
        long hits = 0;
        for (int i = 0; i < xs.length; i++) {
            Point p = gf.createPoint(new Coordinate(xs[i], ys[i]));
            for (Object o : naive.query(p.getEnvelopeInternal())) {
                if (((Geometry) o).covers(p)) {
                    hits++;
                    break;
                }
            }
        }
        return hits;
    }
}
