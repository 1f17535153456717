package cn.gridmap.region;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.jboss.logging.Logger;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.WKBWriter;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import cn.gridmap.GridmapConfig;
import cn.gridmap.geo.Srid;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Loads the city into an empty database on start: reads geodata/, has {@link LowerLevels} derive the levels below the
 * districts and writes
 * everything with COPY in one transaction (all or nothing; a crash leaves no partial city). Replicas
 * starting together serialise on an advisory lock; a database that already holds regions is left alone,
 * so later starts take seconds.
 */
@ApplicationScoped
public class CityLoader {
    private static final Logger LOG = Logger.getLogger(CityLoader.class);
    private static final long LOAD_LOCK = 0x6772_6964_6d61_70L; // "gridmap"
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final GridmapConfig config;
    private final LowerLevels lowerLevels;

    /** Writes as the tables' owner: the first load is a bulk write. */
    public CityLoader(@io.quarkus.agroal.DataSource("owner") DataSource dataSource, GridmapConfig config, LowerLevels lowerLevels) {
        this.dataSource = dataSource;
        this.config = config;
        this.lowerLevels = lowerLevels;
    }

    void onStart(@Observes StartupEvent event) throws Exception {
        if (config.city().loadOnStart()) {
            loadIfEmpty();
        }
    }

    /** @return the number of regions written (0 when the city was already there) */
    public int loadIfEmpty() throws IOException, SQLException {
        if (regionCount() > 0) {
            LOG.info("city already loaded; skipping generation");
            return 0;
        }
        long t0 = System.nanoTime();
        CityDataReader reader = new CityDataReader(config.city().geodataDir().map(Path::of).orElse(null));
        CityData data = reader.read();
        LOG.infof("loading %s %s: streets, communities, grids and micro-grids: %s ...",
                data.cityCode(), data.cityName(), lowerLevels.description());
        List<RegionDraft> drafts = lowerLevels.derive(data);
        List<CityDataReader.BasemapFeature> basemap = reader.basemap();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + LOAD_LOCK + ")");
                }
                if (count(c) > 0) {
                    c.rollback();
                    LOG.info("another instance loaded the city meanwhile");
                    return 0;
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO generation (id, description, active) VALUES (1, ?, TRUE)")) {
                    ps.setString(1, "Initial city: real districts, " + lowerLevels.description());
                    ps.executeUpdate();
                }
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                copy.copyIn("COPY region (code, name, level, level_rank, parent_code, path, geom, derived, properties, "
                        + "generation_low) FROM STDIN (FORMAT csv)", new StringReader(regionsCsv(drafts)));
                copy.copyIn("COPY basemap_feature (kind, name, source, geom) FROM STDIN (FORMAT csv)",
                        new StringReader(basemapCsv(basemap)));
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE region");
                s.execute("ANALYZE basemap_feature");
            }
        }
        LOG.infof("city loaded: %d regions in %.1f s", drafts.size(), (System.nanoTime() - t0) / 1e9);
        return drafts.size();
    }

    private int regionCount() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return count(c);
        }
    }

    private static int count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM region")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static String regionsCsv(List<RegionDraft> drafts) throws JsonProcessingException {
        Map<String, String> paths = new HashMap<>();
        WKBWriter wkb = new WKBWriter(2, true);
        StringBuilder sb = new StringBuilder(drafts.size() * 512);
        for (RegionDraft d : drafts) {
            String path = d.parentCode() == null ? d.code() : paths.get(d.parentCode()) + "/" + d.code();
            if (path.startsWith("null")) {
                throw new IllegalStateException("parent of " + d.code() + " comes after it");
            }
            paths.put(d.code(), path);
            d.geom().setSRID(Srid.STORAGE);
            sb.append(d.code()).append(',').append(csv(d.name())).append(',').append(d.level().wireName()).append(',')
                    .append(d.level().ordinal()).append(',').append(d.parentCode() == null ? "" : d.parentCode()).append(',')
                    .append(path).append(',').append(WKBWriter.toHex(wkb.write(d.geom()))).append(',')
                    .append(d.derived()).append(',').append(csv(JSON.writeValueAsString(d.properties()))).append(",1\n");
        }
        return sb.toString();
    }

    static String basemapCsv(List<CityDataReader.BasemapFeature> features) {
        WKBWriter wkb = new WKBWriter(2, true);
        StringBuilder sb = new StringBuilder();
        for (CityDataReader.BasemapFeature f : features) {
            Geometry g = f.geom();
            g.setSRID(Srid.STORAGE);
            sb.append(csv(f.kind())).append(',').append(f.name() == null ? "" : csv(f.name())).append(',')
                    .append(csv(f.source())).append(',').append(WKBWriter.toHex(wkb.write(g))).append('\n');
        }
        return sb.toString();
    }

    private static String csv(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
