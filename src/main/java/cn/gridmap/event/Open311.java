package cn.gridmap.event;

import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import com.fasterxml.jackson.core.JsonProcessingException;

import cn.gridmap.lookup.PointLookupService;
import cn.gridmap.security.Accounts;
import cn.gridmap.security.AreaScope;
import cn.gridmap.security.Caller;
import cn.gridmap.security.Masking;
import cn.gridmap.security.Principal;
import cn.gridmap.security.Roles;
import cn.gridmap.security.ScopedConnection;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2; ../shared/reference/events.md §1) over the events loop:
 * the event classes as services (with FixMyStreet's {@code ?lat=&long=}: only the classes handled at that point),
 * requests filed with an API key that POST /api/clients issued (a {@code system} client's request gets its id at once,
 * a public-intake client's a token until a dispatcher registers it), and the requests filed through this front door,
 * their status only open or closed. Every answer as JSON and as XML; errors as the spec's list of {code, description}.
 */
@ApplicationScoped
public class Open311 {
    /** An error as the spec writes it: HTTP status, and the code and description of the body's one error. */
    public static final class Error extends RuntimeException {
        private final int status;

        public Error(int status, String description) {
            super(description);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    static final String SPEC = "http://wiki.open311.org/GeoReport_v2";
    /** At most this many requests per answer, and 90 days by default (the spec's defaults). */
    static final int MAX_REQUESTS = 1000;
    static final Duration MAX_SPAN = Duration.ofDays(90);

    private final EventService events;
    private final Deadlines deadlines;
    private final Accounts accounts;
    private final PointLookupService lookup;
    private final Staffing staffing;
    private final DataSource dataSource;
    private final String jurisdiction;

    public Open311(EventService events, Deadlines deadlines, Accounts accounts, PointLookupService lookup, Staffing staffing, DataSource dataSource,
            cn.gridmap.region.RegionService regions) {
        this.events = events;
        this.deadlines = deadlines;
        this.accounts = accounts;
        this.lookup = lookup;
        this.staffing = staffing;
        this.dataSource = dataSource;
        this.jurisdiction = regions.cityCode().orElse("321100");
    }

    public String jurisdiction() {
        return jurisdiction;
    }

    /** An empty optional parameter behaves like an absent one (the spec); a named jurisdiction must be ours. */
    void checkJurisdiction(String id) {
        if (id != null && !id.isBlank() && !id.trim().equals(jurisdiction)) {
            throw new Error(404, "unknown jurisdiction_id '" + id + "'; this endpoint serves " + jurisdiction);
        }
    }

    // ------------------------------------------------------------------ discovery and services

    public Map<String, Object> discovery(String base) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("changeset", "2026-12-01T00:00:00+08:00");
        d.put("contact", "gridmap 数字城管指挥中心 (a derived city: see the README's data provenance)");
        d.put("key_service", "POST /api/clients (an admin) issues an api_key to a system or public-intake client");
        List<Map<String, Object>> endpoints = new ArrayList<>();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("specification", SPEC);
        e.put("url", base);
        e.put("changeset", "2026-12-01T00:00:00+08:00");
        e.put("type", "production");
        e.put("formats", List.of("text/xml", "application/json"));
        endpoints.add(e);
        d.put("endpoints", endpoints);
        return d;
    }

    public List<Map<String, Object>> services(String lat, String lon) {
        Set<String> handled = null;
        if (present(lat) || present(lon)) {
            double[] p = point(lat, lon);
            PointLookupService.Near near = lookup.near(p[0], p[1], 0);
            handled = near == null ? Set.of() : handledIn(near);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Deadlines.EventClass k : deadlines.classes().values()) {
            if (handled != null && !handled.contains(k.code())) {
                continue;
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("service_code", k.code());
            s.put("service_name", k.name());
            s.put("description", k.majorName() + " · " + k.name() + limitText(k));
            s.put("metadata", false);
            s.put("type", "realtime");
            s.put("keywords", k.majorName() + "," + k.name());
            s.put("group", k.majorName());
            out.add(s);
        }
        return out;
    }

    /** The classes handled at a point: those whose department has an office in its district, and those its grid worker handles. */
    private Set<String> handledIn(PointLookupService.Near near) {
        Set<String> out = new java.util.HashSet<>();
        try (Connection c = dataSource.getConnection()) {
            boolean staffed = staffing.onDuty(c, near.gridCode(), Instant.now()) != null;
            for (Deadlines.EventClass k : deadlines.classes().values()) {
                if (k.departmentKind() == null ? staffed : staffing.department(c, k.departmentKind(), near.districtCode()) != null) {
                    out.add(k.code());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("services at a point failed: " + e.getMessage(), e);
        }
        return out;
    }

    private static String limitText(Deadlines.EventClass k) {
        return k.limits().stream().filter(l -> l.stage().equals("handle")).findFirst()
                .map(l -> "; 处置时限 " + l.amount().stripTrailingZeros().toPlainString() + (l.unit().equals("working_days") ? " 工作日" : " 工作时"))
                .orElse("");
    }

    public Map<String, Object> definition(String code) {
        Deadlines.EventClass k = deadlines.eventClass(code);
        if (k == null) {
            throw new Error(404, "unknown service_code '" + code + "'");
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("service_code", k.code());
        d.put("attributes", List.of());
        return d;
    }

    // ------------------------------------------------------------------ requests

    /** POST requests: the form's fields by name (first value of each). */
    public List<Map<String, Object>> post(Map<String, String> form) {
        Principal client = clientOf(form.get("api_key"));
        checkJurisdiction(form.get("jurisdiction_id"));
        String code = form.get("service_code");
        if (!present(code)) {
            throw new Error(400, "service_code is required");
        }
        if (deadlines.eventClass(code) == null) {
            throw new Error(404, "unknown service_code '" + code + "'");
        }
        String description = form.get("description");
        if (present(description) && description.length() > 4000) {
            throw new Error(400, "description is longer than 4000 characters");
        }
        if (present(description) && description.matches("(?s).*<[a-zA-Z/!][^>]*>.*")) {
            throw new Error(400, "description must be plain text, without HTML");
        }
        Double x = null;
        Double y = null;
        if (present(form.get("lat")) || present(form.get("long"))) {
            double[] p = point(form.get("lat"), form.get("long"));
            x = p[0];
            y = p[1];
        } else if (!present(form.get("address_string")) && !present(form.get("address_id"))) {
            throw new Error(400, "a location is required: lat and long, or address_string");
        } else if (!present(form.get("address_string"))) {
            throw new Error(400, "address_id is not served here: send lat and long, or address_string");
        }
        String name = String.join("", nz(form.get("last_name")), nz(form.get("first_name"))).trim();
        boolean publicIntake = !client.has(Roles.SYSTEM) && !client.has(Roles.ADMIN);
        Caller caller = new Caller(client, null, null);
        EventService.Created created;
        try {
            created = events.intake(caller, code, x, y, null, form.get("address_string"), present(description) ? description : "(Open311 无描述)",
                    "open311", null, new EventService.Extra(null, name.isEmpty() ? null : name, form.get("phone"), null, null, client.name(), null, null));
        } catch (ApiException e) {
            throw new Error(e.status() == 403 ? 403 : 400, e.getMessage());
        }
        Map<String, Object> r = new LinkedHashMap<>();
        if (publicIntake) {
            String token = java.util.UUID.randomUUID().toString();
            try (ScopedConnection sc = ScopedConnection.open(dataSource, AreaScope.CITY);
                 PreparedStatement ps = sc.connection().prepareStatement(EventSql.INSERT_TOKEN)) {
                ps.setString(1, token);
                ps.setLong(2, created.id());
                ps.setString(3, client.name());
                ps.executeUpdate();
                sc.commit();
            } catch (SQLException e) {
                throw new IllegalStateException("token failed: " + e.getMessage(), e);
            }
            r.put("token", token);
            r.put("service_notice", "待核实: the request gets its id once a dispatcher registers it (GET tokens/" + token + ")");
        } else {
            r.put("service_request_id", String.valueOf(created.id()));
            r.put("service_notice", created.routing().nearBoundary() ? "边界待确认: near a grid edge, a dispatcher decides the grid"
                    : "routed to grid " + created.gridCode());
        }
        r.put("account_id", client.name());
        return List.of(r);
    }

    private Principal clientOf(String apiKey) {
        if (!present(apiKey)) {
            throw new Error(403, "api_key is required to post a request (POST /api/clients issues one)");
        }
        Principal p = accounts.byApiKey(apiKey.trim());
        if (p == null || !(p.has(Roles.SYSTEM) || p.has(Roles.INTAKE) || p.has(Roles.ADMIN))) {
            throw new Error(403, "the api_key is invalid, revoked, or not a system or public-intake client's");
        }
        return p;
    }

    public List<Map<String, Object>> token(String token) {
        try (ScopedConnection sc = ScopedConnection.open(dataSource, AreaScope.CITY);
             PreparedStatement ps = sc.connection().prepareStatement(EventSql.TOKEN)) {
            ps.setString(1, token);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new Error(404, "unknown token '" + token + "'");
                }
                Map<String, Object> r = new LinkedHashMap<>();
                // the id once the report is a case (registered, or further); before that, only the token
                if (!Set.of(Loop.REPORTED, Loop.ADJUDICATION, Loop.VOIDED).contains(rs.getString(2))) {
                    r.put("service_request_id", String.valueOf(rs.getLong(1)));
                }
                r.put("token", token);
                return List.of(r);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("token read failed: " + e.getMessage(), e);
        }
    }

    /** GET requests (the filters of the spec) and GET requests/{id} ({@code ids} of one). Only requests filed through Open311. */
    public List<Map<String, Object>> requests(String ids, String codes, String start, String end, String status) {
        List<Object> values = new ArrayList<>();
        StringBuilder where = new StringBuilder("e.source = 'open311'");
        if (present(ids)) {
            List<Long> list = new ArrayList<>();
            for (String s : ids.split(",")) {
                try {
                    list.add(Long.parseLong(s.trim()));
                } catch (NumberFormatException e) {
                    throw new Error(400, "service_request_id is a comma list of numbers, got '" + ids + "'");
                }
            }
            where.append(" AND e.id = ANY (?)");
            values.add(list.toArray(Long[]::new));
        } else {
            if (present(codes)) {
                where.append(" AND e.class_code = ANY (?)");
                values.add(java.util.Arrays.stream(codes.split(",")).map(String::trim).toArray(String[]::new));
            }
            Instant b = present(end) ? time(end, "end_date") : Instant.now();
            Instant a = present(start) ? time(start, "start_date") : b.minus(MAX_SPAN);
            if (!a.isBefore(b)) {
                throw new Error(400, "start_date must be before end_date");
            }
            if (Duration.between(a, b).compareTo(MAX_SPAN) > 0) {
                throw new Error(400, "start_date and end_date may be at most 90 days apart");
            }
            where.append(" AND e.reported_at >= ? AND e.reported_at < ?");
            values.add(Timestamp.from(a));
            values.add(Timestamp.from(b));
            if (present(status)) {
                Set<String> st = Set.of(status.toLowerCase(java.util.Locale.ROOT).replace(" ", "").split(","));
                if (!Set.of("open", "closed").containsAll(st)) {
                    throw new Error(400, "status is open, closed or open,closed; got '" + status + "'");
                }
                if (st.size() == 1) {
                    where.append(st.contains("open") ? " AND e.state NOT IN " : " AND e.state IN ").append(EventSql.FINAL);
                }
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        try (ScopedConnection sc = ScopedConnection.open(dataSource, AreaScope.CITY)) {
            Connection c = sc.connection();
            try (PreparedStatement ps = c.prepareStatement(EventSql.open311Requests(where.toString()))) {
                for (int i = 0; i < values.size(); i++) {
                    Object v = values.get(i);
                    if (v instanceof Long[] l) {
                        ps.setArray(i + 1, c.createArrayOf("bigint", l));
                    } else if (v instanceof String[] s) {
                        ps.setArray(i + 1, c.createArrayOf("text", s));
                    } else {
                        ps.setObject(i + 1, v);
                    }
                }
                ps.setInt(values.size() + 1, MAX_REQUESTS);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(request(rs));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("requests failed: " + e.getMessage(), e);
        }
        return out;
    }

    private static Map<String, Object> request(ResultSet rs) throws SQLException {
        Map<String, Object> r = new LinkedHashMap<>();
        String state = rs.getString(2);
        boolean closed = Loop.FINAL.contains(state);
        r.put("service_request_id", String.valueOf(rs.getLong(1)));
        r.put("status", closed ? "closed" : "open");
        r.put("status_notes", Masking.text(rs.getString(12)) == null ? state : state + ": " + Masking.text(rs.getString(12)));
        r.put("service_name", rs.getString(4));
        r.put("service_code", rs.getString(3));
        r.put("description", Masking.text(rs.getString(5)));
        r.put("agency_responsible", rs.getString(6) != null ? rs.getString(6) : "网格 " + rs.getString(7).substring(0, 15));
        r.put("service_notice", "");
        r.put("requested_datetime", EventService.iso(rs.getTimestamp(8)));
        r.put("updated_datetime", EventService.iso(rs.getTimestamp(9)));
        r.put("expected_datetime", EventService.iso(rs.getTimestamp(10)));
        r.put("address", rs.getString(11) == null ? "" : Masking.text(rs.getString(11)));
        r.put("address_id", "");
        r.put("zipcode", "");
        r.put("lat", rs.getDouble(14));
        r.put("long", rs.getDouble(13));
        r.put("media_url", "");
        return r;
    }

    // ------------------------------------------------------------------ formats

    /** The JSON of an answer (the spec's JSON mirrors its XML: lists at the top). */
    static String json(Object body) {
        try {
            return EventService.JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The XML of an answer: {@code root} holds one {@code item} element per map; nested lists take singular names. */
    static String xml(String root, String item, Object body) {
        try {
            StringWriter out = new StringWriter();
            XMLStreamWriter w = XMLOutputFactory.newInstance().createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement(root);
            if (body instanceof List<?> list) {
                for (Object o : list) {
                    element(w, item, o);
                }
            } else {
                fields(w, (Map<?, ?>) body);
            }
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
            return out.toString();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void element(XMLStreamWriter w, String name, Object value) throws XMLStreamException {
        w.writeStartElement(name);
        if (value instanceof Map<?, ?> m) {
            fields(w, m);
        } else if (value instanceof List<?> l) {
            for (Object o : l) {
                element(w, singular(name), o);
            }
        } else if (value != null) {
            w.writeCharacters(String.valueOf(value));
        }
        w.writeEndElement();
    }

    private static void fields(XMLStreamWriter w, Map<?, ?> m) throws XMLStreamException {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            element(w, String.valueOf(e.getKey()), e.getValue());
        }
    }

    private static String singular(String list) {
        return switch (list) {
            case "endpoints" -> "endpoint";
            case "formats" -> "format";
            case "attributes" -> "attribute";
            case "values" -> "value";
            default -> list.endsWith("s") ? list.substring(0, list.length() - 1) : list + "_item";
        };
    }

    // ------------------------------------------------------------------ small helpers

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }

    private static String nz(String s) {
        return s == null ? "" : s.trim();
    }

    private static double[] point(String lat, String lon) {
        if (!present(lat) || !present(lon)) {
            throw new Error(400, "send both lat and long");
        }
        try {
            double y = Double.parseDouble(lat.trim());
            double x = Double.parseDouble(lon.trim());
            if (!(y >= -90 && y <= 90) || !(x >= -180 && x <= 180)) {
                throw new Error(400, "lat must be within ±90 and long within ±180, got " + lat + "," + lon);
            }
            return new double[] {x, y};
        } catch (NumberFormatException e) {
            throw new Error(400, "lat and long are decimal degrees (WGS84), got '" + lat + "', '" + lon + "'");
        }
    }

    private static Instant time(String v, String name) {
        try {
            return OffsetDateTime.parse(v.trim().replace(' ', '+')).toInstant(); // a '+' in a query string arrives as a space
        } catch (DateTimeParseException e) {
            throw new Error(400, name + " must be ISO 8601 with an offset (2026-11-01T00:00:00+08:00), got '" + v + "'");
        }
    }
}
