package cn.gridmap.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * A connection in a transaction whose area scope is set for the row-level security policies
 * ({@code set_config('gridmap.scope', …, true)}: gone at the transaction's end, so a pooled connection never carries a
 * scope into the next request). Reads need no commit; {@link #commit()} keeps writes (and audit rows); closing without
 * it rolls back.
 */
public final class ScopedConnection implements AutoCloseable {
    private final Connection connection;
    private boolean done;

    private ScopedConnection(Connection connection) {
        this.connection = connection;
    }

    public static ScopedConnection open(DataSource dataSource, AreaScope scope) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(false);
            apply(c, scope);
            return new ScopedConnection(c);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Sets the area scope for the rest of the transaction already open on {@code c} (the policies read it). */
    public static void apply(Connection c, AreaScope scope) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('gridmap.scope', ?, true)")) {
            ps.setString(1, scope.setting());
            ps.execute();
        }
    }

    public Connection connection() {
        return connection;
    }

    public void commit() throws SQLException {
        connection.commit();
        done = true;
    }

    @Override
    public void close() throws SQLException {
        try {
            if (!done) {
                connection.rollback();
            }
            connection.setAutoCommit(true);
        } finally {
            connection.close();
        }
    }
}
