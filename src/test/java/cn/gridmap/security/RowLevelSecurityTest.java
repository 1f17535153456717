package cn.gridmap.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The database as the second wall: a raw JDBC connection as the service's role (gridmap_app), no service code in
 * between. Row-level security alone hides other grids' rows; no scope means no rows; the audit log only grows.
 */
@QuarkusTest
class RowLevelSecurityTest {
    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    private Connection app() throws SQLException {
        return DriverManager.getConnection(url, "gridmap_app", "");
    }

    @Test
    void theServicesRoleIsNeitherSuperuserNorOwnerAndCannotBypassRls() throws SQLException {
        try (Connection c = app(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT rolsuper, rolbypassrls, (SELECT tableowner FROM pg_tables WHERE tablename = 'person') "
                        + "FROM pg_roles WHERE rolname = current_user")) {
            assertTrue(rs.next());
            assertFalse(rs.getBoolean(1), "not a superuser");
            assertFalse(rs.getBoolean(2), "no BYPASSRLS");
            assertFalse("gridmap_app".equals(rs.getString(3)), "not the owner of the element tables");
        }
    }

    @Test
    void withoutAScopeTheElementTablesAreEmpty() throws SQLException {
        try (Connection c = app(); Statement s = c.createStatement()) {
            for (String t : new String[] {"person", "house", "component", "organization", "event"}) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t)) {
                    rs.next();
                    assertEquals(0, rs.getLong(1), t + " without a scope");
                }
            }
        }
    }

    @Test
    void theTransactionsScopeAloneHidesOtherGridsRowsAndEndsWithIt() throws SQLException {
        String grid = ownerText("SELECT left(microgrid_code, 15) FROM person GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
        String district = grid.substring(0, 6);
        long inGrid = Long.parseLong(ownerText("SELECT count(*) FROM person WHERE left(microgrid_code, 15) = '" + grid + "'"));
        long inDistrict = Long.parseLong(ownerText("SELECT count(*) FROM person WHERE district_code = '" + district + "'"));
        long all = Long.parseLong(ownerText("SELECT count(*) FROM person"));
        assertTrue(inGrid > 0 && inGrid < inDistrict && inDistrict < all);
        try (Connection c = app()) {
            c.setAutoCommit(false);
            assertEquals(inGrid, scoped(c, grid, "SELECT count(*) FROM person"), "a grid's scope: the grid's people only");
            assertEquals(0, count(c, "SELECT count(*) FROM person WHERE left(microgrid_code, 15) <> '" + grid + "'"),
                    "asking for the others explicitly finds none");
            c.commit();
            assertEquals(0, count(c, "SELECT count(*) FROM person"), "the scope ended with the transaction: the pooled connection sees nothing");
            assertEquals(inDistrict, scoped(c, district, "SELECT count(*) FROM person"), "a district's scope, by its column");
            c.commit();
            assertEquals(all, scoped(c, "*", "SELECT count(*) FROM person"), "the whole city");
            c.commit();
            String other = ownerText("SELECT min(left(microgrid_code, 15)) FROM person WHERE district_code <> '" + district + "'");
            long union = Long.parseLong(ownerText("SELECT count(*) FROM person WHERE left(microgrid_code, 15) = '" + other
                    + "' OR district_code = '" + district + "'"));
            assertEquals(union, scoped(c, other + "," + district, "SELECT count(*) FROM person"), "several codes: the union");
            c.commit();
        }
    }

    @Test
    void writesOutsideTheScopeAreRefusedByThePolicy() throws SQLException {
        String grid = ownerText("SELECT left(microgrid_code, 15) FROM component GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
        String other = ownerText("SELECT min(external_id) FROM component WHERE left(microgrid_code, 15) <> '" + grid + "'");
        try (Connection c = app()) {
            c.setAutoCommit(false);
            assertEquals(0, scoped(c, grid, "WITH u AS (UPDATE component SET state = '丢失' WHERE external_id = '" + other
                    + "' RETURNING 1) SELECT count(*) FROM u"), "another grid's row is not even seen by an UPDATE");
            c.rollback();
        }
    }

    @Test
    void theAuditLogOnlyGrows() throws SQLException {
        try (Connection c = app(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO audit_log (actor, action) VALUES ('rls-test', 'test')");
            SQLException update = assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE audit_log SET actor = 'x'"));
            assertTrue(update.getMessage().contains("permission denied"), update.getMessage());
            SQLException delete = assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM audit_log"));
            assertTrue(delete.getMessage().contains("permission denied"), delete.getMessage());
        }
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM audit_log WHERE actor = 'rls-test'"));
            assertTrue(e.getMessage().contains("append-only"), "not even the owner deletes: " + e.getMessage());
        }
    }

    @Test
    void aBboxQueryUnderRlsStillUsesTheSpatialIndex() throws SQLException {
        try (Connection c = app()) {
            c.setAutoCommit(false);
            set(c, "*");
            StringBuilder plan = new StringBuilder();
            try (Statement s = c.createStatement()) {
                // the test city's district partitions are small enough for a scan to be cheaper: ask whether the index
                // can serve at all (without LEAKPROOF it cannot, and the plan stays a scan)
                s.execute("SET LOCAL enable_seqscan = off");
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN SELECT id FROM component "
                    + "WHERE geom && ST_MakeEnvelope(119.40, 32.17, 119.48, 32.22, 4326)")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            c.rollback();
            // each district partition's copy of component_geom_idx (V20) is named after the partition
            assertTrue(java.util.regex.Pattern.compile("Index Scan (using|on) component_\\d{6}_geom_idx").matcher(plan).find(),
                    "geometry_overlaps is LEAKPROOF, so the GiST index serves: " + plan);
            assertFalse(plan.toString().contains("Seq Scan on component_3"), "no district partition is scanned: " + plan);
        }
    }

    private static void set(Connection c, String scope) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('gridmap.scope', ?, true)")) {
            ps.setString(1, scope);
            ps.execute();
        }
    }

    private static long scoped(Connection c, String scope, String sql) throws SQLException {
        set(c, scope);
        return count(c, sql);
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String ownerText(String sql) throws SQLException {
        try (Connection c = owner.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
