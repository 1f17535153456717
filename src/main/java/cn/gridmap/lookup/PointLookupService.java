package cn.gridmap.lookup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import cn.gridmap.GridmapConfig;
import cn.gridmap.geo.Coordinates;
import cn.gridmap.geo.InputCrs;
import cn.gridmap.region.Level;
import cn.gridmap.region.RegionService;
import cn.gridmap.region.RegionRecord.RegionRef;
import cn.gridmap.web.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Point → regions, by the in-memory {@link GridIndex} (default) or by PostGIS {@code ST_Covers} ({@code engine=postgis},
 * the operational fallback and the reference the engine is tested against: one indexed statement, the best SQL we
 * could write for the same answer).
 *
 * <p>Shared-edge rule (both engines): a point on the boundary between regions belongs, at each level, to the
 * covering region with the lowest code among the children of the region chosen one level up (city first). Every
 * level therefore names exactly one region and the answer is always a consistent chain.
 */
@ApplicationScoped
public class PointLookupService {
    public static final String MEMORY = "memory";
    public static final String POSTGIS = "postgis";

    private final DataSource dataSource;
    private final LiveGridIndex index;
    private final GridmapConfig.Lookup config;
    private final RegionService regions;

    private final ExecutorService postgisThreads;

    private final Counter memoryLookups;
    private final Counter postgisLookups;

    public PointLookupService(cn.gridmap.notify.ReplicaReads dataSource, LiveGridIndex index, GridmapConfig config, RegionService regions,
            MeterRegistry metrics) {
        this.regions = regions;
        this.memoryLookups = metrics.counter("gridmap.lookups", "engine", MEMORY);
        this.postgisLookups = metrics.counter("gridmap.lookups", "engine", POSTGIS);
        this.dataSource = dataSource;
        this.index = index;
        this.config = config.lookup();
        int n = this.config.postgisThreads() > 0 ? this.config.postgisThreads() : 2 * Runtime.getRuntime().availableProcessors();
        AtomicInteger k = new AtomicInteger();
        this.postgisThreads = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "gridmap-postgis-lookup-" + k.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Where {@code engine=postgis} requests run (bounded: as many statements at once as the engine has threads). */
    Executor postgisExecutor() {
        return postgisThreads;
    }

    @PreDestroy
    void stop() {
        postgisThreads.shutdownNow();
    }

    /** A parsed request: the point in WGS84 and the options. */
    /** {@code asOf}: the day whose generation answers (null: now). */
    public record Query(InputCrs crs, double x, double y, double lon, double lat, Level level, String engine, LocalDate asOf) {
        /** Answered by SQL on a worker thread (the PostGIS engine, or a past generation). */
        public boolean blocking() {
            return engine.equals(POSTGIS) || asOf != null;
        }
    }

    /** Validates a request; every problem is a 400 with its reason. */
    public Query parse(String crsId, String coords, String engine, String level, String asOf) {
        InputCrs crs = InputCrs.parse(crsId);
        double[] xy = Coordinates.parsePair(coords);
        double[] ll = crs.toWgs84(xy[0], xy[1]);
        if (!Double.isFinite(ll[0]) || !Double.isFinite(ll[1])) {
            throw ApiException.badRequest("x,y " + coords + " cannot be converted from crs " + crs.id() + " to WGS84");
        }
        Coordinates.checkLonLat(ll[0], ll[1]);
        String e = engine == null || engine.isBlank() ? MEMORY : engine.trim().toLowerCase(java.util.Locale.ROOT);
        if (!e.equals(MEMORY) && !e.equals(POSTGIS)) {
            throw ApiException.badRequest("engine must be memory or postgis, got '" + engine + "'");
        }
        Level l = null;
        if (level != null && !level.isBlank()) {
            l = Level.fromWire(level);
            if (l == null) {
                throw ApiException.badRequest("level must be one of city, district, street, community, grid, microgrid; got '" + level + "'");
            }
        }
        LocalDate day = asOf == null || asOf.isBlank() ? null : RegionService.day(asOf);
        return new Query(crs, xy[0], xy[1], ll[0], ll[1], l, e, day);
    }

    /** A batch ready to stream, and the version of the index it runs against (its ETag). */
    public record PreparedBatch(BatchLookup.Prepared body, long indexVersion) {
    }

    /** Prepares a streamed batch lookup against the index of {@code asOf} (default: the current one); input errors are a 400 here. */
    public PreparedBatch prepareBatch(java.io.InputStream body, String inFormat, String outFormat, String crs, String asOf) throws java.io.IOException {
        InputCrs c = InputCrs.parse(crs == null || crs.isBlank() ? "4326" : crs);
        GridIndex idx;
        if (asOf == null || asOf.isBlank()) {
            idx = index.current();
        } else {
            try {
                idx = index.at(RegionService.day(asOf), regions);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("the index of " + asOf + " could not be built: " + e.getMessage(), e);
            }
        }
        return new PreparedBatch(BatchLookup.prepare(body, inFormat, outFormat, c, idx), idx.version());
    }

    /** The regions covering a WGS84 point by the in-memory engine, city first; empty outside the city. */
    public List<RegionRef> chainAt(double lon, double lat) {
        GridIndex idx = index.current();
        return refs(idx, idx.chain(idx.locateMicro(lon, lat)));
    }

    private static List<RegionRef> refs(GridIndex idx, int[] regions) {
        List<RegionRef> out = new ArrayList<>(regions.length);
        for (int r : regions) {
            out.add(new RegionRef(idx.code(r), idx.name(r), idx.level(r).wireName()));
        }
        return out;
    }

    /**
     * Where an event at a WGS84 point goes (in-memory engine): the chain city … micro-grid, the distance to its grid's
     * edge, and the other grids within {@code meters} of the point, nearest first (empty when the point is farther than
     * that from every edge). Null outside the city.
     */
    public record Near(List<RegionRef> chain, double boundaryDistanceMeters, List<String> otherGrids, int generation) {
        public String gridCode() {
            return chain.get(Level.GRID.ordinal()).code();
        }

        public String microgridCode() {
            return chain.get(Level.MICROGRID.ordinal()).code();
        }

        public String districtCode() {
            return chain.get(Level.DISTRICT.ordinal()).code();
        }
    }

    public Near near(double lon, double lat, double meters) {
        GridIndex idx = index.current();
        int[] chain = idx.chain(idx.locateMicro(lon, lat));
        if (chain.length == 0) {
            return null;
        }
        memoryLookups.increment();
        int grid = chain[Level.GRID.ordinal()];
        double d = idx.boundaryDistanceMeters(grid, lon, lat);
        List<String> others = d <= meters ? idx.gridsWithin(lon, lat, meters, grid).stream().map(idx::code).toList() : List.of();
        return new Near(refs(idx, chain), round(d), others, idx.generation());
    }

    public PointLookupResult lookup(Query q) {
        Integer generation = q.asOf() == null ? null : regions.generationAt(q.asOf().toString());
        if (generation != null) { // a past generation: only the database has it
            postgisLookups.increment();
            return byPostgis(q, LookupSql.LOOKUP_AT, generation);
        }
        if (q.engine().equals(POSTGIS)) {
            postgisLookups.increment();
            return byPostgis(q, LookupSql.LOOKUP, null);
        }
        memoryLookups.increment();
        return byIndex(q);
    }

    private PointLookupResult byIndex(Query q) {
        GridIndex idx = index.current();
        int[] chain = idx.chain(idx.locateMicro(q.lon(), q.lat()));
        List<RegionRef> regions = refs(idx, chain);
        Double distance = null;
        Boolean near = null;
        List<RegionRef> neighbours = null;
        if (chain.length > 0) {
            int grid = chain[Level.GRID.ordinal()];
            distance = round(idx.boundaryDistanceMeters(grid, q.lon(), q.lat()));
            near = distance < config.nearBoundaryMeters();
            if (near) {
                neighbours = idx.gridsWithin(q.lon(), q.lat(), config.nearBoundaryMeters(), grid).stream()
                        .map(r -> new RegionRef(idx.code(r), idx.name(r), idx.level(r).wireName())).toList();
            }
        }
        return new PointLookupResult(q.crs().id(), q.x(), q.y(), q.lon(), q.lat(), filter(regions, q.level()), distance, near,
                neighbours, MEMORY, idx.version());
    }

    /** One prepared statement, one round trip ({@link LookupSql#LOOKUP}); the answer is shaped like the index's. */
    private PointLookupResult byPostgis(Query q, String sql, Integer generation) {
        List<RegionRef> regions = new ArrayList<>();
        List<RegionRef> around = new ArrayList<>();
        Double distance = null;
        long version = -1;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setDouble(1, q.lon());
            ps.setDouble(2, q.lat());
            ps.setDouble(3, config.nearBoundaryMeters());
            if (generation != null) {
                ps.setInt(4, generation);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    switch (rs.getInt(1)) {
                        case 0 -> regions.add(new RegionRef(rs.getString(3), rs.getString(4), rs.getString(5)));
                        case 1 -> distance = round(rs.getDouble(6));
                        case 2 -> around.add(new RegionRef(rs.getString(3), rs.getString(4), rs.getString(5)));
                        default -> version = (long) rs.getDouble(6);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostGIS lookup at " + q.lon() + "," + q.lat() + " failed: " + e.getMessage(), e);
        }
        Boolean near = distance == null ? null : distance < config.nearBoundaryMeters();
        List<RegionRef> neighbours = Boolean.TRUE.equals(near) ? around : null;
        return new PointLookupResult(q.crs().id(), q.x(), q.y(), q.lon(), q.lat(), filter(regions, q.level()), distance, near,
                neighbours, POSTGIS, version);
    }

    private static List<RegionRef> filter(List<RegionRef> chain, Level level) {
        return level == null ? chain : chain.stream().filter(r -> r.level().equals(level.wireName())).toList();
    }

    private static double round(double metres) {
        return Math.round(metres * 100) / 100.0;
    }
}
