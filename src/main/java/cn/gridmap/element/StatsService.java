package cn.gridmap.element;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import cn.gridmap.region.Level;
import cn.gridmap.region.RegionRecord;
import cn.gridmap.region.RegionService;
import cn.gridmap.security.Caller;
import cn.gridmap.security.Scopes;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Statistics of any region from {@code microgrid_stats} (counts per micro-grid, rebuilt by every import): one
 * region, or all children of a region in one grouped query (what a choropleth of all grids needs).
 */
@ApplicationScoped
public class StatsService {
    private static final String SUMS = "sum(people), sum(registered), sum(migrant), sum(houses), sum(rental_houses), sum(households), "
            + "sum(components), sum(organizations), sum(events), count(*)";
    private final DataSource dataSource;
    private final RegionService regions;

    private final Scopes scopes;

    public StatsService(cn.gridmap.notify.ReplicaReads dataSource, RegionService regions, Scopes scopes) {
        this.dataSource = dataSource;
        this.regions = regions;
        this.scopes = scopes;
    }

    /** The counts of one region inside the caller's scope (403 for a region outside it). */
    public RegionStats of(Caller caller, String code) {
        RegionRecord r = regions.get(code);
        scopes.requireInside(caller.scope(), code);
        Level level = Level.fromWire(r.level());
        ElementService.Filter f = filter(level, code).scope("s", caller.scope());
        try (Connection c = dataSource.getConnection()) {
            Map<String, Long> tags = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT t.key, sum(t.value::bigint) FROM microgrid_stats s, "
                    + "jsonb_each_text(s.tags) t" + f.where() + " GROUP BY t.key ORDER BY t.key")) {
                bind(ps, f);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tags.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SUMS + " FROM microgrid_stats s" + f.where())) {
                bind(ps, f);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return row(rs, r.code(), r.name(), r.level(), tags);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("statistics query failed: " + e.getMessage(), e);
        }
    }

    /** Statistics of every child of {@code code}, in one grouped query over the micro-grids. */
    public List<RegionStats> children(Caller caller, String code) {
        RegionRecord parent = regions.get(code);
        scopes.requireInside(caller.scope(), code);
        Level level = Level.fromWire(parent.level());
        if (level == Level.MICROGRID) {
            return List.of();
        }
        Level child = Level.values()[level.ordinal() + 1];
        String key = child == Level.DISTRICT ? "s.district_code" : "left(s.microgrid_code, " + child.codeLength() + ")";
        ElementService.Filter f = filter(level, code).scope("s", caller.scope());
        Map<String, RegionRecord> names = new HashMap<>();
        for (RegionRecord r : regions.children(code)) {
            names.put(r.code(), r);
        }
        return grouped(key, f, code1 -> names.get(code1) == null ? null : new String[] {names.get(code1).name(), names.get(code1).level()});
    }

    /**
     * Statistics of every region of {@code level} (optionally only under {@code parent}), in one grouped query: what
     * a choropleth of all grids of the city needs. Names are not included (the map has them from the geometry).
     */
    public List<RegionStats> level(Caller caller, String levelName, String parent) {
        Level level = Level.fromWire(levelName);
        if (level == null) {
            throw cn.gridmap.web.ApiException.badRequest("level must be one of city, district, street, community, grid, microgrid; got '"
                    + levelName + "'");
        }
        ElementService.Filter f = new ElementService.Filter();
        if (parent != null && !parent.isBlank()) {
            Level pl = regions.levelOf(parent.trim());
            if (pl.ordinal() >= level.ordinal()) {
                throw cn.gridmap.web.ApiException.badRequest("parent " + parent + " is a " + pl.wireName() + ", not above " + level.wireName());
            }
            scopes.requireInside(caller.scope(), parent.trim());
            f = filter(pl, parent.trim());
        }
        f.scope("s", caller.scope()); // without a parent: only the regions inside the scope
        String key = switch (level) {
            case CITY -> "(SELECT code FROM region WHERE level = 'city' AND generation_high IS NULL)";
            case DISTRICT -> "s.district_code";
            default -> "left(s.microgrid_code, " + level.codeLength() + ")";
        };
        return grouped(key, f, code1 -> new String[] {null, level.wireName()});
    }

    /** Sums per {@code key}; {@code describe} gives (name, level) of a key, or null to leave it out. */
    private List<RegionStats> grouped(String key, ElementService.Filter f, java.util.function.Function<String, String[]> describe) {
        List<RegionStats> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + key + ", " + SUMS + " FROM microgrid_stats s" + f.where()
                     + " GROUP BY 1 ORDER BY 1")) {
            bind(ps, f);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] d = describe.apply(rs.getString(1));
                    if (d != null) {
                        out.add(row(rs, rs.getString(1), d[0], d[1], null, 1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("statistics query failed: " + e.getMessage(), e);
        }
        return out;
    }

    private static ElementService.Filter filter(Level level, String code) {
        return new ElementService.Filter().region("s", level, code);
    }

    private static void bind(PreparedStatement ps, ElementService.Filter f) throws SQLException {
        for (int i = 0; i < f.values.size(); i++) {
            ps.setObject(i + 1, f.values.get(i));
        }
    }

    private static RegionStats row(ResultSet rs, String code, String name, String level, Map<String, Long> tags) throws SQLException {
        return row(rs, code, name, level, tags, 0);
    }

    private static RegionStats row(ResultSet rs, String code, String name, String level, Map<String, Long> tags, int shift)
            throws SQLException {
        Map<String, Long> residence = new LinkedHashMap<>();
        residence.put("registered", rs.getLong(2 + shift));
        residence.put("migrant", rs.getLong(3 + shift));
        return new RegionStats(code, name, level, rs.getLong(1 + shift), residence, tags, rs.getLong(4 + shift), rs.getLong(5 + shift),
                rs.getLong(6 + shift), rs.getLong(7 + shift), rs.getLong(8 + shift), rs.getLong(9 + shift), rs.getLong(10 + shift));
    }
}
