package cn.gridmap.layer;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import cn.gridmap.GridmapConfig;
import cn.gridmap.geo.BBox;
import cn.gridmap.region.Level;
import cn.gridmap.security.Caller;
import cn.gridmap.security.Roles;
import cn.gridmap.security.ScopedConnection;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * OGC API – Features (Part 1 core, GeoJSON; Part 3 CQL2 text basics) over the regions and the elements. People are
 * not a collection (personal data). Queries are built from the collection definitions with bound values only.
 */
@ApplicationScoped
public class OgcService {
    private static final String GRID = "left(t.microgrid_code, 15)";
    private final DataSource dataSource;
    private final GridmapConfig config;
    private final Map<String, OgcCollection> collections = new LinkedHashMap<>();

    public OgcService(DataSource dataSource, GridmapConfig config) {
        this.dataSource = dataSource;
        this.config = config;
        for (Level l : Level.values()) {
            Map<String, OgcCollection.Property> p = new LinkedHashMap<>();
            p.put("code", new OgcCollection.Property("t.code", "string"));
            p.put("name", new OgcCollection.Property("t.name", "string"));
            p.put("parent_code", new OgcCollection.Property("t.parent_code", "string"));
            p.put("households", new OgcCollection.Property("(t.properties->>'households')::int", "number"));
            p.put("area_sqm", new OgcCollection.Property("round(t.area_sqm::numeric)", "number"));
            p.put("derived", new OgcCollection.Property("t.derived", "boolean"));
            collections.put(l.wireName(), new OgcCollection(l.wireName(), "Regions: " + l.wireName(),
                    "The " + l.wireName() + " level of the 镇江 hierarchy (current generation)", "region",
                    "t.level = '" + l.wireName() + "' AND t.generation_high IS NULL", "t.geom", null, p));
        }
        Map<String, OgcCollection.Property> ev = new LinkedHashMap<>();
        ev.put("external_id", new OgcCollection.Property("t.external_id", "string"));
        ev.put("class_code", new OgcCollection.Property("t.class_code", "string"));
        ev.put("occurred_at", new OgcCollection.Property("t.occurred_at", "datetime"));
        ev.put("address", new OgcCollection.Property("t.address", "string"));
        ev.put("district_code", new OgcCollection.Property("t.district_code", "string"));
        ev.put("grid_code", new OgcCollection.Property(GRID, "string"));
        ev.put("microgrid_code", new OgcCollection.Property("t.microgrid_code", "string"));
        collections.put("events", new OgcCollection("events", "事件 Events", "Event records (GB/T 30428.2 classes)", "event", "TRUE",
                "t.geom", "t.occurred_at", ev));
        Map<String, OgcCollection.Property> co = new LinkedHashMap<>();
        co.put("external_id", new OgcCollection.Property("t.external_id", "string"));
        co.put("code", new OgcCollection.Property("t.code", "string"));
        co.put("class_code", new OgcCollection.Property("t.class_code", "string"));
        co.put("name", new OgcCollection.Property("t.name", "string"));
        co.put("state", new OgcCollection.Property("t.state", "string"));
        co.put("department", new OgcCollection.Property("t.department", "string"));
        co.put("grid_code", new OgcCollection.Property(GRID, "string"));
        collections.put("components", new OgcCollection("components", "部件 Components", "City components (GB/T 30428.2)", "component",
                "TRUE", "t.geom", null, co));
        Map<String, OgcCollection.Property> or = new LinkedHashMap<>();
        or.put("external_id", new OgcCollection.Property("t.external_id", "string"));
        or.put("credit_code", new OgcCollection.Property("t.credit_code", "string"));
        or.put("name", new OgcCollection.Property("t.name", "string"));
        or.put("kind", new OgcCollection.Property("t.kind", "string"));
        or.put("category", new OgcCollection.Property("t.category", "string"));
        or.put("employees", new OgcCollection.Property("t.employees", "number"));
        or.put("address", new OgcCollection.Property("t.address", "string"));
        or.put("grid_code", new OgcCollection.Property(GRID, "string"));
        collections.put("organizations", new OgcCollection("organizations", "组织 Organizations",
                "Enterprises and social organisations (phones are not published)", "organization", "TRUE", "t.geom", null, or));
        Map<String, OgcCollection.Property> ho = new LinkedHashMap<>();
        ho.put("external_id", new OgcCollection.Property("t.external_id", "string"));
        ho.put("address", new OgcCollection.Property("t.address", "string"));
        ho.put("use", new OgcCollection.Property("t.use", "string"));
        ho.put("households", new OgcCollection.Property("t.households", "number"));
        ho.put("grid_code", new OgcCollection.Property(GRID, "string"));
        Map<String, OgcCollection.Property> be = new LinkedHashMap<>();
        be.put("code", new OgcCollection.Property("t.code", "string"));
        be.put("name", new OgcCollection.Property("t.name", "string"));
        be.put("station_code", new OgcCollection.Property("t.station_code", "string"));
        be.put("officer", new OgcCollection.Property("t.officer", "string"));
        be.put("district_code", new OgcCollection.Property("t.district_code", "string"));
        be.put("area_sqm", new OgcCollection.Property("round(t.area_sqm::numeric)", "number"));
        collections.put("beats", new OgcCollection("beats", "警格 Police beats", "Police beats (警务区) and their stations (警网融合)", "police_beat",
                "TRUE", "t.geom", null, be));
        collections.put("houses", new OgcCollection("houses", "房屋 Houses", "Houses with their standard address (residents are not published)",
                "house", "TRUE", "t.geom", null, ho));
    }

    public List<OgcCollection> collections() {
        return List.copyOf(collections.values());
    }

    public OgcCollection collection(String id) {
        OgcCollection c = collections.get(id);
        if (c == null) {
            throw ApiException.notFound("no collection '" + id + "'; see /ogc/collections");
        }
        return c;
    }

    /** One page of items as GeoJSON feature texts; {@code limit + 1} are read to know whether a next page exists. */
    public List<String> items(Caller caller, OgcCollection c, String bbox, String datetime, String filter, String filterLang,
            String properties, int limit, int offset) {
        List<Object> values = new ArrayList<>();
        StringBuilder where = new StringBuilder(c.where());
        inScope(caller, c, where, values);
        BBox b = BBox.parse(bbox);
        if (b != null) {
            where.append(" AND ").append(c.geometry()).append(" && ST_MakeEnvelope(?, ?, ?, ?, 4326)");
            values.add(b.minLon());
            values.add(b.minLat());
            values.add(b.maxLon());
            values.add(b.maxLat());
        }
        if (datetime != null && !datetime.isBlank()) {
            if (c.datetime() == null) {
                throw ApiException.badRequest("collection " + c.id() + " has no time; datetime does not apply");
            }
            Instant[] range = interval(datetime);
            if (range[0] != null) {
                where.append(" AND ").append(c.datetime()).append(" >= ?");
                values.add(java.sql.Timestamp.from(range[0]));
            }
            if (range[1] != null) {
                where.append(" AND ").append(c.datetime()).append(" <= ?");
                values.add(java.sql.Timestamp.from(range[1]));
            }
        }
        if (filter != null && !filter.isBlank()) {
            if (filterLang != null && !filterLang.isBlank() && !filterLang.equals("cql2-text")) {
                throw ApiException.badRequest("filter-lang must be cql2-text, got '" + filterLang + "'");
            }
            Cql2.Sql cql = Cql2.parse(filter, c.properties(), c.geometry());
            where.append(" AND ").append(cql.where());
            values.addAll(cql.values());
        }
        String sql = "SELECT " + feature(c, select(c, properties)) + " FROM " + c.table() + " t WHERE " + where + " ORDER BY " + idColumn(c)
                + " LIMIT ? OFFSET ?";
        values.add(limit + 1);
        values.add(offset);
        return query(caller, sql, values);
    }

    /** One item by its id (a region code, or an element's external id), or null (also outside the caller's scope). */
    public String item(Caller caller, OgcCollection c, String featureId) {
        StringBuilder where = new StringBuilder(c.where());
        List<Object> values = new ArrayList<>();
        inScope(caller, c, where, values);
        values.add(featureId);
        List<String> rows = query(caller, "SELECT " + feature(c, new ArrayList<>(c.properties().keySet())) + " FROM " + c.table() + " t WHERE "
                + where + " AND " + idColumn(c) + " = ?", values);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /**
     * Element collections are for staff roles and hold only what the caller's area scope holds (in the query and through
     * the row-level security of the transaction); region collections are for everyone.
     */
    private static void inScope(Caller caller, OgcCollection c, StringBuilder where, List<Object> values) {
        if (c.table().equals("region")) {
            return;
        }
        if (!caller.principal().hasAny(Roles.STAFF)) {
            throw new ApiException(403, "element collections are for staff roles; yours are "
                    + caller.principal().roles().stream().sorted().toList());
        }
        String inside = caller.scope().condition("t", values);
        if (inside != null) {
            where.append(" AND ").append(inside);
        }
    }

    private static String idColumn(OgcCollection c) {
        return c.table().equals("region") || c.table().equals("police_beat") ? "t.code" : "t.external_id";
    }

    private static List<String> select(OgcCollection c, String properties) {
        if (properties == null || properties.isBlank()) {
            return new ArrayList<>(c.properties().keySet());
        }
        List<String> out = new ArrayList<>();
        for (String p : properties.split(",")) {
            String name = p.trim();
            if (!c.properties().containsKey(name)) {
                throw ApiException.badRequest("unknown property '" + name + "'; available: " + String.join(", ", c.properties().keySet()));
            }
            out.add(name);
        }
        return out;
    }

    private static String feature(OgcCollection c, List<String> names) {
        StringBuilder props = new StringBuilder("json_build_object(");
        for (int i = 0; i < names.size(); i++) {
            props.append(i == 0 ? "" : ", ").append('\'').append(names.get(i)).append("', ").append(c.properties().get(names.get(i)).sql());
        }
        props.append(')');
        return "json_build_object('type', 'Feature', 'id', " + idColumn(c) + ", 'geometry', ST_AsGeoJSON(" + c.geometry()
                + ", 7)::json, 'properties', " + props + ")::text";
    }

    private List<String> query(Caller caller, String sql, List<Object> values) {
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope()); PreparedStatement ps = sc.connection().prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                ps.setObject(i + 1, values.get(i));
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("OGC items query failed: " + e.getMessage(), e);
        }
    }

    /** "instant", "start/end", "../end", "start/.." (dates or date-times). */
    static Instant[] interval(String v) {
        String[] p = v.split("/", -1);
        if (p.length > 2) {
            throw ApiException.badRequest("datetime is an instant or an interval start/end, got '" + v + "'");
        }
        Instant a = instant(p[0], false);
        Instant b = p.length == 1 ? instant(p[0], true) : instant(p[1], true);
        return new Instant[] {a, b};
    }

    private static Instant instant(String s, boolean end) {
        if (s.isEmpty() || s.equals("..")) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                LocalDate d = LocalDate.parse(s);
                return (end ? d.plusDays(1).atStartOfDay().minusNanos(1) : d.atStartOfDay()).toInstant(ZoneOffset.ofHours(8));
            } catch (DateTimeParseException e2) {
                throw ApiException.badRequest("datetime: '" + s + "' is not an RFC 3339 date-time or a date");
            }
        }
    }

    public int maxLimit() {
        return config.api().maxFeatures();
    }
}
