package cn.gridmap.notify;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Connections for reads that tolerate replication lag (tiles, OGC items and exports, statistics, the PostGIS lookup
 * engine): from a streaming replica when {@code GRIDMAP_DB_READ_URL} names one (the cluster's haproxy replica port),
 * else the primary's own pool. A replica connection is used only if the replica has replayed the WAL up to the
 * {@linkplain PgListener#fence() fence} of the notices this service has heard: a replica behind what the primary
 * announced (a published generation, a changed tile) never answers; the primary does.
 * Writes never come here. Implements {@link DataSource} so that {@code ScopedConnection.open} takes it as it is.
 */
@ApplicationScoped
@jakarta.enterprise.inject.Typed(ReplicaReads.class) // not a candidate where a plain DataSource (the primary's) is injected
public class ReplicaReads implements DataSource {
    private final DataSource primary;
    private final DataSource replica;
    private final PgListener listener;
    private final boolean enabled;

    public ReplicaReads(DataSource primary, @io.quarkus.agroal.DataSource("read") DataSource replica, PgListener listener,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String primaryUrl,
            @ConfigProperty(name = "quarkus.datasource.read.jdbc.url") String readUrl) {
        this.primary = primary;
        this.replica = replica;
        this.listener = listener;
        this.enabled = !readUrl.equals(primaryUrl); // the read pool defaults to the primary's own URL
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (!enabled) {
            return primary.getConnection();
        }
        Connection c;
        try {
            c = replica.getConnection();
        } catch (SQLException e) {
            return primary.getConnection();
        }
        long fence = listener.fence();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_last_wal_replay_lsn()::text")) {
            rs.next();
            String replayed = rs.getString(1); // null on a primary (haproxy's backup when no replica is up): current by definition
            if (replayed == null || PgListener.lsn(replayed) >= fence) {
                return c;
            }
        } catch (SQLException e) {
            // a broken replica connection: the primary answers
        }
        c.close();
        return primary.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("reads use the service's own credentials");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return primary.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        primary.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        primary.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return primary.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return primary.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper of " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
