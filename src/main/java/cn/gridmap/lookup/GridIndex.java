package cn.gridmap.lookup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.index.strtree.STRtree;

import cn.gridmap.region.Level;

/**
 * An immutable in-memory point → micro-grid index over the current hierarchy. Thread-safe: build once, read from
 * any number of threads; replace it as a whole to refresh.
 *
 * <p><b>Layout.</b> A uniform raster of cells over the city's bounding box. A cell that no micro-grid edge touches
 * (closed cell, widened by {@link #EPSILON}) lies inside exactly one micro-grid, or outside the city: it stores that
 * answer and a lookup costs one array read. A cell that edges touch stores the micro-grids whose edges touch it; a
 * point there is tested against those few polygons only. Polygon coordinates live in flat arrays.
 *
 * <p><b>Exactness.</b> The polygon test is PostGIS's own point-in-polygon (the winding number of
 * {@code lwgeom_functions_analytic.c}, with the same double arithmetic and the same boundary rule), applied to the
 * same doubles that PostGIS stores; so {@code covers} here answers what {@code ST_Covers} answers, including points
 * exactly on edges and vertices. Cells classified without a test are at least {@link #EPSILON} degrees from every
 * edge, far beyond rounding.
 *
 * <p><b>Shared edges.</b> A point covered by several micro-grids (it lies on their common boundary) gets, level by
 * level from the district down, the covering region with the lowest code among the children of the region chosen
 * above — the rule {@link PointLookupService} applies to SQL results.
 */
public final class GridIndex {
    /** Margin around edges, in degrees (≈ 0.1 mm), inside which cells are always tested exactly. */
    static final double EPSILON = 1e-9;
    static final int OUTSIDE = -1;
    private static final int LEVELS = Level.values().length;

    /** One current region as read from the database. */
    public record RegionRow(String code, String name, Level level, String parentCode) {
    }

    private final long version;
    /** The generation of the hierarchy the index answers for (patches follow published generations). */
    private final int generation;
    /** How many patches led to this index since its last full build (garbage in the candidate arrays grows). */
    private final int patches;
    // ---- regions (all levels)
    private final String[] codes;
    private final String[] names;
    private final Level[] levels;
    private final long[] codeNumbers;
    private final int[] parents; // region -> parent region, -1 for the city
    private final Map<String, Integer> regionByCode;
    // ---- micro-grids: region index and the region index of every ancestor level
    private final int[] microRegion;
    private final int[] ancestors; // micro * LEVELS + level -> region index
    private final double[] microBoxes; // micro * 4: minX, minY, maxX, maxY
    private final boolean[] dead; // micro-grids a patch replaced (no cell refers to them); null: none
    // ---- micro-grid geometry, flat: micro -> polygons -> rings -> points
    private final int[] microPolys;
    private final int[] polyRings;
    private final int[] ringPoints;
    private final double[] xs;
    private final double[] ys;
    // ---- raster
    private final double minX;
    private final double minY;
    private final double cellW;
    private final double cellH;
    private final int nx;
    private final int ny;
    private final int[] cells; // >= 0 micro; OUTSIDE; <= -2: candidates at -(v+2)
    private final int[] candStart;
    private final int[] cand;
    private final int boundaryCells;
    // ---- grid polygons (by region index) for boundary distances and neighbours
    private final Map<Integer, MultiPolygon> gridGeoms;
    private final STRtree gridTree;

    private GridIndex(Builder b) {
        this.version = b.version;
        this.generation = b.generation;
        this.patches = b.patches;
        this.parents = b.parents;
        this.regionByCode = b.regionByCode;
        this.microBoxes = b.microBoxes;
        this.dead = b.dead;
        this.codes = b.codes;
        this.names = b.names;
        this.levels = b.levels;
        this.codeNumbers = b.codeNumbers;
        this.microRegion = b.microRegion;
        this.ancestors = b.ancestors;
        this.microPolys = b.microPolys;
        this.polyRings = b.polyRings;
        this.ringPoints = b.ringPoints;
        this.xs = b.xs;
        this.ys = b.ys;
        this.minX = b.minX;
        this.minY = b.minY;
        this.cellW = b.cellW;
        this.cellH = b.cellH;
        this.nx = b.nx;
        this.ny = b.ny;
        this.cells = b.cells;
        this.candStart = b.candStart;
        this.cand = b.cand;
        this.boundaryCells = b.boundaryCells;
        this.gridGeoms = b.gridGeomsByRegion;
        this.gridTree = b.gridTree;
        this.buildTimes = b.buildNanos == null ? "" : String.format("regions %d ms, flatten %d ms, raster %d ms (classify %d ms)", b.buildNanos[0] / 1_000_000,
                b.buildNanos[1] / 1_000_000, b.buildNanos[2] / 1_000_000, b.classifyNanos / 1_000_000);
    }

    private final String buildTimes;

    /** How long the build phases took (for the log). */
    public String buildTimes() {
        return buildTimes;
    }

    /** The database's region version this index was built from (the ETag of lookups). */
    public long version() {
        return version;
    }

    /** How many patches since the last full build. */
    public int patchCount() {
        return patches;
    }

    /** The generation of the hierarchy it answers for. */
    public int generation() {
        return generation;
    }

    public int microgridCount() {
        if (dead == null) {
            return microRegion.length;
        }
        int n = 0;
        for (boolean d : dead) {
            n += d ? 0 : 1;
        }
        return n;
    }

    public int cellCount() {
        return cells.length;
    }

    public int boundaryCellCount() {
        return boundaryCells;
    }

    /** Approximate heap held by the index's arrays, in bytes. */
    public long approximateBytes() {
        return 4L * (cells.length + candStart.length + cand.length + microRegion.length + ancestors.length + microPolys.length
                + polyRings.length + ringPoints.length) + 8L * (xs.length + ys.length + codeNumbers.length);
    }

    // ---------------------------------------------------------------- lookups

    /**
     * The micro-grid chosen for a WGS84 point under the shared-edge rule, or {@link #OUTSIDE}. The hot path: no
     * allocation for points in classified cells.
     */
    public int locateMicro(double lon, double lat) {
        double fx = (lon - minX) / cellW;
        double fy = (lat - minY) / cellH;
        if (!(fx >= 0 && fy >= 0 && fx < nx && fy < ny)) {
            return OUTSIDE; // also NaN
        }
        int v = cells[(int) fy * nx + (int) fx];
        if (v >= OUTSIDE) {
            return v;
        }
        int c = -(v + 2);
        int from = candStart[c];
        int to = candStart[c + 1];
        int first = OUTSIDE;
        int covering = 0;
        int[] many = null;
        for (int i = from; i < to; i++) {
            int m = cand[i];
            if (pip(m, lon, lat) >= 0) {
                if (covering == 0) {
                    first = m;
                } else {
                    if (many == null) {
                        many = new int[to - from];
                        many[0] = first;
                    }
                    many[covering] = m;
                }
                covering++;
            }
        }
        return covering <= 1 ? first : choose(many, covering);
    }

    /** Applies the lowest-code-per-level rule to {@code n} covering micro-grids. */
    private int choose(int[] m, int n) {
        for (int level = Level.DISTRICT.ordinal(); level < LEVELS && n > 1; level++) {
            long best = Long.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                best = Math.min(best, codeNumbers[ancestors[m[i] * LEVELS + level]]);
            }
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (codeNumbers[ancestors[m[i] * LEVELS + level]] == best) {
                    m[k++] = m[i];
                }
            }
            n = k;
        }
        return m[0];
    }

    /** The codes of {@code levels} of the regions covering a WGS84 point (shared-edge rule), or null outside the city. */
    public String[] codesAt(double lon, double lat, Level... levels) {
        int micro = locateMicro(lon, lat);
        if (micro < 0) {
            return null;
        }
        String[] out = new String[levels.length];
        for (int i = 0; i < levels.length; i++) {
            out[i] = codes[ancestors[micro * LEVELS + levels[i].ordinal()]];
        }
        return out;
    }

    /** Region indices of the chain of a micro-grid, city first; empty for {@link #OUTSIDE}. */
    public int[] chain(int micro) {
        if (micro < 0) {
            return new int[0];
        }
        int[] out = new int[LEVELS];
        System.arraycopy(ancestors, micro * LEVELS, out, 0, LEVELS);
        return out;
    }

    public String code(int region) {
        return codes[region];
    }

    public String name(int region) {
        return names[region];
    }

    public Level level(int region) {
        return levels[region];
    }

    /**
     * Distance in metres from a point to the boundary of grid {@code gridRegion} (local equirectangular metric
     * around the point: accurate to well under 1 % at grid scale), or NaN when the grid is unknown.
     */
    public double boundaryDistanceMeters(int gridRegion, double lon, double lat) {
        MultiPolygon g = gridGeoms.get(gridRegion);
        return g == null ? Double.NaN : LocalMetric.distanceToBoundary(g, lon, lat);
    }

    /** Grids other than {@code except} within {@code meters} of the point, nearest first. */
    public List<Integer> gridsWithin(double lon, double lat, double meters, int except) {
        double dLat = meters / LocalMetric.M_PER_DEG_LAT;
        double dLon = meters / (LocalMetric.M_PER_DEG_LAT * Math.cos(Math.toRadians(lat)));
        List<double[]> hits = new ArrayList<>();
        for (Object o : gridTree.query(new Envelope(lon - dLon, lon + dLon, lat - dLat, lat + dLat))) {
            int r = (Integer) o;
            if (r == except) {
                continue;
            }
            MultiPolygon g = gridGeoms.get(r);
            double d = LocalMetric.distanceToArea(g, lon, lat, pip(g, lon, lat));
            if (d <= meters) {
                hits.add(new double[] {d, r});
            }
        }
        // nearest first to the centimetre (the precision the API reports; the two engines' metrics differ below it),
        // then by code
        hits.sort(java.util.Comparator.<double[]>comparingLong(h -> Math.round(h[0] * 100)).thenComparing(h -> code((int) h[1])));
        return hits.stream().map(h -> (int) h[1]).toList();
    }

    private static boolean pip(MultiPolygon g, double lon, double lat) {
        return org.locationtech.jts.algorithm.locate.SimplePointInAreaLocator.locate(
                new org.locationtech.jts.geom.Coordinate(lon, lat), g) != org.locationtech.jts.geom.Location.EXTERIOR;
    }

    private final PerMicro<String> csvChains = new PerMicro<>(m -> BatchLookup.csvChain(this, m));
    private final PerMicro<byte[]> csvChainBytes = new PerMicro<>(
            m -> csvChain(m).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    private final PerMicro<byte[]> jsonChainBytes = new PerMicro<>(
            m -> BatchLookup.jsonChain(this, m).getBytes(java.nio.charset.StandardCharsets.UTF_8));

    /** The CSV columns district..microgrid of a micro-grid's chain (batch output), computed once per index. */
    String csvChain(int micro) {
        return csvChains.get(micro);
    }

    /** {@link #csvChain} as bytes (ASCII digits and commas). */
    byte[] csvChainBytes(int micro) {
        return csvChainBytes.get(micro);
    }

    /** The JSON regions array of a micro-grid's chain as UTF-8 (batch output), computed once per index. */
    byte[] jsonChainBytes(int micro) {
        return jsonChainBytes.get(micro);
    }

    /** A value per micro-grid, all computed on first use (a benign race may compute them twice). */
    private final class PerMicro<T> {
        private final java.util.function.IntFunction<T> compute;
        private volatile Object[] values;

        PerMicro(java.util.function.IntFunction<T> compute) {
            this.compute = compute;
        }

        @SuppressWarnings("unchecked")
        T get(int micro) {
            Object[] v = values;
            if (v == null) {
                v = new Object[microRegion.length];
                for (int m = 0; m < v.length; m++) {
                    v[m] = compute.apply(m);
                }
                values = v;
            }
            return (T) v[micro];
        }
    }

    /**
     * PostGIS's point-in-multipolygon for micro-grid {@code m}: -1 outside, 0 on the boundary, 1 inside.
     * Mirrors {@code point_in_multipolygon} and {@code point_in_ring} (PostGIS 3.3, lwgeom_functions_analytic.c).
     */
    int pip(int m, double px, double py) {
        int result = -1;
        for (int p = microPolys[m]; p < microPolys[m + 1]; p++) {
            int shell = polyRings[p];
            int inRing = pointInRing(shell, px, py);
            if (inRing == -1) {
                continue;
            }
            if (inRing == 0) {
                return 0;
            }
            result = inRing;
            for (int r = shell + 1; r < polyRings[p + 1]; r++) {
                inRing = pointInRing(r, px, py);
                if (inRing == 1) {
                    result = -1;
                    break;
                }
                if (inRing == 0) {
                    return 0;
                }
            }
            if (result != -1) {
                return result;
            }
        }
        return result;
    }

    private int pointInRing(int ring, double px, double py) {
        int wn = 0;
        int end = ringPoints[ring + 1] - 1;
        for (int i = ringPoints[ring]; i < end; i++) {
            double x1 = xs[i];
            double y1 = ys[i];
            double x2 = xs[i + 1];
            double y2 = ys[i + 1];
            if (x1 == x2 && y1 == y2) {
                continue; // zero-length segments are ignored
            }
            double side = (x2 - x1) * (py - y1) - (px - x1) * (y2 - y1);
            if (side == 0.0 && Math.min(x1, x2) <= px && px <= Math.max(x1, x2) && Math.min(y1, y2) <= py && py <= Math.max(y1, y2)) {
                return 0;
            }
            if (y1 <= py && py < y2 && side > 0) {
                ++wn;
            } else if (y2 <= py && py < y1 && side < 0) {
                --wn;
            }
        }
        return wn == 0 ? -1 : 1;
    }

    // ---------------------------------------------------------------- patching

    /** After this many patches the next change rebuilds the index (replaced cells leave garbage in the arrays). */
    static final int MAX_PATCHES = 50;

    /**
     * A published change: the current rows it opened (grid and micro-grid geometry by code) and the codes whose rows
     * it closed, read in one snapshot at {@code version} and {@code generation}.
     */
    public record Change(long version, int generation, List<RegionRow> opened, Map<String, MultiPolygon> geometries, java.util.Set<String> closed) {
    }

    static void boxOf(int m, int from, int to, double[] xs, double[] ys, double[] boxes) {
        double x0 = Double.POSITIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            x0 = Math.min(x0, xs[i]);
            y0 = Math.min(y0, ys[i]);
            x1 = Math.max(x1, xs[i]);
            y1 = Math.max(y1, ys[i]);
        }
        boxes[m * 4] = x0;
        boxes[m * 4 + 1] = y0;
        boxes[m * 4 + 2] = x1;
        boxes[m * 4 + 3] = y1;
    }

    /**
     * This index with a change applied, recomputing only the raster cells over the micro-grids it replaces or adds:
     * replaced micro-grids are retired in place, new ones appended, and the cells of their extent classified again
     * exactly as a full build would. Null when only a full build can answer (a region moved to another parent, the
     * change reaches outside the raster, or too many patches have piled up).
     */
    public GridIndex patch(Change ch) {
        if (patches >= MAX_PATCHES) {
            return null;
        }
        Builder b = new Builder(ch.version(), cellW);
        b.generation = ch.generation();
        b.patches = patches + 1;
        // regions: changed codes keep their index, new ones are appended
        int n0 = codes.length;
        int cap = n0 + ch.opened().size();
        b.codes = Arrays.copyOf(codes, cap);
        b.names = Arrays.copyOf(names, cap);
        b.levels = Arrays.copyOf(levels, cap);
        b.codeNumbers = Arrays.copyOf(codeNumbers, cap);
        b.regionByCode = new HashMap<>(regionByCode);
        int n = n0;
        for (RegionRow r : ch.opened()) {
            Integer i = b.regionByCode.get(r.code());
            if (i == null) {
                i = n++;
                b.regionByCode.put(r.code(), i);
                b.codes[i] = r.code();
                b.codeNumbers[i] = Long.parseLong(r.code());
            }
            b.names[i] = r.name();
            b.levels[i] = r.level();
        }
        b.codes = Arrays.copyOf(b.codes, n);
        b.names = Arrays.copyOf(b.names, n);
        b.levels = Arrays.copyOf(b.levels, n);
        b.codeNumbers = Arrays.copyOf(b.codeNumbers, n);
        b.parents = Arrays.copyOf(parents, n);
        for (int i = n0; i < n; i++) {
            b.parents[i] = -1;
        }
        for (RegionRow r : ch.opened()) {
            int i = b.regionByCode.get(r.code());
            Integer p = r.parentCode() == null ? Integer.valueOf(-1) : b.regionByCode.get(r.parentCode());
            if (p == null || (i < n0 && parents[i] != p)) {
                return null; // an unknown parent, or a region that changed parent: rebuild
            }
            b.parents[i] = p;
        }
        // micro-grids: the replaced ones die, the opened ones are appended
        Map<Integer, Integer> liveMicro = new HashMap<>(microRegion.length * 2);
        for (int m = 0; m < microRegion.length; m++) {
            if (dead == null || !dead[m]) {
                liveMicro.put(microRegion[m], m);
            }
        }
        List<RegionRow> newMicro = new ArrayList<>();
        for (RegionRow r : ch.opened()) {
            if (r.level() == Level.MICROGRID) {
                if (ch.geometries().get(r.code()) == null) {
                    return null;
                }
                newMicro.add(r);
            }
        }
        newMicro.sort((x, y) -> x.code().compareTo(y.code()));
        int m0 = microRegion.length;
        int m1 = m0 + newMicro.size();
        b.dead = dead == null ? new boolean[m1] : Arrays.copyOf(dead, m1);
        Envelope box = new Envelope();
        java.util.Set<String> replaced = new java.util.HashSet<>(ch.closed());
        newMicro.forEach(r -> replaced.add(r.code()));
        for (String code : replaced) {
            Integer r = regionByCode.get(code);
            Integer m = r == null ? null : liveMicro.get(r);
            if (m != null) {
                b.dead[m] = true;
                box.expandToInclude(new Envelope(microBoxes[m * 4], microBoxes[m * 4 + 2], microBoxes[m * 4 + 1], microBoxes[m * 4 + 3]));
            }
        }
        int points = 0;
        int polysAdded = 0;
        int ringsAdded = 0;
        for (RegionRow r : newMicro) {
            MultiPolygon g = ch.geometries().get(r.code());
            points += g.getNumPoints();
            polysAdded += g.getNumGeometries();
            for (int p = 0; p < g.getNumGeometries(); p++) {
                ringsAdded += 1 + ((Polygon) g.getGeometryN(p)).getNumInteriorRing();
            }
            box.expandToInclude(g.getEnvelopeInternal());
        }
        b.microRegion = Arrays.copyOf(microRegion, m1);
        b.ancestors = Arrays.copyOf(ancestors, m1 * LEVELS);
        b.xs = Arrays.copyOf(xs, xs.length + points);
        b.ys = Arrays.copyOf(ys, ys.length + points);
        // microPolys[m0] is the end of the old polygons = polyRings' last entry (a sentinel); extend all three
        b.microPolys = Arrays.copyOf(microPolys, m1 + 1);
        b.polyRings = Arrays.copyOf(polyRings, polyRings.length + polysAdded);
        b.ringPoints = Arrays.copyOf(ringPoints, ringPoints.length + ringsAdded);
        b.microBoxes = Arrays.copyOf(microBoxes, m1 * 4);
        int poly = microPolys[m0];
        int ring = polyRings[poly];
        int pt = ringPoints[ring];
        for (int k = 0; k < newMicro.size(); k++) {
            int m = m0 + k;
            RegionRow r = newMicro.get(k);
            int region = b.regionByCode.get(r.code());
            b.microRegion[m] = region;
            for (int x = region; x >= 0; x = b.parents[x]) {
                b.ancestors[m * LEVELS + b.levels[x].ordinal()] = x;
            }
            MultiPolygon g = ch.geometries().get(r.code());
            b.microPolys[m] = poly;
            int first = pt;
            for (int p = 0; p < g.getNumGeometries(); p++) {
                Polygon pg = (Polygon) g.getGeometryN(p);
                b.polyRings[poly++] = ring;
                for (int q = -1; q < pg.getNumInteriorRing(); q++) {
                    LinearRing lr = q < 0 ? pg.getExteriorRing() : pg.getInteriorRingN(q);
                    b.ringPoints[ring++] = pt;
                    var seq = lr.getCoordinateSequence();
                    for (int i = 0; i < seq.size(); i++) {
                        b.xs[pt] = seq.getX(i);
                        b.ys[pt] = seq.getY(i);
                        pt++;
                    }
                }
            }
            boxOf(m, first, pt, b.xs, b.ys, b.microBoxes);
        }
        b.microPolys[m1] = poly;
        b.polyRings[poly] = ring;
        b.ringPoints[ring] = pt;
        // the raster keeps its frame; only the cells over the changed extent are classified again
        b.minX = minX;
        b.minY = minY;
        b.cellW = cellW;
        b.cellH = cellH;
        b.nx = nx;
        b.ny = ny;
        b.cells = cells.clone();
        b.candStart = candStart;
        b.cand = cand;
        b.boundaryCells = boundaryCells;
        if (!box.isNull()) {
            if (box.getMinX() < minX || box.getMinY() < minY || box.getMaxX() >= minX + nx * cellW || box.getMaxY() >= minY + ny * cellH) {
                return null;
            }
            b.reclassify(box);
        }
        // grid geometries for distances and neighbours
        b.gridGeomsByRegion = new HashMap<>(gridGeoms);
        for (String code : ch.closed()) {
            Integer r = regionByCode.get(code);
            if (r != null && levels[r] == Level.GRID) {
                b.gridGeomsByRegion.remove(r);
            }
        }
        for (RegionRow r : ch.opened()) {
            if (r.level() == Level.GRID) {
                MultiPolygon g = ch.geometries().get(r.code());
                if (g == null) {
                    return null;
                }
                b.gridGeomsByRegion.put(b.regionByCode.get(r.code()), g);
            }
        }
        b.gridTree = new STRtree();
        b.gridGeomsByRegion.forEach((r, g) -> b.gridTree.insert(g.getEnvelopeInternal(), r));
        b.gridTree.build();
        return new GridIndex(b);
    }

    // ---------------------------------------------------------------- building

    /** Collects regions and micro-grid geometries, then {@link #build()}s the index. Not thread-safe. */
    public static final class Builder {
        private final long version;
        private final double cellSize;
        int generation;
        int patches;
        int[] parents;
        double[] microBoxes;
        boolean[] dead;
        private final List<RegionRow> regions = new ArrayList<>();
        private final Map<String, MultiPolygon> microGeoms = new HashMap<>();
        private final Map<String, MultiPolygon> gridGeoms = new HashMap<>();
        Map<Integer, MultiPolygon> gridGeomsByRegion = new HashMap<>();
        STRtree gridTree = new STRtree();
        // filled by build()
        String[] codes;
        String[] names;
        Level[] levels;
        long[] codeNumbers;
        Map<String, Integer> regionByCode;
        int[] microRegion;
        int[] ancestors;
        int[] microPolys;
        int[] polyRings;
        int[] ringPoints;
        double[] xs;
        double[] ys;
        double minX;
        double minY;
        double cellW;
        double cellH;
        int nx;
        int ny;
        int[] cells;
        int[] candStart;
        int[] cand;
        int boundaryCells;
        long[] buildNanos;

        /**
         * @param version  the region version the data comes from
         * @param cellSize raster cell size in degrees (e.g. 0.0002 ≈ 20 m)
         */
        public Builder(long version, double cellSize) {
            this.version = version;
            this.cellSize = cellSize;
        }

        /** The generation the regions come from. */
        public Builder generation(int g) {
            this.generation = g;
            return this;
        }

        public Builder region(RegionRow r) {
            regions.add(r);
            return this;
        }

        public Builder microgridGeometry(String code, MultiPolygon geom) {
            microGeoms.put(code, geom);
            return this;
        }

        public Builder gridGeometry(String code, MultiPolygon geom) {
            gridGeoms.put(code, geom);
            return this;
        }

        public GridIndex build() {
            long t0 = System.nanoTime();
            indexRegions();
            for (var e : gridGeoms.entrySet()) {
                Integer r = regionByCode.get(e.getKey());
                if (r != null) {
                    gridGeomsByRegion.put(r, e.getValue());
                    gridTree.insert(e.getValue().getEnvelopeInternal(), r);
                }
            }
            gridTree.build();
            long t1 = System.nanoTime();
            flattenGeometry();
            long t2 = System.nanoTime();
            raster();
            buildNanos = new long[] {t1 - t0, t2 - t1, System.nanoTime() - t2};
            return new GridIndex(this);
        }

        private void indexRegions() {
            int n = regions.size();
            codes = new String[n];
            names = new String[n];
            levels = new Level[n];
            codeNumbers = new long[n];
            regionByCode = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                RegionRow r = regions.get(i);
                codes[i] = r.code();
                names[i] = r.name();
                levels[i] = r.level();
                codeNumbers[i] = Long.parseLong(r.code());
                regionByCode.put(r.code(), i);
            }
            parents = new int[n];
            for (int i = 0; i < n; i++) {
                String parent = regions.get(i).parentCode();
                Integer p = parent == null ? null : regionByCode.get(parent);
                parents[i] = p == null ? -1 : p;
            }
            List<Integer> micro = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (levels[i] == Level.MICROGRID && microGeoms.containsKey(codes[i])) {
                    micro.add(i);
                }
            }
            micro.sort((a, b) -> codes[a].compareTo(codes[b]));
            microRegion = micro.stream().mapToInt(Integer::intValue).toArray();
            ancestors = new int[microRegion.length * LEVELS];
            for (int m = 0; m < microRegion.length; m++) {
                int r = microRegion[m];
                while (true) {
                    ancestors[m * LEVELS + levels[r].ordinal()] = r;
                    String parent = regions.get(r).parentCode();
                    if (parent == null) {
                        break;
                    }
                    Integer p = regionByCode.get(parent);
                    if (p == null) {
                        throw new IllegalStateException("region " + codes[r] + " names a parent " + parent + " that does not exist");
                    }
                    r = p;
                }
            }
        }

        private void flattenGeometry() {
            List<Integer> polys = new ArrayList<>();
            List<Integer> rings = new ArrayList<>();
            int totalPoints = 0;
            for (int m : microRegion) {
                totalPoints += microGeoms.get(codes[m]).getNumPoints();
            }
            xs = new double[totalPoints];
            ys = new double[totalPoints];
            microPolys = new int[microRegion.length + 1];
            int pt = 0;
            for (int mi = 0; mi < microRegion.length; mi++) {
                MultiPolygon g = microGeoms.get(codes[microRegion[mi]]);
                microPolys[mi] = polys.size();
                for (int p = 0; p < g.getNumGeometries(); p++) {
                    Polygon poly = (Polygon) g.getGeometryN(p);
                    polys.add(rings.size());
                    for (int r = -1; r < poly.getNumInteriorRing(); r++) {
                        LinearRing ring = r < 0 ? poly.getExteriorRing() : poly.getInteriorRingN(r);
                        rings.add(pt);
                        var seq = ring.getCoordinateSequence();
                        for (int i = 0; i < seq.size(); i++) {
                            xs[pt] = seq.getX(i);
                            ys[pt] = seq.getY(i);
                            pt++;
                        }
                    }
                }
            }
            microPolys[microRegion.length] = polys.size();
            polys.add(rings.size());
            rings.add(pt);
            polyRings = polys.stream().mapToInt(Integer::intValue).toArray();
            ringPoints = rings.stream().mapToInt(Integer::intValue).toArray();
            microBoxes = new double[microRegion.length * 4];
            for (int mi = 0; mi < microRegion.length; mi++) {
                boxOf(mi, ringPoints[polyRings[microPolys[mi]]], ringPoints[polyRings[microPolys[mi + 1]]], xs, ys, microBoxes);
            }
        }

        private void raster() {
            Envelope env = new Envelope();
            for (int i = 0; i < xs.length; i++) {
                env.expandToInclude(xs[i], ys[i]);
            }
            if (env.isNull()) {
                env = new Envelope(0, 1, 0, 1);
            }
            env.expandBy(cellSize);
            minX = env.getMinX();
            minY = env.getMinY();
            nx = Math.max(1, (int) Math.ceil(env.getWidth() / cellSize));
            ny = Math.max(1, (int) Math.ceil(env.getHeight() / cellSize));
            cellW = env.getWidth() / nx;
            cellH = env.getHeight() / ny;
            int ncells = nx * ny;
            int[] count = new int[ncells];
            int[] last = new int[ncells];
            Arrays.fill(last, -1);
            // pass 1: how many micro-grids touch each cell; pass 2: which
            for (int pass = 0; pass < 2; pass++) {
                if (pass == 1) {
                    candStart = new int[ncells + 1];
                    int k = 0;
                    for (int c = 0; c < ncells; c++) {
                        if (count[c] > 0) {
                            k++;
                        }
                    }
                    boundaryCells = k;
                    cells = new int[ncells];
                    candStart = new int[k + 1];
                    int off = 0;
                    int b = 0;
                    for (int c = 0; c < ncells; c++) {
                        if (count[c] > 0) {
                            cells[c] = -(b + 2);
                            candStart[b] = off;
                            off += count[c];
                            b++;
                        } else {
                            cells[c] = Integer.MIN_VALUE; // not yet classified
                        }
                    }
                    candStart[k] = off;
                    cand = new int[off];
                    Arrays.fill(count, 0);
                    Arrays.fill(last, -1);
                }
                for (int m = 0; m < microRegion.length; m++) {
                    for (int p = microPolys[m]; p < microPolys[m + 1]; p++) {
                        for (int r = polyRings[p]; r < polyRings[p + 1]; r++) {
                            for (int i = ringPoints[r]; i < ringPoints[r + 1] - 1; i++) {
                                markSegment(xs[i], ys[i], xs[i + 1], ys[i + 1], m, pass, count, last);
                            }
                        }
                    }
                }
            }
            long t = System.nanoTime();
            classifyUntouchedCells();
            classifyNanos = System.nanoTime() - t;
        }
        long classifyNanos;

        private void markSegment(double x1, double y1, double x2, double y2, int m, int pass, int[] count, int[] last) {
            markSegmentIn(x1, y1, x2, y2, m, pass, count, last, 0, nx - 1, 0, ny - 1);
        }

        /**
         * Classifies again the cells over {@code change} (grown by a cell and {@link #EPSILON}) from the live
         * micro-grids whose box meets them: the same marking and the same exact test a full build makes, with the new
         * candidate lists appended to the old arrays.
         */
        void reclassify(Envelope change) {
            int bx0 = clamp((int) Math.floor((change.getMinX() - EPSILON - minX) / cellW) - 1, nx);
            int bx1 = clamp((int) Math.floor((change.getMaxX() + EPSILON - minX) / cellW) + 1, nx);
            int by0 = clamp((int) Math.floor((change.getMinY() - EPSILON - minY) / cellH) - 1, ny);
            int by1 = clamp((int) Math.floor((change.getMaxY() + EPSILON - minY) / cellH) + 1, ny);
            double ex0 = minX + bx0 * cellW - EPSILON;
            double ex1 = minX + (bx1 + 1) * cellW + EPSILON;
            double ey0 = minY + by0 * cellH - EPSILON;
            double ey1 = minY + (by1 + 1) * cellH + EPSILON;
            List<Integer> near = new ArrayList<>();
            for (int m = 0; m < microRegion.length; m++) {
                if ((dead == null || !dead[m]) && microBoxes[m * 4] <= ex1 && microBoxes[m * 4 + 2] >= ex0 && microBoxes[m * 4 + 1] <= ey1
                        && microBoxes[m * 4 + 3] >= ey0) {
                    near.add(m);
                }
            }
            int w = bx1 - bx0 + 1;
            int h = by1 - by0 + 1;
            int[] count = new int[w * h];
            int[] last = new int[w * h];
            int oldK = candStart.length - 1;
            int before = 0;
            for (int y = by0; y <= by1; y++) {
                for (int x = bx0; x <= bx1; x++) {
                    if (cells[y * nx + x] <= -2) {
                        before++;
                    }
                }
            }
            for (int pass = 0; pass < 2; pass++) {
                Arrays.fill(last, -1);
                if (pass == 1) {
                    int k = 0;
                    int total = 0;
                    for (int c = 0; c < count.length; c++) {
                        if (count[c] > 0) {
                            k++;
                            total += count[c];
                        }
                    }
                    int[] starts = Arrays.copyOf(candStart, oldK + k + 1);
                    int[] values = Arrays.copyOf(cand, cand.length + total);
                    int off = cand.length;
                    int bi = oldK;
                    for (int y = by0; y <= by1; y++) {
                        for (int x = bx0; x <= bx1; x++) {
                            int c = (y - by0) * w + (x - bx0);
                            if (count[c] > 0) {
                                cells[y * nx + x] = -(bi + 2);
                                starts[bi] = off;
                                off += count[c];
                                bi++;
                            } else {
                                cells[y * nx + x] = Integer.MIN_VALUE;
                            }
                        }
                    }
                    starts[bi] = off;
                    candStart = starts;
                    cand = values;
                    boundaryCells = boundaryCells - before + k;
                    Arrays.fill(count, 0);
                }
                for (int m : near) {
                    for (int p = microPolys[m]; p < microPolys[m + 1]; p++) {
                        for (int r = polyRings[p]; r < polyRings[p + 1]; r++) {
                            for (int i = ringPoints[r]; i < ringPoints[r + 1] - 1; i++) {
                                markSegmentIn(xs[i], ys[i], xs[i + 1], ys[i + 1], m, pass, count, last, bx0, bx1, by0, by1);
                            }
                        }
                    }
                }
            }
            GridIndex probe = new GridIndex(this);
            for (int y = by0; y <= by1; y++) {
                for (int x = bx0; x <= bx1; x++) {
                    if (cells[y * nx + x] == Integer.MIN_VALUE) {
                        double cx = minX + (x + 0.5) * cellW;
                        double cy = minY + (y + 0.5) * cellH;
                        int owner = OUTSIDE;
                        for (int m : near) {
                            if (microBoxes[m * 4] <= cx && cx <= microBoxes[m * 4 + 2] && microBoxes[m * 4 + 1] <= cy && cy <= microBoxes[m * 4 + 3]
                                    && probe.pip(m, cx, cy) > 0) {
                                owner = m;
                                break;
                            }
                        }
                        cells[y * nx + x] = owner;
                    }
                }
            }
        }

        /**
         * Marks the cells (of the box bx0..bx1, by0..by1; the whole raster for a full build) that a segment, widened
         * by {@link #EPSILON}, touches: pass 0 counts micro-grids per cell, pass 1 fills the candidate lists. Counts
         * are per box cell.
         */
        private void markSegmentIn(double x1, double y1, double x2, double y2, int m, int pass, int[] count, int[] last, int bx0, int bx1, int by0,
                int by1) {
            double sxMin = Math.min(x1, x2) - EPSILON;
            double sxMax = Math.max(x1, x2) + EPSILON;
            double syMin = Math.min(y1, y2) - EPSILON;
            double syMax = Math.max(y1, y2) + EPSILON;
            if (sxMax < minX + bx0 * cellW || sxMin > minX + (bx1 + 1) * cellW || syMax < minY + by0 * cellH || syMin > minY + (by1 + 1) * cellH) {
                return;
            }
            int w = bx1 - bx0 + 1;
            int ix0 = Math.max(bx0, clamp((int) Math.floor((sxMin - minX) / cellW), nx));
            int ix1 = Math.min(bx1, clamp((int) Math.floor((sxMax - minX) / cellW), nx));
            for (int ix = ix0; ix <= ix1; ix++) {
                double cx0 = Math.max(sxMin, minX + ix * cellW);
                double cx1 = Math.min(sxMax, minX + (ix + 1) * cellW);
                double ya;
                double yb;
                if (x1 == x2) {
                    ya = y1;
                    yb = y2;
                } else {
                    double t0 = (cx0 - x1) / (x2 - x1);
                    double t1 = (cx1 - x1) / (x2 - x1);
                    t0 = Math.max(0, Math.min(1, t0));
                    t1 = Math.max(0, Math.min(1, t1));
                    ya = y1 + t0 * (y2 - y1);
                    yb = y1 + t1 * (y2 - y1);
                }
                double lo = Math.min(ya, yb) - EPSILON - 1e-12 * Math.abs(y2 - y1);
                double hi = Math.max(ya, yb) + EPSILON + 1e-12 * Math.abs(y2 - y1);
                int iy0 = Math.max(by0, clamp((int) Math.floor((lo - minY) / cellH), ny));
                int iy1 = Math.min(by1, clamp((int) Math.floor((hi - minY) / cellH), ny));
                for (int iy = iy0; iy <= iy1; iy++) {
                    int c = (iy - by0) * w + (ix - bx0);
                    if (last[c] == m) {
                        continue;
                    }
                    last[c] = m;
                    if (pass == 0) {
                        count[c]++;
                    } else {
                        int bi = -(cells[iy * nx + ix] + 2);
                        cand[candStart[bi] + count[c]++] = m;
                    }
                }
            }
        }

        private static int clamp(int i, int n) {
            return Math.max(0, Math.min(n - 1, i));
        }

        /**
         * Classifies the cells no edge touches, row by row: a run of such cells takes the answer of a run it touches in
         * the row above (4-adjacent untouched cells lie in the same micro-grid), otherwise one exact test at the centre
         * of its first cell decides.
         */
        private void classifyUntouchedCells() {
            STRtree tree = new STRtree();
            for (int m = 0; m < microRegion.length; m++) {
                Envelope e = new Envelope();
                for (int i = ringPoints[polyRings[microPolys[m]]]; i < ringPoints[polyRings[microPolys[m + 1]]]; i++) {
                    e.expandToInclude(xs[i], ys[i]);
                }
                tree.insert(e, m);
            }
            tree.build();
            GridIndex probe = new GridIndex(this);
            for (int y = 0; y < ny; y++) {
                int row = y * nx;
                int x = 0;
                while (x < nx) {
                    if (cells[row + x] != Integer.MIN_VALUE) {
                        x++;
                        continue;
                    }
                    int x0 = x;
                    while (x < nx && cells[row + x] == Integer.MIN_VALUE) {
                        x++;
                    }
                    int owner = Integer.MIN_VALUE;
                    if (y > 0) {
                        for (int k = row - nx + x0; k < row - nx + x; k++) {
                            if (cells[k] >= OUTSIDE) {
                                owner = cells[k];
                                break;
                            }
                        }
                    }
                    if (owner == Integer.MIN_VALUE) {
                        owner = ownerAt(minX + (x0 + 0.5) * cellW, minY + (y + 0.5) * cellH, tree, probe);
                    }
                    java.util.Arrays.fill(cells, row + x0, row + x, owner);
                }
            }
        }

        private static int ownerAt(double cx, double cy, STRtree tree, GridIndex probe) {
            for (Object o : tree.query(new Envelope(cx, cx, cy, cy))) {
                int m = (Integer) o;
                if (probe.pip(m, cx, cy) > 0) {
                    return m;
                }
            }
            return OUTSIDE;
        }
    }
}
