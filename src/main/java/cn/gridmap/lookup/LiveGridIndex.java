package cn.gridmap.lookup;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

import cn.gridmap.GridmapConfig;
import cn.gridmap.notify.PgListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The current {@link GridIndex}, built at start (after the city is loaded) and rebuilt whenever the region table
 * changes: a statement-level trigger announces every change on {@code gridmap_region_changed}, which this bean hears
 * through {@link PgListener}, so changes made by any replica or directly in the database reach every replica. A rebuilt
 * index replaces the old one in one atomic swap: a lookup sees the old index or the new one, never half of either.
 * Rebuild requests that arrive during a rebuild are coalesced into one more rebuild.
 */
@ApplicationScoped
public class LiveGridIndex {
    private static final Logger LOG = Logger.getLogger(LiveGridIndex.class);
    static final String CHANNEL = "gridmap_region_changed";

    private final DataSource dataSource;
    private final GridmapConfig.Lookup config;
    private final PgListener listener;
    private final AtomicReference<GridIndex> current = new AtomicReference<>();
    private final AtomicBoolean rebuildPending = new AtomicBoolean();
    private final ExecutorService rebuilder = Executors.newSingleThreadExecutor(r -> daemon(r, "gridmap-index-rebuild"));

    private final Timer rebuilds;
    private final Timer patches;

    public LiveGridIndex(DataSource dataSource, GridmapConfig config, PgListener listener, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.config = config.lookup();
        this.listener = listener;
        this.rebuilds = Timer.builder("gridmap.lookup.index.rebuild")
                .description("time to build the lookup index from the database and swap it in").register(metrics);
        this.patches = Timer.builder("gridmap.lookup.index.patch")
                .description("time to patch a published generation's changes into the lookup index").register(metrics);
        Gauge.builder("gridmap.lookup.index.version", current, i -> i.get() == null ? Double.NaN : i.get().version())
                .description("the region version the in-memory index answers for").register(metrics);
        Gauge.builder("gridmap.lookup.index.microgrids", current,
                i -> i.get() == null ? Double.NaN : i.get().microgridCount()).register(metrics);
        Gauge.builder("gridmap.lookup.index.bytes", current,
                i -> i.get() == null ? Double.NaN : i.get().approximateBytes()).baseUnit("bytes").register(metrics);
    }

    /** Runs after {@code CityLoader} (default priority), so the city is in the database. */
    void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 600) StartupEvent e) throws SQLException {
        rebuild();
        listener.subscribe(CHANNEL, new PgListener.Subscriber() {
            @Override
            public void notified(String payload) {
                if (parse(payload) != current().version()) {
                    requestRebuild();
                }
            }

            @Override
            public void missed() {
                requestRebuild();
            }
        });
    }

    void onStop(@Observes ShutdownEvent e) {
        rebuilder.shutdownNow();
    }

    /** The index lookups use now (never null after start). */
    public GridIndex current() {
        GridIndex i = current.get();
        if (i == null) {
            throw new IllegalStateException("the lookup index is not built yet");
        }
        return i;
    }

    public boolean isReady() {
        return current.get() != null;
    }

    /**
     * Brings the index up to date: when generations were published since it was built, only their changes are
     * patched in (the cells over the changed micro-grids); otherwise, or when a patch cannot answer, a full build.
     */
    /** More regions than this in the generations since the index was built: a full build, not a patch. */
    static final int PATCH_LIMIT = 200;

    public synchronized GridIndex refresh() throws SQLException {
        GridIndex now = current.get();
        if (now != null && now.generation() > 0) {
            long t0 = System.nanoTime();
            try (Connection c = dataSource.getConnection()) {
                if (GridIndexLoader.version(c) == now.version()) {
                    return now; // a late notice of a change already in
                }
                if (GridIndexLoader.generation(c) > now.generation()) {
                    GridIndex.Change ch = GridIndexLoader.changes(c, now.generation());
                    // a patch reclassifies the cells under the changes' extent: for changes all over the city (the
                    // synthetic city's 专属网格: 732 regions) that took minutes where a full build takes a second or two
                    GridIndex next = ch.opened().size() + ch.closed().size() > PATCH_LIMIT ? null : now.patch(ch);
                    if (next != null) {
                        current.set(next);
                        long took = System.nanoTime() - t0;
                        patches.record(took, java.util.concurrent.TimeUnit.NANOSECONDS);
                        LOG.infof("lookup index version %d patched to generation %d in %d ms: %d regions opened, %d closed (replaced version %d)",
                                next.version(), next.generation(), took / 1_000_000, ch.opened().size(), ch.closed().size(), now.version());
                        return next;
                    }
                }
            }
        }
        return rebuild();
    }

    /** Builds a new index from the database and swaps it in. */
    public synchronized GridIndex rebuild() throws SQLException {
        long t0 = System.nanoTime();
        GridIndex next;
        try (Connection c = dataSource.getConnection()) {
            next = GridIndexLoader.load(c, config.cellSizeDegrees());
        }
        GridIndex previous = current.getAndSet(next);
        long took = System.nanoTime() - t0;
        rebuilds.record(took, java.util.concurrent.TimeUnit.NANOSECONDS);
        LOG.infof("lookup index version %d built in %d ms (%s): %d micro-grids, %d cells (%d tested exactly), ~%d MB%s",
                next.version(), took / 1_000_000, next.buildTimes(), next.microgridCount(), next.cellCount(),
                next.boundaryCellCount(), next.approximateBytes() >> 20, previous == null ? "" : " (replaced version " + previous.version() + ")");
        return next;
    }

    /** Indexes of past generations for asOf batches, built on demand (the two last asked for are kept). */
    private final java.util.Map<Integer, GridIndex> past = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Integer, GridIndex> eldest) {
            return size() > 2;
        }
    });

    /**
     * The index that answers for a day: the current one, or an index of the generation then in force (built the
     * first time, about a second for the whole city). {@code regions} resolves the day.
     */
    public GridIndex at(java.time.LocalDate day, cn.gridmap.region.RegionService regions) throws SQLException {
        GridIndex now = current();
        try (Connection c = dataSource.getConnection()) {
            int g = regions.generationAt(c, day);
            if (g == 0) {
                throw cn.gridmap.web.ApiException.notFound("no generation was in force on " + day);
            }
            if (g == now.generation()) {
                return now;
            }
            GridIndex idx = past.get(g);
            if (idx == null) {
                idx = GridIndexLoader.loadGeneration(c, config.cellSizeDegrees(), g);
                past.put(g, idx);
            }
            return idx;
        }
    }

    /** Asks for a rebuild soon; requests during a rebuild coalesce into one. */
    public void requestRebuild() {
        if (rebuildPending.compareAndSet(false, true)) {
            rebuilder.submit(() -> {
                rebuildPending.set(false);
                try {
                    refresh();
                } catch (Exception ex) {
                    LOG.error("lookup index rebuild failed; keeping the previous index", ex);
                }
            });
        }
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
