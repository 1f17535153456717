package cn.gridmap.field;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import cn.gridmap.event.EventService;
import cn.gridmap.event.IntakeListener;
import cn.gridmap.geo.BBox;
import cn.gridmap.geo.GeoJson;
import cn.gridmap.security.Accounts;
import cn.gridmap.security.Caller;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * 警网融合: police beats (警格) as their own layer — each with its station and officer, and the grids it covers (N:M,
 * with the share of each grid's area, from the current geometry of both). A public-security event (a class of the
 * 公安 department kind) reported inside a beat notifies the beat's officer; the event's log records the notice.
 */
@ApplicationScoped
public class Beats implements IntakeListener {
    private static final Logger LOG = Logger.getLogger(Beats.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The department kind of the public-security classes. */
    static final String PUBLIC_SECURITY = "ga";
    /** A grid counts as covered by a beat from this share of its area. */
    static final double MIN_SHARE = 0.01;

    private final DataSource dataSource;
    private final EventService events;
    private final Accounts accounts;

    public Beats(DataSource dataSource, EventService events, Accounts accounts) {
        this.dataSource = dataSource;
        this.events = events;
        this.accounts = accounts;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Notice(long id, long eventId, String classCode, String beatCode, String at, String readAt) {
    }

    /** GET /api/beats?bbox=&station=: the beats as GeoJSON, each with its station, officer and covered grids. */
    public ObjectNode collection(String bboxText, String station) {
        BBox b = BBox.parse(bboxText);
        if (station != null && !station.isBlank() && !station.trim().matches("[0-9]{9}")) {
            throw ApiException.badRequest("station is a police station's code (9 digits: its street's), got '" + station + "'");
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FieldSql.BEATS)) {
            ps.setBoolean(1, b != null);
            ps.setDouble(2, b == null ? 0 : b.minLon());
            ps.setDouble(3, b == null ? 0 : b.minLat());
            ps.setDouble(4, b == null ? 0 : b.maxLon());
            ps.setDouble(5, b == null ? 0 : b.maxLat());
            ps.setString(6, station == null || station.isBlank() ? null : station.trim());
            ps.setDouble(7, MIN_SHARE);
            ArrayNode features = JSON.createArrayNode();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    features.add(feature(rs));
                }
            }
            nameOfficers(features);
            ObjectNode fc = GeoJson.featureCollection(features);
            fc.put("numberMatched", features.size());
            return fc;
        } catch (SQLException e) {
            throw new IllegalStateException("beats failed: " + e.getMessage(), e);
        }
    }

    /** GET /api/beats/{code}. */
    public ObjectNode one(String code) {
        if (code == null || !code.matches("[0-9]{9}-[0-9]{2}")) {
            throw ApiException.badRequest("a beat code is its station's 9 digits, a dash and 2 digits (321102001-01), got '" + code + "'");
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FieldSql.BEAT)) {
            ps.setDouble(1, MIN_SHARE);
            ps.setString(2, code);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("no police beat " + code);
                }
                ObjectNode f = feature(rs);
                nameOfficers(List.of(f));
                return f;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("beat " + code + " failed: " + e.getMessage(), e);
        }
    }

    /** Each beat's officer gets her display name (one lookup for them all). */
    private void nameOfficers(Iterable<JsonNode> features) {
        List<ObjectNode> officers = new ArrayList<>();
        features.forEach(f -> {
            if (f.path("properties").get("officer") instanceof ObjectNode o) {
                officers.add(o);
            }
        });
        Map<String, String> names = accounts.displayNames(officers.stream().map(o -> o.get("username").asText()).toList());
        officers.forEach(o -> o.put("name", names.get(o.get("username").asText())));
    }

    private static ObjectNode feature(ResultSet rs) throws SQLException {
        ObjectNode p = JSON.createObjectNode();
        p.put("code", rs.getString(1));
        p.put("name", rs.getString(2));
        ObjectNode st = p.putObject("station");
        st.put("code", rs.getString(3));
        st.put("name", rs.getString(4));
        if (rs.getString(5) != null) {
            p.putObject("officer").put("username", rs.getString(5));
        }
        p.put("districtCode", rs.getString(6));
        p.put("areaSqm", Math.round(rs.getDouble(7)));
        p.put("derived", rs.getBoolean(8));
        ArrayNode grids = p.putArray("grids");
        try {
            JsonNode g = JSON.readTree(rs.getString(10));
            g.forEach(grids::add);
            ObjectNode f = JSON.createObjectNode();
            f.put("type", "Feature");
            f.put("id", rs.getString(1));
            f.set("properties", p);
            f.set("geometry", JSON.readTree(rs.getString(9)));
            return f;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A public-security report inside a beat: a notice to its officer, and a line in the event's log. */
    @Override
    public void reported(Reported r) {
        if (!PUBLIC_SECURITY.equals(r.departmentKind())) {
            return;
        }
        String beat;
        String officer;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(FieldSql.BEAT_AT)) {
                ps.setDouble(1, r.lon());
                ps.setDouble(2, r.lat());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getString(2) == null) {
                        return;
                    }
                    beat = rs.getString(1);
                    officer = rs.getString(2);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(FieldSql.INSERT_NOTICE)) {
                ps.setString(1, officer);
                ps.setString(2, beat);
                ps.setLong(3, r.id());
                ps.setString(4, r.classCode());
                ps.setTimestamp(5, new Timestamp(System.currentTimeMillis()));
                if (ps.executeUpdate() == 0) {
                    return; // told before
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("beat notice of event " + r.id() + " failed: " + e.getMessage(), e);
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("beatCode", beat);
        detail.put("officer", officer);
        events.note(Caller.service("police-beats"), r.id(), "notify", "警网融合：已通知警格民警 " + officer, detail);
        LOG.debugf("event %d: beat %s officer %s notified", r.id(), beat, officer);
    }

    /** GET /api/me/notices: the officer's notices, newest first. */
    public List<Notice> notices(Caller caller, boolean unreadOnly, int limit) {
        if (limit < 1 || limit > 500) {
            throw ApiException.badRequest("limit must be between 1 and 500");
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FieldSql.NOTICES)) {
            ps.setString(1, caller.name());
            ps.setBoolean(2, unreadOnly);
            ps.setInt(3, limit);
            List<Notice> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Notice(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), EventService.iso(rs.getTimestamp(5)),
                            EventService.iso(rs.getTimestamp(6))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("notices failed: " + e.getMessage(), e);
        }
    }

    /** POST /api/me/notices/{id}/read. */
    public Notice read(Caller caller, long id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(FieldSql.READ_NOTICE)) {
            ps.setLong(1, id);
            ps.setString(2, caller.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("no notice " + id + " of yours");
                }
                return new Notice(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), EventService.iso(rs.getTimestamp(5)),
                        EventService.iso(rs.getTimestamp(6)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("notice " + id + " failed: " + e.getMessage(), e);
        }
    }
}
