package cn.gridmap.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.locationtech.jts.io.WKBWriter;

import cn.gridmap.GridmapConfig;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/** Invariants of the hierarchy, checked by PostGIS on the whole loaded city. */
@QuarkusTest
class CityInvariantsTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner") // the tables' owner: tests look at what is stored, past row-level security
    DataSource dataSource;
    @Inject
    GridmapConfig config;
    @Inject
    LowerLevels lowerLevels;

    private long count(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<String> codes(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void everyGeometryIsValid() throws SQLException {
        assertEquals(List.of(), codes("SELECT code FROM region WHERE NOT ST_IsValid(geom) OR ST_IsEmpty(geom) LIMIT 10"));
    }

    @Test
    void everyChildLiesWithinItsParent() throws SQLException {
        assertEquals(List.of(), codes("""
                SELECT c.code FROM region c JOIN region p ON p.code = c.parent_code
                WHERE c.generation_high IS NULL AND p.generation_high IS NULL AND NOT ST_CoveredBy(c.geom, p.geom) LIMIT 10"""));
    }

    @Test
    void siblingsDoNotOverlap() throws SQLException {
        // interiors of two siblings never meet (they may share edges and vertices)
        assertEquals(List.of(), codes("""
                SELECT a.code || ' ' || b.code FROM region a JOIN region b
                  ON a.parent_code = b.parent_code AND a.code < b.code AND a.geom && b.geom
                WHERE a.generation_high IS NULL AND b.generation_high IS NULL AND ST_Relate(a.geom, b.geom, 'T********') LIMIT 10"""));
    }

    @Test
    void everyParentIsCoveredByItsChildrenWithoutGaps() throws SQLException {
        // children within the parent and not overlapping: parent area - children's area = total gap area
        assertEquals(List.of(), codes("""
                SELECT p.code || ' gap ' || round((p.area_sqm - sum(c.area_sqm))::numeric, 3) FROM region p JOIN region c ON c.parent_code = p.code
                WHERE p.generation_high IS NULL AND c.generation_high IS NULL
                GROUP BY p.code, p.area_sqm HAVING abs(p.area_sqm - sum(c.area_sqm)) > 1.0 LIMIT 10"""));
        assertEquals(0, count("SELECT count(*) FROM region p WHERE level <> 'microgrid' AND NOT EXISTS (SELECT 1 FROM region c WHERE c.parent_code = p.code)"));
    }

    @Test
    void codesFollowGbt30428AndTheProjectConvention() throws SQLException {
        assertEquals(0, count("SELECT count(*) FROM region WHERE level IN ('grid', 'microgrid') AND (code NOT LIKE parent_code || '___' OR right(code, 3) = '000')"));
        assertEquals(0, count("SELECT count(*) FROM region WHERE level = 'community' AND code NOT LIKE parent_code || '___'"));
        assertEquals(5, count("SELECT count(*) FROM region WHERE level = 'street' AND code NOT LIKE parent_code || '___'"),
                "only the five 镇江新区 units keep a code that is not under their district's");
    }

    @Test
    void derivedFlagMarksEveryLevelBelowTheDistricts() throws SQLException {
        assertEquals(0, count("SELECT count(*) FROM region WHERE derived <> (level NOT IN ('city', 'district'))"));
        assertEquals(0, count("SELECT count(*) FROM region WHERE derived AND NOT (properties ? 'method' AND properties ? 'seed')"));
    }

    @Test
    void householdsPerGridAndMicrogridFollowTheTargets() throws SQLException {
        // the generated city (generation 1): the targets are the standard grids'; a 专属网格 is as large as its unit
        long grids = count("SELECT count(*) FROM region WHERE level = 'grid' AND generation_low = 1");
        long typicalGrids = count("SELECT count(*) FROM region WHERE level = 'grid' AND generation_low = 1 "
                + "AND (properties->>'households')::int BETWEEN 200 AND 450");
        assertTrue(typicalGrids > 0.95 * grids, typicalGrids + " of " + grids + " grids hold 200–450 households");
        long micro = count("SELECT count(*) FROM region WHERE level = 'microgrid' AND generation_low = 1");
        long typicalMicro = count("SELECT count(*) FROM region WHERE level = 'microgrid' AND generation_low = 1 "
                + "AND (properties->>'households')::int BETWEEN 30 AND 50");
        assertTrue(typicalMicro > 0.95 * micro, typicalMicro + " of " + micro + " micro-grids hold 30–50 households");
        assertEquals(config.city().households(), count("SELECT (properties->>'households')::bigint FROM region WHERE level = 'city'"));
    }

    @Test
    void theStoredCityIsByteForByteWhatTheSeedGenerates() throws Exception {
        // the first generation: published boundary changes (other tests make some) close rows and open new ones
        MessageDigest stored = MessageDigest.getInstance("SHA-256");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT code, ST_AsBinary(geom, 'NDR') FROM region WHERE generation_low = 1 ORDER BY code")) {
            while (rs.next()) {
                stored.update(rs.getString(1).getBytes());
                stored.update(rs.getBytes(2));
            }
        }
        List<RegionDraft> again = new ArrayList<>(lowerLevels.derive(new CityDataReader(null).read()));
        again.sort((a, b) -> a.code().compareTo(b.code()));
        MessageDigest fresh = MessageDigest.getInstance("SHA-256");
        WKBWriter wkb = new WKBWriter(2, org.locationtech.jts.io.ByteOrderValues.LITTLE_ENDIAN);
        for (RegionDraft d : again) {
            fresh.update(d.code().getBytes());
            fresh.update(wkb.write(d.geom()));
        }
        assertEquals(HexFormat.of().formatHex(fresh.digest()), HexFormat.of().formatHex(stored.digest()));
    }
}
