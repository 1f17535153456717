package cn.gridmap.element;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.WKBWriter;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Where elements sit when boundaries change: counts inside draft regions, the elements a change moves (looked up
 * again only in the micro-grids it changes), and their re-assignment with history when a generation is published.
 * Every method runs on the caller's connection: its transaction and its area scope (row-level security) hold.
 */
@ApplicationScoped
public class ElementPlacement {
    /** The element kinds with a micro-grid, as on the wire, and their tables (people follow their house). */
    public static final Map<String, String> KINDS = kinds();

    /** One element whose micro-grid changes. */
    public record Move(String kind, long id, String from, String to) {
    }

    /** Households and people inside a region. */
    public record Counts(int households, int people) {
    }

    private static Map<String, String> kinds() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("people", "person");
        m.put("houses", "house");
        m.put("buildings", "building");
        m.put("components", "component");
        m.put("organizations", "organization");
        m.put("events", "event");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Households and people of the houses each region covers. */
    public Map<String, Counts> counts(Connection c, Map<String, ? extends Geometry> regions) throws SQLException {
        Map<String, Counts> out = new HashMap<>();
        if (regions.isEmpty()) {
            return out;
        }
        WKBWriter wkb = new WKBWriter();
        try (PreparedStatement ps = c.prepareStatement(PlacementSql.COUNTS)) {
            for (Map.Entry<String, ? extends Geometry> e : regions.entrySet()) {
                ps.setBytes(1, wkb.write(e.getValue()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out.put(e.getKey(), new Counts(rs.getInt(1), rs.getInt(2)));
                }
            }
        }
        return out;
    }

    /**
     * The elements of the given micro-grids whose micro-grid changes: each point is located again by
     * {@code locate(lon, lat)} (the draft's micro-grids; null keeps it where it is); people move with their house.
     */
    public List<Move> moves(Connection c, Set<String> microgrids, BiFunction<Double, Double, String> locate) throws SQLException {
        List<Move> out = new ArrayList<>();
        if (microgrids.isEmpty()) {
            return out;
        }
        Array codes = c.createArrayOf("text", microgrids.toArray());
        Map<Long, String> houses = new HashMap<>();
        for (Map.Entry<String, String> k : KINDS.entrySet()) {
            if (k.getValue().equals("person")) {
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement(PlacementSql.points(k.getValue()))) {
                ps.setArray(1, codes);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String from = rs.getString(2);
                        String to = locate.apply(rs.getDouble(3), rs.getDouble(4));
                        if (to != null && !to.equals(from)) {
                            out.add(new Move(k.getKey(), rs.getLong(1), from, to));
                            if (k.getValue().equals("house")) {
                                houses.put(rs.getLong(1), to);
                            }
                        }
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(PlacementSql.PEOPLE)) {
            ps.setArray(1, codes);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String to = houses.get(rs.getLong(3));
                    if (to != null && !to.equals(rs.getString(2))) {
                        out.add(new Move("people", rs.getLong(1), rs.getString(2), to));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Publishing: moves the elements to their new micro-grids, records where they were until {@code generation - 1}
     * and rebuilds the statistics of {@code touched} micro-grids (old and new codes). Call after the new regions are
     * current, inside the publishing transaction.
     */
    public void reassign(Connection c, int generation, List<Move> moves, Set<String> touched) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(PlacementSql.MOVES_TABLE);
        }
        try (PreparedStatement ps = c.prepareStatement(PlacementSql.INSERT_MOVE)) {
            int n = 0;
            for (Move m : moves) {
                ps.setString(1, KINDS.get(m.kind()));
                ps.setLong(2, m.id());
                ps.setString(3, m.from());
                ps.setString(4, m.to());
                ps.addBatch();
                if (++n % 5000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement(PlacementSql.HISTORY)) {
            ps.setInt(1, generation - 1);
            ps.executeUpdate();
        }
        try (Statement s = c.createStatement()) {
            for (String table : KINDS.values()) {
                s.executeUpdate(PlacementSql.update(table));
            }
            s.execute("CREATE TEMP TABLE placement_touched (code TEXT COLLATE \"C\") ON COMMIT DROP");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO placement_touched SELECT unnest(?::text[])")) {
            ps.setArray(1, c.createArrayOf("text", touched.toArray()));
            ps.executeUpdate();
        }
        ElementSql.rebuildStats(c, "placement_touched");
    }

    /** An element's micro-grids before its current one: (microgrid, generation_low, generation_high), oldest first. */
    public List<Object[]> history(Connection c, String kind, long id) throws SQLException {
        String table = KINDS.get(kind);
        if (table == null) {
            throw new IllegalArgumentException(kind);
        }
        List<Object[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(PlacementSql.HISTORY_OF)) {
            ps.setString(1, table);
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Object[] {rs.getString(1), rs.getInt(2), rs.getInt(3)});
                }
            }
        }
        return out;
    }
}
