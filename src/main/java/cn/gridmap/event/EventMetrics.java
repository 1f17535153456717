package cn.gridmap.event;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonInclude;

import cn.gridmap.security.Caller;
import cn.gridmap.security.ScopedConnection;
import cn.gridmap.web.ApiException;
import cn.gridmap.web.Params;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The loop's metrics per region of a level, in one query for all regions (docs/event-metrics.md gives every formula
 * and its source): counts of the events reported in the period and what became of them, the mean working of each
 * stage, and the rates 按期结案率, 结案率, 返工率, 处置率, 按时派遣率, 准确派遣率 and, for 12345 orders, 响应率, 解决率, 满意率.
 */
@ApplicationScoped
public class EventMetrics {
    public static final List<String> LEVELS = List.of("grid", "community", "street", "district");

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Counts(long reported, long registered, long voided, long suspended, long dispatched, long dispatchedOnTime, long handled,
            long reworked, long dueToClose, long closed, long closedOnTime, long overdue, long hotline, long hotlineRespondedOnTime,
            long hotlineRated, long hotlineSolved, long hotlineSatisfied) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rates(Double closedOnTimeRate, Double closedRate, Double reworkRate, Double handledRate, Double dispatchOnTimeRate,
            Double dispatchAccuracyRate, Double hotlineResponseRate, Double hotlineSolvedRate, Double hotlineSatisfactionRate) {
    }

    public record RegionMetrics(String code, Counts counts, Rates rates, Map<String, Double> meanHoursPerStage) {
    }

    public record Result(String level, String region, String from, String to, int regions, List<RegionMetrics> items) {
    }

    private final DataSource dataSource;

    public EventMetrics(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Result metrics(Caller caller, String level, String region, String from, String to) {
        if (level == null || !LEVELS.contains(level)) {
            throw ApiException.badRequest("level must be one of " + LEVELS + ", got " + (level == null ? "nothing" : "'" + level + "'"));
        }
        OffsetDateTime b = to == null || to.isBlank() ? OffsetDateTime.now(WorkClock.CITY) : Params.time(to, "to");
        OffsetDateTime a = from == null || from.isBlank() ? b.minusYears(1) : Params.time(from, "from");
        if (!a.isBefore(b)) {
            throw ApiException.badRequest("from must be before to");
        }
        String key = switch (level) {
            case "grid" -> "left(e.microgrid_code, 15)";
            case "community" -> "left(e.microgrid_code, 12)";
            case "street" -> "left(e.microgrid_code, 9)";
            default -> "e.district_code";
        };
        List<Object> values = new ArrayList<>();
        values.add(Timestamp.from(a.toInstant()));
        values.add(Timestamp.from(b.toInstant()));
        String filter = "";
        if (region != null && !region.isBlank()) {
            String code = region.trim();
            if (!code.matches("\\d{6}|\\d{9}|\\d{12}|\\d{15}")) {
                throw ApiException.badRequest("region must be a region code of 6, 9, 12 or 15 digits, got '" + region + "'");
            }
            if (code.length() == 6) {
                filter = code.endsWith("00") ? "" : " AND e.district_code = ?";
                if (!filter.isEmpty()) {
                    values.add(code);
                }
            } else {
                filter = " AND e.microgrid_code >= ? AND e.microgrid_code < ?";
                values.add(code);
                values.add(code + "\uffff");
            }
        }
        List<RegionMetrics> items = new ArrayList<>();
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            try (PreparedStatement ps = c.prepareStatement(EventSql.metrics(key, filter))) {
                for (int i = 0; i < values.size(); i++) {
                    ps.setObject(i + 1, values.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Counts n = new Counts(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8),
                                rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14), rs.getLong(15),
                                rs.getLong(16), rs.getLong(17), rs.getLong(18));
                        Map<String, Double> mean = new LinkedHashMap<>();
                        for (int s = 0; s < Deadlines.STAGES.size(); s++) {
                            double sum = rs.getDouble(19 + 2 * s);
                            long count = rs.getLong(20 + 2 * s); // the stages' instances that ended
                            mean.put(Deadlines.STAGES.get(s), count == 0 ? null : Math.round(sum / count / 3600.0 * 100) / 100.0);
                        }
                        items.add(new RegionMetrics(rs.getString(1), n, rates(n), mean));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("event metrics failed: " + e.getMessage(), e);
        }
        return new Result(level, region, a.toString(), b.toString(), items.size(), items);
    }

    /** The counts of regions that partition a wider one, added up, with the wider one's rates (a dashboard's total). */
    public static RegionMetrics sum(String code, java.util.Collection<RegionMetrics> parts) {
        long[] t = new long[17];
        for (RegionMetrics m : parts) {
            Counts n = m.counts();
            long[] v = {n.reported(), n.registered(), n.voided(), n.suspended(), n.dispatched(), n.dispatchedOnTime(), n.handled(), n.reworked(),
                n.dueToClose(), n.closed(), n.closedOnTime(), n.overdue(), n.hotline(), n.hotlineRespondedOnTime(), n.hotlineRated(),
                n.hotlineSolved(), n.hotlineSatisfied()};
            for (int i = 0; i < t.length; i++) {
                t[i] += v[i];
            }
        }
        Counts n = new Counts(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12], t[13], t[14], t[15], t[16]);
        return new RegionMetrics(code, n, rates(n), null);
    }

    /** The rates from the counts (docs/event-metrics.md); null where the denominator is 0. */
    static Rates rates(Counts n) {
        long needDispatch = n.registered();
        return new Rates(ratio(n.closedOnTime(), n.dueToClose()), ratio(n.closed(), n.dueToClose()), ratio(n.reworked(), n.handled()),
                ratio(n.handled(), n.dispatched()), ratio(n.dispatchedOnTime(), needDispatch), ratio(n.dispatched() - n.reworked(), needDispatch),
                ratio(n.hotlineRespondedOnTime(), n.hotline()), ratio(n.hotlineSolved(), n.hotlineRated()),
                ratio(n.hotlineSatisfied(), n.hotlineRated()));
    }

    private static Double ratio(long a, long b) {
        return b == 0 ? null : Math.round(a * 10000.0 / b) / 10000.0;
    }

    static Instant now() {
        return Instant.now();
    }
}
