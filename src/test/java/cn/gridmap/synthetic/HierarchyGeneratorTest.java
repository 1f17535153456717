package cn.gridmap.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.WKBWriter;
import org.locationtech.jts.io.WKTReader;

import cn.gridmap.geo.Geometries;
import cn.gridmap.region.CityData;
import cn.gridmap.region.Level;
import cn.gridmap.region.RegionDraft;

/** The derivation on a small two-district city written inline (no database). */
class HierarchyGeneratorTest {
    private static final HierarchyGenerator.Params PARAMS = new HierarchyGenerator.Params(7, 6000, 300, 40);
    private static List<RegionDraft> city;

    static CityData twoDistricts() throws Exception {
        WKTReader wkt = new WKTReader(Geometries.STORAGE);
        // two districts sharing the meridian 119.45; the eastern one is L-shaped
        Geometry west = wkt.read("POLYGON ((119.40 32.10, 119.45 32.10, 119.45 32.16, 119.40 32.16, 119.40 32.10))");
        Geometry east = wkt.read("POLYGON ((119.45 32.10, 119.52 32.10, 119.52 32.13, 119.48 32.13, 119.48 32.16, 119.45 32.16, 119.45 32.10))");
        Geometry water = wkt.read("POLYGON ((119.41 32.15, 119.43 32.15, 119.43 32.155, 119.41 32.155, 119.41 32.15))");
        List<CityData.Unit> units = List.of(
                new CityData.Unit(Level.STREET, "321111001", "宝塔路街道", "321111", "321111"),
                new CityData.Unit(Level.STREET, "321111100", "某某镇", "321111", "321111"),
                new CityData.Unit(Level.STREET, "321102001", "正东路街道", "321102", "321102"),
                new CityData.Unit(Level.STREET, "321171001", "丁卯街道", "321102", "321171"),
                new CityData.Unit(Level.COMMUNITY, "321111001001", "甲社区居委会", "321111001", "321111001"),
                new CityData.Unit(Level.COMMUNITY, "321111001002", "乙社区居委会", "321111001", "321111001"),
                new CityData.Unit(Level.COMMUNITY, "321111100201", "丙村委会", "321111100", "321111100"),
                new CityData.Unit(Level.COMMUNITY, "321102001001", "丁社区居委会", "321102001", "321102001"),
                new CityData.Unit(Level.COMMUNITY, "321171001001", "戊社区居委会", "321171001", "321171001"),
                new CityData.Unit(Level.COMMUNITY, "321171001201", "己村委会", "321171001", "321171001"));
        return new CityData("321100", "镇江市", List.of(
                new CityData.District("321111", "润州区", west, new double[] {119.42, 32.13}),
                new CityData.District("321102", "京口区", east, new double[] {119.47, 32.12})), units, water);
    }

    @BeforeAll
    static void generate() throws Exception {
        city = new HierarchyGenerator(PARAMS).generate(twoDistricts());
    }

    private static Map<String, RegionDraft> byCode() {
        return city.stream().collect(Collectors.toMap(RegionDraft::code, r -> r));
    }

    @Test
    void sameSeedGivesIdenticalCodesAndGeometries() throws Exception {
        List<RegionDraft> again = new HierarchyGenerator(PARAMS).generate(twoDistricts());
        assertEquals(city.stream().map(RegionDraft::code).toList(), again.stream().map(RegionDraft::code).toList());
        WKBWriter wkb = new WKBWriter();
        for (int i = 0; i < city.size(); i++) {
            assertArrayEquals(wkb.write(city.get(i).geom()), wkb.write(again.get(i).geom()), city.get(i).code());
        }
    }

    @Test
    void anotherSeedGivesAnotherCity() throws Exception {
        List<RegionDraft> other = new HierarchyGenerator(new HierarchyGenerator.Params(8, 6000, 300, 40)).generate(twoDistricts());
        Geometry a = city.stream().filter(r -> r.code().equals("321111001")).findFirst().orElseThrow().geom();
        Geometry b = other.stream().filter(r -> r.code().equals("321111001")).findFirst().orElseThrow().geom();
        assertFalse(a.equalsExact(b));
    }

    @Test
    void everyRealUnitBecomesARegionUnderItsParent() {
        Map<String, RegionDraft> m = byCode();
        assertEquals("321102", m.get("321171001").parentCode(), "镇江新区 units hang under 京口区");
        assertEquals("321171", m.get("321171001").properties().get("statisticalParentCode"));
        assertEquals("甲社区", m.get("321111001001").name());
        assertEquals("丙村", m.get("321111100201").name());
        assertEquals(1, city.stream().filter(r -> r.level() == Level.CITY).count());
        assertEquals(4, city.stream().filter(r -> r.level() == Level.STREET).count());
        assertEquals(6, city.stream().filter(r -> r.level() == Level.COMMUNITY).count());
    }

    @Test
    void childrenTileTheirParentExactlyWithoutOverlap() {
        Map<String, RegionDraft> m = byCode();
        Map<String, List<RegionDraft>> children = city.stream().filter(r -> r.parentCode() != null)
                .collect(Collectors.groupingBy(RegionDraft::parentCode));
        for (var e : children.entrySet()) {
            Geometry parent = m.get(e.getKey()).geom();
            List<Geometry> kids = new ArrayList<>();
            for (RegionDraft c : e.getValue()) {
                assertTrue(c.geom().isValid(), c.code() + " is valid");
                assertTrue(c.geom().coveredBy(parent), c.code() + " lies within " + e.getKey());
                kids.add(c.geom());
            }
            for (int i = 0; i < kids.size(); i++) {
                for (int j = i + 1; j < kids.size(); j++) {
                    assertFalse(kids.get(i).relate(kids.get(j), "T********"),
                            e.getValue().get(i).code() + " overlaps " + e.getValue().get(j).code());
                }
            }
            double gap = parent.difference(Geometries.STORAGE.buildGeometry(kids).union()).getArea();
            assertTrue(gap < 1e-12, e.getKey() + " has a gap of " + gap + " deg²");
        }
    }

    @Test
    void gridAndMicrogridCodesExtendTheirParentsCodeByThreeDigits() {
        for (RegionDraft r : city) {
            if (r.level() == Level.GRID || r.level() == Level.MICROGRID) {
                assertEquals(r.level().codeLength(), r.code().length());
                assertTrue(r.code().startsWith(r.parentCode()));
                assertTrue(r.code().matches("\\d+") && !r.code().endsWith("000"), r.code());
            }
        }
    }

    @Test
    void gridCountsFollowTheHouseholdTargets() {
        long grids = city.stream().filter(r -> r.level() == Level.GRID).count();
        long micro = city.stream().filter(r -> r.level() == Level.MICROGRID).count();
        assertTrue(grids >= 15 && grids <= 25, "6000 households / 300 ≈ 20 grids, got " + grids);
        assertTrue(micro >= 120 && micro <= 180, "6000 households / 40 ≈ 150 micro-grids, got " + micro);
        for (RegionDraft r : city) {
            if (r.level() == Level.MICROGRID) {
                int hh = (Integer) r.properties().get("households");
                assertTrue(hh >= 20 && hh <= 60, r.code() + " has " + hh + " households");
            }
        }
        assertEquals(6000, city.get(0).properties().get("households"));
    }

    @Test
    void firstGridOfACommunityIsInItsNorthernRowAndTheLastInItsSouthernRow() {
        Map<String, List<RegionDraft>> grids = city.stream().filter(r -> r.level() == Level.GRID)
                .collect(Collectors.groupingBy(RegionDraft::parentCode));
        for (List<RegionDraft> g : grids.values()) {
            if (g.size() < 3) {
                continue;
            }
            double area = g.stream().mapToDouble(r -> r.geom().getArea()).sum();
            double band = Math.sqrt(area / g.size());
            double maxY = g.stream().mapToDouble(r -> r.geom().getInteriorPoint().getY()).max().orElseThrow();
            double minY = g.stream().mapToDouble(r -> r.geom().getInteriorPoint().getY()).min().orElseThrow();
            List<RegionDraft> sorted = g.stream().sorted((a, b) -> a.code().compareTo(b.code())).toList();
            assertTrue(sorted.get(0).geom().getInteriorPoint().getY() > maxY - 2 * band, sorted.get(0).code());
            assertTrue(sorted.get(sorted.size() - 1).geom().getInteriorPoint().getY() < minY + 2 * band);
        }
    }

    @Test
    void noHouseholdIsPlacedOnWater() {
        // the water square gets no household, so the micro-grids covering it are large (few per area)
        RegionDraft westCity = byCode().get("321111");
        assertNotEquals(0, westCity.properties().get("households"));
    }

    @Test
    void committeeSuffixesAreDroppedForDisplay() {
        assertEquals("贺家弄社区", HierarchyGenerator.displayName("贺家弄社区居委会"));
        assertEquals("某某村", HierarchyGenerator.displayName("某某村委会"));
        assertEquals("某某村", HierarchyGenerator.displayName("某某村村民委员会"));
        assertEquals("京口经济开发区", HierarchyGenerator.displayName("京口经济开发区"));
    }
}
