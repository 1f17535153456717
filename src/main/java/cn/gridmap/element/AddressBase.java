package cn.gridmap.element;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The standard-address base as the geocoder reads it: places (街路巷/小区/自然村) with their community chain, and
 * buildings with their number and point. Also the nearest building to a point (reverse geocoding).
 */
@ApplicationScoped
public class AddressBase {
    public static final String PROVINCE = "江苏省";

    private final DataSource dataSource;

    public AddressBase(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A place with the names of its community, street and district. */
    public record PlaceRow(long id, int kind, String name, String roadName, String door, double lon, double lat, String communityCode,
            String communityName, String streetCode, String streetName, String districtCode, String districtName, String cityCode,
            String cityName, String address) {
    }

    /** A building: its place, its number (3幢 or 12号), point and full address. */
    public record BuildingRow(long id, long placeId, String number, double lon, double lat, String address) {
    }

    /** The nearest building to a point and its distance in metres. */
    public record Nearest(long id, String address, double lon, double lat, double distanceMeters) {
    }

    public void places(Consumer<PlaceRow> sink) throws SQLException {
        String sql = "SELECT p.id, p.kind, p.name, p.road_name, p.door, ST_X(p.geom), ST_Y(p.geom), c.code, c.name, s.code, s.name, "
                + "d.code, d.name, k.name, k.code FROM address_place p "
                + "JOIN region c ON c.code = p.community_code AND c.generation_high IS NULL "
                + "JOIN region s ON s.code = c.parent_code AND s.generation_high IS NULL "
                + "JOIN region d ON d.code = s.parent_code AND d.generation_high IS NULL "
                + "JOIN region k ON k.code = d.parent_code AND k.generation_high IS NULL ORDER BY p.id";
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String prefix = addressPrefix(rs.getString(14), rs.getString(13), rs.getString(11), rs.getString(9));
                String own = rs.getInt(2) == 42 ? rs.getString(4) + rs.getString(5) + "号" + rs.getString(3) : rs.getString(3);
                sink.accept(new PlaceRow(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getDouble(6),
                        rs.getDouble(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12),
                        rs.getString(13), rs.getString(15), rs.getString(14), prefix + own));
            }
        }
    }

    public void buildings(Consumer<BuildingRow> sink) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(10_000);
                try (ResultSet rs = s.executeQuery("SELECT id, place_id, number, ST_X(geom), ST_Y(geom), address FROM building")) {
                    while (rs.next()) {
                        sink.accept(new BuildingRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getDouble(4), rs.getDouble(5),
                                rs.getString(6)));
                    }
                }
            } finally {
                c.rollback();
            }
        }
    }

    /** The nearest building within {@code maxMeters}, or null. */
    public Nearest nearest(double lon, double lat, double maxMeters) throws SQLException {
        String sql = "SELECT id, address, ST_X(geom), ST_Y(geom), ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography) "
                + "FROM building ORDER BY geom <-> ST_SetSRID(ST_MakePoint(?, ?), 4326) LIMIT 1";
        try (Connection c = dataSource.getConnection(); var ps = c.prepareStatement(sql)) {
            ps.setDouble(1, lon);
            ps.setDouble(2, lat);
            ps.setDouble(3, lon);
            ps.setDouble(4, lat);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getDouble(5) > maxMeters) {
                    return null;
                }
                return new Nearest(rs.getLong(1), rs.getString(2), rs.getDouble(3), rs.getDouble(4), Math.round(rs.getDouble(5) * 100) / 100.0);
            }
        }
    }

    /** The start of every standard address in a community: province, city, district, street, community (short). */
    public static String addressPrefix(String city, String district, String street, String community) {
        return PROVINCE + city + district + street + shortCommunity(community);
    }

    /** "梦溪社区居委会" → "梦溪社区", "雩北村村委会" → "雩北村": the name used in addresses. */
    public static String shortCommunity(String name) {
        if (name.endsWith("村委会")) {
            return name.substring(0, name.length() - 3);
        }
        if (name.endsWith("居委会")) {
            return name.substring(0, name.length() - 3);
        }
        return name;
    }
}
