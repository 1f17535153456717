package cn.gridmap.field;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import cn.gridmap.event.EventMetrics;
import cn.gridmap.event.EventService;
import cn.gridmap.event.Staffing;
import cn.gridmap.event.WorkClock;
import cn.gridmap.region.RegionRecord;
import cn.gridmap.region.RegionService;
import cn.gridmap.security.Caller;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * 一网统管 三级平台 (Zhenjiang): one view per level (city → district → street, and a street's communities) of what each
 * child does — the events loop's counts and rates, the day's early warnings, disputes and their rates, the 特殊人群
 * visits due and overdue, 三官一律's grids and activities, and the staffing gaps (grids without a grid worker) — from the
 * services that own each.
 */
@ApplicationScoped
public class Dashboard {
    private final RegionService regions;
    private final EventMetrics metrics;
    private final EarlyWarning warnings;
    private final Disputes disputes;
    private final Care care;
    private final Staffing staffing;
    private final Sanguan sanguan;

    public Dashboard(RegionService regions, EventMetrics metrics, EarlyWarning warnings, Disputes disputes, Care care, Staffing staffing,
            Sanguan sanguan) {
        this.sanguan = sanguan;
        this.regions = regions;
        this.metrics = metrics;
        this.warnings = warnings;
        this.disputes = disputes;
        this.care = care;
        this.staffing = staffing;
    }

    public record Staff(long grids, long gridsWithWorker, long gridsWithoutWorker, Map<String, Long> byDuty) {
    }

    public record Warnings(int count, List<EarlyWarning.Item> top) {
    }

    /** 三官一律 in a child: the grids with a member, the activities recorded in the period. */
    public record SanguanCounts(long gridsWithMembers, long activities, long attendees) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Child(String code, String name, String level, EventMetrics.Counts events, EventMetrics.Rates eventRates, Warnings warnings,
            Disputes.Child disputes, Care.Child care, SanguanCounts sanguan, Staff staff) {
    }

    private static SanguanCounts sanguanOf(Sanguan.Child c) {
        return c == null ? new SanguanCounts(0, 0, 0) : new SanguanCounts(c.gridsWithMembers(), c.activities().values().stream().mapToLong(Long::longValue).sum(),
                c.attendees());
    }

    public record View(String code, String name, String level, List<RegionRecord.RegionRef> chain, String from, String to, String warningDate,
            String childLevel, Child total, List<Child> children) {
    }

    /** GET /api/regions/{code}/dashboard?from=&to=&date=: the city, a district, a street or a community. */
    public View of(Caller caller, String code, String from, String to, String date) {
        Levels.View v = Levels.of(regions, caller, code);
        RegionRecord r = v.region();
        if (!List.of("city", "district", "street", "community").contains(r.level())) {
            throw ApiException.badRequest("the dashboard is per city, district, street or community; " + code + " is a " + r.level());
        }
        String childLevel = switch (r.level()) {
            case "city" -> "district";
            case "district" -> "street";
            case "street" -> "community";
            default -> "grid";
        };
        Instant[] period = Sanguan.period(from, to);
        String f = EventService.iso(period[0]).substring(0, 10);
        String t = EventService.iso(period[1].minusSeconds(1)).substring(0, 10);

        Map<String, EventMetrics.RegionMetrics> events = new HashMap<>();
        for (EventMetrics.RegionMetrics m : metrics.metrics(caller, childLevel, r.level().equals("city") ? null : r.code(), f,
                period[1].atZone(WorkClock.CITY).toOffsetDateTime().toString()).items()) {
            events.put(m.code(), m);
        }
        Map<String, List<EarlyWarning.Item>> warned = new HashMap<>();
        EarlyWarning.Warnings w = warnings.warnings(caller, childLevel, date); // its day: yesterday unless given
        for (EarlyWarning.Item i : w.items()) {
            if (v.children().containsKey(i.code())) {
                warned.computeIfAbsent(i.code(), k -> new ArrayList<>()).add(i);
            }
        }
        Disputes.Stats ds = disputes.stats(caller, r.code(), f, t);
        Map<String, Disputes.Child> dByChild = new HashMap<>();
        ds.children().forEach(c -> dByChild.put(c.code(), c));
        Care.Stats cs = caller.principal().hasAny(java.util.Set.of(cn.gridmap.security.Roles.ADMIN, cn.gridmap.security.Roles.DISPATCHER,
                cn.gridmap.security.Roles.ANALYST)) ? care.stats(caller, r.code(), t) : null;
        Map<String, Care.Child> cByChild = new HashMap<>();
        if (cs != null) {
            cs.children().forEach(c -> cByChild.put(c.code(), c));
        }
        Map<String, Sanguan.Child> sg = new HashMap<>();
        sanguan.stats(caller, r.code(), f, t).children().forEach(c -> sg.put(c.code(), c));
        Map<String, Staffing.Duties> staff = staffing.dutyCounts(v.prefixes(), Staffing.GRID_DUTIES);
        List<Child> children = new ArrayList<>();
        long grids = 0;
        long withWorker = 0;
        Map<String, Long> byDuty = new java.util.TreeMap<>();
        List<EarlyWarning.Item> allWarnings = new ArrayList<>();
        for (RegionRecord k : v.children().values()) {
            EventMetrics.RegionMetrics m = events.get(k.code());
            List<EarlyWarning.Item> kw = warned.getOrDefault(k.code(), List.of());
            allWarnings.addAll(kw);
            long g = k.level().equals("grid") ? 1 : k.descendantCounts() == null ? 0 : k.descendantCounts().getOrDefault("grid", 0L);
            Staffing.Duties d = staff.get(k.code());
            long with = d == null ? 0 : d.regions();
            grids += g;
            withWorker += with;
            if (d != null) {
                d.byDuty().forEach((x, n) -> byDuty.merge(x, n, Long::sum));
            }
            children.add(new Child(k.code(), k.name(), k.level(), m == null ? null : m.counts(), m == null ? null : m.rates(),
                    new Warnings(kw.size(), kw.stream().limit(3).toList()), dByChild.get(k.code()), cByChild.get(k.code()), sanguanOf(sg.get(k.code())),
                    new Staff(g, with, Math.max(0, g - with), d == null ? Map.of() : d.byDuty())));
        }
        allWarnings.sort(java.util.Comparator.comparingDouble(EarlyWarning.Item::p));
        List<EventMetrics.RegionMetrics> parts = new ArrayList<>();
        v.children().keySet().forEach(k -> {
            if (events.containsKey(k)) {
                parts.add(events.get(k));
            }
        });
        EventMetrics.RegionMetrics own = EventMetrics.sum(r.code(), parts);
        SanguanCounts sgTotal = new SanguanCounts(children.stream().mapToLong(c -> c.sanguan().gridsWithMembers()).sum(),
                children.stream().mapToLong(c -> c.sanguan().activities()).sum(), children.stream().mapToLong(c -> c.sanguan().attendees()).sum());
        Child total = new Child(r.code(), r.name(), r.level(), own.counts(), own.rates(),
                new Warnings(allWarnings.size(), allWarnings.stream().limit(10).toList()), ds.total(), cs == null ? null : cs.total(), sgTotal,
                new Staff(grids, withWorker, Math.max(0, grids - withWorker), byDuty));
        return new View(r.code(), r.name(), r.level(), r.chain(), f, t, w.date(), childLevel, total, children);
    }
}
