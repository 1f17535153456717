package cn.gridmap.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import cn.gridmap.region.RegionRecord.RegionRef;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * Property test: the in-memory engine answers exactly what PostGIS {@code ST_Covers} + the shared-edge rule answer,
 * for 100,000 seeded random points over the city and for every vertex and edge midpoint of a sample of grids
 * (points exactly on shared edges and vertices).
 */
@QuarkusTest
class EngineMatchesPostgisTest {
    private static final long SEED = 42;

    @Inject
    @io.quarkus.agroal.DataSource("owner") // the tables' owner: tests look at what is stored, past row-level security
    DataSource dataSource;
    @Inject
    LiveGridIndex index;

    @Test
    void engineEqualsPostgisOnRandomPointsAndOnSharedEdgesAndVertices() throws Exception {
        List<double[]> points = new ArrayList<>();
        Random rnd = new Random(SEED);
        // the city's bbox with a margin, so that some points fall outside
        for (int i = 0; i < 100_000; i++) {
            points.add(new double[] {118.95 + rnd.nextDouble() * 1.07, 31.60 + rnd.nextDouble() * 0.76});
        }
        int random = points.size();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                        WITH g AS (SELECT geom FROM region WHERE level = 'grid' ORDER BY md5(code) LIMIT 150),
                        v AS (SELECT (ST_DumpPoints(geom)).geom p FROM g),
                        seg AS (SELECT ST_PointN(r, n) a, ST_PointN(r, n + 1) b FROM
                                 (SELECT ST_ExteriorRing((ST_Dump(geom)).geom) r FROM g) x, generate_series(1, ST_NPoints(r) - 1) n)
                        SELECT ST_X(p), ST_Y(p) FROM v
                        UNION ALL SELECT (ST_X(a) + ST_X(b)) / 2, (ST_Y(a) + ST_Y(b)) / 2 FROM seg""")) {
            while (rs.next()) {
                points.add(new double[] {rs.getDouble(1), rs.getDouble(2)});
            }
        }
        assertTrue(points.size() - random > 1000, "sampled " + (points.size() - random) + " vertices and midpoints");

        Map<Integer, List<String>> expected = postgisChains(points);
        GridIndex idx = index.current();
        int mismatches = 0;
        StringBuilder first = new StringBuilder();
        int inside = 0;
        for (int i = 0; i < points.size(); i++) {
            int[] chain = idx.chain(idx.locateMicro(points.get(i)[0], points.get(i)[1]));
            List<String> got = new ArrayList<>();
            for (int r : chain) {
                got.add(idx.code(r));
            }
            List<String> want = expected.getOrDefault(i, List.of());
            if (!got.isEmpty()) {
                inside++;
            }
            if (!got.equals(want)) {
                if (mismatches++ < 5) {
                    first.append(String.format("%n  %.15f,%.15f engine %s postgis %s", points.get(i)[0], points.get(i)[1], got, want));
                }
            }
        }
        assertTrue(inside > 50_000, inside + " points inside the city");
        assertEquals(0, mismatches, mismatches + " of " + points.size() + " points differ:" + first);
    }

    /** point index → chain codes by ST_Covers and the rule, computed in one bulk join. */
    private Map<Integer, List<String>> postgisChains(List<double[]> points) throws Exception {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < points.size(); i++) {
            csv.append(i).append(',').append(Double.toString(points.get(i)[0])).append(',').append(Double.toString(points.get(i)[1])).append('\n');
        }
        Map<Integer, List<Object[]>> rows = new HashMap<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE probe (id int, lon float8, lat float8) ON COMMIT DROP");
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY probe FROM STDIN (FORMAT csv)", new StringReader(csv.toString()));
                s.execute("ALTER TABLE probe ADD COLUMN p geometry(Point, 4326)");
                s.execute("UPDATE probe SET p = ST_SetSRID(ST_MakePoint(lon, lat), 4326)");
                s.setFetchSize(10_000);
                try (ResultSet rs = s.executeQuery("""
                        SELECT x.id, r.code, r.name, r.level, r.parent_code FROM probe x
                        JOIN region r ON r.generation_high IS NULL AND ST_Covers(r.geom, x.p)
                        ORDER BY x.id, r.level_rank, r.code""")) {
                    while (rs.next()) {
                        rows.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>())
                                .add(new Object[] {rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)});
                    }
                }
            }
            c.rollback();
        }
        Map<Integer, List<String>> chains = new HashMap<>();
        for (var e : rows.entrySet()) {
            chains.put(e.getKey(), chainByRule(e.getValue()).stream().map(RegionRef::code).toList());
        }
        return chains;
    }

    /** Applies the shared-edge rule to rows ordered by level then code: (code, name, level, parent_code). */
    private static List<RegionRef> chainByRule(List<Object[]> rows) {
        List<RegionRef> chain = new ArrayList<>();
        String level = null;
        for (Object[] r : rows) {
            String code = (String) r[0];
            String lvl = (String) r[2];
            String parentCode = (String) r[3];
            if (lvl.equals(level)) {
                continue; // a sibling with a higher code on a shared edge
            }
            if (chain.isEmpty() ? parentCode != null : !chain.get(chain.size() - 1).code().equals(parentCode)) {
                continue; // covers the point but hangs under a region the rule did not choose
            }
            chain.add(new RegionRef(code, (String) r[1], lvl));
            level = lvl;
        }
        return chain;
    }
}
