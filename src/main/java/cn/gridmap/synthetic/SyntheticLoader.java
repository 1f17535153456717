package cn.gridmap.synthetic;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import org.jboss.logging.Logger;
import org.postgresql.copy.CopyManager;

import cn.gridmap.element.CopyWriter;
import cn.gridmap.element.PlacementMethod;
import cn.gridmap.geo.ChinaOffsets;
import cn.gridmap.geocode.Geocoder;
import cn.gridmap.ingest.Progress;
import cn.gridmap.lookup.GridIndex;
import cn.gridmap.region.Level;
import cn.gridmap.security.PersonalDataProtector;
import cn.gridmap.synthetic.SyntheticCity.Building;
import cn.gridmap.synthetic.SyntheticCity.House;
import cn.gridmap.synthetic.SyntheticCity.Place;
import cn.gridmap.synthetic.SyntheticCity.Structure;

/**
 * Writes the synthetic city (address base, houses, people, components, organisations, events) with COPY on one
 * connection inside the caller's transaction. Every element's district and micro-grid come from the point-lookup
 * engine, exactly as for imported elements. People are drawn sequentially (their ID numbers must be unique) and
 * encrypted in parallel.
 */
final class SyntheticLoader {
    private static final Logger LOG = Logger.getLogger(SyntheticLoader.class);
    private static final String METHOD_COORDINATE = PlacementMethod.COORDINATE;
    private static final String METHOD_BUILDING = PlacementMethod.BUILDING;
    private static final LocalDate REFERENCE = LocalDate.of(2026, 1, 1);
    private static final long EVENTS_FROM = LocalDateTime.of(2024, 1, 1, 0, 0).toEpochSecond(ZoneOffset.ofHours(8));
    private static final long EVENTS_TO = LocalDateTime.of(2026, 11, 1, 0, 0).toEpochSecond(ZoneOffset.ofHours(8));
    private static final String[][] TAGS = {
        {"elderly_alone", "70", "600"}, {"left_behind_child", "-16", "300"}, {"disabled", "0", "200"},
        {"released_prisoner", "18", "15"}, {"community_correction", "18", "5"}, {"mental_disorder", "18", "40"},
        {"drug_user", "18", "10"}, {"key_youth", "12", "30"}};
    private static final String[] COMPONENT_STATES = {"完好", "完好", "完好", "完好", "完好", "完好", "完好", "完好", "破损", "丢失", "占用"};
    private static final String[] DEPARTMENTS = {"市城市管理局", "市住房和城乡建设局", "市自然资源和规划局", "市公安局交通警察支队",
        "市水务局", "国网镇江供电公司", "镇江市自来水公司", "区城市管理局"};

    private final SyntheticCity city;
    private final GridIndex index;
    private final PersonalDataProtector protector;
    private final long importId;
    private final Progress progress;
    final Map<String, Long> counts = new HashMap<>();

    SyntheticLoader(SyntheticCity city, GridIndex index, PersonalDataProtector protector, long importId, Progress progress) {
        this.city = city;
        this.index = index;
        this.protector = protector;
        this.importId = importId;
        this.progress = progress;
    }

    void load(Connection c, CopyManager copy) throws SQLException {
        long t0 = System.nanoTime();
        Structure[] all = city.structures();
        long houses = 0;
        for (Structure s : all) {
            houses += s.houses.size();
        }
        progress.expect((long) (houses * 3.6)); // places + buildings + houses + people + the rest, roughly
        IntStream.range(0, all.length).parallel().forEach(i -> assign(all[i]));
        LOG.infof("synthetic city: %d communities laid out and assigned to grids in %.1f s", all.length, (System.nanoTime() - t0) / 1e9);
        progress.phase("places");
        counts.put("places", places(copy, all));
        progress.phase("buildings");
        counts.put("buildings", buildings(copy, all));
        progress.phase("houses");
        counts.put("houses", houses(copy, all));
        progress.phase("people");
        counts.put("people", people(copy, all));
        List<String> componentClasses = codes(c, "SELECT code || ' ' || name FROM component_class ORDER BY code");
        List<String> eventClasses = codes(c, "SELECT code || ' ' || name FROM event_class ORDER BY code");
        progress.phase("components");
        counts.put("components", components(copy, all, componentClasses));
        progress.phase("organizations");
        counts.put("organizations", organizations(copy, all));
        progress.phase("events");
        counts.put("events", events(copy, all, eventClasses));
    }

    /** The engine decides each building's micro-grid (the generator only aimed inside it). */
    private void assign(Structure s) {
        for (Building b : s.buildings) {
            String[] at = locate(b.lon, b.lat);
            if (at == null) {
                throw new IllegalStateException("synthetic building " + b.address + " fell outside the city");
            }
            b.district = at[0];
            b.micro = at[1];
        }
    }

    /** {district code, micro-grid code} of a point by the engine, or null outside the city. */
    private String[] locate(double lon, double lat) {
        return index.codesAt(lon, lat, Level.DISTRICT, Level.MICROGRID);
    }

    private long places(CopyManager copy, Structure[] all) throws SQLException {
        try (CopyWriter w = new CopyWriter(copy, "COPY address_place (id, kind, name, road_name, door, district_code, "
                + "community_code, geom, derived) FROM STDIN (FORMAT csv)")) {
            for (Structure s : all) {
                for (Place p : s.places) {
                    w.row().field(p.id).field(p.kind).field(p.name).field(p.roadName).field(p.door).field(s.community.districtCode)
                            .field(s.community.code).point(p.lon, p.lat).field(true).end();
                }
            }
            return progress.add("places", w.finish());
        }
    }

    private long buildings(CopyManager copy, Structure[] all) throws SQLException {
        try (CopyWriter w = new CopyWriter(copy, "COPY building (id, place_id, number, address, units, floors, geom, "
                + "district_code, microgrid_code, derived) FROM STDIN (FORMAT csv)")) {
            for (Structure s : all) {
                for (Building b : s.buildings) {
                    w.row().field(b.id).field(b.place.id).field(b.number).field(b.address).field(b.units).field(b.floors)
                            .point(b.lon, b.lat).field(b.district).field(b.micro).field(true).end();
                }
            }
            return progress.add("buildings", w.finish());
        }
    }

    private long houses(CopyManager copy, Structure[] all) throws SQLException {
        try (CopyWriter w = new CopyWriter(copy, "COPY house (id, external_id, building_id, address, use, households, area_sqm, "
                + "raw_location, raw_crs, geom, district_code, microgrid_code, geocode_method, geocode_score, derived, import_id) "
                + "FROM STDIN (FORMAT csv)")) {
            for (Structure s : all) {
                for (House h : s.houses) {
                    Building b = h.building;
                    w.row().field(h.id).field("H" + h.id).field(b.id).field(h.address).field(h.use).field(h.households)
                            .field(h.area).field(h.address).nul().point(b.lon, b.lat).field(b.district).field(b.micro)
                            .field(Geocoder.EXACT).field(1.0).field(true).field(importId).end();
                }
                progress.tick(s.houses.size());
            }
            return progress.add("houses", w.finish());
        }
    }

    /** A person before encryption. */
    private record PersonDraft(long id, String name, boolean male, LocalDate birth, String idNumber, String phone, boolean migrant,
            String tags, House house) {
    }

    private long people(CopyManager copy, Structure[] all) throws SQLException {
        Map<Long, Integer> serials = new HashMap<>(1 << 20);
        try (CopyWriter w = new CopyWriter(copy, "COPY person (id, external_id, name, gender, birth_date, id_number_enc, "
                + "id_number_bidx, phone_enc, phone_bidx, residence, tags, raw_location, house_id, district_code, microgrid_code, "
                + "geocode_method, geocode_score, derived, import_id) FROM STDIN (FORMAT csv)")) {
            int chunk = 24;
            for (int from = 0; from < all.length; from += chunk) {
                List<PersonDraft> drafts = new ArrayList<>();
                for (int i = from; i < Math.min(all.length, from + chunk); i++) {
                    drawPeople(all[i], serials, drafts);
                }
                int parts = 8;
                CopyWriter.Rows[] rows = new CopyWriter.Rows[parts];
                int n = drafts.size();
                IntStream.range(0, parts).parallel().forEach(p -> {
                    CopyWriter.Rows r = new CopyWriter.Rows();
                    for (int k = p * n / parts; k < (p + 1) * n / parts; k++) {
                        personRow(r, drafts.get(k));
                    }
                    rows[p] = r;
                });
                for (CopyWriter.Rows r : rows) {
                    w.append(r);
                }
                progress.tick(n);
            }
            return progress.add("people", w.finish());
        }
    }

    private void drawPeople(Structure s, Map<Long, Integer> serials, List<PersonDraft> out) {
        Random rnd = new Random(city.seed * 1_000_033 + Long.parseLong(s.community.code));
        long serial = 0;
        long base = s.community.index * SyntheticCity.ID_BLOCK;
        for (House h : s.houses) {
            if (h.households == 0) {
                continue;
            }
            double u = rnd.nextDouble();
            int size = u < 0.15 ? 1 : u < 0.45 ? 2 : u < 0.78 ? 3 : u < 0.93 ? 4 : 5;
            boolean migrantHouse = "rental".equals(h.use) ? rnd.nextInt(100) < 75 : rnd.nextInt(100) < 8;
            String surname = SyntheticNames.surname(rnd);
            for (int k = 0; k < size; k++) {
                boolean male = k == 0 ? rnd.nextInt(100) < 60 : rnd.nextBoolean();
                double a = rnd.nextDouble();
                int age = k == 0 ? 25 + rnd.nextInt(60) : a < 0.3 ? rnd.nextInt(18) : a < 0.75 ? 18 + rnd.nextInt(42) : 60 + rnd.nextInt(36);
                LocalDate birth = REFERENCE.minusYears(age).minusDays(rnd.nextInt(365));
                String addr = SyntheticNames.addressCode(rnd, migrantHouse);
                int sn;
                while (true) {
                    long key = Long.parseLong(addr) * 100_000_000L * 2 + birth.toEpochDay() * 2 + (male ? 1 : 0);
                    sn = serials.merge(key, 1, Integer::sum) - 1;
                    if (sn < 50) {
                        break;
                    }
                    birth = birth.minusDays(1);
                }
                String name = SyntheticNames.person(rnd, male);
                if (k > 0 && rnd.nextInt(100) < 60) {
                    name = surname + name.substring(1);
                } else if (k == 0) {
                    name = surname + name.substring(1);
                }
                String phone = age >= 14 ? SyntheticNames.mobile(rnd) : null;
                StringBuilder tags = new StringBuilder();
                for (String[] t : TAGS) {
                    int minAge = Integer.parseInt(t[1]);
                    boolean eligible = minAge >= 0 ? age >= minAge : age < -minAge && s.community.rural;
                    if ("key_youth".equals(t[0])) {
                        eligible = age >= 12 && age <= 25;
                    }
                    if (eligible && rnd.nextInt(10_000) < Integer.parseInt(t[2])) {
                        tags.append(tags.length() == 0 ? "" : ",").append(t[0]);
                    }
                }
                out.add(new PersonDraft(base + (++serial), name, male, birth, SyntheticNames.idNumber(addr, birth, male, sn), phone,
                        migrantHouse, "{" + tags + "}", h));
            }
        }
    }

    private void personRow(CopyWriter.Rows r, PersonDraft p) {
        Building b = p.house().building;
        r.field(p.id()).field("P" + p.id()).field(p.name()).field(p.male() ? "M" : "F").field(p.birth().toString())
                .field(protector.encrypt(p.idNumber())).field(protector.blindIndex(p.idNumber()))
                .field(p.phone() == null ? null : protector.encrypt(p.phone()))
                .field(p.phone() == null ? null : protector.blindIndex(p.phone()))
                .field(p.migrant() ? "migrant" : "registered").field(p.tags()).field("H" + p.house().id).field(p.house().id)
                .field(b.district).field(b.micro)
                .field(METHOD_BUILDING).field(1.0).field(true).field(importId).end();
    }

    private long components(CopyManager copy, Structure[] all, List<String> classes) throws SQLException {
        Map<String, Integer> sequence = new HashMap<>();
        try (CopyWriter w = new CopyWriter(copy, "COPY component (id, external_id, code, class_code, name, state, department, "
                + "raw_location, raw_crs, geom, district_code, microgrid_code, geocode_method, geocode_score, derived, import_id) "
                + "FROM STDIN (FORMAT csv)")) {
            for (Structure s : all) {
                Random rnd = new Random(city.seed * 1_000_037 + Long.parseLong(s.community.code));
                long serial = 0;
                for (List<SyntheticCity.Micro> grid : s.community.grids.values()) {
                    for (SyntheticCity.Micro m : grid) {
                        int n = SyntheticCity.stochastic(rnd, s.householdsByMicro.getOrDefault(m.code(), 0) * SyntheticCity.COMPONENTS_PER_HOUSEHOLD);
                        for (int k = 0; k < n; k++) {
                            double[] pt = city.pointIn(m.geom(), rnd);
                            String[] at = locate(pt[0], pt[1]);
                            if (at == null) {
                                continue;
                            }
                            String clsName = classes.get(rnd.nextInt(classes.size()));
                            String cls = clsName.substring(0, 4);
                            String district = at[0];
                            int seq = sequence.merge(district + cls, 1, Integer::sum);
                            String code = district + cls + String.format("%06d", seq);
                            long id = s.community.index * SyntheticCity.ID_BLOCK + (++serial);
                            w.row().field(id).field("C" + id).field(code).field(cls).field(clsName.substring(5)).field(SyntheticNames.pick(rnd, COMPONENT_STATES))
                                    .field(SyntheticNames.pick(rnd, DEPARTMENTS)).field(coords(pt)).field("4326").point(pt[0], pt[1])
                                    .field(district).field(at[1]).field(METHOD_COORDINATE).field(1.0).field(true).field(importId).end();
                        }
                    }
                }
            }
            return progress.add("components", w.finish());
        }
    }

    private long organizations(CopyManager copy, Structure[] all) throws SQLException {
        Map<String, Integer> serials = new HashMap<>();
        try (CopyWriter w = new CopyWriter(copy, "COPY organization (id, external_id, credit_code, name, kind, category, employees, "
                + "address, phone_enc, phone_bidx, raw_location, raw_crs, geom, district_code, microgrid_code, geocode_method, "
                + "geocode_score, derived, import_id) FROM STDIN (FORMAT csv)")) {
            for (Structure s : all) {
                Random rnd = new Random(city.seed * 1_000_039 + Long.parseLong(s.community.code));
                long serial = 0;
                for (House h : s.houses) {
                    if (!"commercial".equals(h.use)) {
                        continue;
                    }
                    Building b = h.building;
                    boolean enterprise = rnd.nextInt(100) < 85;
                    String trade = SyntheticNames.pick(rnd, SyntheticNames.ORG_TRADES);
                    String name = enterprise
                            ? city.cityName + SyntheticNames.pick(rnd, SyntheticNames.ORG_WORDS) + trade + SyntheticNames.pick(rnd, SyntheticNames.ORG_FORMS)
                            : s.community.name + SyntheticNames.pick(rnd, SyntheticNames.SOCIAL_FORMS);
                    int sn = serials.merge(b.district, 1, Integer::sum);
                    String phone = SyntheticNames.mobile(rnd);
                    long id = s.community.index * SyntheticCity.ID_BLOCK + (++serial);
                    w.row().field(id).field("O" + id).field(SyntheticNames.creditCode(enterprise, b.district, sn)).field(name)
                            .field(enterprise ? "enterprise" : "social").field(enterprise ? trade : "社会团体")
                            .field(enterprise ? 1 + rnd.nextInt(200) : 3 + rnd.nextInt(30)).field(h.address)
                            .field(protector.encrypt(phone)).field(protector.blindIndex(phone)).field(h.address).nul()
                            .point(b.lon, b.lat).field(b.district).field(b.micro).field(Geocoder.EXACT).field(1.0).field(true)
                            .field(importId).end();
                }
                Institution inst = institution(s);
                if (inst != null) {
                    Building b = inst.site();
                    long id = s.community.index * SyntheticCity.ID_BLOCK + (++serial);
                    int sn = serials.merge(b.district, 1, Integer::sum);
                    String phone = SyntheticNames.mobile(rnd);
                    w.row().field(id).field("O" + id).field(SyntheticNames.creditCode(inst.type().registry(), b.district, sn)).field(inst.name())
                            .field(inst.type().kind()).field(inst.type().category()).field(inst.employees()).field(b.address)
                            .field(protector.encrypt(phone)).field(protector.blindIndex(phone)).field(b.address).nul()
                            .point(b.lon, b.lat).field(b.district).field(b.micro).field(Geocoder.EXACT).field(1.0).field(true)
                            .field(importId).end();
                }
            }
            return progress.add("organizations", w.finish());
        }
    }

    /** The kinds of 专属网格 units (Yangzhou's list), their share among institutions (per mille), registry kind and code prefix. */
    enum InstitutionType {
        SCHOOL("学校", "institution", "12", 300, 40, 160), HOSPITAL("医院", "institution", "12", 100, 120, 900),
        SITE("建筑工地", "enterprise", "91", 200, 60, 400), SCENIC("景区", "institution", "12", 60, 20, 120),
        COMPLEX("商业综合体", "enterprise", "91", 90, 150, 700), RELIGIOUS("宗教场所", "institution", "Y1", 50, 4, 30),
        ENTERPRISE("规上企业", "enterprise", "91", 200, 300, 2000);

        private final String category;
        private final String kind;
        private final String registry;
        final int share;
        final int minEmployees;
        final int maxEmployees;

        InstitutionType(String category, String kind, String registry, int share, int minEmployees, int maxEmployees) {
            this.category = category;
            this.kind = kind;
            this.registry = registry;
            this.share = share;
            this.minEmployees = minEmployees;
            this.maxEmployees = maxEmployees;
        }

        String category() {
            return category;
        }

        String kind() {
            return kind;
        }

        /** GB 32100 registration authority + organisation type: 12 机构编制·事业单位, 91 市场监管·企业, Y1 其他. */
        String registry() {
            return registry;
        }

        static final java.util.Set<String> CATEGORIES = java.util.Arrays.stream(values()).map(InstitutionType::category)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    record Institution(InstitutionType type, String name, int employees, Building site) {
    }

    /** Of every hundred communities this many have a unit that forms a 专属网格. */
    static final int INSTITUTION_PERCENT = 30;

    /**
     * The community's unit that forms a grid of its own, if it has one: seeded per community (its own random stream,
     * so the other organisations stay as they were), on the first building of a micro-grid whose grid keeps others.
     */
    private Institution institution(Structure s) {
        Random rnd = new Random(city.seed * 1_000_117 + Long.parseLong(s.community.code));
        if (rnd.nextInt(100) >= INSTITUTION_PERCENT) {
            return null;
        }
        List<String> sites = new ArrayList<>();
        for (Map.Entry<String, List<SyntheticCity.Micro>> g : s.community.grids.entrySet()) {
            if (g.getValue().size() < 2) {
                continue;
            }
            for (SyntheticCity.Micro m : g.getValue()) {
                List<Building> here = s.byMicro.get(m.code());
                if (here != null && !here.isEmpty() && m.geom().getNumGeometries() == 1 && keepsWhole(g.getValue(), m)) {
                    sites.add(m.code());
                }
            }
        }
        if (sites.isEmpty()) {
            return null;
        }
        java.util.Collections.sort(sites);
        String micro = sites.get(rnd.nextInt(sites.size()));
        Building site = s.byMicro.get(micro).stream().min(java.util.Comparator.comparingLong(b -> b.id)).orElseThrow();
        int pick = rnd.nextInt(1000);
        InstitutionType type = InstitutionType.values()[0];
        for (InstitutionType t : InstitutionType.values()) {
            type = t;
            if (pick < t.share) {
                break;
            }
            pick -= t.share;
        }
        String place = s.community.name.replaceAll("(社区|村)$", "");
        String name = switch (type) {
            case SCHOOL -> city.cityName + place + SyntheticNames.pick(rnd, new String[] {"小学", "中学", "实验学校", "幼儿园"});
            case HOSPITAL -> city.cityName + place + SyntheticNames.pick(rnd, new String[] {"医院", "中医院", "社区卫生服务中心"});
            case SITE -> city.cityName + SyntheticNames.pick(rnd, SyntheticNames.ORG_WORDS) + "建设工程有限公司（" + place + "项目工地）";
            case SCENIC -> place + SyntheticNames.pick(rnd, new String[] {"公园", "风景区", "文化园"});
            case COMPLEX -> SyntheticNames.pick(rnd, SyntheticNames.ORG_WORDS) + SyntheticNames.pick(rnd, new String[] {"广场", "购物中心", "城市综合体"});
            case RELIGIOUS -> place + SyntheticNames.pick(rnd, new String[] {"寺", "天主堂", "基督教堂"});
            case ENTERPRISE -> city.cityName + SyntheticNames.pick(rnd, SyntheticNames.ORG_WORDS)
                    + SyntheticNames.pick(rnd, new String[] {"制造有限公司", "科技股份有限公司", "电气有限公司"});
        };
        int employees = type.minEmployees + rnd.nextInt(type.maxEmployees - type.minEmployees + 1);
        return new Institution(type, name, employees, site);
    }

    /** Whether the grid's other micro-grids still make one piece without {@code m} (a grid is never cut in two by it). */
    private static boolean keepsWhole(List<SyntheticCity.Micro> grid, SyntheticCity.Micro m) {
        List<org.locationtech.jts.geom.Geometry> rest = new ArrayList<>();
        for (SyntheticCity.Micro o : grid) {
            if (o != m) {
                rest.add(o.geom());
            }
        }
        org.locationtech.jts.geom.Geometry u = org.locationtech.jts.operation.overlayng.OverlayNGRobust.union(rest);
        return u.getNumGeometries() == 1;
    }

    private long events(CopyManager copy, Structure[] all, List<String> classes) throws SQLException {
        try (CopyWriter w = new CopyWriter(copy, "COPY event (id, external_id, class_code, occurred_at, description, address, "
                + "raw_location, raw_crs, geom, district_code, microgrid_code, geocode_method, geocode_score, derived, import_id) "
                + "FROM STDIN (FORMAT csv)")) {
            for (Structure s : all) {
                Random rnd = new Random(city.seed * 1_000_081 + Long.parseLong(s.community.code));
                long serial = 0;
                for (Map.Entry<String, List<Building>> e : s.byMicro.entrySet()) {
                    List<Building> here = e.getValue();
                    int n = SyntheticCity.stochastic(rnd, s.householdsByMicro.getOrDefault(e.getKey(), 0) * SyntheticCity.EVENTS_PER_HOUSEHOLD);
                    for (int k = 0; k < n && !here.isEmpty(); k++) {
                        Building b = here.get(rnd.nextInt(here.size()));
                        // reported from a phone map: ≤ 15 m from the building, in GCJ-02 half of the time
                        double lon = b.lon + (rnd.nextDouble() - 0.5) * 0.0003;
                        double lat = b.lat + (rnd.nextDouble() - 0.5) * 0.00026;
                        String raw = coords(new double[] {lon, lat});
                        String crs = "4326";
                        if (rnd.nextBoolean()) {
                            double[] g = ChinaOffsets.wgs84ToGcj02(lon, lat);
                            raw = coords(g);
                            crs = "gcj02";
                            double[] back = ChinaOffsets.gcj02ToWgs84(g[0], g[1]);
                            lon = back[0];
                            lat = back[1];
                        }
                        String[] at = locate(lon, lat);
                        if (at == null) {
                            continue;
                        }
                        String cls = classes.get(rnd.nextInt(classes.size()));
                        long when = EVENTS_FROM + (long) (rnd.nextDouble() * (EVENTS_TO - EVENTS_FROM));
                        long id = s.community.index * SyntheticCity.ID_BLOCK + (++serial);
                        String place = b.address.substring(s.community.prefix.length());
                        w.row().field(id).field("E" + id).field(cls.substring(0, 4))
                                .field(java.time.Instant.ofEpochSecond(when).atOffset(ZoneOffset.ofHours(8)).toString())
                                .field(cls.substring(5) + "：" + place + "附近").field(b.address).field(raw).field(crs).point(lon, lat)
                                .field(at[0]).field(at[1]).field(METHOD_COORDINATE).field(1.0).field(true)
                                .field(importId).end();
                    }
                }
            }
            return progress.add("events", w.finish());
        }
    }

    private static String coords(double[] p) {
        return String.format("%.7f,%.7f", p[0], p[1]);
    }

    private static List<String> codes(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
