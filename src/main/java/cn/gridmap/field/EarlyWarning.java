package cn.gridmap.field;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cn.gridmap.event.Deadlines;
import cn.gridmap.event.WorkClock;
import cn.gridmap.geo.GeoJson;
import cn.gridmap.region.Level;
import cn.gridmap.region.RegionService;
import cn.gridmap.region.RegionShape;
import cn.gridmap.security.Caller;
import cn.gridmap.security.ScopedConnection;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * 超级大脑 预测预警 per grid (or community, street, district): a day's event counts per unit and class against their
 * baseline ({@link Detector}: Poisson on the same weekday of 8 weeks, EARS-C2 for units younger than that, corrected for
 * the thousands of pairs tested with Benjamini–Hochberg), and a weekly Getis–Ord Gi* hotspot map over grid adjacency.
 * Everything is read under the caller's area scope: a district's analyst is warned of her district.
 */
@ApplicationScoped
public class EarlyWarning {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int WEEKS = 8;
    static final double Q = 0.05;
    static final int MIN_COUNT = 3;
    private static final Map<String, Level> LEVELS = Map.of("grid", Level.GRID, "community", Level.COMMUNITY, "street", Level.STREET,
            "district", Level.DISTRICT);

    private final DataSource dataSource;
    private final RegionService regions;
    private final Deadlines deadlines;
    /** Grid adjacency of the current generation (built on first use, again when the generation changes). */
    private final AtomicReference<Adjacency> adjacency = new AtomicReference<>();

    public EarlyWarning(DataSource dataSource, RegionService regions, Deadlines deadlines) {
        this.dataSource = dataSource;
        this.regions = regions;
        this.deadlines = deadlines;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(String code, String name, String classCode, String className, int observed, double expected, double p, String method,
            String explanation) {
    }

    public record Warnings(String date, String level, int tested, double q, double threshold, int minCount, String methods, List<Item> items) {
    }

    private record Adjacency(int generation, List<String> codes, int[][] neighbours) {
    }

    /** GET /api/warnings?level=&date=. */
    public Warnings warnings(Caller caller, String levelName, String date) {
        Level level = level(levelName);
        LocalDate d = day(date);
        LocalDate from = d.minusWeeks(WEEKS);
        Map<String, Map<LocalDate, Integer>> counts = counts(caller, level, from, d.plusDays(1));
        Map<String, LocalDate> young = regions.firstDays(level);
        List<Detector.Series> series = new ArrayList<>();
        for (Map.Entry<String, Map<LocalDate, Integer>> e : counts.entrySet()) {
            String[] key = e.getKey().split("\\|");
            Map<LocalDate, Integer> byDay = e.getValue();
            int[] weeks = new int[WEEKS];
            for (int w = 1; w <= WEEKS; w++) {
                weeks[w - 1] = byDay.getOrDefault(d.minusWeeks(w), 0);
            }
            int[] recent = new int[7];
            for (int i = 3; i <= 9; i++) {
                recent[i - 3] = byDay.getOrDefault(d.minusDays(i), 0);
            }
            LocalDate born = young.get(key[0]);
            boolean shortHistory = born != null && born.isAfter(from);
            series.add(new Detector.Series(key[0], key[1], byDay.getOrDefault(d, 0), weeks, recent, shortHistory));
        }
        Detector.Result r = Detector.detect(series, Q, MIN_COUNT);
        List<Item> items = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (Detector.Warning w : r.warnings()) {
            String name = names.computeIfAbsent(w.unit(), c -> regions.get(c).name());
            Deadlines.EventClass k = deadlines.eventClass(w.classCode());
            items.add(new Item(w.unit(), name, w.classCode(), k == null ? null : k.name(), w.observed(), w.expected(), w.p(), w.method(), w.explanation()));
        }
        return new Warnings(d.toString(), level.wireName(), r.tested(), r.q(), r.threshold(), r.minCount(),
                "poisson: same weekday over " + WEEKS + " weeks; ears-c2: days -9..-3 for units younger than that; Benjamini–Hochberg over all "
                        + "(unit, class) pairs with an event in the " + (WEEKS + 1) + " weeks; warnings from " + MIN_COUNT + " events",
                items);
    }

    /** GET /api/warnings/map?level=&date=: the warned units as GeoJSON, their warnings in the properties. */
    public ObjectNode map(Caller caller, String levelName, String date) {
        Warnings w = warnings(caller, levelName, date);
        Map<String, List<Item>> byUnit = new LinkedHashMap<>();
        w.items().forEach(i -> byUnit.computeIfAbsent(i.code(), k -> new ArrayList<>()).add(i));
        ArrayNode features = JSON.createArrayNode();
        try (Connection c = dataSource.getConnection()) {
            for (RegionShape s : regions.shapes(c, byUnit.keySet())) {
                ObjectNode p = JSON.createObjectNode();
                p.put("code", s.code());
                p.put("name", s.name());
                p.put("level", s.level().wireName());
                p.set("warnings", JSON.valueToTree(byUnit.get(s.code())));
                features.add(GeoJson.feature(s.geom(), p));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("warning map failed: " + e.getMessage(), e);
        }
        ObjectNode fc = GeoJson.featureCollection(features);
        fc.put("date", w.date());
        fc.put("level", w.level());
        return fc;
    }

    /**
     * GET /api/warnings/hotspots?week=&class=: every grid's event count in the week (Monday to Sunday) holding {@code week},
     * its Gi* z-score over its edge neighbours, and its bin (±1/2/3: 90/95/99 %); the grids of a bin other than 0 as
     * GeoJSON.
     */
    public ObjectNode hotspots(Caller caller, String week, String classCode) {
        LocalDate monday = day(week).with(TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY));
        if (classCode != null && !classCode.isBlank() && deadlines.eventClass(classCode.trim()) == null) {
            throw ApiException.badRequest("unknown class '" + classCode + "' (GET /api/event-classes)");
        }
        String cls = classCode == null || classCode.isBlank() ? null : classCode.trim();
        Map<String, Map<LocalDate, Integer>> counts = counts(caller, Level.GRID, monday, monday.plusWeeks(1));
        Adjacency a = adjacency();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < a.codes().size(); i++) {
            index.put(a.codes().get(i), i);
        }
        double[] x = new double[a.codes().size()];
        counts.forEach((k, byDay) -> {
            String[] key = k.split("\\|");
            Integer i = index.get(key[0]);
            if (i != null && (cls == null || cls.equals(key[1]))) {
                x[i] += byDay.values().stream().mapToInt(Integer::intValue).sum();
            }
        });
        double[] z = Detector.giStar(x, a.neighbours());
        List<String> hot = new ArrayList<>();
        for (int i = 0; i < z.length; i++) {
            if (Detector.bin(z[i]) != 0) {
                hot.add(a.codes().get(i));
            }
        }
        ArrayNode features = JSON.createArrayNode();
        int[] bins = new int[7];
        try (Connection c = dataSource.getConnection()) {
            for (RegionShape s : regions.shapes(c, hot)) {
                int i = index.get(s.code());
                ObjectNode p = JSON.createObjectNode();
                p.put("code", s.code());
                p.put("name", s.name());
                p.put("count", (int) x[i]);
                p.put("z", Math.round(z[i] * 1000) / 1000.0);
                p.put("bin", Detector.bin(z[i]));
                bins[Detector.bin(z[i]) + 3]++;
                features.add(GeoJson.feature(s.geom(), p));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("hotspots failed: " + e.getMessage(), e);
        }
        ObjectNode fc = GeoJson.featureCollection(features);
        fc.put("weekFrom", monday.toString());
        fc.put("weekTo", monday.plusDays(6).toString());
        if (cls != null) {
            fc.put("classCode", cls);
        }
        fc.put("grids", x.length);
        fc.put("events", (long) java.util.Arrays.stream(x).sum());
        fc.put("method", "Getis–Ord Gi* over grids sharing an edge (binary weights, the grid itself included); bins ±1/±2/±3 at |z| ≥ 1.645/1.960/2.576");
        ObjectNode b = fc.putObject("bins");
        for (int i = 0; i < 7; i++) {
            if (i != 3) {
                b.put(String.valueOf(i - 3), bins[i]);
            }
        }
        return fc;
    }

    /** Counts per "unit|class", per day, in [from, to), under the caller's scope. */
    private Map<String, Map<LocalDate, Integer>> counts(Caller caller, Level level, LocalDate from, LocalDate to) {
        Map<String, Map<LocalDate, Integer>> out = new HashMap<>();
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope());
                PreparedStatement ps = sc.connection().prepareStatement(FieldSql.dailyCounts(level))) {
            ps.setTimestamp(1, Timestamp.from(from.atStartOfDay(WorkClock.CITY).toInstant()));
            ps.setTimestamp(2, Timestamp.from(to.atStartOfDay(WorkClock.CITY).toInstant()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1) + "|" + rs.getString(2), k -> new HashMap<>()).put(rs.getDate(3).toLocalDate(), rs.getInt(4));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("event counts failed: " + e.getMessage(), e);
        }
    }

    private Adjacency adjacency() {
        int generation = regions.currentGeneration();
        Adjacency a = adjacency.get();
        if (a != null && a.generation() == generation) {
            return a;
        }
        List<String> codes = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        List<List<Integer>> n = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FieldSql.GRID_ADJACENCY);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int i = index.computeIfAbsent(rs.getString(1), k -> add(codes, n, k));
                int j = index.computeIfAbsent(rs.getString(2), k -> add(codes, n, k));
                n.get(i).add(j);
                n.get(j).add(i);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("grid adjacency failed: " + e.getMessage(), e);
        }
        int[][] nb = new int[codes.size()][];
        for (int i = 0; i < nb.length; i++) {
            nb[i] = n.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        a = new Adjacency(generation, codes, nb);
        adjacency.set(a);
        return a;
    }

    private static int add(List<String> codes, List<List<Integer>> n, String code) {
        codes.add(code);
        n.add(new ArrayList<>());
        return codes.size() - 1;
    }

    private static Level level(String name) {
        Level l = LEVELS.get(name == null || name.isBlank() ? "grid" : name.trim());
        if (l == null) {
            throw ApiException.badRequest("level must be grid, community, street or district, got '" + name + "'");
        }
        return l;
    }

    private static LocalDate day(String date) {
        try {
            LocalDate d = date == null || date.isBlank() ? LocalDate.now(WorkClock.CITY).minusDays(1) : LocalDate.parse(date.trim());
            if (d.isAfter(LocalDate.now(WorkClock.CITY))) {
                throw ApiException.badRequest("date " + d + " lies in the future");
            }
            if (ChronoUnit.YEARS.between(d, LocalDate.now(WorkClock.CITY)) > 10) {
                throw ApiException.badRequest("date " + d + " is more than 10 years back");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("date must be a day (2026-11-30), got '" + date + "'");
        }
    }
}
