package cn.gridmap.region;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.io.WKBWriter;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes a new generation of the hierarchy, inside the caller's transaction: checks that every replaced region is
 * still the one the change was based on and that no new code was ever used, opens the generation, closes the
 * replaced rows' range, inserts the new rows (parents first) and the lineage. The region triggers announce the
 * change (index rebuild, tile invalidation by extent) when the transaction commits.
 */
@ApplicationScoped
public class RegionPublisher {
    /** A region of the new generation (a changed one keeps its code; a new one has a code never used). */
    public record NewRegion(String code, Level level, String name, String parentCode, MultiPolygon geom, String properties) {
    }

    /** What became of a region. */
    public record LineageRow(String from, String to, String relation, double areaSqm) {
    }

    /** The base is out of date: these codes changed since, or a new code was taken meanwhile. */
    public static final class Conflict extends RuntimeException {
        private final transient List<String> codes;

        public Conflict(List<String> codes) {
            super("regions changed since the change set's base generation: " + codes);
            this.codes = List.copyOf(codes);
        }

        public List<String> codes() {
            return codes;
        }
    }

    /** One published generation as listed. */
    public record Generation(int id, String description, String effectiveFrom, String publishedAt, Long changeSet, boolean active) {
    }

    /**
     * Publishes; returns the new generation's id. {@code replaced}: codes of the base whose rows close (changed or
     * retired); {@code rows}: the new rows.
     */
    public int publish(Connection c, int baseGeneration, String description, LocalDate effectiveFrom, long changeSet, Set<String> replaced,
            List<NewRegion> rows, List<LineageRow> lineage) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RegionSql.PUBLISH_LOCK)) {
            ps.executeQuery().close();
        }
        List<String> conflicts = new ArrayList<>(stale(c, replaced, baseGeneration));
        List<String> fresh = rows.stream().map(NewRegion::code).filter(code -> !replaced.contains(code)).toList();
        try (PreparedStatement ps = c.prepareStatement(RegionSql.USED_CODES)) {
            ps.setArray(1, c.createArrayOf("text", fresh.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    conflicts.add(rs.getString(1));
                }
            }
        }
        if (!conflicts.isEmpty()) {
            throw new Conflict(conflicts);
        }
        int generation;
        try (PreparedStatement ps = c.prepareStatement(RegionSql.NEW_GENERATION)) {
            ps.setString(1, description);
            ps.setObject(2, effectiveFrom);
            ps.setLong(3, changeSet);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                generation = rs.getInt(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(RegionSql.CLOSE_ROWS)) {
            ps.setInt(1, generation - 1);
            ps.setArray(2, c.createArrayOf("text", replaced.toArray()));
            ps.executeUpdate();
        }
        WKBWriter wkb = new WKBWriter();
        List<NewRegion> ordered = new ArrayList<>(rows);
        ordered.sort(Comparator.comparing((NewRegion r) -> r.level().ordinal()).thenComparing(NewRegion::code));
        try (PreparedStatement ps = c.prepareStatement(RegionSql.INSERT_ROW)) {
            for (NewRegion r : ordered) {
                ps.setString(1, r.code());
                ps.setString(2, r.name());
                ps.setString(3, r.level().wireName());
                ps.setInt(4, r.level().ordinal());
                ps.setString(5, r.parentCode());
                ps.setBytes(6, wkb.write(r.geom()));
                ps.setInt(7, generation);
                ps.setInt(8, generation - 1);
                ps.setString(9, r.properties() == null ? "{}" : r.properties());
                ps.executeUpdate(); // one by one: a new parent's path must be there for its children
            }
        }
        try (PreparedStatement ps = c.prepareStatement(RegionSql.INSERT_LINEAGE)) {
            for (LineageRow l : lineage) {
                ps.setInt(1, generation);
                ps.setString(2, l.from());
                ps.setString(3, l.to());
                ps.setString(4, l.relation());
                ps.setDouble(5, l.areaSqm());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return generation;
    }

    /** The codes among {@code codes} whose current row is newer than {@code baseGeneration}, or that are no longer current. */
    public List<String> stale(Connection c, java.util.Collection<String> codes, int baseGeneration) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(RegionSql.STALE_CODES)) {
            ps.setArray(1, c.createArrayOf("text", codes.toArray()));
            ps.setInt(2, baseGeneration);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** What a generation changed, for its notices: effective date, the codes it opened, the extent of old and new rows. */
    public record Notice(String effectiveFrom, List<String> changed, double[] extent) {
    }

    public Notice notice(Connection c, int generation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RegionSql.NOTICE)) {
            ps.setInt(1, generation);
            ps.setInt(2, generation);
            ps.setInt(3, generation - 1);
            ps.setInt(4, generation);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no generation " + generation);
                }
                java.sql.Array codes = rs.getArray(2);
                double[] extent = rs.getObject(3) == null ? null : new double[] {rs.getDouble(3), rs.getDouble(4), rs.getDouble(5), rs.getDouble(6)};
                return new Notice(rs.getString(1), codes == null ? List.of() : List.of((String[]) codes.getArray()), extent);
            }
        }
    }

    /** Every generation, newest first. */
    public List<Generation> generations(Connection c) throws SQLException {
        List<Generation> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(RegionSql.GENERATIONS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long cs = rs.getLong(5);
                out.add(new Generation(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.wasNull() ? null : cs, rs.getBoolean(6)));
            }
        }
        return out;
    }

    /** The lineage a generation wrote. */
    public List<LineageRow> changes(Connection c, int generation) throws SQLException {
        List<LineageRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(RegionSql.LINEAGE_OF)) {
            ps.setInt(1, generation);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new LineageRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4)));
                }
            }
        }
        return out;
    }

    /** The codes whose rows a generation opened (changed or new regions). */
    public List<String> opened(Connection c, int generation) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(RegionSql.OPENED_BY)) {
            ps.setInt(1, generation);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
