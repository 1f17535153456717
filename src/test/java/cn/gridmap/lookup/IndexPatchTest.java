package cn.gridmap.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.region.Level;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * A published generation is patched into the lookup index (only the cells over the changed micro-grids), and the
 * patched index answers exactly what a full build of the same hierarchy answers: at random points over the change,
 * at every vertex of the changed micro-grids and their neighbours, and across the city.
 */
@QuarkusTest
class IndexPatchTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    @Inject
    LiveGridIndex index;

    @Test
    void aPatchedIndexAnswersWhatAFullBuildAnswers() throws Exception {
        GridIndex before = index.current();
        String[] pair;
        double[] box;
        int generation;
        try (Connection c = owner.getConnection()) {
            // two neighbouring micro-grids of one grid in 321181 become one (what a published merge writes)
            pair = strings(c, "SELECT a.code, b.code FROM region a JOIN region b ON b.parent_code = a.parent_code AND b.code > a.code "
                    + "WHERE a.level = 'microgrid' AND a.generation_high IS NULL AND b.generation_high IS NULL AND a.code LIKE '321181%' "
                    + "AND ST_Relate(a.geom, b.geom, 'F***1****') ORDER BY a.code OFFSET 25 LIMIT 1");
            String[] b = strings(c, "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom)::box2d e FROM region "
                    + "WHERE code IN ('" + pair[0] + "', '" + pair[1] + "') AND generation_high IS NULL) x");
            box = new double[] {Double.parseDouble(b[0]) - 0.002, Double.parseDouble(b[1]) - 0.002, Double.parseDouble(b[2]) + 0.002,
                    Double.parseDouble(b[3]) + 0.002};
            c.setAutoCommit(false);
            generation = Integer.parseInt(strings(c, "INSERT INTO generation (id, description, active, effective_from, published_at) "
                    + "SELECT max(id) + 1, 'index patch test', true, current_date, now() FROM generation RETURNING id")[0]);
            exec(c, "CREATE TEMP TABLE merged ON COMMIT DROP AS SELECT code, name, level, level_rank, parent_code, path, derived, properties, "
                    + "ST_Multi(ST_Union(geom) OVER ()) AS g FROM region WHERE code IN ('" + pair[0] + "', '" + pair[1] + "') AND generation_high IS NULL");
            exec(c, "UPDATE region SET generation_high = " + (generation - 1) + " WHERE code IN ('" + pair[0] + "', '" + pair[1] + "') "
                    + "AND generation_high IS NULL");
            exec(c, "INSERT INTO region (code, name, level, level_rank, parent_code, path, geom, derived, properties, generation_low) "
                    + "SELECT code, name, level, level_rank, parent_code, path, g, derived, properties, " + generation + " FROM merged WHERE code = '"
                    + pair[0] + "'");
            c.commit();
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (index.current().generation() < generation) {
            assertTrue(System.currentTimeMillis() < deadline, "the index did not follow the new generation");
            Thread.sleep(50);
        }
        GridIndex patched = index.current();
        assertEquals(before.patchCount() + 1, patched.patchCount(), "patched, not rebuilt");
        assertEquals(before.microgridCount() - 1, patched.microgridCount());
        GridIndex full;
        try (Connection c = owner.getConnection()) {
            full = GridIndexLoader.load(c, 0.0002);
        }
        assertEquals(full.microgridCount(), patched.microgridCount());
        List<double[]> points = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 40_000; i++) {
            points.add(new double[] {box[0] + random.nextDouble() * (box[2] - box[0]), box[1] + random.nextDouble() * (box[3] - box[1])});
        }
        // every vertex of the micro-grids over the change (points on shared edges and nodes)
        try (Connection c = owner.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT ST_X(d.geom), ST_Y(d.geom) FROM region r, "
                + "ST_DumpPoints(r.geom) d WHERE r.level = 'microgrid' AND r.generation_high IS NULL AND r.geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)")) {
            for (int i = 0; i < 4; i++) {
                ps.setDouble(i + 1, box[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    points.add(new double[] {rs.getDouble(1), rs.getDouble(2)});
                }
            }
        }
        for (int i = 0; i < 40_000; i++) {
            points.add(new double[] {118.9 + random.nextDouble() * 1.2, 31.6 + random.nextDouble() * 0.8});
        }
        int inChange = 0;
        for (double[] p : points) {
            String[] a = patched.codesAt(p[0], p[1], Level.GRID, Level.MICROGRID);
            String[] b = full.codesAt(p[0], p[1], Level.GRID, Level.MICROGRID);
            assertEquals(b == null ? null : List.of(b), a == null ? null : List.of(a), p[0] + "," + p[1]);
            if (a != null && a[1].equals(pair[0])) {
                inChange++;
            }
        }
        assertTrue(inChange > 100, inChange + " points fell in the merged micro-grid");
        assertEquals(null, patched.codesAt(Double.NaN, 0, Level.MICROGRID));
    }

    private static String[] strings(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), sql);
            String[] out = new String[rs.getMetaData().getColumnCount()];
            for (int i = 0; i < out.length; i++) {
                out[i] = rs.getString(i + 1);
            }
            return out;
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        }
    }
}
