package cn.gridmap.lookup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;

import cn.gridmap.geo.Geometries;
import cn.gridmap.region.Level;

/** Reads the current hierarchy from PostGIS into a {@link GridIndex}, in one repeatable-read snapshot. */
final class GridIndexLoader {
    static final String VERSION = "SELECT version FROM region_version";
    static final String GENERATION = "SELECT COALESCE(max(id), 0) FROM generation WHERE active";
    /** Rows opened after a generation (grid and micro-grid geometry) and codes closed after it. */
    static final String OPENED = "SELECT code, name, level, parent_code, CASE WHEN level IN ('grid', 'microgrid') THEN ST_AsBinary(geom) END "
            + "FROM region WHERE generation_high IS NULL AND generation_low > ?";
    static final String CLOSED = "SELECT code FROM region WHERE generation_high >= ?";
    static final String REGIONS = "SELECT code, name, level, parent_code FROM region WHERE generation_high IS NULL ORDER BY level_rank, code";
    static final String GEOMETRIES = "SELECT code, level, ST_AsBinary(geom) FROM region WHERE generation_high IS NULL AND level IN ('grid', 'microgrid')";

    private GridIndexLoader() {
    }

    static long version(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(VERSION)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The generation now in force (0 before the city is loaded). */
    static int generation(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(GENERATION)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** What the generations after {@code since} changed, in one repeatable-read snapshot. */
    static GridIndex.Change changes(Connection c, int since) throws SQLException {
        boolean auto = c.getAutoCommit();
        int isolation = c.getTransactionIsolation();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement s = c.createStatement()) {
            long version;
            int generation;
            try (ResultSet rs = s.executeQuery(VERSION)) {
                rs.next();
                version = rs.getLong(1);
            }
            try (ResultSet rs = s.executeQuery(GENERATION)) {
                rs.next();
                generation = rs.getInt(1);
            }
            java.util.List<GridIndex.RegionRow> opened = new java.util.ArrayList<>();
            java.util.Map<String, MultiPolygon> geoms = new java.util.HashMap<>();
            WKBReader wkb = new WKBReader(Geometries.STORAGE);
            try (java.sql.PreparedStatement ps = c.prepareStatement(OPENED)) {
                ps.setInt(1, since);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        opened.add(new GridIndex.RegionRow(rs.getString(1), rs.getString(2), Level.fromWire(rs.getString(3)), rs.getString(4)));
                        byte[] g = rs.getBytes(5);
                        if (g != null) {
                            geoms.put(rs.getString(1), (MultiPolygon) wkb.read(g));
                        }
                    }
                }
            } catch (ParseException e) {
                throw new SQLException("unreadable region geometry: " + e.getMessage(), e);
            }
            java.util.Set<String> closed = new java.util.HashSet<>();
            try (java.sql.PreparedStatement ps = c.prepareStatement(CLOSED)) {
                ps.setInt(1, since);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        closed.add(rs.getString(1));
                    }
                }
            }
            c.commit();
            return new GridIndex.Change(version, generation, opened, geoms, closed);
        } finally {
            c.rollback();
            c.setTransactionIsolation(isolation);
            c.setAutoCommit(auto);
        }
    }

    /** The rows of one past generation, for an index of it (asOf batches). */
    static final String AT = "(generation_low <= ? AND (generation_high IS NULL OR generation_high >= ?))";

    /** An index of a past generation (its regions as they were), in one snapshot. */
    static GridIndex loadGeneration(Connection c, double cellSize, int generation) throws SQLException {
        GridIndex.Builder b = new GridIndex.Builder(version(c), cellSize).generation(generation);
        fill(c, b, REGIONS.replace("generation_high IS NULL", AT), GEOMETRIES.replace("generation_high IS NULL", AT), generation);
        return b.build();
    }

    static GridIndex load(Connection c, double cellSize) throws SQLException {
        boolean auto = c.getAutoCommit();
        int isolation = c.getTransactionIsolation();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            GridIndex.Builder b = new GridIndex.Builder(version(c), cellSize).generation(generation(c));
            fill(c, b, REGIONS, GEOMETRIES, null);
            c.commit();
            return b.build();
        } finally {
            c.rollback();
            c.setTransactionIsolation(isolation);
            c.setAutoCommit(auto);
        }
    }

    /** Reads the regions and the grid and micro-grid geometries into the builder ({@code generation}: binds AT's two parameters). */
    private static void fill(Connection c, GridIndex.Builder b, String regionsSql, String geomsSql, Integer generation) throws SQLException {
        try (java.sql.PreparedStatement regions = c.prepareStatement(regionsSql); java.sql.PreparedStatement geoms = c.prepareStatement(geomsSql)) {
            if (generation != null) {
                for (java.sql.PreparedStatement ps : new java.sql.PreparedStatement[] {regions, geoms}) {
                    ps.setInt(1, generation);
                    ps.setInt(2, generation);
                }
            }
            try (ResultSet rs = regions.executeQuery()) {
                while (rs.next()) {
                    b.region(new GridIndex.RegionRow(rs.getString(1), rs.getString(2), Level.fromWire(rs.getString(3)), rs.getString(4)));
                }
            }
            geoms.setFetchSize(2000);
            WKBReader wkb = new WKBReader(Geometries.STORAGE);
            try (ResultSet rs = geoms.executeQuery()) {
                while (rs.next()) {
                    MultiPolygon g = (MultiPolygon) wkb.read(rs.getBytes(3));
                    if ("microgrid".equals(rs.getString(2))) {
                        b.microgridGeometry(rs.getString(1), g);
                    } else {
                        b.gridGeometry(rs.getString(1), g);
                    }
                }
            } catch (ParseException e) {
                throw new SQLException("unreadable region geometry: " + e.getMessage(), e);
            }
        }
    }
}
