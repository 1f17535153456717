package cn.gridmap.event;

import static cn.gridmap.event.EventFixtures.as;
import static cn.gridmap.event.EventFixtures.department;
import static cn.gridmap.event.EventFixtures.dispatcherOf;
import static cn.gridmap.event.EventFixtures.hotline;
import static cn.gridmap.event.EventFixtures.ok;
import static cn.gridmap.event.EventFixtures.place;
import static cn.gridmap.event.EventFixtures.workerOf;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.event.EventFixtures.Place;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/**
 * GET /api/event-metrics against the same numbers recomputed here from each event's log (GET /api/events/{id}/log)
 * on a fixture of events with known lives in one grid: every count, every rate by its formula (docs/event-metrics.md)
 * and the mean hours per stage.
 */
@QuarkusTest
class EventMetricsTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    @Inject
    Escalation escalation;

    @Test
    void everyMetricOfAGridIsWhatItsEventsLogsSay() throws Exception {
        Place p = place(owner, 30, 60);
        String from = OffsetDateTime.now().minusMinutes(1).toString();
        String d = dispatcherOf(p);
        String hw = department("hw");
        String w = workerOf(p);
        List<Long> ids = new ArrayList<>();
        // A: a 12345 order through the whole loop, the caller satisfied
        long a = EventFixtures.report(hotline(), "0102", p, "A").jsonPath().getLong("id");
        for (Map<String, Object> step : List.<Map<String, Object>>of(Map.of("action", "register"), Map.of("action", "dispatch"),
                Map.of("action", "accept"), Map.of("action", "handle", "note", "ok"), Map.of("action", "verify", "passed", true),
                Map.of("action", "close"), Map.of("action", "evaluate", "satisfaction", "basic", "solved", true))) {
            String who = List.of("accept", "handle").contains(step.get("action")) ? hw : step.get("action").equals("verify") ? w : d;
            ok(who, a, step);
        }
        ids.add(a);
        // B: a patrol report reworked once, then closed; the caller unsatisfied
        long b = as(w).body(Map.of("classCode", "0102", "lon", p.lon(), "lat", p.lat(), "description", "B", "source", "patrol"))
                .post("/api/events").then().statusCode(201).extract().jsonPath().getLong("id");
        ok(d, b, Map.of("action", "register"));
        ok(d, b, Map.of("action", "dispatch"));
        ok(hw, b, Map.of("action", "accept"));
        ok(hw, b, Map.of("action", "handle", "note", "1"));
        ok(w, b, Map.of("action", "verify", "passed", false));
        ok(hw, b, Map.of("action", "accept"));
        ok(hw, b, Map.of("action", "handle", "note", "2"));
        ok(w, b, Map.of("action", "verify", "passed", true));
        ok(d, b, Map.of("action", "close"));
        ok(d, b, Map.of("action", "evaluate", "satisfaction", "unsatisfied", "solved", false));
        ids.add(b);
        // C: voided as no case; D: returned, dispatched again, signed for; E: on the ledger; F: registered only
        long c = EventFixtures.report(hotline(), "0102", p, "C").jsonPath().getLong("id");
        ok(d, c, Map.of("action", "void", "note", "不属实"));
        ids.add(c);
        long dd = EventFixtures.report(hotline(), "0102", p, "D").jsonPath().getLong("id");
        ok(d, dd, Map.of("action", "register"));
        ok(d, dd, Map.of("action", "dispatch"));
        ok(hw, dd, Map.of("action", "return", "note", "非本部门"));
        ok(d, dd, Map.of("action", "dispatch"));
        ok(hw, dd, Map.of("action", "accept"));
        ids.add(dd);
        long e = EventFixtures.report(hotline(), "0102", p, "E").jsonPath().getLong("id");
        ok(d, e, Map.of("action", "register"));
        ok(d, e, Map.of("action", "dispatch"));
        ok(hw, e, Map.of("action", "accept"));
        ok(d, e, Map.of("action", "suspend", "note", "挂账"));
        ids.add(e);
        long f = EventFixtures.report(hotline(), "0102", p, "F").jsonPath().getLong("id");
        ok(d, f, Map.of("action", "register"));
        ids.add(f);
        // the open stages of D and F run out (督办)
        escalation.escalateDue(Instant.now().plus(Duration.ofDays(60)));
        String to = OffsetDateTime.now().plusMinutes(1).toString();

        Map<String, Long> expected = new LinkedHashMap<>();
        for (String k : List.of("reported", "registered", "voided", "suspended", "dispatched", "dispatchedOnTime", "handled", "reworked",
                "dueToClose", "closed", "closedOnTime", "overdue", "hotline", "hotlineRespondedOnTime", "hotlineRated", "hotlineSolved",
                "hotlineSatisfied")) {
            expected.put(k, 0L);
        }
        Map<String, double[]> stageSums = new HashMap<>();
        for (long id : ids) {
            recount(as(d).get("/api/events/" + id + "/log").then().statusCode(200).extract().jsonPath(), expected, stageSums);
        }
        JsonPath m = as(d).queryParam("level", "grid").queryParam("region", p.grid()).queryParam("from", from).queryParam("to", to)
                .get("/api/event-metrics").then()
                .log().ifValidationFails().statusCode(200).extract().jsonPath();
        assertEquals(1, m.getInt("regions"));
        assertEquals(p.grid(), m.getString("items[0].code"));
        for (Map.Entry<String, Long> x : expected.entrySet()) {
            assertEquals(x.getValue().longValue(), m.getLong("items[0].counts." + x.getKey()), x.getKey());
        }
        // the fixture makes each count say something
        assertEquals(6L, expected.get("reported"));
        assertEquals(1L, expected.get("reworked"));
        assertEquals(1L, expected.get("voided"));
        Map<String, Long> n = expected;
        assertRate(m, "closedOnTimeRate", n.get("closedOnTime"), n.get("dueToClose"));
        assertRate(m, "closedRate", n.get("closed"), n.get("dueToClose"));
        assertRate(m, "reworkRate", n.get("reworked"), n.get("handled"));
        assertRate(m, "handledRate", n.get("handled"), n.get("dispatched"));
        assertRate(m, "dispatchOnTimeRate", n.get("dispatchedOnTime"), n.get("registered"));
        assertRate(m, "dispatchAccuracyRate", n.get("dispatched") - n.get("reworked"), n.get("registered"));
        assertRate(m, "hotlineResponseRate", n.get("hotlineRespondedOnTime"), n.get("hotline"));
        assertRate(m, "hotlineSolvedRate", n.get("hotlineSolved"), n.get("hotlineRated"));
        assertRate(m, "hotlineSatisfactionRate", n.get("hotlineSatisfied"), n.get("hotlineRated"));
        for (Map.Entry<String, double[]> s : stageSums.entrySet()) {
            double mean = s.getValue()[0] / s.getValue()[1] / 3600.0;
            assertEquals(mean, m.getDouble("items[0].meanHoursPerStage." + s.getKey()), 0.011, s.getKey());
        }
        as(d).get("/api/event-metrics?level=province").then().statusCode(400).body("message", containsString("level must be one of"));
        as(d).get("/api/event-metrics?level=grid&from=2026-02-01&to=2026-01-01").then().statusCode(400);
        as(d).get("/api/event-metrics?level=grid&region=12").then().statusCode(400);
    }

    private static void assertRate(JsonPath m, String field, long a, long b) {
        Object v = m.get("items[0].rates." + field);
        if (b == 0) {
            assertEquals(null, v, field);
        } else {
            assertNotNull(v, field);
            assertEquals(Math.round(a * 10000.0 / b) / 10000.0, ((Number) v).doubleValue(), 1e-6, field);
        }
    }

    /** One event's contribution to the counts and the stage durations, read from its log alone. */
    @SuppressWarnings("unchecked")
    private static void recount(JsonPath log, Map<String, Long> n, Map<String, double[]> sums) {
        List<Map<String, Object>> rows = log.getList("$");
        boolean registered = false;
        boolean dispatched = false;
        boolean handled = false;
        boolean reworked = false;
        boolean escalated = false;
        boolean hotline = false;
        Boolean firstDispatchOnTime = null;
        Boolean firstAcceptOnTime = null;
        Boolean lastHandleOnTime = null;
        String state = null;
        String satisfaction = null;
        Boolean solved = null;
        Map<String, Instant> open = new HashMap<>();
        for (Map<String, Object> r : rows) {
            String action = (String) r.get("action");
            Instant at = OffsetDateTime.parse((String) r.get("at")).toInstant();
            Map<String, Object> detail = (Map<String, Object>) r.get("detail");
            Map<String, Boolean> onTime = detail == null ? Map.of() : (Map<String, Boolean>) detail.getOrDefault("onTime", Map.of());
            state = (String) r.get("toState");
            switch (action) {
                case "report" -> {
                    hotline = "hotline12345".equals(detail.get("source"));
                    if (state.equals("reported")) {
                        open.put("register", at);
                    }
                }
                case "register" -> {
                    end(open, sums, at, "register");
                    open.put("dispatch", at);
                    registered = true;
                }
                case "dispatch" -> {
                    end(open, sums, at, "dispatch");
                    if (firstDispatchOnTime == null) {
                        firstDispatchOnTime = onTime.get("dispatch");
                    }
                    open.put("accept", at);
                    open.put("handle", at);
                    dispatched = true;
                }
                case "accept" -> {
                    end(open, sums, at, "accept");
                    if (firstAcceptOnTime == null) {
                        firstAcceptOnTime = onTime.get("accept");
                    }
                }
                case "handle" -> {
                    end(open, sums, at, "accept", "handle");
                    lastHandleOnTime = onTime.get("handle");
                    open.put("verify", at);
                }
                case "verify" -> {
                    end(open, sums, at, "verify");
                    handled = true;
                    if (state.equals("rework")) {
                        reworked = true;
                        open.put("accept", at);
                        open.put("handle", at);
                    } else {
                        open.put("close", at);
                    }
                }
                case "close" -> end(open, sums, at, "close");
                case "return" -> {
                    end(open, sums, at, "accept", "handle");
                    open.put("dispatch", at);
                }
                case "suspend" -> end(open, sums, at, "dispatch", "accept", "handle");
                case "void" -> end(open, sums, at, "register", "dispatch", "accept", "handle", "verify", "close");
                case "evaluate" -> {
                    satisfaction = (String) detail.get("satisfaction");
                    solved = (Boolean) detail.get("solved");
                }
                case "escalate" -> escalated = true;
                default -> throw new AssertionError("an action the fixture does not take: " + action);
            }
        }
        // "handled" (处置数) counts a reported disposal: a verify stage started
        handled = handled || rows.stream().anyMatch(r -> "handle".equals(r.get("action")));
        boolean closed = state.equals("closed") || state.equals("evaluated");
        add(n, "reported", true);
        add(n, "registered", registered);
        add(n, "voided", state.equals("voided"));
        add(n, "suspended", state.equals("suspended"));
        add(n, "dispatched", dispatched);
        add(n, "dispatchedOnTime", Boolean.TRUE.equals(firstDispatchOnTime));
        add(n, "handled", handled);
        add(n, "reworked", reworked);
        add(n, "dueToClose", registered && !state.equals("voided") && !state.equals("suspended"));
        add(n, "closed", closed);
        add(n, "closedOnTime", closed && Boolean.TRUE.equals(lastHandleOnTime));
        add(n, "overdue", escalated);
        add(n, "hotline", hotline);
        add(n, "hotlineRespondedOnTime", hotline && Boolean.TRUE.equals(firstAcceptOnTime));
        add(n, "hotlineRated", hotline && satisfaction != null);
        add(n, "hotlineSolved", hotline && Boolean.TRUE.equals(solved));
        add(n, "hotlineSatisfied", hotline && ("satisfied".equals(satisfaction) || "basic".equals(satisfaction)));
    }

    private static void end(Map<String, Instant> open, Map<String, double[]> sums, Instant at, String... stages) {
        for (String s : stages) {
            Instant start = open.remove(s);
            if (start != null) {
                double[] x = sums.computeIfAbsent(s, k -> new double[2]);
                x[0] += Duration.between(start, at).toMillis() / 1000.0;
                x[1]++;
            }
        }
    }

    private static void add(Map<String, Long> n, String key, boolean yes) {
        if (yes) {
            n.merge(key, 1L, Long::sum);
        }
    }
}
