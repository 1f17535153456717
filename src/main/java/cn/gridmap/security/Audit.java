package cn.gridmap.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import cn.gridmap.web.ApiException;
import cn.gridmap.web.Params;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The append-only audit log: every unmasked view, every search by ID number or phone, every change of users, clients,
 * roles and scopes, every write, every failed login. The service's database role may only INSERT and SELECT it.
 */
@ApplicationScoped
public class Audit {
    /** One row of the log on the wire. */
    public record Entry(long id, String at, String actor, List<String> roles, String action, String subject, List<String> rows,
            String purpose, String outcome, String requestId, String clientAddress, String detail) {
    }

    private final DataSource dataSource;

    public Audit(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The purpose of an unmasked view, as the audit log keeps it: unmasking needs the pii right (403) and a stated
     * purpose (400), sent in the X-Purpose header (percent-encoded UTF-8 for Chinese, since headers are Latin-1).
     */
    public static String purpose(Caller caller, String purpose) {
        if (!caller.principal().pii()) {
            throw new ApiException(403, "unmasking needs the pii right");
        }
        if (purpose == null || purpose.isBlank()) {
            throw ApiException.badRequest("unmasking needs a purpose: send the X-Purpose header (e.g. 入户走访核实身份)");
        }
        String p = purpose.trim();
        if (p.matches(".*%[0-9A-Fa-f]{2}.*")) {
            try {
                p = java.net.URLDecoder.decode(p.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("X-Purpose: malformed percent-encoding");
            }
        }
        return p.length() > 500 ? p.substring(0, 500) : p;
    }

    /** Writes an entry in its own transaction. */
    public void record(Caller caller, String action, String subject, List<String> rows, String purpose, String outcome, String detail) {
        try (Connection c = dataSource.getConnection()) {
            record(c, caller, action, subject, rows, purpose, outcome, detail);
        } catch (SQLException e) {
            throw new IllegalStateException("audit write failed: " + e.getMessage(), e);
        }
    }

    /** Writes an entry inside the caller's transaction: it commits with what it records, or not at all. */
    public void record(Connection c, Caller caller, String action, String subject, List<String> rows, String purpose, String outcome,
            String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SecuritySql.INSERT_AUDIT)) {
            ps.setString(1, caller.name());
            ps.setArray(2, c.createArrayOf("text", caller.principal().roles().stream().sorted().toArray()));
            ps.setString(3, action);
            ps.setString(4, subject);
            ps.setArray(5, c.createArrayOf("text", rows == null ? new Object[0] : rows.toArray()));
            ps.setString(6, purpose);
            ps.setString(7, outcome == null ? "ok" : outcome);
            ps.setString(8, caller.requestId());
            ps.setString(9, caller.clientAddress());
            ps.setString(10, detail);
            ps.executeUpdate();
        }
    }

    public List<Entry> find(String actor, String subject, String action, String from, String to, int limit, int offset) {
        Timestamp f = time(from, "from");
        Timestamp t = time(to, "to");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SecuritySql.AUDIT)) {
            int i = 1;
            for (Object v : new Object[] {blank(actor), blank(subject), blank(action)}) {
                ps.setObject(i++, v);
                ps.setObject(i++, v);
            }
            for (Timestamp v : new Timestamp[] {f, t}) {
                ps.setTimestamp(i++, v);
                ps.setTimestamp(i++, v);
            }
            ps.setInt(i++, limit);
            ps.setInt(i, offset);
            List<Entry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toString(), rs.getString(3),
                            List.of((String[]) rs.getArray(4).getArray()), rs.getString(5), rs.getString(6),
                            List.of((String[]) rs.getArray(7).getArray()), rs.getString(8), rs.getString(9), rs.getString(10),
                            rs.getString(11), rs.getString(12)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("audit query failed: " + e.getMessage(), e);
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Timestamp time(String v, String name) {
        return blank(v) == null ? null : Timestamp.from(Params.time(v, name).toInstant());
    }
}
