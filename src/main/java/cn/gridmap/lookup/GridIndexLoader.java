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
    static final String REGIONS = "SELECT code, name, level, parent_code FROM region WHERE generation_high IS NULL ORDER BY level_rank, code";
    static final String GEOMETRIES = "SELECT code, level, ST_AsBinary(geom) FROM region WHERE generation_high IS NULL AND level IN ('grid', 'microgrid')";

    private GridIndexLoader() {
    }

    static GridIndex load(Connection c, double cellSize) throws SQLException {
        boolean auto = c.getAutoCommit();
        int isolation = c.getTransactionIsolation();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement s = c.createStatement()) {
            GridIndex.Builder b;
            try (ResultSet rs = s.executeQuery(VERSION)) {
                rs.next();
                b = new GridIndex.Builder(rs.getLong(1), cellSize);
            }
            try (ResultSet rs = s.executeQuery(REGIONS)) {
                while (rs.next()) {
                    b.region(new GridIndex.RegionRow(rs.getString(1), rs.getString(2), Level.fromWire(rs.getString(3)), rs.getString(4)));
                }
            }
            s.setFetchSize(2000);
            WKBReader wkb = new WKBReader(Geometries.STORAGE);
            try (ResultSet rs = s.executeQuery(GEOMETRIES)) {
                while (rs.next()) {
                    MultiPolygon g = (MultiPolygon) wkb.read(rs.getBytes(3));
                    if ("microgrid".equals(rs.getString(2))) {
                        b.microgridGeometry(rs.getString(1), g);
                    } else {
                        b.gridGeometry(rs.getString(1), g);
                    }
                }
            } catch (ParseException e) {
                throw new SQLException("unreadable micro-grid geometry: " + e.getMessage(), e);
            }
            c.commit();
            return b.build();
        } finally {
            c.rollback();
            c.setTransactionIsolation(isolation);
            c.setAutoCommit(auto);
        }
    }
}
