package cn.gridmap.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Rows of {@code import_job}: one per bulk import, written in the import's own transaction. */
public final class ImportJobs {
    private ImportJobs() {
    }

    public static long start(Connection c, String kind, String source) throws SQLException {
        return start(c, kind, source, null);
    }

    /** The same, naming the principal who started it. */
    public static long start(Connection c, String kind, String source, String startedBy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO import_job (kind, source, status, started_by) VALUES (?, ?, 'running', ?) "
                + "RETURNING id")) {
            ps.setString(1, kind);
            ps.setString(2, source);
            ps.setString(3, startedBy);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public static void finish(Connection c, long id, String status, long read, long stored, long failed, String message) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE import_job SET status = ?, rows_read = ?, rows_stored = ?, rows_failed = ?, "
                + "message = ?, finished_at = now() WHERE id = ?")) {
            ps.setString(1, status);
            ps.setLong(2, read);
            ps.setLong(3, stored);
            ps.setLong(4, failed);
            ps.setString(5, message);
            ps.setLong(6, id);
            ps.executeUpdate();
        }
    }
}
