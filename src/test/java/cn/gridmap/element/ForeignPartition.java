package cn.gridmap.element;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * The README's steps for moving a district's partition to another server (District partitions), for tests: a second
 * database on this cluster, reached over TCP as another machine would be, holds {@code <table>_<district>}; {@link #move}
 * swaps the local partition for a postgres_fdw foreign one inside the caller's transaction (which rolls it back).
 */
public final class ForeignPartition implements AutoCloseable {
    public static final String SHARD = "gridmap_shard_test";

    private final DataSource owner;
    public final String table;
    public final String district;
    public final String columns;

    /** Makes the second database with an empty {@code <table>_<district>} of the parent's columns. */
    public ForeignPartition(DataSource owner, String url, String table, String district) throws SQLException {
        this.owner = owner;
        this.table = table;
        this.district = district;
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + SHARD + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + SHARD);
            try (ResultSet rs = s.executeQuery("SELECT string_agg(format('%I %s', attname, format_type(atttypid, atttypmod)), ', ' "
                    + "ORDER BY attnum) FROM pg_attribute WHERE attrelid = '" + table + "'::regclass AND attnum > 0 AND NOT attisdropped")) {
                rs.next();
                columns = rs.getString(1);
            }
        }
        try (Connection shard = DriverManager.getConnection(url.replaceFirst("/[^/?]+(\\?.*)?$", "/" + SHARD), "postgres", "");
                Statement s = shard.createStatement()) {
            s.execute("CREATE EXTENSION postgis");
            s.execute("CREATE TABLE " + local() + " (" + columns + ", PRIMARY KEY (id))");
            s.execute("CREATE INDEX ON " + local() + " USING GIST (geom)");
        }
    }

    /** The district's local partition (and the remote table's name). */
    public String local() {
        return table + "_" + district;
    }

    /** The foreign partition that replaces it. */
    public String remote() {
        return local() + "_remote";
    }

    /** The README's steps on the primary, in {@code s}'s open transaction: hold the district still, copy it, swap. */
    public void move(Statement s) throws SQLException {
        String port;
        try (ResultSet rs = s.executeQuery("SELECT current_setting('port')")) {
            rs.next();
            port = rs.getString(1);
        }
        s.execute("CREATE EXTENSION IF NOT EXISTS postgres_fdw");
        s.execute("CREATE SERVER shard_test FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '" + port
                + "', dbname '" + SHARD + "', extensions 'postgis', async_capable 'true')");
        // one mapping for every role: postgres_fdw keeps a remote connection (and transaction) per mapping, and the
        // copy below is not committed when gridmap_app reads it (a real move commits first, and maps each role)
        s.execute("CREATE USER MAPPING FOR PUBLIC SERVER shard_test OPTIONS (user 'postgres', password_required 'false')");
        s.execute("LOCK TABLE " + local() + " IN EXCLUSIVE MODE");
        s.execute("CREATE FOREIGN TABLE " + local() + "_copy (" + columns + ") SERVER shard_test OPTIONS (table_name '" + local() + "')");
        s.execute("INSERT INTO " + local() + "_copy SELECT * FROM " + local());
        s.execute("DROP FOREIGN TABLE " + local() + "_copy");
        s.execute("ALTER TABLE " + table + " DETACH PARTITION " + local());
        s.execute("CREATE FOREIGN TABLE " + remote() + " PARTITION OF " + table + " FOR VALUES IN ('" + district + "') SERVER shard_test "
                + "OPTIONS (table_name '" + local() + "')");
    }

    /** Drops the second database. */
    @Override
    public void close() throws SQLException {
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + SHARD + " WITH (FORCE)");
        }
    }
}
