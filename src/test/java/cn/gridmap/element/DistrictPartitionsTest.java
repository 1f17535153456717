package cn.gridmap.element;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import cn.gridmap.region.RegionService;
import cn.gridmap.security.Caller;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The element tables are partitioned by district code (V20): one partition per district, queries by region or bbox
 * read only the partitions they can find rows in (the element API's own filters, shown by EXPLAIN), area scope still
 * holds through the parents and the partitions cannot be read around it, a new district gets its partitions, and a
 * district's partition can move to another server as a postgres_fdw foreign partition with its spatial conditions
 * sent there.
 */
@QuarkusTest
class DistrictPartitionsTest {
    private static final List<String> TABLES = List.of("house", "person", "component", "organization", "event");
    private static final Pattern PARTITION = Pattern.compile("\\b(person|house|component|organization|event)_(\\d{6}|other)\\b");

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    @Inject
    ElementService elements;

    @Inject
    RegionService regions;

    @Test
    void everyElementTableHasOnePartitionPerDistrictAndADefaultOne() throws SQLException {
        Set<String> districts = new TreeSet<>(column("SELECT code FROM region WHERE level = 'district' AND generation_high IS NULL"));
        assertTrue(districts.size() >= 6, "Zhenjiang's districts: " + districts);
        for (String t : TABLES) {
            assertEquals(List.of("l district_code"), column("SELECT p.partstrat::text || ' ' || a.attname FROM pg_partitioned_table p JOIN pg_attribute a "
                    + "ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] WHERE p.partrelid = '" + t + "'::regclass"), t + ": LIST by district");
            Set<String> expected = new TreeSet<>();
            districts.forEach(d -> expected.add(t + "_" + d));
            expected.add(t + "_other");
            assertTrue(new TreeSet<>(column("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = '" + t + "'::regclass"))
                    .containsAll(expected), t + " has the partitions " + expected);
            assertEquals(List.of("0"), column("SELECT count(*) FROM " + t + "_other"), t + ": every row is in its district's partition");
            assertEquals(column("SELECT count(*) FROM " + t), column("SELECT count(*) FROM " + t + " WHERE district_code = ANY ('{"
                    + String.join(",", districts) + "}')"), t + ": every row's district is a district");
        }
    }

    @Test
    void everyDistrictPartitionHasEachOfItsParentsIndexesAfterTheFirstLoad() throws SQLException {
        for (String t : TABLES) {
            assertEquals(List.of(), column("SELECT c.relname || ' lacks ' || pi.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    + "JOIN pg_index px ON px.indrelid = i.inhparent JOIN pg_class pi ON pi.oid = px.indexrelid WHERE i.inhparent = '" + t
                    + "'::regclass AND NOT EXISTS (SELECT 1 FROM pg_inherits ii JOIN pg_index cx ON cx.indexrelid = ii.inhrelid "
                    + "WHERE ii.inhparent = px.indexrelid AND cx.indrelid = c.oid) ORDER BY 1"), t + ": the bulk loader rebuilt them on every partition");
            assertEquals(List.of(), column("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = '" + t + "'::regclass AND NOT indisvalid"),
                    t + ": no invalid (parent-only) index");
        }
    }

    @Test
    void aQueryByRegionReadsOnlyThatRegionsDistrict() throws SQLException {
        String community = column("SELECT left(microgrid_code, 12) FROM person GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").get(0);
        String district = regions.placement(community).district();
        for (String[] kind : new String[][] {{"person", "p"}, {"house", "h"}, {"component", "c"}, {"organization", "o"}, {"event", "e"}}) {
            ElementService.Filter f = elements.filter(Caller.service("test"), kind[1], community);
            Set<String> read = partitionsRead("SELECT " + kind[1] + ".id FROM " + kind[0] + " " + kind[1] + f.where(), f.values);
            assertEquals(Set.of(kind[0] + "_" + district), read, kind[0] + " under community " + community);
        }
        ElementService.Filter f = elements.filter(Caller.service("test"), "p", district);
        assertEquals(Set.of("person_" + district), partitionsRead("SELECT p.id FROM person p" + f.where(), f.values), "by district");
    }

    @Test
    void aQueryByBboxReadsOnlyTheDistrictsNearTheBox() throws SQLException {
        List<String> point = column("SELECT ST_X(geom) || ',' || ST_Y(geom) || ',' || district_code FROM component ORDER BY id LIMIT 1");
        String[] p = point.get(0).split(",");
        double lon = Double.parseDouble(p[0]);
        double lat = Double.parseDouble(p[1]);
        String bbox = (lon - 0.002) + "," + (lat - 0.002) + "," + (lon + 0.002) + "," + (lat + 0.002);
        ElementService.Filter f = new ElementService.Filter();
        elements.bbox(f, "c", bbox);
        Set<String> read = partitionsRead("SELECT c.id FROM component c" + f.where(), f.values);
        assertTrue(read.contains("component_" + p[2]), "the point's own district " + p[2] + " is read: " + read);
        long all = column("SELECT code FROM region WHERE level = 'district' AND generation_high IS NULL").size();
        assertTrue(read.size() < all, "fewer than all " + all + " districts: " + read);
        assertFalse(read.contains("component_other"), "not the default partition");
        assertEquals(column("SELECT count(*) FROM component WHERE geom && ST_MakeEnvelope(" + bbox + ", 4326)"),
                column("SELECT count(*) FROM component c" + inline(f)), "the same rows as without pruning");
    }

    @Test
    void areaScopeHoldsThroughTheParentsAndThePartitionsCannotBeReadAroundIt() throws SQLException {
        String grid = column("SELECT left(microgrid_code, 15) FROM person GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").get(0);
        String district = regions.placement(grid).district();
        long inGrid = Long.parseLong(column("SELECT count(*) FROM person WHERE left(microgrid_code, 15) = '" + grid + "'").get(0));
        try (Connection c = DriverManager.getConnection(url, "gridmap_app", "")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT set_config('gridmap.scope', '" + grid + "', true)");
                try (ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE left(microgrid_code, 15) <> '" + grid
                        + "') FROM person WHERE district_code = '" + district + "'")) {
                    rs.next();
                    assertEquals(inGrid, rs.getLong(1), "the grid's people through the parent, its district's partition pruned to");
                    assertEquals(0, rs.getLong(2), "and nobody else");
                }
            }
            c.rollback();
            for (String t : TABLES) {
                SQLException e = assertThrows(SQLException.class, () -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT set_config('gridmap.scope', '*', true)");
                        s.executeQuery("SELECT count(*) FROM " + t + "_" + district).close();
                    }
                }, t + "_" + district + " read directly");
                assertEquals("42501", e.getSQLState(), "permission denied: " + e.getMessage());
                c.rollback();
            }
        }
        for (String t : TABLES) {
            assertEquals(List.of("t"), column("SELECT relrowsecurity FROM pg_class WHERE oid = '" + t + "_" + district + "'::regclass"),
                    t + "_" + district + " has row-level security on (no policy: nothing) should a grant be added by mistake");
        }
    }

    @Test
    void aNewDistrictGetsItsPartitionsAndTakesItsRowsFromTheDefaultOne() throws SQLException {
        try (Connection c = owner.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO component (id, external_id, code, class_code, name, state, geom, district_code, microgrid_code, "
                        + "geocode_method, geocode_score, derived) VALUES (nextval('element_seq'), 'partition-test-1', '3299990101000001', "
                        + "'0101', '上水井盖', '完好', ST_SetSRID(ST_MakePoint(119.9, 32.0), 4326), '329999', '329999001001001001', 'test', 1, "
                        + "true)");
                assertEquals(1, count(s, "SELECT count(*) FROM component_other WHERE district_code = '329999'"), "before: in the default");
                s.execute("INSERT INTO region (code, name, level, level_rank, parent_code, path, geom, derived, generation_low) SELECT "
                        + "'329999', '测试区', 'district', 1, code, code || '/329999', ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(119.9, 32.0), 4326), "
                        + "0.01)), true, generation_low FROM region WHERE level = 'city' AND generation_high IS NULL");
                for (String t : TABLES) {
                    assertEquals(1, count(s, "SELECT count(*) FROM pg_inherits WHERE inhrelid = to_regclass('" + t + "_329999')"), t + "_329999");
                }
                assertEquals(1, count(s, "SELECT count(*) FROM component_329999"), "after: the row moved to the district's partition");
                assertEquals(0, count(s, "SELECT count(*) FROM component_other"), "and left the default one");
                assertEquals(1, count(s, "SELECT count(*) FROM component WHERE external_id = 'partition-test-1'"), "once");
                SQLException dup = assertThrows(SQLException.class, () -> s.execute("INSERT INTO component_329999 SELECT * FROM component_329999"));
                assertEquals("23505", dup.getSQLState(), "the new partition has its keys: " + dup.getMessage());
            } finally {
                c.rollback();
            }
        }
    }

    /**
     * The README's steps for moving a district to another server, run against a second database on this cluster
     * (reached over TCP, as another machine would be), inside one transaction that is rolled back.
     */
    @Test
    void aDistrictsPartitionMovesToAnotherServerAsAForeignPartitionWithItsSpatialConditionsSentThere() throws SQLException {
        String district = column("SELECT district_code FROM component GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").get(0);
        try (ForeignPartition shard = new ForeignPartition(owner, url, "component", district)) {
            try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                try {
                    long before = count(s, "SELECT count(*) FROM component WHERE district_code = '" + district + "'");
                    String box = column("SELECT ST_XMin(e) || ', ' || ST_YMin(e) || ', ' || (ST_XMin(e) + ST_XMax(e)) / 2 || ', ' || "
                            + "(ST_YMin(e) + ST_YMax(e)) / 2 FROM (SELECT ST_Extent(geom) e FROM component WHERE district_code = '" + district
                            + "') x").get(0);
                    long inBox = count(s, "SELECT count(*) FROM component WHERE district_code = '" + district + "' AND geom && ST_MakeEnvelope("
                            + box + ", 4326)");
                    assertTrue(inBox > 0 && inBox < before, inBox + " of " + before + " in the box");
                    shard.move(s);

                    assertEquals(before, count(s, "SELECT count(*) FROM component WHERE district_code = '" + district + "'"),
                            "the district's rows, now read from the other server");
                    String plan = explain(s, "SELECT id FROM component WHERE district_code = '" + district + "' AND geom && ST_MakeEnvelope("
                            + box + ", 4326) AND ST_Intersects(geom, ST_MakeEnvelope(" + box + ", 4326))");
                    assertTrue(plan.contains("Foreign Scan on public.component_" + district + "_remote"), plan);
                    String local = plan.replace("component_" + district + "_remote", "").replaceAll("Remote SQL: .*", "");
                    assertFalse(PARTITION.matcher(local).find(), "no local partition read: " + plan);
                    Matcher remote = Pattern.compile("Remote SQL: (.*)").matcher(plan);
                    assertTrue(remote.find(), plan);
                    assertTrue(remote.group(1).contains("OPERATOR(public.&&)") && remote.group(1).contains("st_intersects"),
                            "the bbox and ST_Intersects run on the other server: " + remote.group(1));
                    assertEquals(inBox, count(s, "SELECT count(*) FROM component WHERE district_code = '" + district + "' AND geom && "
                            + "ST_MakeEnvelope(" + box + ", 4326)"), "the same rows in the box");

                    // area scope holds on the foreign partition too: the parent's policy filters its rows
                    String grid;
                    try (ResultSet rs = s.executeQuery("SELECT left(microgrid_code, 15) FROM component WHERE district_code = '" + district
                            + "' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")) {
                        rs.next();
                        grid = rs.getString(1);
                    }
                    long inGrid = count(s, "SELECT count(*) FROM component WHERE left(microgrid_code, 15) = '" + grid + "'");
                    s.execute("SET LOCAL ROLE gridmap_app");
                    s.execute("SELECT set_config('gridmap.scope', '" + grid + "', true)");
                    assertEquals(inGrid, count(s, "SELECT count(*) FROM component WHERE district_code = '" + district + "'"),
                            "a grid worker's scope on the moved district");
                } finally {
                    c.rollback();
                }
            }
        }
        assertEquals(List.of("component_" + district), column("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = "
                + "'component'::regclass AND inhrelid::regclass::text = 'component_" + district + "'"), "rolled back: the local partition is back");
    }

    /**
     * gridmap_move_district (V21), which an event's adjudication into another district calls: a row moves into a
     * district on another server and one moves out of it, each whole and with its id, where a plain UPDATE of the
     * district is refused (into) or leaves the row on the other server (out of).
     */
    @Test
    void rowsMoveIntoAndOutOfADistrictOnAnotherServer() throws SQLException {
        String remote = column("SELECT district_code FROM event GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").get(0);
        String other = column("SELECT district_code FROM event WHERE district_code <> '" + remote + "' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
                .get(0);
        try (ForeignPartition shard = new ForeignPartition(owner, url, "event", remote); Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                long into = count(s, "SELECT min(id) FROM event WHERE district_code = '" + other + "'");
                long outOf = count(s, "SELECT min(id) FROM event WHERE district_code = '" + remote + "'");
                String intoRow = column("SELECT COALESCE(description, '') || ' ' || state || ' ' || ST_AsText(geom) FROM event WHERE id = " + into).get(0);
                shard.move(s);
                s.execute("SAVEPOINT plain");
                SQLException refused = assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE event SET district_code = '" + remote
                        + "' WHERE id = " + into));
                assertTrue(refused.getMessage().contains("cannot route tuples into foreign table"), refused.getMessage());
                s.execute("ROLLBACK TO SAVEPOINT plain");

                s.execute("SELECT gridmap_move_district('event', " + into + ", '" + remote + "')");
                s.execute("SELECT gridmap_move_district('event', " + outOf + ", '" + other + "')");
                assertEquals(1, count(s, "SELECT count(*) FROM " + shard.remote() + " WHERE id = " + into + " AND district_code = '" + remote
                        + "' AND COALESCE(description, '') || ' ' || state || ' ' || ST_AsText(geom) = '" + intoRow.replace("'", "''") + "'"), "whole, on the other server");
                assertEquals(1, count(s, "SELECT count(*) FROM event_" + other + " WHERE id = " + outOf), "back from the other server");
                assertEquals(0, count(s, "SELECT count(*) FROM " + shard.remote() + " WHERE id = " + outOf));
                assertEquals(0, count(s, "SELECT count(*) FROM event_" + other + " WHERE id = " + into));
            } finally {
                c.rollback();
            }
        }
    }

    /** The partitions a query reads, from its plan as the service's role runs it (whole-city scope). */
    private Set<String> partitionsRead(String sql, List<Object> values) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "gridmap_app", "")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT set_config('gridmap.scope', '*', true)");
            }
            StringBuilder plan = new StringBuilder();
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
                for (int i = 0; i < values.size(); i++) {
                    ps.setObject(i + 1, values.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
            }
            c.rollback();
            Set<String> read = new TreeSet<>();
            Matcher m = PARTITION.matcher(plan);
            while (m.find()) {
                read.add(m.group());
            }
            assertFalse(read.isEmpty(), "a plan over partitions: " + plan);
            return read;
        }
    }

    /** The filter with its values written in (for a count on the owner's connection). */
    private static String inline(ElementService.Filter f) {
        String sql = f.where();
        for (Object v : f.values) {
            sql = sql.replaceFirst("\\?", Matcher.quoteReplacement(v instanceof String ? "'" + v + "'" : String.valueOf(v)));
        }
        return sql;
    }

    private static String explain(Statement s, String sql) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = s.executeQuery("EXPLAIN (VERBOSE) " + sql)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<String> column(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = owner.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
