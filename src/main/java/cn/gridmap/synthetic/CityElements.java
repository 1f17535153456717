package cn.gridmap.synthetic;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

import cn.gridmap.GridmapConfig;
import cn.gridmap.element.ElementSql;
import cn.gridmap.ingest.ImportJobs;
import cn.gridmap.ingest.Progress;
import cn.gridmap.lookup.LiveGridIndex;
import cn.gridmap.security.PersonalDataProtector;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Loads the synthetic city's elements once: on the first start (after the regions and the lookup index), when no
 * element is stored yet. One transaction under an advisory lock: the secondary indexes are dropped, every table is
 * filled with COPY, the indexes and the per-micro-grid statistics are rebuilt, then everything commits together —
 * a kill -9 at any point leaves no element behind, and the next start simply loads again.
 */
@ApplicationScoped
public class CityElements {
    private static final Logger LOG = Logger.getLogger(CityElements.class);
    private static final long LOAD_LOCK = 0x6772_6964_656c_6dL; // "gridelm"

    private final DataSource dataSource;
    private final GridmapConfig config;
    private final LiveGridIndex index;
    private final PersonalDataProtector protector;

    public CityElements(@io.quarkus.agroal.DataSource("owner") DataSource dataSource, GridmapConfig config, LiveGridIndex index,
            PersonalDataProtector protector) {
        this.dataSource = dataSource;
        this.config = config;
        this.index = index;
        this.protector = protector;
    }

    /** After {@link LiveGridIndex} (priority +600): the engine assigns every element its grid. */
    void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 700) StartupEvent e) throws SQLException {
        if (config.elements().loadOnStart()) {
            loadIfEmpty();
        }
    }

    /** @return rows stored per table, or an empty map when elements were already there */
    public Map<String, Long> loadIfEmpty() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (hasElements(c)) {
                LOG.info("city elements already loaded; skipping the synthetic city");
                return Map.of();
            }
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + LOAD_LOCK + ")");
                }
                if (hasElements(c)) {
                    c.rollback();
                    return Map.of();
                }
                double scale = config.elements().scale();
                long seed = config.city().seed();
                long t0 = System.nanoTime();
                Progress progress = new Progress("synthetic city");
                long job = ImportJobs.start(c, "synthetic-city", "SyntheticCity seed " + seed + " scale " + scale);
                LOG.infof("loading the synthetic city's people, houses, components, organisations and events (scale %s, seed %d) ...",
                        scale, seed);
                List<String> ddl = ElementSql.prepareFirstLoad(c);
                SyntheticCity city = SyntheticCity.read(c, seed, scale);
                SyntheticLoader loader = new SyntheticLoader(city, index.current(), protector, job, progress);
                loader.load(c, c.unwrap(PGConnection.class).getCopyAPI());
                progress.phase("indexes");
                ElementSql.restore(c, ddl);
                LOG.infof("synthetic city: %d keys, indexes and foreign keys rebuilt (%.1f s)", ddl.size(), progress.seconds());
                ElementSql.rebuildStats(c);
                ElementSql.advanceSequence(c);
                long stored = loader.counts.values().stream().mapToLong(Long::longValue).sum();
                ImportJobs.finish(c, job, "committed", stored, stored, 0, null);
                c.commit();
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    for (String t : ElementSql.TABLES) {
                        s.execute("ANALYZE " + t);
                    }
                    s.execute("ANALYZE microgrid_stats");
                }
                LOG.infof("synthetic city loaded in %.1f s: %s", (System.nanoTime() - t0) / 1e9, loader.counts);
                return loader.counts;
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            }
        }
    }

    private static boolean hasElements(Connection c) throws SQLException {
        // any element at all (imported ones too): the first load empties the tables, so it must never run over data
        try (PreparedStatement ps = c.prepareStatement(ElementSql.TABLES.stream().map(t -> "EXISTS (SELECT 1 FROM " + t + ")")
                .collect(java.util.stream.Collectors.joining(" OR ", "SELECT ", "")));
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
