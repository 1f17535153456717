package cn.gridmap.field;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cn.gridmap.element.IdNumbers;
import cn.gridmap.event.EventService;
import cn.gridmap.event.Staffing;
import cn.gridmap.event.WorkCalendar;
import cn.gridmap.event.WorkClock;
import cn.gridmap.geo.Coordinates;
import cn.gridmap.geo.InputCrs;
import cn.gridmap.geocode.GeocodeService;
import cn.gridmap.lookup.PointLookupService;
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
 * 矛盾纠纷多元化解 (Zhenjiang: 统一受理、分流交办、反馈考评). A dispute is received in one place with one code (一案一码), its
 * parties encrypted like the registry's people; it is routed at once by its type, amount and size to the body that
 * fits, with the time limit of its tier (简单 1 / 一般 7 / 复杂 20 working days, 东至); the handler accepts it and feeds
 * back a result (调解成功 or not); a failed mediation climbs a tier (调解优先、诉讼断后: community → street → district →
 * court); the centre's follow-up call closes it with a satisfaction mark (回访考评). Per level: 调处率, 调解成功率, on time,
 * satisfaction.
 */
@ApplicationScoped
public class Disputes {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Type → Chinese name, in the order the intake form shows them. */
    public static final Map<String, String> TYPES = typeNames();
    public static final Map<String, Integer> TIER_DAYS = Map.of("simple", 1, "general", 7, "complex", 20);
    /** A mediation committee's or the grid lawyer's ceiling (yuan); above it the street centre. */
    static final BigDecimal SMALL = BigDecimal.valueOf(10_000);
    /** From here a dispute is complex: the district centre, or the court for contracts and debts. */
    static final BigDecimal LARGE = BigDecimal.valueOf(100_000);
    /** 群体性: this many people involved make a dispute complex. */
    static final int GROUP = 5;
    static final List<String> ACTIONS = List.of("accept", "resolve", "fail", "escalate", "evaluate");

    private final DataSource dataSource;
    private final PointLookupService lookup;
    private final GeocodeService geocode;
    private final RegionService regions;
    private final Staffing staffing;
    private final WorkCalendar calendar;
    private final PersonalDataProtector protector;
    private final Audit audit;

    public Disputes(DataSource dataSource, PointLookupService lookup, GeocodeService geocode, RegionService regions, Staffing staffing,
            WorkCalendar calendar, PersonalDataProtector protector, Audit audit) {
        this.dataSource = dataSource;
        this.lookup = lookup;
        this.geocode = geocode;
        this.regions = regions;
        this.staffing = staffing;
        this.calendar = calendar;
        this.protector = protector;
        this.audit = audit;
    }

    private static Map<String, String> typeNames() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("neighbour", "邻里纠纷");
        t.put("family", "婚姻家庭纠纷");
        t.put("property_management", "物业纠纷");
        t.put("consumer", "消费纠纷");
        t.put("contract", "合同纠纷");
        t.put("debt", "债务纠纷");
        t.put("labour", "劳动争议");
        t.put("traffic", "交通事故纠纷");
        t.put("public_order", "治安纠纷");
        t.put("land", "土地征迁纠纷");
        t.put("medical", "医疗纠纷");
        t.put("environment", "环境污染纠纷");
        t.put("other", "其他纠纷");
        return java.util.Collections.unmodifiableMap(t);
    }

    // ------------------------------------------------------------------ wire records

    public record Type(String code, String name, String rule) {
    }

    public record RoutedTo(String kind, String code, String name, String handler) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Party(String role, String name, String idNumber, String phone) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Dispute(long id, String code, String type, String typeName, String tier, int limitDays, String description, BigDecimal amount,
            int peopleInvolved, List<Party> parties, String address, double lon, double lat, String districtCode, String gridCode,
            String microgridCode, String state, String outcome, RoutedTo routedTo, String rule, String receivedBy, String receivedAt,
            String routedAt, String dueAt, String closedAt, Boolean closedOnTime, int escalations, String result, Integer satisfaction,
            boolean derived, List<String> actions, Boolean unmasked, Boolean repeated) {
    }

    public record LogEntry(long id, String at, String actor, String action, String fromState, String toState, String note, JsonNode detail) {
    }

    public record Child(String code, String name, String level, long received, long open, long overdue, long resolved, long failed,
            long closedOnTime, long evaluated, Double handledRate, Double successRate, Double onTimeRate, Double satisfaction,
            Map<String, Long> byTier, Map<String, Long> byBody) {
    }

    public record Stats(String code, String name, String level, String from, String to, Child total, List<Child> children) {
    }

    /** The types with their names and where each goes. */
    public List<Type> typeList() {
        List<Type> out = new ArrayList<>();
        for (Map.Entry<String, String> t : TYPES.entrySet()) {
            out.add(new Type(t.getKey(), t.getValue(), ruleOf(t.getKey())));
        }
        return out;
    }

    private static String ruleOf(String type) {
        return switch (type) {
            case "traffic", "public_order" -> "一般: the police station of the beat (治安调解), else the street's 矛调中心; "
                    + GROUP + "+ people: complex";
            case "labour" -> "一般: the street's 矛调中心 (劳动争议); ≥ ¥100,000 or " + GROUP + "+ people: the district's";
            case "contract", "debt", "consumer" -> "简单 up to ¥10,000: the grid's 三官一律 lawyer, else the community's 人民调解委员会; "
                    + "一般 above: the street's 矛调中心; ≥ ¥100,000: the district court's 诉前调解" + (type.equals("consumer") ? " (district centre)" : "");
            case "land", "medical", "environment" -> "复杂: the district's 矛调中心";
            default -> "简单 up to ¥10,000: the community's 人民调解委员会; above: the street's 矛调中心; ≥ ¥100,000 or " + GROUP
                    + "+ people: the district's";
        };
    }

    // ------------------------------------------------------------------ routing

    /** Where a dispute goes first: its tier, the kind of body, and the rule that chose it. */
    public record Choice(String tier, String kind, String rule) {
    }

    /** The routing rule: pure, deterministic, and the same as {@link #ruleOf} says. */
    public static Choice choose(String type, BigDecimal amount, int people) {
        BigDecimal a = amount == null ? BigDecimal.ZERO : amount;
        boolean group = people >= GROUP;
        boolean large = a.compareTo(LARGE) >= 0;
        boolean small = a.compareTo(SMALL) <= 0;
        if ((type.equals("contract") || type.equals("debt")) && large && !group) {
            return new Choice("complex", "court", "合同/债务 ≥ ¥100,000 → 法院诉前调解 (诉调对接)");
        }
        if (group || large || Set.of("land", "medical", "environment").contains(type)) {
            return new Choice("complex", "district_center", group ? "群体性 (" + people + " people) → 区矛调中心"
                    : large ? "≥ ¥100,000 → 区矛调中心" : TYPES.get(type) + " → 区矛调中心");
        }
        if (type.equals("traffic") || type.equals("public_order")) {
            return new Choice("general", "police_station", TYPES.get(type) + " → 警格派出所 (治安调解)");
        }
        if (type.equals("labour") || !small) {
            return new Choice("general", "street_center", (type.equals("labour") ? "劳动争议" : "> ¥10,000") + " → 街道矛调中心");
        }
        if (Set.of("contract", "debt", "consumer").contains(type)) {
            return new Choice("simple", "sanguan_member", TYPES.get(type) + " ≤ ¥10,000 → 网格三官一律律师");
        }
        return new Choice("simple", "mediation_committee", TYPES.get(type) + " ≤ ¥10,000 → 社区人民调解委员会");
    }

    /** The tier above (调解优先、诉讼断后), or null at the court. */
    public static Choice above(String kind) {
        return switch (kind) {
            case "mediation_committee", "sanguan_member" -> new Choice("general", "street_center", "调解不成 → 街道矛调中心");
            case "police_station", "street_center" -> new Choice("complex", "district_center", "调解不成 → 区矛调中心");
            case "district_center" -> new Choice("complex", "court", "调解不成 → 法院 (诉讼断后)");
            default -> null;
        };
    }

    /** The body of a kind for a place; a kind with no body there falls through to the next (a grid without a lawyer: the committee). */
    private RoutedTo body(Connection c, Choice choice, RegionRecord grid, double lon, double lat) throws SQLException {
        String community = grid.chain().get(3).code();
        String street = grid.chain().get(2).code();
        String district = grid.chain().get(1).code();
        switch (choice.kind()) {
            case "sanguan_member" -> {
                for (Staffing.Member m : staffing.ofRegion(grid.code()).staff()) {
                    if (m.duty().equals("lawyer") && m.region().equals(grid.code())) {
                        return new RoutedTo("sanguan_member", grid.code(), (m.displayName() == null ? m.username() : m.displayName())
                                + " (网格律师)", m.username());
                    }
                }
                return body(c, new Choice(choice.tier(), "mediation_committee", choice.rule()), grid, lon, lat);
            }
            case "police_station" -> {
                try (PreparedStatement ps = c.prepareStatement(FieldSql.BEAT_STATION_AT)) {
                    ps.setDouble(1, lon);
                    ps.setDouble(2, lat);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return new RoutedTo("police_station", rs.getString(3), rs.getString(4) + " (" + rs.getString(1) + ")", rs.getString(2));
                        }
                    }
                }
                return body(c, new Choice(choice.tier(), "street_center", choice.rule()), grid, lon, lat);
            }
            default -> {
                String region = switch (choice.kind()) {
                    case "mediation_committee" -> community;
                    case "street_center" -> street;
                    default -> district;
                };
                try (PreparedStatement ps = c.prepareStatement(FieldSql.BODY)) {
                    ps.setString(1, choice.kind());
                    ps.setString(2, region);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return new RoutedTo(rs.getString(2), rs.getString(1), rs.getString(3), rs.getString(5));
                        }
                    }
                }
                Choice up = above(choice.kind());
                if (up == null) {
                    throw new ApiException(409, "no dispute body of kind " + choice.kind() + " for " + region
                            + " is configured (dispute_body): nobody to route this dispute to");
                }
                return body(c, new Choice(choice.tier(), up.kind(), choice.rule()), grid, lon, lat);
            }
        }
    }

    private Instant due(Instant from, String tier) {
        return calendar.clock().plusWorkingDays(from.atZone(WorkClock.CITY), TIER_DAYS.get(tier)).toInstant();
    }

    // ------------------------------------------------------------------ intake

    private record PartyIn(String role, String name, String idNumber, String phone) {
    }

    /** POST /api/disputes {type, lon, lat, crs? | address, description, amount?, peopleInvolved?, parties:[…], clientId?}. */
    public Dispute receive(Caller caller, JsonNode body) {
        JsonNode b = Patrols.object(body, "{type, lon, lat | address, description, amount?, peopleInvolved?, parties:[{name, idNumber?, phone?, role?}], "
                + "clientId?}");
        Patrols.onlyFields(b, null, List.of("type", "lon", "lat", "crs", "address", "description", "amount", "peopleInvolved", "parties", "clientId"));
        String type = b.path("type").asText(null);
        if (type == null || !TYPES.containsKey(type)) {
            throw ApiException.badRequest("type must be one of " + TYPES.keySet() + ", got " + b.get("type"));
        }
        String description = b.path("description").isTextual() ? b.get("description").asText().strip() : "";
        if (description.isEmpty() || description.length() > 2000) {
            throw ApiException.badRequest("description is required, 1 to 2000 characters (what the dispute is about)");
        }
        BigDecimal amount = null;
        if (b.hasNonNull("amount")) {
            if (!b.get("amount").isNumber() || b.get("amount").decimalValue().signum() < 0
                    || b.get("amount").decimalValue().compareTo(BigDecimal.valueOf(1e12)) >= 0) {
                throw ApiException.badRequest("amount is the sum at stake in yuan, a number from 0, got " + b.get("amount"));
            }
            amount = b.get("amount").decimalValue().setScale(2, java.math.RoundingMode.HALF_UP);
        }
        List<PartyIn> parties = parties(b.get("parties"));
        int people = parties.size();
        if (b.hasNonNull("peopleInvolved")) {
            JsonNode n = b.get("peopleInvolved");
            if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < parties.size() || n.asInt() > 100_000) {
                throw ApiException.badRequest("peopleInvolved (涉及人数) is a whole number, at least the " + parties.size() + " parties, got " + n);
            }
            people = n.asInt();
        }
        String key = EventService.clientKey(b);
        double[] at = place(b);
        String address = b.path("address").isTextual() ? b.get("address").asText().strip() : null;
        PointLookupService.Near near = lookup.near(at[0], at[1], 0);
        if (near == null) {
            throw ApiException.badRequest(String.format("the point %.6f,%.6f lies outside the city", at[0], at[1]));
        }
        if (!caller.scope().covers(near.districtCode(), near.microgridCode())) {
            throw new ApiException(403, "the point lies in grid " + near.gridCode() + ", outside your scope " + caller.scope().codes());
        }
        RegionRecord grid = regions.get(near.gridCode());
        Choice choice = choose(type, amount, people);
        Instant now = Instant.now();
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            if (key != null) {
                Long before = id(c, FieldSql.DISPUTE_BY_KEY, caller.name(), key);
                if (before != null) {
                    return withRepeated(view(c, caller, before, false), true);
                }
            }
            RoutedTo to = body(c, choice, grid, at[0], at[1]);
            String code;
            try (PreparedStatement ps = c.prepareStatement(FieldSql.NEXT_DISPUTE_CODE); ResultSet rs = ps.executeQuery()) {
                rs.next();
                code = String.format("JF%s%s%06d", near.districtCode(), LocalDate.now(WorkClock.CITY).toString().replace("-", ""), rs.getLong(1));
            }
            Instant dueAt = due(now, choice.tier());
            long id;
            try (PreparedStatement ps = c.prepareStatement(FieldSql.INSERT_DISPUTE)) {
                int i = 1;
                ps.setString(i++, code);
                ps.setString(i++, type);
                ps.setString(i++, choice.tier());
                ps.setString(i++, description);
                ps.setBigDecimal(i++, amount);
                ps.setInt(i++, people);
                ps.setString(i++, address == null || address.isEmpty() ? null : address);
                ps.setDouble(i++, at[0]);
                ps.setDouble(i++, at[1]);
                ps.setString(i++, near.districtCode());
                ps.setString(i++, near.microgridCode());
                ps.setString(i++, to.kind());
                ps.setString(i++, to.code());
                ps.setString(i++, to.name());
                ps.setString(i++, to.handler());
                ps.setString(i++, choice.rule());
                ps.setString(i++, caller.name());
                ps.setTimestamp(i++, Timestamp.from(now));
                ps.setTimestamp(i++, Timestamp.from(now));
                ps.setTimestamp(i++, Timestamp.from(dueAt));
                ps.setString(i++, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(FieldSql.INSERT_PARTY)) {
                for (int s = 0; s < parties.size(); s++) {
                    PartyIn p = parties.get(s);
                    ps.setLong(1, id);
                    ps.setInt(2, s + 1);
                    ps.setString(3, p.role());
                    ps.setString(4, protector.encrypt(p.name()));
                    ps.setString(5, p.idNumber() == null ? null : protector.encrypt(p.idNumber()));
                    ps.setString(6, p.idNumber() == null ? null : protector.blindIndex(p.idNumber()));
                    ps.setString(7, p.phone() == null ? null : protector.encrypt(p.phone()));
                    ps.setString(8, p.phone() == null ? null : protector.blindIndex(p.phone()));
                    ps.setString(9, near.districtCode());
                    ps.setString(10, near.microgridCode());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("tier", choice.tier());
            detail.put("routedTo", to);
            detail.put("rule", choice.rule());
            detail.put("dueAt", EventService.iso(Timestamp.from(dueAt)));
            log(c, id, now, caller.name(), "receive", null, "routed", "统一受理, 分流交办: " + to.name(), detail, null, near.districtCode(),
                    near.microgridCode());
            audit.record(c, caller, "dispute.receive", "dispute:" + id, List.of(String.valueOf(id)), null, "ok",
                    code + " " + type + " → " + to.kind() + " " + to.code());
            Dispute out = view(c, caller, id, false);
            sc.commit();
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("dispute intake failed: " + e.getMessage(), e);
        }
    }

    private static List<PartyIn> parties(JsonNode n) {
        if (n == null || !n.isArray() || n.isEmpty()) {
            throw ApiException.badRequest("parties is a list of at least one party [{name, idNumber?, phone?, role?}]");
        }
        if (n.size() > 50) {
            throw ApiException.badRequest("at most 50 parties by name; give the number of people with peopleInvolved");
        }
        List<PartyIn> out = new ArrayList<>();
        LocalDate today = LocalDate.now(WorkClock.CITY);
        for (int i = 0; i < n.size(); i++) {
            JsonNode p = n.get(i);
            String where = "parties[" + i + "]";
            if (!p.isObject()) {
                throw ApiException.badRequest(where + " is an object {name, idNumber?, phone?, role?}");
            }
            Patrols.onlyFields(p, where, List.of("name", "idNumber", "phone", "role"));
            String name = p.path("name").isTextual() ? p.get("name").asText().strip() : "";
            if (name.isEmpty() || name.length() > 50) {
                throw ApiException.badRequest(where + ".name is required, 1 to 50 characters");
            }
            String id = null;
            if (p.hasNonNull("idNumber")) {
                String problem = IdNumbers.problem(p.get("idNumber").asText(), today);
                if (problem != null) {
                    throw ApiException.badRequest(where + ".idNumber: " + problem);
                }
                id = IdNumbers.normalize(p.get("idNumber").asText());
            }
            String phone = null;
            if (p.hasNonNull("phone")) {
                phone = p.get("phone").asText().replaceAll("[\\s-]", "");
                if (!phone.matches("\\+?[0-9]{7,15}")) {
                    throw ApiException.badRequest(where + ".phone is 7 to 15 digits, got '" + Masking.phone(phone) + "'");
                }
            }
            String role = p.hasNonNull("role") ? p.get("role").asText() : i == 0 ? "applicant" : i == 1 ? "respondent" : "party";
            if (!Set.of("applicant", "respondent", "party").contains(role)) {
                throw ApiException.badRequest(where + ".role is applicant (申请人), respondent (被申请人) or party, got '" + role + "'");
            }
            out.add(new PartyIn(role, name, id, phone));
        }
        return out;
    }

    /** lon/lat (crs optional) or an address, as WGS84. */
    private double[] place(JsonNode b) {
        if (b.has("lon") || b.has("lat")) {
            if (!b.path("lon").isNumber() || !b.path("lat").isNumber()) {
                throw ApiException.badRequest("send lon and lat as numbers (or an address instead)");
            }
            InputCrs crs = InputCrs.parse(b.path("crs").isTextual() ? b.get("crs").asText() : "4326");
            double[] ll = crs.toWgs84(b.get("lon").asDouble(), b.get("lat").asDouble());
            if (!Double.isFinite(ll[0]) || !Double.isFinite(ll[1])) {
                throw ApiException.badRequest("lon,lat cannot be converted from crs " + crs.id() + " to WGS84");
            }
            Coordinates.checkLonLat(ll[0], ll[1]);
            return ll;
        }
        String address = b.path("address").isTextual() ? b.get("address").asText().strip() : "";
        if (address.isEmpty()) {
            throw ApiException.badRequest("a place is required: lon and lat (crs optional, default 4326), or an address");
        }
        if (address.length() > 200) {
            throw ApiException.badRequest("address is longer than 200 characters");
        }
        GeocodeService.GeocodeResult g = geocode.geocode(address);
        if (g.match() == null) {
            throw ApiException.badRequest("the address '" + address + "' could not be placed: " + g.reason());
        }
        return new double[] {g.match().lon(), g.match().lat()};
    }

    // ------------------------------------------------------------------ the loop

    /** POST /api/disputes/{id}/actions {action, note?, result?, satisfaction?, clientId?}. */
    public Dispute act(Caller caller, long id, JsonNode body) {
        JsonNode b = Patrols.object(body, "{action, note?, result?, satisfaction?, clientId?}");
        String action = b.path("action").asText(null);
        if (action == null || !ACTIONS.contains(action)) {
            throw ApiException.badRequest("action must be one of " + ACTIONS + ", got " + b.get("action"));
        }
        String note = b.path("note").isTextual() ? b.get("note").asText().strip() : null;
        if (note != null && note.length() > 2000) {
            throw ApiException.badRequest("note is longer than 2000 characters");
        }
        String key = EventService.clientKey(b);
        Instant now = Instant.now();
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            Row r = row(c, id, true);
            if (key != null) {
                Long before = id(c, FieldSql.DISPUTE_LOG_BY_KEY, caller.name(), key);
                if (before != null) {
                    if (before != id) {
                        throw new ApiException(409, "clientId " + key + " was sent before for dispute " + before);
                    }
                    return withRepeated(view(c, caller, id, false), true);
                }
            }
            if (!allowed(caller, r).contains(action)) {
                throw refusal(caller, r, action);
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            String to;
            switch (action) {
                case "accept" -> {
                    update(c, FieldSql.ACCEPT_DISPUTE, id);
                    to = "accepted";
                }
                case "resolve", "fail" -> {
                    String result = b.path("result").isTextual() ? b.get("result").asText().strip() : note;
                    if (result == null || result.isEmpty()) {
                        throw ApiException.badRequest(action.equals("resolve") ? "resolve needs the result (调解协议 or what was agreed) in result or note"
                                : "fail needs the reason mediation failed in result or note");
                    }
                    if (result.length() > 2000) {
                        throw ApiException.badRequest("result is longer than 2000 characters");
                    }
                    to = action.equals("resolve") ? "resolved" : "failed";
                    try (PreparedStatement ps = c.prepareStatement(FieldSql.CLOSE_DISPUTE)) {
                        ps.setString(1, to);
                        ps.setString(2, to);
                        ps.setTimestamp(3, Timestamp.from(now));
                        ps.setTimestamp(4, Timestamp.from(now));
                        ps.setString(5, result);
                        ps.setLong(6, id);
                        ps.executeUpdate();
                    }
                    detail.put("onTime", !now.isAfter(r.dueAt()));
                    note = result;
                }
                case "escalate" -> {
                    Choice up = above(r.routedKind());
                    if (up == null) {
                        throw new ApiException(409, "dispute " + id + " is at the court already: there is no tier above (诉讼断后)");
                    }
                    RegionRecord grid = regions.get(r.microgridCode().substring(0, 15));
                    RoutedTo next = body(c, up, grid, r.lon(), r.lat());
                    Instant dueAt = due(now, up.tier());
                    try (PreparedStatement ps = c.prepareStatement(FieldSql.ROUTE_DISPUTE)) {
                        ps.setString(1, up.tier());
                        ps.setString(2, next.kind());
                        ps.setString(3, next.code());
                        ps.setString(4, next.name());
                        ps.setString(5, next.handler());
                        ps.setString(6, up.rule());
                        ps.setTimestamp(7, Timestamp.from(now));
                        ps.setTimestamp(8, Timestamp.from(dueAt));
                        ps.setLong(9, id);
                        ps.executeUpdate();
                    }
                    detail.put("tier", up.tier());
                    detail.put("routedTo", next);
                    detail.put("from", new RoutedTo(r.routedKind(), r.routedCode(), r.routedName(), r.handler()));
                    detail.put("dueAt", EventService.iso(Timestamp.from(dueAt)));
                    to = "routed";
                }
                default -> { // evaluate
                    JsonNode s = b.get("satisfaction");
                    if (s == null || !s.isIntegralNumber() || s.asInt() < 1 || s.asInt() > 5) {
                        throw ApiException.badRequest("evaluate needs satisfaction, a whole number 1 (不满意) to 5 (非常满意), got " + s);
                    }
                    try (PreparedStatement ps = c.prepareStatement(FieldSql.EVALUATE_DISPUTE)) {
                        ps.setInt(1, s.asInt());
                        ps.setLong(2, id);
                        ps.executeUpdate();
                    }
                    detail.put("satisfaction", s.asInt());
                    to = "evaluated";
                }
            }
            log(c, id, now, caller.name(), action, r.state(), to, note, detail.isEmpty() ? null : detail, key, r.districtCode(), r.microgridCode());
            Dispute out = view(c, caller, id, false);
            sc.commit();
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("dispute action failed: " + e.getMessage(), e);
        }
    }

    /** The dispute as the loop needs it. */
    private record Row(long id, String state, String routedKind, String routedCode, String routedName, String handler, Instant dueAt,
            String districtCode, String microgridCode, double lon, double lat) {
    }

    private static Row row(Connection c, long id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(forUpdate ? FieldSql.DISPUTE_FOR_UPDATE : FieldSql.DISPUTE)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("no dispute " + id);
                }
                return row(rs);
            }
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getLong(1), rs.getString(13), rs.getString(15), rs.getString(16), rs.getString(17), rs.getString(18),
                rs.getTimestamp(23).toInstant(), rs.getString(11), rs.getString(12), rs.getDouble(9), rs.getDouble(10));
    }

    /** What the caller may do now: the handler takes and closes; the centre (dispatchers) escalates and evaluates. */
    private static List<String> allowed(Caller caller, Row r) {
        boolean admin = caller.principal().has(Roles.ADMIN);
        boolean handler = caller.name().equals(r.handler());
        boolean centre = admin || caller.principal().has(Roles.DISPATCHER);
        List<String> out = new ArrayList<>();
        switch (r.state()) {
            case "routed" -> {
                if (handler || admin) {
                    out.addAll(List.of("accept", "resolve", "fail"));
                }
                if (handler || centre) {
                    out.add("escalate");
                }
            }
            case "accepted" -> {
                if (handler || admin) {
                    out.addAll(List.of("resolve", "fail"));
                }
                if (handler || centre) {
                    out.add("escalate");
                }
            }
            case "failed" -> {
                if (centre || handler) {
                    out.add("escalate");
                }
                if (centre) {
                    out.add("evaluate");
                }
            }
            case "resolved" -> {
                if (centre) {
                    out.add("evaluate");
                }
            }
            default -> {
            }
        }
        if (above(r.routedKind()) == null) {
            out.remove("escalate");
        }
        return out;
    }

    private static ApiException refusal(Caller caller, Row r, String action) {
        List<String> anyone = switch (r.state()) {
            case "routed" -> List.of("accept", "resolve", "fail", "escalate");
            case "accepted" -> List.of("resolve", "fail", "escalate");
            case "failed" -> List.of("escalate", "evaluate");
            case "resolved" -> List.of("evaluate");
            default -> List.of();
        };
        if (!anyone.contains(action) || (action.equals("escalate") && above(r.routedKind()) == null)) {
            return new ApiException(409, "dispute " + r.id() + " is " + r.state() + ": " + action + " is not possible now"
                    + (anyone.isEmpty() ? "" : " (possible: " + anyone + ")"));
        }
        return new ApiException(403, action + " on dispute " + r.id() + " is for " + (List.of("evaluate").contains(action)
                ? "the centre (a dispatcher: 回访考评)" : "its handler " + r.handler() + (action.equals("escalate") ? " or the centre" : "")));
    }

    private static void update(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    private static void log(Connection c, long id, Instant at, String actor, String action, String from, String to, String note,
            Map<String, Object> detail, String key, String district, String micro) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FieldSql.INSERT_DISPUTE_LOG)) {
            ps.setLong(1, id);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setString(3, actor);
            ps.setString(4, action);
            ps.setString(5, from);
            ps.setString(6, to);
            ps.setString(7, note);
            ps.setString(8, detail == null ? null : JSON.writeValueAsString(detail));
            ps.setString(9, key);
            ps.setString(10, district);
            ps.setString(11, micro);
            ps.executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Long id(Connection c, String sql, String a, String b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, a);
            ps.setString(2, b);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    // ------------------------------------------------------------------ reads

    /** GET /api/disputes/{id}: parties masked; unmask (pii + purpose) in clear, and the view audited. */
    public Dispute get(Caller caller, long id, boolean unmask, String purpose) {
        String why = unmask ? Audit.purpose(caller, purpose) : null;
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            Dispute d = view(c, caller, id, unmask);
            if (unmask) {
                audit.record(c, caller, "dispute.unmask", "dispute:" + id, List.of(String.valueOf(id)), why, "ok", "parties, description");
            }
            sc.commit();
            return d;
        } catch (SQLException e) {
            throw new IllegalStateException("dispute read failed: " + e.getMessage(), e);
        }
    }

    private Dispute view(Connection c, Caller caller, long id, boolean unmask) throws SQLException {
        Dispute d;
        try (PreparedStatement ps = c.prepareStatement(FieldSql.DISPUTE)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("no dispute " + id);
                }
                d = dispute(rs, allowed(caller, row(rs)), unmask);
            }
        }
        List<Party> parties = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(FieldSql.PARTIES)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = protector.decrypt(rs.getString(3));
                    String idn = protector.decrypt(rs.getString(4));
                    String phone = protector.decrypt(rs.getString(5));
                    parties.add(unmask ? new Party(rs.getString(2), name, idn, phone)
                            : new Party(rs.getString(2), EventService.maskName(name), idn == null ? null : Masking.idNumber(idn), phone == null ? null : Masking.phone(phone)));
                }
            }
        }
        return new Dispute(d.id(), d.code(), d.type(), d.typeName(), d.tier(), d.limitDays(), d.description(), d.amount(), d.peopleInvolved(), parties,
                d.address(), d.lon(), d.lat(), d.districtCode(), d.gridCode(), d.microgridCode(), d.state(), d.outcome(), d.routedTo(), d.rule(),
                d.receivedBy(), d.receivedAt(), d.routedAt(), d.dueAt(), d.closedAt(), d.closedOnTime(), d.escalations(), d.result(),
                d.satisfaction(), d.derived(), d.actions(), unmask ? Boolean.TRUE : null, null);
    }

    private static Dispute withRepeated(Dispute d, boolean repeated) {
        return new Dispute(d.id(), d.code(), d.type(), d.typeName(), d.tier(), d.limitDays(), d.description(), d.amount(), d.peopleInvolved(),
                d.parties(), d.address(), d.lon(), d.lat(), d.districtCode(), d.gridCode(), d.microgridCode(), d.state(), d.outcome(), d.routedTo(),
                d.rule(), d.receivedBy(), d.receivedAt(), d.routedAt(), d.dueAt(), d.closedAt(), d.closedOnTime(), d.escalations(), d.result(),
                d.satisfaction(), d.derived(), d.actions(), d.unmasked(), repeated);
    }

    /** A dispute row without its parties; free text masked (ID numbers and phones in it) unless unmasked. */
    private static Dispute dispute(ResultSet rs, List<String> actions, boolean unmask) throws SQLException {
        String micro = rs.getString(12);
        String description = rs.getString(5);
        String result = rs.getString(27);
        String tier = rs.getString(4);
        return new Dispute(rs.getLong(1), rs.getString(2), rs.getString(3), TYPES.getOrDefault(rs.getString(3), rs.getString(3)), tier,
                TIER_DAYS.get(tier), unmask ? description : Masking.text(description), rs.getBigDecimal(6), rs.getInt(7), null, rs.getString(8),
                rs.getDouble(9), rs.getDouble(10), rs.getString(11), micro.substring(0, 15), micro, rs.getString(13), rs.getString(14),
                new RoutedTo(rs.getString(15), rs.getString(16), rs.getString(17), rs.getString(18)), rs.getString(19), rs.getString(20),
                EventService.iso(rs.getTimestamp(21)), EventService.iso(rs.getTimestamp(22)), EventService.iso(rs.getTimestamp(23)),
                EventService.iso(rs.getTimestamp(24)), (Boolean) rs.getObject(25), rs.getInt(26), result == null || unmask ? result : Masking.text(result),
                (Integer) rs.getObject(28, Integer.class), rs.getBoolean(29), actions, null, null);
    }

    /** GET /api/disputes?region=&state=&mine=&from=&to=&limit=: newest first, inside the caller's scope, parties left out. */
    public List<Dispute> list(Caller caller, String region, String state, boolean mine, String from, String to, int limit) {
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("limit must be between 1 and 1000");
        }
        String prefix = region == null || region.isBlank() ? "" : region.trim();
        if (!prefix.isEmpty() && !prefix.matches("[0-9]{6}|[0-9]{9}|[0-9]{12}|[0-9]{15}|[0-9]{18}")) {
            throw ApiException.badRequest("region is a region code (6 to 18 digits), got '" + region + "'");
        }
        // a district by its code (镇江新区's streets carry other prefixes), the city as everything
        String district = prefix.length() == 6 && !prefix.endsWith("00") ? prefix : null;
        if (prefix.length() == 6) {
            prefix = "";
        }
        String s = state == null || state.isBlank() ? null : state.trim();
        if (s != null && !Set.of("routed", "accepted", "resolved", "failed", "evaluated").contains(s)) {
            throw ApiException.badRequest("state is routed, accepted, resolved, failed or evaluated, got '" + state + "'");
        }
        Instant[] period = Sanguan.periodOrAll(from, to);
        String handler = mine ? caller.name() : null;
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope());
                PreparedStatement ps = sc.connection().prepareStatement(FieldSql.DISPUTES)) {
            ps.setString(1, district);
            ps.setString(2, district);
            ps.setString(3, prefix + "%");
            ps.setString(4, s);
            ps.setString(5, s);
            ps.setString(6, handler);
            ps.setString(7, handler);
            ps.setTimestamp(8, Timestamp.from(period[0]));
            ps.setTimestamp(9, Timestamp.from(period[1]));
            ps.setInt(10, limit);
            List<Dispute> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(dispute(rs, allowed(caller, row(rs)), false));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("disputes failed: " + e.getMessage(), e);
        }
    }

    /** GET /api/disputes/{id}/log. */
    public List<LogEntry> log(Caller caller, long id) {
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            row(c, id, false);
            List<LogEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(FieldSql.DISPUTE_LOG)) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String d = rs.getString(8);
                        String note = rs.getString(7);
                        out.add(new LogEntry(rs.getLong(1), EventService.iso(rs.getTimestamp(2)), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), note == null ? null : Masking.text(note), d == null ? null : JSON.readTree(d)));
                    }
                }
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("dispute log failed: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ per level

    /** GET /api/regions/{code}/disputes?from=&to=: per child and in total, 调处率, 调解成功率, on time, satisfaction. */
    public Stats stats(Caller caller, String code, String from, String to) {
        Instant[] period = Sanguan.period(from, to);
        Levels.View v = Levels.of(regions, caller, code);
        List<String> child = new ArrayList<>();
        List<String> prefix = new ArrayList<>();
        v.prefixes().forEach((k, ps) -> ps.forEach(p -> {
            child.add(k);
            prefix.add(p);
        }));
        Map<String, long[]> sums = new TreeMap<>();
        Map<String, Map<String, Long>> tiers = new TreeMap<>();
        Map<String, Map<String, Long>> bodies = new TreeMap<>();
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope());
                PreparedStatement ps = sc.connection().prepareStatement(FieldSql.DISPUTES_BY_CHILD)) {
            Connection c = sc.connection();
            ps.setTimestamp(1, Timestamp.from(Instant.now()));
            ps.setArray(2, c.createArrayOf("text", child.toArray()));
            ps.setArray(3, c.createArrayOf("text", prefix.toArray()));
            ps.setArray(4, c.createArrayOf("text", prefix.stream().map(FieldSql::above).toArray()));
            ps.setTimestamp(5, Timestamp.from(period[0]));
            ps.setTimestamp(6, Timestamp.from(period[1]));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String k = rs.getString(1);
                    long[] s = sums.computeIfAbsent(k, x -> new long[9]);
                    for (int i = 0; i < 9; i++) {
                        s[i] += rs.getLong(4 + i);
                    }
                    tiers.computeIfAbsent(k, x -> new TreeMap<>()).merge(rs.getString(2), rs.getLong(4), Long::sum);
                    bodies.computeIfAbsent(k, x -> new TreeMap<>()).merge(rs.getString(3), rs.getLong(4), Long::sum);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("dispute stats failed: " + e.getMessage(), e);
        }
        List<Child> out = new ArrayList<>();
        long[] all = new long[9];
        Map<String, Long> allTiers = new TreeMap<>();
        Map<String, Long> allBodies = new TreeMap<>();
        for (RegionRecord k : v.children().values()) {
            long[] s = sums.getOrDefault(k.code(), new long[9]);
            for (int i = 0; i < 9; i++) {
                all[i] += s[i];
            }
            tiers.getOrDefault(k.code(), Map.of()).forEach((t, n) -> allTiers.merge(t, n, Long::sum));
            bodies.getOrDefault(k.code(), Map.of()).forEach((t, n) -> allBodies.merge(t, n, Long::sum));
            out.add(child(k.code(), k.name(), k.level(), s, tiers.getOrDefault(k.code(), Map.of()), bodies.getOrDefault(k.code(), Map.of())));
        }
        RegionRecord r = v.region();
        String f = EventService.iso(Timestamp.from(period[0])).substring(0, 10);
        String t = EventService.iso(Timestamp.from(period[1].minusSeconds(1))).substring(0, 10);
        return new Stats(r.code(), r.name(), r.level(), f, t, child(r.code(), r.name(), r.level(), all, allTiers, allBodies), out);
    }

    /** s: received, open, overdue, resolved, failed, on time, evaluated, satisfaction sum, satisfaction marks. */
    private static Child child(String code, String name, String level, long[] s, Map<String, Long> byTier, Map<String, Long> byBody) {
        long closed = s[3] + s[4];
        return new Child(code, name, level, s[0], s[1], s[2], s[3], s[4], s[5], s[6], rate(closed, s[0]), rate(s[3], closed), rate(s[5], closed),
                s[8] == 0 ? null : Math.round(100.0 * s[7] / s[8]) / 100.0, byTier, byBody);
    }

    private static Double rate(long n, long of) {
        return of == 0 ? null : Math.round(10_000.0 * n / of) / 10_000.0;
    }
}
