package cn.gridmap.element;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The element capability's bulk SQL: secondary indexes around first loads, statistics, id sequence. */
public final class ElementSql {
    public static final List<String> TABLES = List.of("address_place", "building", "house", "person", "component", "organization", "event");

    /** Secondary indexes (not backing a constraint) of the element tables, as (name, definition). */
    private static final String SECONDARY = "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            + "AND i.tablename = ANY (?) AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = "
            + "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)";

    /*
     * The statistics each element table feeds, per micro-grid, written once for the full rebuild and for an
     * import's refresh. {@code %1$s} is a filter on the micro-grid code ("AND microgrid_code IN (…)", or empty).
     */
    /**
     * People with any of the tags in micro-grids under any of the code prefixes, with their house (params: the
     * prefixes, their upper bounds, the tags): a range scan of the tagged people's index per prefix. The bounds come
     * bound (a bound computed in SQL is no index condition under row-level security).
     */
    static final String TAGGED_PEOPLE = "SELECT p.id, p.name, p.gender, p.birth_date, p.tags, h.address, ST_X(h.geom), ST_Y(h.geom), p.district_code, "
            + "p.microgrid_code FROM unnest(?::text[], ?::text[]) AS q (lo, hi) JOIN person p ON p.microgrid_code >= q.lo AND p.microgrid_code < q.hi "
            + "AND p.tags <> '{}' JOIN house h ON h.id = p.house_id WHERE p.tags && ?::text[] ORDER BY p.microgrid_code, p.id";

    /** The upper bound of the codes under a prefix (they are digits; "~" sorts after them). */
    public static String above(String prefix) {
        return prefix + "~";
    }
    /** person → people, registered, migrant (as n, registered, migrant). */
    private static final String PEOPLE = "SELECT microgrid_code, count(*) n, count(*) FILTER (WHERE residence = 'registered') registered, "
            + "count(*) FILTER (WHERE residence = 'migrant') migrant FROM person WHERE TRUE %1$s GROUP BY 1";
    /** person → tags (a JSON object tag → count). */
    private static final String TAGS = "SELECT microgrid_code, jsonb_object_agg(tag, n) tags FROM (SELECT microgrid_code, unnest(tags) tag, "
            + "count(*) n FROM person WHERE tags <> '{}' %1$s GROUP BY 1, 2) x GROUP BY 1";
    /** house → houses, rental_houses, households (as n, rental, households). */
    private static final String HOUSES = "SELECT microgrid_code, count(*) n, count(*) FILTER (WHERE use = 'rental') rental, "
            + "sum(households) households FROM house WHERE TRUE %1$s GROUP BY 1";
    /** component, organization, event → their count column (as n); {@code %2$s} is the table. */
    private static final String COUNT = "SELECT microgrid_code, count(*) n FROM %2$s WHERE TRUE %1$s GROUP BY 1";

    /** Rebuilds the statistics rows of the micro-grids that {@code elements} / {@code regions} select (empty: all). */
    private static String rebuildSql(String elements, String regions) {
        return "DELETE FROM microgrid_stats WHERE TRUE " + elements + ";\n"
                + "INSERT INTO microgrid_stats (microgrid_code, district_code, people, registered, migrant, tags, houses, rental_houses, "
                + "households, components, organizations, events) "
                + "SELECT r.code, split_part(r.path, '/', 2), COALESCE(p.n, 0), COALESCE(p.registered, 0), COALESCE(p.migrant, 0), "
                + "COALESCE(t.tags, '{}'::jsonb), COALESCE(h.n, 0), COALESCE(h.rental, 0), COALESCE(h.households, 0), "
                + "COALESCE(c.n, 0), COALESCE(o.n, 0), COALESCE(e.n, 0) FROM region r"
                + " LEFT JOIN (" + String.format(PEOPLE, elements) + ") p ON p.microgrid_code = r.code"
                + " LEFT JOIN (" + String.format(TAGS, elements) + ") t ON t.microgrid_code = r.code"
                + " LEFT JOIN (" + String.format(HOUSES, elements) + ") h ON h.microgrid_code = r.code"
                + " LEFT JOIN (" + String.format(COUNT, elements, "component") + ") c ON c.microgrid_code = r.code"
                + " LEFT JOIN (" + String.format(COUNT, elements, "organization") + ") o ON o.microgrid_code = r.code"
                + " LEFT JOIN (" + String.format(COUNT, elements, "event") + ") e ON e.microgrid_code = r.code"
                + " WHERE r.level = 'microgrid' AND r.generation_high IS NULL " + regions;
    }

    private ElementSql() {
    }

    /**
     * Constraints of the element tables and of their district partitions (where the partitioned tables keep their
     * keys, V20), foreign keys last (they need the keys back first).
     */
    private static final String CONSTRAINTS = "SELECT k.conrelid::regclass::text, k.conname, pg_get_constraintdef(k.oid), k.contype "
            + "FROM pg_constraint k WHERE (k.conrelid::regclass::text = ANY (?) OR k.conrelid IN (SELECT i.inhrelid FROM pg_inherits i "
            + "WHERE i.inhparent::regclass::text = ANY (?))) AND k.contype IN ('p', 'u', 'f') ORDER BY k.contype = 'f', k.conname";

    /**
     * Before a first load into empty tables, inside the load's transaction: empties the tables with TRUNCATE (so a
     * wal_level=minimal cluster writes no WAL for them) and drops their foreign keys, keys and secondary indexes,
     * which are rebuilt in bulk afterwards ({@link #restore}) instead of row by row.
     *
     * @return the DDL that restores what was dropped, in order
     */
    public static List<String> prepareFirstLoad(Connection c) throws SQLException {
        List<String> restore = new ArrayList<>();
        List<String> drops = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(CONSTRAINTS)) {
            ps.setArray(1, c.createArrayOf("text", TABLES.toArray()));
            ps.setArray(2, c.createArrayOf("text", TABLES.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String table = quoteIdent(rs.getString(1));
                    String name = quoteIdent(rs.getString(2));
                    restore.add("ALTER TABLE " + table + " ADD CONSTRAINT " + name + " " + rs.getString(3));
                    drops.add(0, "ALTER TABLE " + table + " DROP CONSTRAINT " + name);
                }
            }
        }
        List<String> indexes = dropSecondaryIndexes(c);
        try (Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + String.join(", ", TABLES));
            for (String d : drops) {
                s.execute(d);
            }
        }
        List<String> all = new ArrayList<>(restore.stream().filter(d -> !d.contains("FOREIGN KEY")).toList());
        all.addAll(indexes);
        all.addAll(restore.stream().filter(d -> d.contains("FOREIGN KEY")).toList());
        return all;
    }

    /** Drops the secondary indexes of the element tables (inside the caller's transaction); @return their definitions */
    public static List<String> dropSecondaryIndexes(Connection c) throws SQLException {
        List<String> defs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SECONDARY)) {
            ps.setArray(1, c.createArrayOf("text", TABLES.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                    // a partitioned table's index reads "ON ONLY <table>": made so, it would have no partition's index
                    defs.add(rs.getString(2).replace(" ON ONLY ", " ON "));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (String n : names) {
                s.execute("DROP INDEX " + quoteIdent(n));
            }
        }
        return defs;
    }

    public static void restore(Connection c, List<String> definitions) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL maintenance_work_mem = '256MB'");
            for (String d : definitions) {
                s.execute(d);
            }
        }
    }

    public static void rebuildStats(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(rebuildSql("", ""));
        }
    }

    /** Recomputes only the micro-grids listed in temporary table {@code touched(code)}. */
    public static void rebuildStats(Connection c, String touchedTable) throws SQLException {
        try (Statement s = c.createStatement()) {
            String in = " IN (SELECT code FROM " + quoteIdent(touchedTable) + ")";
            s.execute(rebuildSql("AND microgrid_code" + in, "AND r.code" + in));
        }
    }

    /**
     * After an import into {@code table}: recomputes only the statistics that table feeds, for the micro-grids in
     * temporary table {@code touched(code)} (a micro-grid without a statistics row yet gets a full one). A house file
     * then scans houses, not the 3 M people.
     */
    public static void refreshStats(Connection c, String touchedTable, String table) throws SQLException {
        String touched = quoteIdent(touchedTable);
        String filter = "AND microgrid_code IN (SELECT code FROM " + touched + ")";
        String set = switch (table) {
            case "person" -> "people = COALESCE(p.n, 0), registered = COALESCE(p.registered, 0), migrant = COALESCE(p.migrant, 0), "
                    + "tags = COALESCE(g.tags, '{}'::jsonb) FROM " + touched + " t"
                    + " LEFT JOIN (" + String.format(PEOPLE, filter) + ") p ON p.microgrid_code = t.code"
                    + " LEFT JOIN (" + String.format(TAGS, filter) + ") g ON g.microgrid_code = t.code";
            case "house" -> "houses = COALESCE(h.n, 0), rental_houses = COALESCE(h.rental, 0), households = COALESCE(h.households, 0) FROM "
                    + touched + " t LEFT JOIN (" + String.format(HOUSES, filter) + ") h ON h.microgrid_code = t.code";
            case "component", "organization", "event" -> table + "s = COALESCE(x.n, 0) FROM " + touched + " t"
                    + " LEFT JOIN (" + String.format(COUNT, filter, table) + ") x ON x.microgrid_code = t.code";
            default -> throw new IllegalArgumentException("no statistics for " + table);
        };
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE stats_missing ON COMMIT DROP AS SELECT DISTINCT code FROM " + touched
                    + " t WHERE code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM microgrid_stats m WHERE m.microgrid_code = t.code)");
            rebuildStats(c, "stats_missing");
            s.execute("UPDATE microgrid_stats m SET " + set + " WHERE m.microgrid_code = t.code");
        }
    }

    /** Moves element_seq past every id in use (synthetic ids are blocks per community). */
    public static void advanceSequence(Connection c) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT setval('element_seq', GREATEST(1");
        for (String t : TABLES) {
            sql.append(", (SELECT COALESCE(max(id), 0) FROM ").append(t).append(")");
        }
        sql.append("))");
        try (Statement s = c.createStatement()) {
            s.execute(sql.toString());
        }
    }

    private static String quoteIdent(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("unexpected index name " + name);
        }
        return name;
    }
}
