package cn.gridmap.synthetic;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.index.strtree.STRtree;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;

import cn.gridmap.element.AddressBase;
import cn.gridmap.geo.Geometries;

/**
 * The synthetic standard-address base of the city, derived deterministically from the stored micro-grids (which
 * already follow the synthetic population surface: each carries its household count).
 *
 * <ul>
 * <li>Every urban community (社区) gets 2–4 roads (街路巷, GA/T 2000.32 class 41) with city-wide unique names; every
 * grid of it becomes one compound (小区, 42) whose gate has a door number on one of those roads; the grid's
 * households live in numbered buildings (幢) of 1–3 units and 2 rooms per floor, placed at random inside their
 * micro-grid (never on GSHHG water).</li>
 * <li>Every rural community (村) gets one natural village (自然村, 44) per grid with one house per household, numbered
 * 1号, 2号, …</li>
 * <li>Shops (commercial houses on a road door, or a village door) are drawn at the organisation rate.</li>
 * </ul>
 * Names that must be unique are chosen in one sequential pass; the rest is computed per community with a Random
 * seeded by (seed, community code), so the result does not depend on thread scheduling. {@code scale} thins the
 * households of each micro-grid (stochastic rounding, seeded), so a 1 % city keeps the shape of the full one.
 */
public final class SyntheticCity {
    /** Elements per household of the full city: ≈ 50k components, 20k organisations, 100k events for 1.2 M households. */
    static final double COMPONENTS_PER_HOUSEHOLD = 50_000 / 1_200_000.0;
    static final double ORGS_PER_HOUSEHOLD = 20_000 / 1_200_000.0;
    static final double EVENTS_PER_HOUSEHOLD = 100_000 / 1_200_000.0;
    /** Ids of a community's elements are community index × this + a serial. */
    static final long ID_BLOCK = 10_000_000L;
    /** The province of the standard addresses (GB/T 2260: 32 = 江苏省). */

    final long seed;
    final double scale;
    final String cityName;
    final List<Community> communities;
    private final STRtree water;

    /** A micro-grid as the generator needs it. */
    record Micro(String code, int households, Geometry geom) {
    }

    /** One community with its chain names and micro-grids grouped by grid (code order). */
    static final class Community {
        final int index;
        final String code;
        final String name;
        final String districtCode;
        final String prefix;
        final boolean rural;
        final LinkedHashMap<String, List<Micro>> grids = new LinkedHashMap<>();
        final List<String> roadNames = new ArrayList<>();
        final Map<String, String> gridPlaceNames = new HashMap<>();

        Community(int index, String code, String name, String districtCode, String prefix) {
            this.index = index;
            this.code = code;
            this.name = name;
            this.districtCode = districtCode;
            this.prefix = prefix;
            this.rural = name.endsWith("村");
        }
    }

    /** 街路巷 / 小区 / 自然村. */
    static final class Place {
        long id;
        int kind;
        String name;
        String roadName;
        String door;
        double lon;
        double lat;
        int nextDoor = 1;
    }

    /** 建筑物 (楼栋 or village house). */
    static final class Building {
        long id;
        Place place;
        String number;
        String address;
        int units;
        int floors;
        double lon;
        double lat;
        /** District and micro-grid as the lookup engine assigns them (set by the loader). */
        String district;
        String micro;
    }

    /** 实有房屋: a dwelling or a shop. */
    static final class House {
        long id;
        Building building;
        String address;
        String use;
        int households;
        float area;
    }

    /** Everything of one community. */
    static final class Structure {
        final Community community;
        final List<Place> places = new ArrayList<>();
        final List<Building> buildings = new ArrayList<>();
        final List<House> houses = new ArrayList<>();
        /** Buildings per micro-grid code (for components and events). */
        final Map<String, List<Building>> byMicro = new LinkedHashMap<>();
        final Map<String, Integer> householdsByMicro = new LinkedHashMap<>();

        Structure(Community community) {
            this.community = community;
        }
    }

    SyntheticCity(long seed, double scale, String cityName, List<Community> communities, STRtree water) {
        if (!(scale > 0 && scale <= 1)) {
            throw new IllegalArgumentException("GRIDMAP_SCALE must be in (0, 1], got " + scale);
        }
        this.seed = seed;
        this.scale = scale;
        this.cityName = cityName;
        this.communities = communities;
        this.water = water;
        nameUniquePlaces();
    }

    /** Reads the current micro-grids, their chain names and the water from the database. */
    /**
     * The elements are generated against the first generation of the hierarchy (the seed's): published boundary
     * changes move elements between micro-grids later, but regenerating from the seed gives the same city.
     */
    static final String FIRST_GENERATION = "generation_low = (SELECT min(id) FROM generation)";

    public static SyntheticCity read(Connection c, long seed, double scale) throws SQLException {
        Map<String, String[]> regions = new HashMap<>(); // code -> level, name, parent
        String cityName = "";
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT code, level, name, parent_code FROM region WHERE " + FIRST_GENERATION + " "
                     + "AND level IN ('city','district','street','community')")) {
            while (rs.next()) {
                regions.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
                if ("city".equals(rs.getString(2))) {
                    cityName = rs.getString(3);
                }
            }
        }
        WKBReader wkb = new WKBReader(Geometries.STORAGE);
        Map<String, Community> byCode = new LinkedHashMap<>();
        List<Community> list = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            s.setFetchSize(2000);
            try (ResultSet rs = s.executeQuery("SELECT m.code, m.parent_code, g.parent_code, "
                    + "COALESCE((m.properties->>'households')::int, 0), ST_AsBinary(m.geom) FROM region m "
                    + "JOIN region g ON g.code = m.parent_code AND g." + FIRST_GENERATION + " "
                    + "WHERE m.level = 'microgrid' AND m." + FIRST_GENERATION + " ORDER BY g.parent_code, m.code")) {
                while (rs.next()) {
                    String cc = rs.getString(3);
                    Community com = byCode.get(cc);
                    if (com == null) {
                        String[] comm = regions.get(cc);
                        String[] street = regions.get(comm[2]);
                        String[] district = regions.get(street[2]);
                        String shortName = AddressBase.shortCommunity(comm[1]);
                        com = new Community(list.size(), cc, shortName, street[2],
                                AddressBase.addressPrefix(cityName, district[1], street[1], comm[1]));
                        byCode.put(cc, com);
                        list.add(com);
                    }
                    com.grids.computeIfAbsent(rs.getString(2), k -> new ArrayList<>())
                            .add(new Micro(rs.getString(1), rs.getInt(4), wkb.read(rs.getBytes(5))));
                }
            } catch (ParseException e) {
                throw new SQLException("unreadable micro-grid: " + e.getMessage(), e);
            }
        }
        STRtree water = new STRtree();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ST_AsBinary((ST_Dump(geom)).geom) FROM basemap_feature WHERE kind = 'water'")) {
            while (rs.next()) {
                Geometry g = wkb.read(rs.getBytes(1));
                water.insert(g.getEnvelopeInternal(), PreparedGeometryFactory.prepare(g));
            }
        } catch (ParseException e) {
            throw new SQLException("unreadable water: " + e.getMessage(), e);
        }
        water.build();
        return new SyntheticCity(seed, scale, cityName, list, water);
    }


    /** Road names unique in the city; compound and village names unique in their district. */
    private void nameUniquePlaces() {
        Random rnd = new Random(seed * 7919 + 17);
        Set<String> roads = new HashSet<>();
        Map<String, Set<String>> perDistrict = new HashMap<>();
        for (Community c : communities) {
            int nRoads = c.rural ? 1 : 2 + rnd.nextInt(3);
            for (int i = 0; i < nRoads; i++) {
                String n;
                int tries = 0;
                do {
                    n = SyntheticNames.pick(rnd, SyntheticNames.WORDS) + SyntheticNames.pick(rnd, SyntheticNames.ROAD_SUFFIX);
                    if (++tries > 1000) {
                        throw new IllegalStateException("ran out of road names: add words to SyntheticNames");
                    }
                } while (!roads.add(n));
                c.roadNames.add(n);
            }
            Set<String> used = perDistrict.computeIfAbsent(c.districtCode, k -> new HashSet<>());
            for (String grid : c.grids.keySet()) {
                String n;
                int tries = 0;
                do {
                    n = c.rural ? SyntheticNames.village(rnd)
                            : SyntheticNames.pick(rnd, SyntheticNames.WORDS) + SyntheticNames.pick(rnd, SyntheticNames.COMPOUND_SUFFIX);
                    if (++tries > 50) {
                        n = n + (tries - 50) + "期";
                    }
                } while (!used.add(n));
                c.gridPlaceNames.put(grid, n);
            }
        }
    }

    /** All structures, computed in parallel but each from its own seeded Random: deterministic. */
    Structure[] structures() {
        Structure[] out = new Structure[communities.size()];
        IntStream.range(0, out.length).parallel().forEach(i -> out[i] = structure(communities.get(i)));
        return out;
    }

    int scaledHouseholds(Random rnd, int households) {
        double v = households * scale;
        int n = (int) v;
        return n + (rnd.nextDouble() < v - n ? 1 : 0);
    }

    Structure structure(Community c) {
        Random rnd = new Random(seed * 1_000_003 + Long.parseLong(c.code));
        Structure s = new Structure(c);
        long base = c.index * ID_BLOCK;
        long[] serial = new long[3];
        List<Place> roads = new ArrayList<>();
        Micro first = c.grids.values().iterator().next().get(0);
        for (String name : c.roadNames) {
            Place p = new Place();
            p.id = base + (++serial[0]);
            p.kind = 41;
            p.name = name;
            double[] pt = pointIn(first.geom(), rnd);
            p.lon = pt[0];
            p.lat = pt[1];
            s.places.add(p);
            roads.add(p);
        }
        int gi = 0;
        for (Map.Entry<String, List<Micro>> grid : c.grids.entrySet()) {
            Place place = new Place();
            place.id = base + (++serial[0]);
            place.kind = c.rural ? 44 : 42;
            place.name = c.gridPlaceNames.get(grid.getKey());
            Place road = c.rural ? null : roads.get(gi++ % roads.size());
            if (road != null) {
                place.roadName = road.name;
                place.door = String.valueOf(road.nextDoor);
                road.nextDoor += 2;
            }
            double[] gate = pointIn(grid.getValue().get(0).geom(), rnd);
            place.lon = gate[0];
            place.lat = gate[1];
            s.places.add(place);
            String placeAddress = c.prefix + (road == null ? "" : road.name + place.door + "号") + place.name;
            int buildingNo = 0;
            int gridHouseholds = 0;
            for (Micro m : grid.getValue()) {
                int hh = scaledHouseholds(rnd, m.households());
                gridHouseholds += hh;
                s.householdsByMicro.put(m.code(), hh);
                List<Building> here = s.byMicro.computeIfAbsent(m.code(), k -> new ArrayList<>());
                while (hh > 0) {
                    Building b = new Building();
                    b.id = base + (++serial[1]);
                    b.place = place;
                    double[] pt = pointIn(m.geom(), rnd);
                    b.lon = pt[0];
                    b.lat = pt[1];
                    here.add(b);
                    s.buildings.add(b);
                    if (c.rural) {
                        b.number = (++buildingNo) + "号";
                        b.units = 1;
                        b.floors = 2 + rnd.nextInt(2);
                        b.address = c.prefix + place.name + b.number;
                        addHouse(s, b, b.address, rnd.nextInt(100) < 8 ? "rental" : "residential", 1, 90 + rnd.nextInt(120), base, serial);
                        hh--;
                    } else {
                        b.number = (++buildingNo) + "幢";
                        b.units = 1 + rnd.nextInt(3);
                        b.floors = 3 + rnd.nextInt(16);
                        b.address = placeAddress + b.number;
                        int rooms = Math.min(hh, b.units * b.floors * 2);
                        for (int k = 0; k < rooms; k++) {
                            int unit = 1 + k / (b.floors * 2);
                            int floor = 1 + (k % (b.floors * 2)) / 2;
                            int room = floor * 100 + 1 + k % 2;
                            addHouse(s, b, b.address + unit + "单元" + room + "室", rnd.nextInt(100) < 15 ? "rental" : "residential", 1,
                                    50 + rnd.nextInt(100), base, serial);
                        }
                        hh -= rooms;
                    }
                }
            }
            // shops: on the compound's road (urban) or in the village, at the organisation rate
            int shops = stochastic(rnd, gridHouseholds * ORGS_PER_HOUSEHOLD);
            for (int k = 0; k < shops; k++) {
                Micro m = grid.getValue().get(rnd.nextInt(grid.getValue().size()));
                Building b = new Building();
                b.id = base + (++serial[1]);
                double[] pt = pointIn(m.geom(), rnd);
                b.lon = pt[0];
                b.lat = pt[1];
                b.units = 1;
                b.floors = 1 + rnd.nextInt(3);
                if (road != null) {
                    b.place = road;
                    b.number = road.nextDoor + "号";
                    road.nextDoor += 2;
                    b.address = c.prefix + road.name + b.number;
                } else {
                    b.place = place;
                    b.number = (++buildingNo) + "号";
                    b.address = c.prefix + place.name + b.number;
                }
                s.byMicro.computeIfAbsent(m.code(), x -> new ArrayList<>()).add(b);
                s.buildings.add(b);
                addHouse(s, b, b.address, "commercial", 0, 30 + rnd.nextInt(400), base, serial);
            }
        }
        return s;
    }

    private static void addHouse(Structure s, Building b, String address, String use, int households, int area, long base, long[] serial) {
        House h = new House();
        h.id = base + (++serial[2]);
        h.building = b;
        h.address = address;
        h.use = use;
        h.households = households;
        h.area = area;
        s.houses.add(h);
    }

    static int stochastic(Random rnd, double v) {
        int n = (int) v;
        return n + (rnd.nextDouble() < v - n ? 1 : 0);
    }

    /** A uniform random point inside {@code g}, off water when possible. */
    double[] pointIn(Geometry g, Random rnd) {
        Envelope e = g.getEnvelopeInternal();
        double[] fallback = null;
        for (int i = 0; i < 200; i++) {
            double x = e.getMinX() + rnd.nextDouble() * e.getWidth();
            double y = e.getMinY() + rnd.nextDouble() * e.getHeight();
            Point p = Geometries.STORAGE.createPoint(new Coordinate(x, y));
            if (!g.contains(p)) {
                continue;
            }
            if (fallback == null) {
                fallback = new double[] {x, y};
            }
            if (!onWater(p)) {
                return new double[] {x, y};
            }
        }
        if (fallback != null) {
            return fallback;
        }
        Point c = g.getInteriorPoint();
        return new double[] {c.getX(), c.getY()};
    }

    private boolean onWater(Point p) {
        for (Object o : water.query(p.getEnvelopeInternal())) {
            if (((PreparedGeometry) o).contains(p)) {
                return true;
            }
        }
        return false;
    }
}
