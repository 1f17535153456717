package cn.gridmap.lookup;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import cn.gridmap.GridmapConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The current {@link GridIndex}, built at start (after the city is loaded) and rebuilt whenever the region table
 * changes: a statement-level trigger announces every change on {@code gridmap_region_changed}; this bean LISTENs on a
 * connection of its own, so changes made by any replica or directly in the database reach every replica. A rebuilt
 * index replaces the old one in one atomic swap: a lookup sees the old index or the new one, never half of either.
 * Rebuild requests that arrive during a rebuild are coalesced into one more rebuild.
 */
@ApplicationScoped
public class LiveGridIndex {
    private static final Logger LOG = Logger.getLogger(LiveGridIndex.class);
    static final String CHANNEL = "gridmap_region_changed";

    private final DataSource dataSource;
    private final GridmapConfig.Lookup config;
    private final String url;
    private final String user;
    private final String password;
    private final AtomicReference<GridIndex> current = new AtomicReference<>();
    private final AtomicBoolean rebuildPending = new AtomicBoolean();
    private final ExecutorService rebuilder = Executors.newSingleThreadExecutor(r -> daemon(r, "gridmap-index-rebuild"));
    private volatile boolean running = true;
    private Thread listener;

    public LiveGridIndex(DataSource dataSource, GridmapConfig config, @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.dataSource = dataSource;
        this.config = config.lookup();
        this.url = url;
        this.user = user.orElse(null);
        this.password = password.orElse("");
    }

    /** Runs after {@code CityLoader} (default priority), so the city is in the database. */
    void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 600) StartupEvent e) throws SQLException {
        rebuild();
        listener = new Thread(this::listen, "gridmap-index-listen");
        listener.setDaemon(true);
        listener.start();
    }

    void onStop(@Observes ShutdownEvent e) {
        running = false;
        rebuilder.shutdownNow();
        if (listener != null) {
            listener.interrupt();
        }
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

    /** Builds a new index from the database and swaps it in. */
    public synchronized GridIndex rebuild() throws SQLException {
        long t0 = System.nanoTime();
        GridIndex next;
        try (Connection c = dataSource.getConnection()) {
            next = GridIndexLoader.load(c, config.cellSizeDegrees());
        }
        GridIndex previous = current.getAndSet(next);
        LOG.infof("lookup index version %d built in %d ms (%s): %d micro-grids, %d cells (%d tested exactly), ~%d MB%s",
                next.version(), (System.nanoTime() - t0) / 1_000_000, next.buildTimes(), next.microgridCount(), next.cellCount(),
                next.boundaryCellCount(), next.approximateBytes() >> 20, previous == null ? "" : " (replaced version " + previous.version() + ")");
        return next;
    }

    /** Asks for a rebuild soon; requests during a rebuild coalesce into one. */
    public void requestRebuild() {
        if (rebuildPending.compareAndSet(false, true)) {
            rebuilder.submit(() -> {
                rebuildPending.set(false);
                try {
                    rebuild();
                } catch (Exception ex) {
                    LOG.error("lookup index rebuild failed; keeping the previous index", ex);
                }
            });
        }
    }

    private void listen() {
        long backoff = 500;
        while (running) {
            try (Connection c = user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password)) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                if (backoff > 500) {
                    requestRebuild(); // notifications may have been missed while disconnected
                }
                backoff = 500;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] n = pg.getNotifications(1000);
                    if (n != null && n.length > 0) {
                        long newest = 0;
                        for (PGNotification x : n) {
                            newest = Math.max(newest, parse(x.getParameter()));
                        }
                        if (newest != current().version()) {
                            requestRebuild();
                        }
                    }
                }
            } catch (SQLException ex) {
                if (!running) {
                    return;
                }
                LOG.warnf("lookup index listener lost its connection (%s); retrying in %d ms", ex.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(30_000, backoff * 2);
            }
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
