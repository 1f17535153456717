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
import cn.gridmap.geo.OutputCrs;
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
    private final cn.gridmap.region.RegionService regions;
    private final Map<String, OgcCollection> collections = new LinkedHashMap<>();

    public OgcService(cn.gridmap.notify.ReplicaReads dataSource, GridmapConfig config, cn.gridmap.region.RegionService regions) {
        this.dataSource = dataSource;
        this.regions = regions;
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
    public Page items(Caller caller, OgcCollection c, Query q, int limit, int offset) {
        List<Object> values = new ArrayList<>();
        StringBuilder where = new StringBuilder(c.where());
        inScope(caller, c, where, values);
        String bbox = q.bbox();
        String datetime = q.datetime();
        String filter = q.filter();
        String filterLang = q.filterLang();
        if (q.bboxCrs().isCrs84()) {
            crs84Box(c, bbox, where, values);
        } else if (bbox != null && !bbox.isBlank()) {
            double[] n = corners(bbox, q.bboxCrs());
            // the corners in the CRS's own axis order (latitude or northing first); the box taken to storage
            where.append(" AND ").append(c.geometry()).append(" && ").append(q.bboxCrs().sqlToStorage(
                    "ST_Segmentize(ST_MakeEnvelope(?, ?, ?, ?, " + q.bboxCrs().srid() + "), " + (q.bboxCrs().projected() ? "100" : "0.001") + ")", true));
            for (double v : n) {
                values.add(v);
            }
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
            if (filterLang != null && !filterLang.isBlank() && !FILTER_LANGUAGES.contains(filterLang)) {
                throw ApiException.badRequest("filter-lang must be cql2-text, got '" + filterLang + "'");
            }
            Cql2.Sql cql = Cql2.parse(filter, c.properties(), c.geometry(), q.filterCrs().sqlToStorage("ST_GeomFromText(?, " + q.filterCrs().srid() + ")", true));
            where.append(" AND ").append(cql.where());
            values.addAll(cql.values());
        }
        // Part 1 (7.15.5): a parameter named after a queryable property keeps the items whose property equals it
        for (Map.Entry<String, String> e : q.equal().entrySet()) {
            OgcCollection.Property p = c.properties().get(e.getKey());
            where.append(" AND ").append(p.sql()).append(" = ?");
            values.add(typed(e.getKey(), p, e.getValue()));
        }
        // numberMatched where it is cheap: counted up to COUNT_CAP, left out above it
        List<Object> countValues = new ArrayList<>(values);
        countValues.add(COUNT_CAP + 1);
        List<String> counted = query(caller, "SELECT count(*)::text FROM (SELECT 1 FROM " + c.table() + " t WHERE " + where + " LIMIT ?) s", countValues);
        long matched = Long.parseLong(counted.get(0));
        String sql = "SELECT " + feature(c, select(c, q.properties()), q.crs()) + " FROM " + c.table() + " t WHERE " + where + " ORDER BY "
                + idColumn(c) + " LIMIT ? OFFSET ?";
        values.add(limit + 1);
        values.add(offset);
        return new Page(query(caller, sql, values), matched > COUNT_CAP ? null : matched);
    }

    /** The parameters of an items request besides paging (crs: the answer's CRS; bbox-crs and filter-crs: the inputs'). */
    public record Query(String bbox, OutputCrs bboxCrs, String datetime, String filter, String filterLang, OutputCrs filterCrs,
            String properties, OutputCrs crs, Map<String, String> equal) {
    }

    /** Filter languages: CQL2 text, and {@code cql-text}, the draft's name GDAL up to 3.6 sends (its filters are CQL2 text too). */
    public static final List<String> FILTER_LANGUAGES = List.of("cql2-text", "cql-text");

    /** A page of GeoJSON feature texts ({@code limit + 1} read, to know whether a next page exists) and the count matched, or null. */
    public record Page(List<String> rows, Long numberMatched) {
    }

    /** numberMatched is counted up to this many; above it the page leaves it out (Part 1 makes it optional). */
    static final int COUNT_CAP = 100_000;

    private static Object typed(String name, OgcCollection.Property p, String v) {
        try {
            return switch (p.type()) {
                case "number" -> new java.math.BigDecimal(v.trim());
                case "boolean" -> switch (v.trim()) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    default -> throw new NumberFormatException();
                };
                case "datetime" -> java.sql.Timestamp.from(java.time.OffsetDateTime.parse(v.trim()).toInstant());
                default -> v;
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw ApiException.badRequest(name + " is a " + p.type() + ", got '" + v + "'");
        }
    }

    private static double[] corners(String bbox, OutputCrs crs) {
        String[] p = bbox.split(",");
        if (p.length != 4) {
            throw ApiException.badRequest("bbox takes 4 numbers in bbox-crs " + crs.uri() + " (its axis order), got '" + bbox + "'");
        }
        double[] n = new double[4];
        for (int i = 0; i < 4; i++) {
            try {
                n[i] = Double.parseDouble(p[i].trim());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("bbox: '" + p[i] + "' is not a number");
            }
            if (!Double.isFinite(n[i])) {
                throw ApiException.badRequest("bbox: '" + p[i] + "' is not a finite number");
            }
        }
        if (n[0] > n[2] || n[1] > n[3]) {
            throw ApiException.badRequest("bbox: the lower corner (" + n[0] + ", " + n[1] + ") must come before the upper one (" + n[2] + ", " + n[3] + ")");
        }
        if (!crs.projected() && (Math.abs(n[0]) > 90 || Math.abs(n[2]) > 90 || Math.abs(n[1]) > 180 || Math.abs(n[3]) > 180)) {
            throw ApiException.badRequest("bbox in " + crs.uri() + " is latitude first: latitudes within ±90, longitudes within ±180");
        }
        return n;
    }

    // ---- file exports (cn.gridmap.export): the same collections, scope and bound filters as the items ----------

    /** What an export keeps: descendants of {@code parent}, a CRS84 bbox, the generation of {@code asOf} (regions only). */
    public record ExportFilter(String parent, String bbox, String asOf, OutputCrs crs) {
    }

    /** One exported row: its id, its property values in the order of {@link OgcCollection#properties()}, its geometry as WKB. */
    public interface ExportSink {
        void row(String id, Object[] values, byte[] wkb) throws java.io.IOException;
    }

    /** The collections a caller may export: the region levels for everyone, the element collections for staff. */
    public List<OgcCollection> exportable(Caller caller) {
        return collections.values().stream().filter(c -> c.table().equals("region") || caller.principal().hasAny(Roles.STAFF)).toList();
    }

    /** The geometry type of a collection's rows: MULTIPOLYGON for regions and beats, POINT for the elements. */
    public static String geometryType(OgcCollection c) {
        return c.table().equals("region") || c.table().equals("police_beat") ? "MULTIPOLYGON" : "POINT";
    }

    /** How many rows an export will write (capped at {@code cap + 1}) and their mean GeoJSON geometry size, for the size estimate. */
    public record ExportSize(long features, double meanGeometryBytes) {
    }

    public ExportSize exportSize(Caller caller, OgcCollection c, ExportFilter f, long cap) {
        List<Object> values = new ArrayList<>();
        String where = exportWhere(caller, c, f, values);
        values.add(cap + 1);
        // the size of the first 200 geometries in the export's CRS (a CRS whose domain misses the city fails here, before any byte is sent)
        String sql = "SELECT count(*), COALESCE(avg(octet_length(ST_AsGeoJSON(CASE WHEN n <= 200 THEN " + f.crs().sql("g") + " END, 9))), 0) FROM (SELECT "
                + c.geometry() + " g, row_number() OVER () n FROM " + c.table() + " t WHERE " + where + " LIMIT ?) s";
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope()); PreparedStatement ps = sc.connection().prepareStatement(sql)) {
            bind(ps, values);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new ExportSize(rs.getLong(1), rs.getDouble(2));
            }
        } catch (SQLException e) {
            throw failure("export count", e);
        }
    }

    /**
     * Streams the rows of an export in id order, geometries in the export's CRS (x = east), through one cursor (fetch size
     * 1,000) of a scoped read transaction: row-level security holds as for the items.
     */
    public void export(Caller caller, OgcCollection c, ExportFilter f, ExportSink sink) throws java.io.IOException {
        List<Object> values = new ArrayList<>();
        String where = exportWhere(caller, c, f, values);
        String geometry = "ST_AsBinary(" + f.crs().sql(c.geometry()) + ")";
        StringBuilder sql = new StringBuilder("SELECT ").append(idColumn(c));
        c.properties().values().forEach(p -> sql.append(", ").append(p.sql()));
        sql.append(", ").append(geometry).append(" FROM ").append(c.table()).append(" t WHERE ").append(where).append(" ORDER BY ").append(idColumn(c));
        int n = c.properties().size();
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope()); PreparedStatement ps = sc.connection().prepareStatement(sql.toString())) {
            ps.setFetchSize(1000);
            bind(ps, values);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object[] row = new Object[n];
                    for (int i = 0; i < n; i++) {
                        row[i] = rs.getObject(i + 2);
                    }
                    sink.row(rs.getString(1), row, rs.getBytes(n + 2));
                }
            }
        } catch (SQLException e) {
            throw failure("export query", e);
        }
    }

    /** The OGC WKT of an SRID from PostGIS (GeoPackage and .prj definitions). */
    public String srsWkt(int srid) {
        try (java.sql.Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT srtext FROM spatial_ref_sys WHERE srid = ?")) {
            ps.setInt(1, srid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("spatial_ref_sys read failed: " + e.getMessage(), e);
        }
    }

    private String exportWhere(Caller caller, OgcCollection c, ExportFilter f, List<Object> values) {
        StringBuilder where = new StringBuilder();
        boolean region = c.table().equals("region");
        if (region && f.asOf() != null && !f.asOf().isBlank()) {
            Integer gen = regions.generationAt(f.asOf());
            where.append("t.level = ? AND t.generation_low <= ? AND (t.generation_high IS NULL OR t.generation_high >= ?)");
            values.add(c.id());
            values.add(gen);
            values.add(gen);
        } else if (f.asOf() != null && !f.asOf().isBlank()) {
            throw ApiException.badRequest("asOf applies to the region levels; " + c.id() + " is exported as it is now");
        } else {
            where.append(c.where());
        }
        inScope(caller, c, where, values);
        if (f.parent() != null && !f.parent().isBlank()) {
            String p = f.parent().trim();
            if (!p.matches("\\d{2,18}")) {
                throw ApiException.badRequest("parent is a region code (digits), got '" + f.parent() + "'");
            }
            if (c.table().equals("police_beat")) {
                where.append(" AND ST_Intersects(t.geom, (SELECT r.geom FROM region r WHERE r.code = ? AND r.generation_high IS NULL))");
                values.add(p);
            } else {
                // a code range (index-friendly under row-level security): everything whose code starts with the parent's
                String column = region ? "t.code" : "t.microgrid_code";
                where.append(" AND ").append(column).append(" >= ? AND ").append(column).append(" < ?");
                values.add(p);
                values.add(p.substring(0, p.length() - 1) + (char) (p.charAt(p.length() - 1) + 1));
                if (region) {
                    where.append(" AND t.code <> ?");
                    values.add(p);
                }
            }
        }
        crs84Box(c, f.bbox(), where, values);
        return where.toString();
    }

    /** Keeps the rows whose geometry's box meets a CRS84 bbox (GiST-indexed). */
    private static void crs84Box(OgcCollection c, String bbox, StringBuilder where, List<Object> values) {
        BBox b = BBox.parse(bbox);
        if (b != null) {
            where.append(" AND ").append(c.geometry()).append(" && ST_MakeEnvelope(?, ?, ?, ?, 4326)");
            values.add(b.minLon());
            values.add(b.minLat());
            values.add(b.maxLon());
            values.add(b.maxLat());
        }
    }

    private static void bind(PreparedStatement ps, List<Object> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            ps.setObject(i + 1, values.get(i));
        }
    }

    /** One item by its id (a region code, or an element's external id), or null (also outside the caller's scope). */
    public String item(Caller caller, OgcCollection c, String featureId, OutputCrs crs) {
        StringBuilder where = new StringBuilder(c.where());
        List<Object> values = new ArrayList<>();
        inScope(caller, c, where, values);
        values.add(featureId);
        List<String> rows = query(caller, "SELECT " + feature(c, new ArrayList<>(c.properties().keySet()), crs) + " FROM " + c.table() + " t WHERE "
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

    private static String feature(OgcCollection c, List<String> names, OutputCrs crs) {
        StringBuilder props = new StringBuilder("json_build_object(");
        for (int i = 0; i < names.size(); i++) {
            props.append(i == 0 ? "" : ", ").append('\'').append(names.get(i)).append("', ").append(c.properties().get(names.get(i)).sql());
        }
        props.append(')');
        return "json_build_object('type', 'Feature', 'id', " + idColumn(c) + ", 'geometry', ST_AsGeoJSON(" + crs.sqlAuthorityOrder(c.geometry())
                + ", " + crs.decimals() + ")::json, 'properties', " + props + ")::text";
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
            throw failure("OGC items query", e);
        }
    }

    /**
     * A query that failed: a coordinate outside the domain of a requested CRS (PostGIS "transform: …", from bbox-crs,
     * filter-crs or crs) is the caller's, a 400; anything else is ours.
     */
    static RuntimeException failure(String what, SQLException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.contains("transform:")) {
            return ApiException.badRequest("a coordinate lies outside the domain of the CRS it is given or asked in ("
                    + m.substring(m.indexOf("transform:")).split("\n")[0] + ")");
        }
        return new IllegalStateException(what + " failed: " + m, e);
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
