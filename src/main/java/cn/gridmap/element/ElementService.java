package cn.gridmap.element;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import cn.gridmap.GridmapConfig;
import cn.gridmap.geo.BBox;
import cn.gridmap.region.Level;
import cn.gridmap.region.RegionService;
import cn.gridmap.security.AreaScope;
import cn.gridmap.security.Audit;
import cn.gridmap.security.Caller;
import cn.gridmap.security.Masking;
import cn.gridmap.security.PersonalDataProtector;
import cn.gridmap.security.ScopedConnection;
import cn.gridmap.security.Scopes;
import cn.gridmap.web.ApiException;
import cn.gridmap.web.Params;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Lists and items of the five element kinds with paging and filters (region code at any level, and per-kind fields),
 * inside the caller's area scope: in the query, and again through the row-level security policies of the transaction's
 * scope. A region filter outside the scope is a 403, an item outside it a 404. Personal data is decrypted only to be
 * masked, unless a caller with the pii right states a purpose; that view, and every search by ID number or phone, is
 * written to the audit log in the same transaction as the read.
 */
@ApplicationScoped
public class ElementService {
    private final DataSource dataSource;
    private final RegionService regions;
    private final PersonalDataProtector protector;
    private final GridmapConfig config;
    private final Scopes scopes;
    private final Audit audit;
    private final ElementPlacement placement;

    public ElementService(DataSource dataSource, RegionService regions, PersonalDataProtector protector, GridmapConfig config,
            Scopes scopes, Audit audit, ElementPlacement placement) {
        this.placement = placement;
        this.dataSource = dataSource;
        this.regions = regions;
        this.protector = protector;
        this.config = config;
        this.scopes = scopes;
        this.audit = audit;
    }

    /** Paging and the filters common to every kind. */
    public record Paging(int limit, int offset) {
    }

    public Paging paging(String limit, String offset) {
        int l = Params.integer(limit, "limit", 50);
        int o = Params.integer(offset, "offset", 0);
        if (l < 1 || l > config.elements().maxLimit()) {
            throw ApiException.badRequest("limit must be between 1 and " + config.elements().maxLimit());
        }
        if (o < 0) {
            throw ApiException.badRequest("offset must not be negative");
        }
        return new Paging(l, o);
    }

    /** WHERE clauses with bound values only. */
    public static final class Filter {
        final StringBuilder sql = new StringBuilder();
        final List<Object> values = new ArrayList<>();

        Filter add(String clause, Object... vs) {
            sql.append(sql.length() == 0 ? " WHERE " : " AND ").append(clause);
            values.addAll(Arrays.asList(vs));
            return this;
        }

        String where() {
            return sql.toString();
        }

        /** Keeps the rows of {@code alias} inside an area scope (nothing to add for the whole city). */
        Filter scope(String alias, AreaScope scope) {
            List<Object> vs = new ArrayList<>();
            String c = scope.condition(alias, vs);
            if (c != null) {
                add(c, vs.toArray());
            }
            return this;
        }

        /**
         * Keeps the rows of {@code alias} inside region {@code code} of {@code level}: districts by their column
         * (镇江新区's streets hang under 京口区 with other code prefixes), lower levels by micro-grid code prefix.
         */
        Filter region(String alias, Level level, String code) {
            return region(alias, level, code, null);
        }

        /**
         * As {@link #region(String, Level, String)}, and below district level also by the region's district: the
         * element tables are partitioned by district code (V20), so that condition leaves one partition to read.
         */
        Filter region(String alias, Level level, String code, String district) {
            switch (level) {
                case CITY -> {
                }
                case DISTRICT -> add(alias + ".district_code = ?", code);
                default -> {
                    if (district != null) {
                        add(alias + ".district_code = ?", district);
                    }
                    add(alias + ".microgrid_code LIKE ?", code + "%");
                }
            }
            return this;
        }
    }

    /**
     * Starts the filter of table alias {@code t}: the caller's scope, and the region filter (district by its column,
     * lower levels by micro-grid prefix), which must lie inside the scope (403 otherwise).
     */
    Filter filter(Caller caller, String t, String code) {
        Filter f = new Filter().scope(t, caller.scope());
        if (code == null || code.isBlank()) {
            return f;
        }
        scopes.requireInside(caller.scope(), code.trim());
        RegionService.Placement at = regions.placement(code.trim());
        return f.region(t, at.level(), code.trim(), at.district());
    }

    /** The filter of one item by id (outside the scope it is simply not found). */
    private Filter item(Caller caller, String t, String id) {
        long n;
        try {
            n = Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("an element id is a number, got '" + id + "'");
        }
        return new Filter().scope(t, caller.scope()).add(t + ".id = ?", n);
    }

    private static <T> T only(ElementItems.Page<T> page, String kind, String id) {
        if (page.items().isEmpty()) {
            throw ApiException.notFound("no " + kind + " " + id);
        }
        return page.items().get(0);
    }

    /** The audit row of an unmasked view of one {@code kind} item, written in the read's transaction. */
    private <T> AfterRead<T> unmasked(Caller caller, String kind, String id, String why, String fields,
            java.util.function.ToLongFunction<T> idOf) {
        return (c, rows) -> audit.record(c, caller, kind + ".unmask", kind + ":" + id.trim(), ids(rows, idOf), why, "ok", fields);
    }

    private static <T> List<String> ids(List<T> rows, java.util.function.ToLongFunction<T> idOf) {
        return rows.stream().map(r -> String.valueOf(idOf.applyAsLong(r))).toList();
    }

    private static String purpose(Caller caller, String purpose) {
        return Audit.purpose(caller, purpose);
    }

    public ElementItems.Page<ElementItems.Person> people(Caller caller, Paging p, String region, String name, String idNumber,
            String phone, String tag, String residence, String house) {
        Filter f = filter(caller, "p", region);
        if (present(name)) {
            f.add("p.name LIKE ?", like(name) + "%");
        }
        if (present(idNumber)) {
            String n = IdNumbers.normalize(idNumber);
            f.add("p.id_number_bidx = ?", protector.blindIndex(n));
        }
        if (present(phone)) {
            f.add("p.phone_bidx = ?", protector.blindIndex(phone.replaceAll("\\D", "")));
        }
        if (present(tag)) {
            f.add("? = ANY (p.tags)", tag.trim());
        }
        if (present(residence)) {
            f.add("p.residence = ?", oneOf(residence, "residence", "registered", "migrant"));
        }
        if (present(house)) {
            f.add("h.external_id = ?", house.trim());
        }
        AfterRead<ElementItems.Person> after = null;
        if (present(idNumber) || present(phone)) {
            String by = present(idNumber) ? "ID number" : "phone";
            after = (c, rows) -> audit.record(c, caller, "person.search", "person", ids(rows, ElementItems.Person::id), null, "ok",
                    "search by " + by + ": " + rows.size() + " found");
        }
        return people(caller, f, p, false, after);
    }

    /** One person, masked; with {@code unmask} (pii + purpose) in clear, and the view audited. */
    public ElementItems.Person person(Caller caller, String id, boolean unmask, String purpose) {
        String why = unmask ? purpose(caller, purpose) : null;
        AfterRead<ElementItems.Person> after = !unmask ? null : unmasked(caller, "person", id, why, "idNumber, phone", ElementItems.Person::id);
        return only(people(caller, item(caller, "p", id), new Paging(1, 0), unmask, after), "person", id);
    }

    private ElementItems.Page<ElementItems.Person> people(Caller caller, Filter f, Paging p, boolean clear,
            AfterRead<ElementItems.Person> after) {
        String sql = "SELECT p.id, p.external_id, p.name, p.gender, extract(year FROM p.birth_date)::int, p.id_number_enc, p.phone_enc, "
                + "p.residence, p.tags, h.external_id, h.address, ST_X(h.geom), ST_Y(h.geom), p.district_code, p.microgrid_code, "
                + "p.geocode_method, p.geocode_score, p.derived FROM person p JOIN house h ON h.id = p.house_id" + f.where()
                + " ORDER BY p.id LIMIT ? OFFSET ?";
        return page(caller, sql, f, p, rs -> {
            String micro = rs.getString(15);
            Array tags = rs.getArray(9);
            String idNumber = protector.decrypt(rs.getString(6));
            return new ElementItems.Person(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                    clear ? idNumber : IdNumbers.mask(idNumber), clear ? clearPhone(rs.getString(7)) : maskPhone(rs.getString(7)),
                    rs.getString(8),
                    List.of((String[]) tags.getArray()), rs.getString(10), rs.getString(11), rs.getDouble(12), rs.getDouble(13),
                    rs.getString(14), Level.gridOf(micro), micro, rs.getString(16), rs.getDouble(17), rs.getBoolean(18));
        }, after);
    }

    // ---- people exports (cn.gridmap.export) ---------------------------------------------------------------------

    /** The columns of a people export (name and type), in the order {@link PersonSink} gets their values. */
    public static final List<String[]> PEOPLE_COLUMNS = List.of(new String[] {"external_id", "string"}, new String[] {"name", "string"},
            new String[] {"gender", "string"}, new String[] {"birth_year", "integer"}, new String[] {"id_number", "string"},
            new String[] {"phone", "string"}, new String[] {"residence", "string"}, new String[] {"tags", "string"},
            new String[] {"house", "string"}, new String[] {"address", "string"}, new String[] {"district_code", "string"},
            new String[] {"grid_code", "string"}, new String[] {"microgrid_code", "string"}, new String[] {"derived", "boolean"});
    /** At most this many people leave in clear in one export (each is named in the audit entry). */
    public static final int MAX_UNMASKED_EXPORT = 100_000;

    /** One exported person: id, values in {@link #PEOPLE_COLUMNS} order, the house point as WKB in the export's CRS. */
    public interface PersonSink {
        void person(String id, Object[] values, byte[] wkb) throws java.io.IOException;
    }

    /** A checked people export: its filter and how many people it holds (at most {@code cap + 1} counted). */
    public record PeopleExport(Filter filter, boolean unmask, String purpose, long count) {
    }

    /**
     * Checks a people export before anything is sent: the roles that work with people (403), the region inside the
     * caller's scope (403), the pii right and a purpose to unmask (403/400), and at most {@link #MAX_UNMASKED_EXPORT}
     * people in clear (413).
     */
    public PeopleExport planPeopleExport(Caller caller, String region, String bbox, boolean unmask, String purpose, long cap) {
        if (!caller.principal().hasAny(cn.gridmap.security.Roles.PERSONAL)) {
            throw new ApiException(403, "people are for the roles that work with them: " + cn.gridmap.security.Roles.PERSONAL);
        }
        String why = unmask ? purpose(caller, purpose) : null;
        Filter f = filter(caller, "p", region);
        bbox(f, "h", bbox);
        long n;
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope());
                PreparedStatement ps = sc.connection().prepareStatement("SELECT count(*) FROM (SELECT 1 FROM person p JOIN house h ON h.id = p.house_id"
                        + f.where() + " LIMIT ?) s")) {
            int i = 1;
            for (Object v : f.values) {
                ps.setObject(i++, v);
            }
            ps.setLong(i, cap + 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                n = rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("people count failed: " + e.getMessage(), e);
        }
        if (unmask && n > MAX_UNMASKED_EXPORT) {
            throw new ApiException(413, n + " people: an export in clear holds at most " + MAX_UNMASKED_EXPORT + "; narrow it with parent= or bbox=");
        }
        return new PeopleExport(f, unmask, why, n);
    }

    /**
     * Streams the people of a checked export in id order, masked (ID number and phone) unless it was unmasked. The
     * export is audited first, in its own committed entry: in clear with every person's id and the purpose, masked
     * with the count.
     */
    public void exportPeople(Caller caller, PeopleExport x, int srid, String what, PersonSink sink) throws java.io.IOException {
        Filter f = x.filter();
        String geometry = srid == cn.gridmap.geo.Srid.STORAGE ? "ST_AsBinary(h.geom)" : "ST_AsBinary(ST_Transform(h.geom, " + srid + "))";
        String sql = "SELECT p.id, p.external_id, p.name, p.gender, extract(year FROM p.birth_date)::int, p.id_number_enc, p.phone_enc, "
                + "p.residence, p.tags, h.external_id, h.address, p.district_code, p.microgrid_code, p.derived, " + geometry
                + " FROM person p JOIN house h ON h.id = p.house_id" + f.where() + " ORDER BY p.id";
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            List<String> ids = null;
            if (x.unmask()) {
                ids = new ArrayList<>();
                try (PreparedStatement ps = sc.connection().prepareStatement("SELECT p.id FROM person p JOIN house h ON h.id = p.house_id" + f.where()
                        + " ORDER BY p.id")) {
                    bind(ps, f);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(String.valueOf(rs.getLong(1)));
                        }
                    }
                }
            }
            audit.record(sc.connection(), caller, x.unmask() ? "person.export.unmask" : "person.export", "people", ids, x.purpose(), "ok",
                    what + ": " + x.count() + " people" + (x.unmask() ? ", ID number and phone in clear" : ", masked"));
            sc.commit();
            ScopedConnection.apply(sc.connection(), caller.scope());
            try (PreparedStatement ps = sc.connection().prepareStatement(sql)) {
                ps.setFetchSize(1000);
                bind(ps, f);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String idNumber = protector.decrypt(rs.getString(6));
                        String micro = rs.getString(13);
                        Array tags = rs.getArray(9);
                        Object[] v = {rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                            x.unmask() ? idNumber : IdNumbers.mask(idNumber), x.unmask() ? clearPhone(rs.getString(7)) : maskPhone(rs.getString(7)),
                            rs.getString(8), String.join(";", (String[]) tags.getArray()), rs.getString(10), rs.getString(11), rs.getString(12),
                            Level.gridOf(micro), micro, rs.getBoolean(14)};
                        sink.person(String.valueOf(rs.getLong(1)), v, rs.getBytes(15));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("people export failed: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, Filter f) throws SQLException {
        int i = 1;
        for (Object v : f.values) {
            ps.setObject(i++, v);
        }
    }

    /**
     * Adds a bbox filter on {@code t.geom} (GiST-indexed), and the districts near the box, so that only their
     * partitions are read (V20).
     */
    void bbox(Filter f, String t, String bbox) {
        BBox b = BBox.parse(bbox);
        if (b != null) {
            f.add(t + ".district_code = ANY (string_to_array(?, ','))", String.join(",", regions.districtsNear(b)));
            f.add(t + ".geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)", b.minLon(), b.minLat(), b.maxLon(), b.maxLat());
        }
    }

    public ElementItems.Page<ElementItems.House> houses(Caller caller, Paging p, String region, String address, String use) {
        Filter f = filter(caller, "h", region);
        if (present(address)) {
            f.add("h.address LIKE ?", "%" + like(address) + "%");
        }
        if (present(use)) {
            f.add("h.use = ?", oneOf(use, "use", "residential", "rental", "commercial"));
        }
        return houses(caller, f, p);
    }

    /** One entry of an element's history: its micro-grid and grid from one generation to another (null: still). */
    public record Placement(String microgridCode, String gridCode, int generationLow, Integer generationHigh) {
    }

    /**
     * GET /api/{kind}/{id}/history: the element's micro-grid and grid over the generations, oldest first; the element
     * must be visible to the caller (area scope), else 404.
     */
    public Map<String, Object> history(Caller caller, String kind, String id) {
        String current = switch (kind) {
            case "people" -> person(caller, id, false, null).microgridCode();
            case "houses" -> house(caller, id).microgridCode();
            case "components" -> component(caller, id).microgridCode();
            case "organizations" -> organization(caller, id, false, null).microgridCode();
            case "events" -> event(caller, id).microgridCode();
            default -> throw ApiException.notFound("no element kind " + kind);
        };
        List<Placement> entries = new ArrayList<>();
        int next = 1;
        try (Connection c = dataSource.getConnection()) {
            for (Object[] h : placement.history(c, kind, Long.parseLong(id.trim()))) {
                entries.add(new Placement((String) h[0], Level.gridOf((String) h[0]), (Integer) h[1], (Integer) h[2]));
                next = (Integer) h[2] + 1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("history query failed: " + e.getMessage(), e);
        }
        entries.add(new Placement(current, Level.gridOf(current), next, null));
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("kind", kind);
        out.put("id", Long.parseLong(id.trim()));
        out.put("history", entries);
        return out;
    }

    public ElementItems.House house(Caller caller, String id) {
        return only(houses(caller, item(caller, "h", id), new Paging(1, 0)), "house", id);
    }

    private ElementItems.Page<ElementItems.House> houses(Caller caller, Filter f, Paging p) {
        String sql = "SELECT h.id, h.external_id, h.address, h.use, h.households, h.area_sqm, ST_X(h.geom), ST_Y(h.geom), h.district_code, "
                + "h.microgrid_code, h.raw_location, h.raw_crs, h.geocode_method, h.geocode_score, h.derived FROM house h" + f.where()
                + " ORDER BY h.id LIMIT ? OFFSET ?";
        return page(caller, sql, f, p, rs -> {
            String micro = rs.getString(10);
            Object area = rs.getObject(6);
            return new ElementItems.House(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                    area == null ? null : ((Number) area).doubleValue(), rs.getDouble(7), rs.getDouble(8), rs.getString(9), Level.gridOf(micro),
                    micro, rs.getString(11), rs.getString(12), rs.getString(13), rs.getDouble(14), rs.getBoolean(15));
        });
    }

    public ElementItems.Page<ElementItems.Component> components(Caller caller, Paging p, String region, String bbox, String classCode,
            String state) {
        Filter f = filter(caller, "c", region);
        bbox(f, "c", bbox);
        if (present(classCode)) {
            f.add("c.class_code = ?", classCode.trim());
        }
        if (present(state)) {
            f.add("c.state = ?", state.trim());
        }
        return components(caller, f, p);
    }

    public ElementItems.Component component(Caller caller, String id) {
        return only(components(caller, item(caller, "c", id), new Paging(1, 0)), "component", id);
    }

    private ElementItems.Page<ElementItems.Component> components(Caller caller, Filter f, Paging p) {
        String sql = "SELECT c.id, c.external_id, c.code, c.class_code, k.name, k.major_name, c.name, c.state, c.department, ST_X(c.geom), "
                + "ST_Y(c.geom), c.district_code, c.microgrid_code, c.raw_location, c.raw_crs, c.geocode_method, c.geocode_score, "
                + "c.derived FROM component c JOIN component_class k ON k.code = c.class_code" + f.where()
                + " ORDER BY c.id LIMIT ? OFFSET ?";
        return page(caller, sql, f, p, rs -> {
            String micro = rs.getString(13);
            return new ElementItems.Component(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                    rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getDouble(10), rs.getDouble(11),
                    rs.getString(12), Level.gridOf(micro), micro, rs.getString(14), rs.getString(15), rs.getString(16), rs.getDouble(17),
                    rs.getBoolean(18));
        });
    }

    public ElementItems.Page<ElementItems.Organization> organizations(Caller caller, Paging p, String region, String bbox, String name,
            String kind, String creditCode) {
        Filter f = filter(caller, "o", region);
        bbox(f, "o", bbox);
        if (present(name)) {
            f.add("o.name LIKE ?", "%" + like(name) + "%");
        }
        if (present(kind)) {
            f.add("o.kind = ?", oneOf(kind, "kind", "enterprise", "social"));
        }
        if (present(creditCode)) {
            f.add("o.credit_code = ?", creditCode.trim().toUpperCase(java.util.Locale.ROOT));
        }
        return organizations(caller, f, p, false, null);
    }

    /** One organisation; with {@code unmask} (pii + purpose) its phone in clear, and the view audited. */
    public ElementItems.Organization organization(Caller caller, String id, boolean unmask, String purpose) {
        String why = unmask ? purpose(caller, purpose) : null;
        AfterRead<ElementItems.Organization> after = !unmask ? null
                : unmasked(caller, "organization", id, why, "phone", ElementItems.Organization::id);
        return only(organizations(caller, item(caller, "o", id), new Paging(1, 0), unmask, after), "organization", id);
    }

    private ElementItems.Page<ElementItems.Organization> organizations(Caller caller, Filter f, Paging p, boolean clear,
            AfterRead<ElementItems.Organization> after) {
        String sql = "SELECT o.id, o.external_id, o.credit_code, o.name, o.kind, o.category, o.employees, o.address, o.phone_enc, "
                + "ST_X(o.geom), ST_Y(o.geom), o.district_code, o.microgrid_code, o.raw_location, o.raw_crs, o.geocode_method, "
                + "o.geocode_score, o.derived FROM organization o" + f.where() + " ORDER BY o.id LIMIT ? OFFSET ?";
        return page(caller, sql, f, p, rs -> {
            String micro = rs.getString(13);
            Object employees = rs.getObject(7);
            return new ElementItems.Organization(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                    rs.getString(6), employees == null ? null : ((Number) employees).intValue(), rs.getString(8),
                    clear ? clearPhone(rs.getString(9)) : maskPhone(rs.getString(9)),
                    rs.getDouble(10), rs.getDouble(11), rs.getString(12), Level.gridOf(micro), micro, rs.getString(14), rs.getString(15),
                    rs.getString(16), rs.getDouble(17), rs.getBoolean(18));
        }, after);
    }

    public ElementItems.Page<ElementItems.Event> events(Caller caller, Paging p, String region, String bbox, String classCode, String from,
            String to) {
        Filter f = filter(caller, "e", region);
        bbox(f, "e", bbox);
        if (present(classCode)) {
            f.add("e.class_code = ?", classCode.trim());
        }
        if (present(from)) {
            f.add("e.occurred_at >= ?", Params.time(from, "from"));
        }
        if (present(to)) {
            f.add("e.occurred_at < ?", Params.time(to, "to"));
        }
        return events(caller, f, p);
    }

    public ElementItems.Event event(Caller caller, String id) {
        return only(events(caller, item(caller, "e", id), new Paging(1, 0)), "event", id);
    }

    private ElementItems.Page<ElementItems.Event> events(Caller caller, Filter f, Paging p) {
        String sql = "SELECT e.id, e.external_id, e.class_code, k.name, k.major_name, e.occurred_at, e.description, e.address, "
                + "ST_X(e.geom), ST_Y(e.geom), e.district_code, e.microgrid_code, e.raw_location, e.raw_crs, e.geocode_method, "
                + "e.geocode_score, e.derived FROM event e JOIN event_class k ON k.code = e.class_code" + f.where()
                + " ORDER BY e.id LIMIT ? OFFSET ?";
        return page(caller, sql, f, p, rs -> {
            String micro = rs.getString(12);
            return new ElementItems.Event(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                    rs.getObject(6, OffsetDateTime.class).toString(), rs.getString(7), rs.getString(8), rs.getDouble(9),
                    rs.getDouble(10), rs.getString(11), Level.gridOf(micro), micro, rs.getString(13), rs.getString(14), rs.getString(15),
                    rs.getDouble(16), rs.getBoolean(17));
        });
    }

    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** A person with a 特殊人群/care tag, as the visiting programme needs her: her home and her micro-grid. */
    public record Tagged(long id, String name, String gender, java.time.LocalDate birthDate, List<String> tags, String address, double lon,
            double lat, String districtCode, String microgridCode) {
    }

    /**
     * The people with any of {@code tags} whose micro-grid code starts with one of {@code prefixes}, inside the caller's
     * scope, by micro-grid: in clear, for a service that masks them on the wire and audits who saw them.
     */
    public List<Tagged> tagged(Caller caller, List<String> prefixes, java.util.Collection<String> tags) {
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope());
                PreparedStatement ps = sc.connection().prepareStatement(ElementSql.TAGGED_PEOPLE)) {
            Connection c = sc.connection();
            ps.setArray(1, c.createArrayOf("text", prefixes.toArray()));
            ps.setArray(2, c.createArrayOf("text", prefixes.stream().map(ElementSql::above).toArray()));
            ps.setArray(3, c.createArrayOf("text", tags.toArray()));
            List<Tagged> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Tagged(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getObject(4, java.time.LocalDate.class),
                            Arrays.asList((String[]) rs.getArray(5).getArray()), rs.getString(6), rs.getDouble(7), rs.getDouble(8), rs.getString(9),
                            rs.getString(10)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("tagged people failed: " + e.getMessage(), e);
        }
    }

    /** What runs in the read's transaction after it (the audit row of an unmasked view or a search by ID number). */
    private interface AfterRead<T> {
        void after(Connection c, List<T> rows) throws SQLException;
    }

    private <T> ElementItems.Page<T> page(Caller caller, String sql, Filter f, Paging p, RowMapper<T> mapper) {
        return page(caller, sql, f, p, mapper, null);
    }

    private <T> ElementItems.Page<T> page(Caller caller, String sql, Filter f, Paging p, RowMapper<T> mapper, AfterRead<T> after) {
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope()); PreparedStatement ps = sc.connection().prepareStatement(sql)) {
            int i = 1;
            for (Object v : f.values) {
                ps.setObject(i++, v);
            }
            ps.setInt(i++, p.limit() + 1);
            ps.setInt(i, p.offset());
            List<T> items = new ArrayList<>();
            boolean more = false;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (items.size() == p.limit()) {
                        more = true;
                        break;
                    }
                    items.add(mapper.map(rs));
                }
            }
            if (after != null) {
                after.after(sc.connection(), items);
                sc.commit();
            }
            return new ElementItems.Page<>(items, p.limit(), p.offset(), more ? p.offset() + p.limit() : null);
        } catch (SQLException e) {
            throw new IllegalStateException("element query failed: " + e.getMessage(), e);
        }
    }

    private String maskPhone(String stored) {
        return stored == null ? null : Masking.phone(protector.decrypt(stored));
    }

    private String clearPhone(String stored) {
        return stored == null ? null : protector.decrypt(stored);
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }

    private static String like(String s) {
        return s.trim().replace("\\", "").replace("%", "").replace("_", "");
    }

    private static String oneOf(String v, String name, String... allowed) {
        String t = v.trim();
        for (String a : allowed) {
            if (a.equals(t)) {
                return t;
            }
        }
        throw ApiException.badRequest(name + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }
}
