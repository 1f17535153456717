package cn.gridmap.field;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.element.ElementItems;
import cn.gridmap.element.ElementService;
import cn.gridmap.event.EventService;
import cn.gridmap.event.Staffing;
import cn.gridmap.event.WorkClock;
import cn.gridmap.geo.Coordinates;
import cn.gridmap.region.RegionRecord;
import cn.gridmap.region.RegionService;
import cn.gridmap.security.Audit;
import cn.gridmap.security.Caller;
import cn.gridmap.security.Masking;
import cn.gridmap.security.PersonalDataProtector;
import cn.gridmap.security.Roles;
import cn.gridmap.security.ScopedConnection;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * 特殊人群服务管理 (Hengyang): the people the registry tags are visited by the grid workers of their grid, each as often as
 * the shortest frequency of her tags; the visits due and overdue per grid worker, the visit records, and the counts per
 * level. Naming a person needs the pii right; every list of people, every visit recorded and every count is audited.
 */
@ApplicationScoped
public class Care {
    /** Due: the next visit falls within this many days. */
    static final int DUE_WITHIN_DAYS = 7;
    static final List<String> KINDS = List.of("home", "phone", "video", "office");

    private final DataSource dataSource;
    private final ElementService elements;
    private final Staffing staffing;
    private final RegionService regions;
    private final PersonalDataProtector protector;
    private final Audit audit;

    public Care(DataSource dataSource, ElementService elements, Staffing staffing, RegionService regions, PersonalDataProtector protector, Audit audit) {
        this.dataSource = dataSource;
        this.elements = elements;
        this.staffing = staffing;
        this.regions = regions;
        this.protector = protector;
        this.audit = audit;
    }

    public record Frequency(String tag, String name, int everyDays, String source, String updatedBy, String updatedAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Due(long personId, String name, String gender, Integer age, List<String> tags, String address, double lon, double lat,
            String gridCode, String microgridCode, List<String> workers, int everyDays, String lastVisitAt, String dueAt, String state,
            long daysOverdue) {
    }

    public record DueList(String asOf, Map<String, Long> counts, List<Due> people, boolean more) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Visit(long id, long personId, String visitor, String at, String kind, String note, String microgridCode, boolean derived,
            String nextDueAt, Boolean repeated) {
    }

    public record Child(String code, String name, String level, long people, Map<String, Long> byTag, long due, long overdue, long visits,
            Double upToDateRate) {
    }

    public record Stats(String code, String name, String level, String asOf, String visitsFrom, Child total, List<Child> children) {
    }

    // ------------------------------------------------------------------ frequencies

    public List<Frequency> frequencies() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FieldSql.CARE_FREQUENCIES);
                ResultSet rs = ps.executeQuery()) {
            List<Frequency> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Frequency(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5), EventService.iso(rs.getTimestamp(6))));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("care frequencies failed: " + e.getMessage(), e);
        }
    }

    /** PUT /api/care/frequencies/{tag} {everyDays, source?}: admins; audited. */
    public Frequency setFrequency(Caller caller, String tag, JsonNode body) {
        JsonNode b = Patrols.object(body, "{everyDays, source?}");
        JsonNode n = b.get("everyDays");
        if (n == null || !n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > 366) {
            throw ApiException.badRequest("everyDays is a whole number of days from 1 to 366, got " + n);
        }
        String source = b.path("source").isTextual() ? b.get("source").asText().strip() : "set by " + caller.name();
        if (source.isEmpty() || source.length() > 500) {
            throw ApiException.badRequest("source is 1 to 500 characters (the rule the frequency comes from)");
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(FieldSql.SET_CARE_FREQUENCY)) {
                ps.setInt(1, n.asInt());
                ps.setString(2, source);
                ps.setString(3, caller.name());
                ps.setString(4, tag);
                if (ps.executeUpdate() == 0) {
                    c.rollback();
                    throw ApiException.notFound("no care tag '" + tag + "'; tags are " + frequencies().stream().map(Frequency::tag).toList());
                }
            }
            audit.record(c, caller, "care.frequency", "care-tag:" + tag, List.of(tag), null, "ok", "every " + n.asInt() + " days; " + source);
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("care frequency failed: " + e.getMessage(), e);
        }
        return frequencies().stream().filter(f -> f.tag().equals(tag)).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ due and overdue

    /** A tagged person and where her visits stand on a day. */
    private record Standing(ElementService.Tagged person, int everyDays, Instant last, LocalDate due, String state, long daysOverdue) {
    }

    private List<Standing> standings(Caller caller, List<String> prefixes, LocalDate asOf) {
        Map<String, Integer> every = new HashMap<>();
        for (Frequency f : frequencies()) {
            every.put(f.tag(), f.everyDays());
        }
        List<ElementService.Tagged> people = elements.tagged(caller, prefixes, every.keySet());
        Map<Long, Instant> last = new HashMap<>();
        Instant end = asOf.plusDays(1).atStartOfDay(WorkClock.CITY).toInstant();
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope());
                PreparedStatement ps = sc.connection().prepareStatement(FieldSql.LAST_VISITS)) {
            ps.setArray(1, sc.connection().createArrayOf("text", prefixes.toArray()));
            ps.setArray(2, sc.connection().createArrayOf("text", prefixes.stream().map(FieldSql::above).toArray()));
            ps.setTimestamp(3, Timestamp.from(end));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    last.put(rs.getLong(1), rs.getTimestamp(2).toInstant());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("last visits failed: " + e.getMessage(), e);
        }
        List<Standing> out = new ArrayList<>(people.size());
        for (ElementService.Tagged p : people) {
            int days = p.tags().stream().filter(every::containsKey).mapToInt(every::get).min().orElse(366);
            Instant l = last.get(p.id());
            // never visited: due from the day the programme reaches her (today, for the list)
            LocalDate due = l == null ? asOf : l.atZone(WorkClock.CITY).toLocalDate().plusDays(days);
            long late = ChronoUnit.DAYS.between(due, asOf);
            String state = l == null || late > 0 ? "overdue" : ChronoUnit.DAYS.between(asOf, due) <= DUE_WITHIN_DAYS ? "due" : "ok";
            out.add(new Standing(p, days, l, due, state, Math.max(0, late)));
        }
        return out;
    }

    /**
     * GET /api/care/due?region=|worker=&state=&asOf=&limit=: a grid worker's own grids by default, or another worker's
     * (her grids must lie in the caller's scope); most overdue first; audited.
     */
    public DueList due(Caller caller, String region, String worker, String stateText, String asOfText, int limit) {
        requirePii(caller);
        if (limit < 1 || limit > 2000) {
            throw ApiException.badRequest("limit must be between 1 and 2000");
        }
        Set<String> states = stateText == null || stateText.isBlank() ? Set.of("due", "overdue") : Set.of(stateText.trim().split(","));
        for (String s : states) {
            if (!Set.of("due", "overdue", "ok").contains(s)) {
                throw ApiException.badRequest("state is due, overdue or ok (comma-separated), got '" + s + "'");
            }
        }
        LocalDate asOf = day(asOfText);
        List<String> prefixes = worker == null || worker.isBlank() ? prefixes(caller, region) : gridsOf(caller, worker.trim());
        List<Standing> all = standings(caller, prefixes, asOf);
        Map<String, Long> counts = new TreeMap<>(Map.of("due", 0L, "overdue", 0L, "ok", 0L));
        all.forEach(s -> counts.merge(s.state(), 1L, Long::sum));
        List<Standing> chosen = all.stream().filter(s -> states.contains(s.state()))
                .sorted(Comparator.comparingLong((Standing s) -> -s.daysOverdue()).thenComparing(s -> s.due()).thenComparing(s -> s.person().id()))
                .toList();
        boolean more = chosen.size() > limit;
        chosen = chosen.subList(0, Math.min(limit, chosen.size()));
        Map<String, List<String>> workers = new HashMap<>();
        List<Due> out = new ArrayList<>();
        for (Standing s : chosen) {
            ElementService.Tagged p = s.person();
            String grid = p.microgridCode().substring(0, 15);
            List<String> w = workers.computeIfAbsent(grid, g -> staffing.ofRegion(g).staff().stream()
                    .filter(m -> m.region().equals(g) && Staffing.GRID_DUTIES.contains(m.duty())).map(Staffing.Member::username).distinct().toList());
            Integer age = p.birthDate() == null ? null : (int) ChronoUnit.YEARS.between(p.birthDate(), asOf);
            out.add(new Due(p.id(), EventService.maskName(p.name()), p.gender(), age, p.tags(), p.address(), p.lon(), p.lat(), grid, p.microgridCode(), w,
                    s.everyDays(), s.last() == null ? null : EventService.iso(Timestamp.from(s.last())), s.due().toString(), s.state(), s.daysOverdue()));
        }
        audit.record(caller, "care.due", "care:" + String.join(",", prefixes.size() > 5 ? prefixes.subList(0, 5) : prefixes),
                out.stream().map(d -> String.valueOf(d.personId())).toList(), null, "ok", out.size() + " people, as of " + asOf);
        return new DueList(asOf.toString(), counts, out, more);
    }

    /** A grid worker's grids (404 for nobody's, 403 for one outside the caller's scope). */
    private List<String> gridsOf(Caller caller, String worker) {
        List<String> grids = staffing.assignments(worker).stream().filter(a -> Staffing.GRID_DUTIES.contains(a.duty()))
                .map(Staffing.Assignment::regionCode).distinct().toList();
        if (grids.isEmpty()) {
            throw ApiException.notFound(worker + " is no grid worker of any grid");
        }
        for (String g : grids) {
            Levels.of(regions, caller, g);
        }
        return grids;
    }

    /** The prefixes a list covers: a region in scope, else a grid worker's grids, else the caller's scope. */
    private List<String> prefixes(Caller caller, String region) {
        if (region != null && !region.isBlank()) {
            Levels.View v = Levels.of(regions, caller, region.trim());
            return v.ownPrefixes(regions);
        }
        if (caller.principal().has(Roles.GRIDWORKER)) {
            List<String> grids = staffing.assignments(caller.name()).stream().filter(a -> Staffing.GRID_DUTIES.contains(a.duty()))
                    .map(Staffing.Assignment::regionCode).distinct().toList();
            if (!grids.isEmpty()) {
                return grids;
            }
        }
        List<String> scope = caller.scope().codes().stream().map(s -> s.equals("*") ? "" : s).toList();
        if (scope.isEmpty()) {
            throw ApiException.badRequest("name a region: you have no grids and no scope");
        }
        return scope;
    }

    // ------------------------------------------------------------------ visits

    /** POST /api/care/visits {personId, kind, at?, note?, lon?, lat?, clientId?}: by a grid worker of her grid; audited. */
    public Visit record(Caller caller, JsonNode body) {
        requirePii(caller);
        JsonNode b = Patrols.object(body, "{personId, kind, at?, note?, lon?, lat?, clientId?}");
        Patrols.onlyFields(b, null, List.of("personId", "kind", "at", "note", "lon", "lat", "clientId"));
        if (!b.path("personId").canConvertToLong() || !b.path("personId").isIntegralNumber()) {
            throw ApiException.badRequest("personId is the registry's id of the person visited, got " + b.get("personId"));
        }
        long personId = b.get("personId").asLong();
        String kind = b.path("kind").asText(null);
        if (kind == null || !KINDS.contains(kind)) {
            throw ApiException.badRequest("kind must be one of " + KINDS + " (入户, 电话, 视频, 来访), got " + b.get("kind"));
        }
        Instant at = Patrols.time(b.get("at"), "at");
        String note = b.path("note").isTextual() ? b.get("note").asText().strip() : null;
        if (note != null && note.length() > 2000) {
            throw ApiException.badRequest("note is longer than 2000 characters");
        }
        Double lon = null;
        Double lat = null;
        if (b.has("lon") || b.has("lat")) {
            lon = Patrols.number(b, "lon");
            lat = Patrols.number(b, "lat");
            Coordinates.checkLonLat(lon, lat);
        }
        String key = EventService.clientKey(b);
        ElementItems.Person p;
        try {
            p = elements.person(caller, String.valueOf(personId), false, null);
        } catch (ApiException e) {
            throw e.status() == 404 ? ApiException.notFound("no person " + personId + " in your scope") : e;
        }
        Map<String, Integer> every = new HashMap<>();
        frequencies().forEach(f -> every.put(f.tag(), f.everyDays()));
        int days = p.tags().stream().filter(every::containsKey).mapToInt(every::get).min().orElse(-1);
        if (days < 0) {
            throw new ApiException(409, "person " + personId + " has no 特殊人群 tag with a visiting frequency (tags: " + p.tags() + ")");
        }
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            if (!caller.principal().has(Roles.ADMIN) && !staffing.worksIn(c, caller.name(), p.gridCode())) {
                throw new ApiException(403, caller.name() + " is no grid worker of grid " + p.gridCode() + ", where person " + personId + " lives");
            }
            if (key != null) {
                Visit before = visit(c, FieldSql.CARE_VISIT_BY_KEY, true, days, caller.name(), key);
                if (before != null) {
                    return before;
                }
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement(FieldSql.INSERT_CARE_VISIT)) {
                ps.setLong(1, personId);
                ps.setString(2, caller.name());
                ps.setTimestamp(3, Timestamp.from(at));
                ps.setString(4, kind);
                ps.setString(5, note == null || note.isEmpty() ? null : protector.encrypt(note));
                ps.setObject(6, lon);
                ps.setObject(7, lat);
                ps.setString(8, p.districtCode());
                ps.setString(9, p.microgridCode());
                ps.setString(10, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            audit.record(c, caller, "care.visit", "person:" + personId, List.of(String.valueOf(id)), null, "ok", kind);
            Visit out = visit(c, FieldSql.CARE_VISIT, null, days, id);
            sc.commit();
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("care visit failed: " + e.getMessage(), e);
        }
    }

    /** GET /api/care/visits?person=|region=&from=&to=&limit=: newest first; audited. */
    public List<Visit> visits(Caller caller, String person, String region, String from, String to, int limit) {
        requirePii(caller);
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("limit must be between 1 and 1000");
        }
        Long personId = null;
        if (person != null && !person.isBlank()) {
            try {
                personId = Long.parseLong(person.trim());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("person is the registry's id of a person, got '" + person + "'");
            }
        }
        List<String> prefixes = personId != null ? List.of("") : prefixes(caller, region);
        Instant[] period = Sanguan.periodOrAll(from, to);
        List<Visit> out = new ArrayList<>();
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope());
                PreparedStatement ps = sc.connection().prepareStatement(FieldSql.CARE_VISITS)) {
            Connection c = sc.connection();
            ps.setObject(1, personId, java.sql.Types.BIGINT);
            ps.setObject(2, personId, java.sql.Types.BIGINT);
            ps.setArray(3, c.createArrayOf("text", prefixes.stream().map(p -> p + "%").toArray()));
            ps.setTimestamp(4, Timestamp.from(period[0]));
            ps.setTimestamp(5, Timestamp.from(period[1]));
            ps.setInt(6, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(visit(rs, null, -1));
                }
            }
            audit.record(c, caller, "care.visits", personId != null ? "person:" + personId : "care:" + String.join(",", prefixes),
                    out.stream().map(v -> String.valueOf(v.id())).toList(), null, "ok", out.size() + " visits");
            sc.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("care visits failed: " + e.getMessage(), e);
        }
        return out;
    }

    private Visit visit(Connection c, String sql, Boolean repeated, int days, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? visit(rs, repeated, days) : null;
            }
        }
    }

    private Visit visit(ResultSet rs, Boolean repeated, int days) throws SQLException {
        Instant at = rs.getTimestamp(4).toInstant();
        String note = rs.getString(6);
        return new Visit(rs.getLong(1), rs.getLong(2), rs.getString(3), EventService.iso(rs.getTimestamp(4)), rs.getString(5),
                note == null ? null : Masking.text(protector.decrypt(note)), rs.getString(7), rs.getBoolean(8),
                days < 0 ? null : at.atZone(WorkClock.CITY).toLocalDate().plusDays(days).toString(), repeated);
    }

    // ------------------------------------------------------------------ per level

    /** GET /api/regions/{code}/care?asOf=: per child its tagged people by tag, due, overdue, visits in the last 30 days; audited. */
    public Stats stats(Caller caller, String code, String asOfText) {
        LocalDate asOf = day(asOfText);
        Levels.View v = Levels.of(regions, caller, code);
        LocalDate visitsFrom = asOf.minusDays(29);
        // the region's own prefixes, not its children's: one range scan (with many, the planner scans the whole index);
        // row-level security leaves out what lies outside the caller's scope, and the city is every code
        List<String> all = v.region().level().equals("city") ? List.of("") : v.ownPrefixes(regions);
        List<Standing> standings = v.children().isEmpty() ? List.of() : standings(caller, all, asOf);
        Map<String, long[]> visits = new HashMap<>();
        List<String> child = new ArrayList<>();
        List<String> prefix = new ArrayList<>();
        v.prefixes().forEach((k, ps) -> ps.forEach(p -> {
            child.add(k);
            prefix.add(p);
        }));
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope());
                PreparedStatement ps = sc.connection().prepareStatement(FieldSql.CARE_VISITS_BY_CHILD)) {
            Connection c = sc.connection();
            ps.setArray(1, c.createArrayOf("text", child.toArray()));
            ps.setArray(2, c.createArrayOf("text", prefix.toArray()));
            ps.setArray(3, c.createArrayOf("text", prefix.stream().map(FieldSql::above).toArray()));
            ps.setTimestamp(4, Timestamp.from(visitsFrom.atStartOfDay(WorkClock.CITY).toInstant()));
            ps.setTimestamp(5, Timestamp.from(asOf.plusDays(1).atStartOfDay(WorkClock.CITY).toInstant()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    visits.computeIfAbsent(rs.getString(1), k -> new long[1])[0] += rs.getLong(2);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("care stats failed: " + e.getMessage(), e);
        }
        Map<String, List<Standing>> byChild = new LinkedHashMap<>();
        List<Standing> inChildren = new ArrayList<>();
        for (Standing s : standings) {
            for (Map.Entry<String, List<String>> e : v.prefixes().entrySet()) {
                if (e.getValue().stream().anyMatch(p -> s.person().microgridCode().startsWith(p))) {
                    byChild.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(s);
                    inChildren.add(s);
                    break;
                }
            }
        }
        standings = inChildren; // the total: the children the caller sees
        List<Child> out = new ArrayList<>();
        for (RegionRecord k : v.children().values()) {
            out.add(child(k.code(), k.name(), k.level(), byChild.getOrDefault(k.code(), List.of()), visits.getOrDefault(k.code(), new long[1])[0]));
        }
        RegionRecord r = v.region();
        long totalVisits = visits.values().stream().mapToLong(x -> x[0]).sum();
        audit.record(caller, "care.stats", "region:" + r.code(), List.of(), null, "ok", standings.size() + " people counted, as of " + asOf);
        return new Stats(r.code(), r.name(), r.level(), asOf.toString(), visitsFrom.toString(), child(r.code(), r.name(), r.level(), standings, totalVisits),
                out);
    }

    private static Child child(String code, String name, String level, List<Standing> s, long visits) {
        Map<String, Long> byTag = new TreeMap<>();
        long due = 0;
        long overdue = 0;
        for (Standing x : s) {
            x.person().tags().forEach(t -> byTag.merge(t, 1L, Long::sum));
            if (x.state().equals("due")) {
                due++;
            } else if (x.state().equals("overdue")) {
                overdue++;
            }
        }
        return new Child(code, name, level, s.size(), byTag, due, overdue, visits,
                s.isEmpty() ? null : Math.round(10_000.0 * (s.size() - overdue) / s.size()) / 10_000.0);
    }

    private static void requirePii(Caller caller) {
        if (!caller.principal().pii()) {
            throw new ApiException(403, "特殊人群 are personal data: this needs the pii right");
        }
    }

    private static LocalDate day(String text) {
        if (text == null || text.isBlank()) {
            return LocalDate.now(WorkClock.CITY);
        }
        try {
            return LocalDate.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("asOf is a day (2026-10-31), got '" + text + "'");
        }
    }
}
