package cn.gridmap.edit;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * R3, the crash drill ({@code ./gridmap test} runs it after the suite, against the packaged service and the test
 * database): 20 times, a change set is published and the service is killed with SIGKILL in the middle of the
 * publishing transaction (the service pauses there: {@code GRIDMAP_EDIT_PUBLISH_PAUSE_MILLIS}). After each kill the
 * database holds the old generation or the new one, never a mix — regions, element assignments and the change set's
 * state agree — and a restarted service publishes the change set.
 */
public final class CrashDrill {
    private static final int ROUNDS = 20;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String jdbc = System.getenv().getOrDefault("GRIDMAP_TEST_DB_URL", "jdbc:postgresql://localhost:55432/gridmap_test");
    private final String jar;
    private final int port;
    private final String base;
    private Process service;
    private String admin;
    private String planner;

    private CrashDrill(String jar, int port) {
        this.jar = jar;
        this.port = port;
        this.base = "http://localhost:" + port;
    }

    public static void main(String[] args) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CrashDrill drill = new CrashDrill(args.length > 0 ? args[0] : "target/quarkus-app/quarkus-run.jar", port);
        int failures = drill.run();
        System.exit(failures == 0 ? 0 : 1);
    }

    private int run() throws Exception {
        long t0 = System.nanoTime();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (service != null) {
                service.destroyForcibly();
            }
        }));
        start();
        admin = token("admin", System.getenv().getOrDefault("GRIDMAP_DRILL_ADMIN_PASSWORD", "test-admin-password-1"));
        post("/api/users", admin, "{\"username\":\"drill-planner\",\"password\":\"crash-drill-secret-2026\",\"roles\":[\"planner\"],\"scope\":[\"321100\"]}",
                201, 409);
        planner = token("drill-planner", "crash-drill-secret-2026");
        List<String[]> pairs = pairs();
        SplittableRandom random = new SplittableRandom(20261201);
        int rolledBack = 0;
        int midTransaction = 0;
        int committed = 0;
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            String[] p = pairs.get(round);
            long id = approvedChangeSet(p, round);
            int revision = get("/api/changesets/" + id, planner).path("revision").asInt();
            // publish, and kill the service while the publishing transaction is open (it pauses 1.5 s inside it)
            Thread publisher = new Thread(() -> {
                try {
                    HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/changesets/" + id + "/publish")).timeout(Duration.ofSeconds(30))
                            .header("Authorization", "Bearer " + planner).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"revision\":" + revision + "}")).build(), HttpResponse.BodyHandlers.discarding());
                } catch (Exception expected) {
                    // the connection dies with the service
                }
            });
            publisher.start();
            // the publishing transaction holds the publish lock: once it is seen, kill at a random moment of the pause
            long until = System.currentTimeMillis() + 10_000;
            while (!"t".equals(one("SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory' AND granted")) && System.currentTimeMillis() < until) {
                Thread.sleep(10);
            }
            boolean inside = System.currentTimeMillis() < until;
            Thread.sleep(random.nextInt(1400));
            service.destroyForcibly().waitFor();
            if (inside) {
                midTransaction++;
            }
            publisher.join();
            String state = one("SELECT state FROM change_set WHERE id = ?", id);
            String problem = consistent(id, p);
            if (problem != null) {
                failures.add("round " + round + " after the kill: " + problem);
            }
            if ("published".equals(state)) {
                committed++;
            } else if ("approved".equals(state)) {
                rolledBack++;
            } else {
                failures.add("round " + round + ": change set " + id + " is " + state + " after the kill");
            }
            start();
            admin = token("admin", System.getenv().getOrDefault("GRIDMAP_DRILL_ADMIN_PASSWORD", "test-admin-password-1"));
            planner = token("drill-planner", "crash-drill-secret-2026");
            if ("approved".equals(state)) {
                JsonNode r = post("/api/changesets/" + id + "/publish", planner, "{\"revision\":" + revision + "}", 200);
                if (!"published".equals(r.path("state").asText())) {
                    failures.add("round " + round + ": the restarted service did not publish: " + r);
                }
                problem = consistent(id, p);
                if (problem != null) {
                    failures.add("round " + round + " after the restart: " + problem);
                }
            }
        }
        service.destroy();
        service.waitFor();
        if (midTransaction < ROUNDS) {
            failures.add((ROUNDS - midTransaction) + " kills did not land inside the publishing transaction");
        }
        System.out.printf("R3 crash drill: %d kills of the service (SIGKILL), %d inside the publishing transaction; %d rolled back, %d had committed; "
                + "every one consistent and published after a restart: %s (%.0f s)%n", ROUNDS, midTransaction, rolledBack, committed,
                failures.isEmpty() ? "yes" : "NO", (System.nanoTime() - t0) / 1e9);
        failures.forEach(f -> System.out.println("  " + f));
        return failures.size();
    }

    /**
     * Old or new, never a mix: the change set is approved with no generation of its own and no rows opened for it,
     * or published with its generation holding every row of its overlay; and either way every house of the two
     * micro-grids' grid is assigned to a current micro-grid that covers it.
     */
    private String consistent(long id, String[] pair) throws SQLException {
        String state = one("SELECT state FROM change_set WHERE id = ?", id);
        String generation = one("SELECT max(id) FROM generation WHERE change_set_id = ?", id);
        if ("approved".equals(state) && generation != null) {
            return "approved, yet generation " + generation + " is its";
        }
        if ("published".equals(state)) {
            if (generation == null) {
                return "published without a generation";
            }
            String opened = one("SELECT count(*) FROM region WHERE generation_low = ?", Integer.parseInt(generation));
            String overlay = one("SELECT count(*) FROM change_set_region WHERE change_set_id = ? AND NOT deleted", id);
            if (!opened.equals(overlay)) {
                return "generation " + generation + " opened " + opened + " rows for an overlay of " + overlay;
            }
        }
        String strays = one("SELECT count(*) FROM house h WHERE h.microgrid_code LIKE ? AND NOT EXISTS (SELECT 1 FROM region m WHERE m.code = "
                + "h.microgrid_code AND m.generation_high IS NULL AND ST_DWithin(m.geom, h.geom, 1e-6))", pair[0].substring(0, 15) + "%");
        if (!"0".equals(strays)) {
            return strays + " houses assigned to a micro-grid that does not hold them (regions and elements disagree)";
        }
        String overlaps = one("SELECT count(*) FROM region a JOIN region b ON a.code < b.code AND a.geom && b.geom WHERE a.level = 'microgrid' "
                + "AND b.level = 'microgrid' AND a.generation_high IS NULL AND b.generation_high IS NULL AND a.parent_code = ? AND b.parent_code = ? "
                + "AND ST_Relate(a.geom, b.geom, '2********')", pair[0].substring(0, 15), pair[0].substring(0, 15));
        return "0".equals(overlaps) ? null : overlaps + " overlapping micro-grids";
    }

    /** A change set that reshapes the pair's shared edge, submitted and approved (by the admin: a grid-internal edit needs the community). */
    private long approvedChangeSet(String[] p, int round) throws Exception {
        long id = post("/api/changesets", planner, "{\"title\":\"R3 round " + round + "\"}", 201).path("id").asLong();
        JsonNode edges = get("/api/changesets/" + id + "/edges?a=" + p[0] + "&b=" + p[1], planner);
        ArrayNode line = (ArrayNode) edges.path("features").get(0).path("geometry").path("coordinates");
        post("/api/changesets/" + id + "/ops", planner, "{\"revision\":0,\"op\":\"reshapeEdge\",\"a\":\"" + p[0] + "\",\"b\":\"" + p[1]
                + "\",\"line\":{\"type\":\"LineString\",\"coordinates\":" + ChangeSetResourceTest.bent(line, 2e-5) + "}}", 200);
        post("/api/changesets/" + id + "/submit", planner, "{\"revision\":1,\"effectiveFrom\":\"" + LocalDate.now(ZoneId.of("Asia/Shanghai")) + "\"}", 200);
        post("/api/changesets/" + id + "/approvals", admin, "{\"revision\":1,\"decision\":\"approve\"}", 200);
        return id;
    }

    /** Twenty pairs of neighbouring micro-grids with houses, each in a grid of its own (district 321102). */
    private List<String[]> pairs() throws SQLException {
        List<String[]> out = new ArrayList<>();
        java.util.Set<String> grids = new java.util.HashSet<>();
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement("SELECT a.code, b.code FROM region a JOIN region b ON b.parent_code = "
                + "a.parent_code AND b.code > a.code WHERE a.level = 'microgrid' AND a.generation_high IS NULL AND b.generation_high IS NULL "
                + "AND a.code LIKE '321102%' AND EXISTS (SELECT 1 FROM house h WHERE h.microgrid_code IN (a.code, b.code)) "
                + "AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))::geography) > 80 ORDER BY a.code");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next() && out.size() < ROUNDS) {
                if (grids.add(rs.getString(1).substring(0, 15))) {
                    out.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        if (out.size() < ROUNDS) {
            throw new IllegalStateException("only " + out.size() + " pairs");
        }
        return out;
    }

    private void start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx1g", "-jar", jar).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/crash-drill-service.log")));
        Map<String, String> env = pb.environment();
        env.put("GRIDMAP_PORT", String.valueOf(port));
        env.put("GRIDMAP_DB_URL", jdbc);
        env.put("GRIDMAP_EDIT_PUBLISH_PAUSE_MILLIS", "1500");
        env.put("GRIDMAP_SECURITY_REQUESTS_PER_MINUTE", "1000000");
        service = pb.start();
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            if (!service.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the service did not start (see target/crash-drill-service.log)");
            }
            Thread.sleep(250);
        }
    }

    private String token(String user, String password) throws Exception {
        return cn.gridmap.DrillHttp.token(base, user, password);
    }

    private JsonNode post(String path, String token, String body, int... expected) throws Exception {
        return cn.gridmap.DrillHttp.post(base, path, token, body, expected);
    }

    private JsonNode get(String path, String token) throws Exception {
        return cn.gridmap.DrillHttp.get(base, path, token);
    }

    private Connection db() throws SQLException {
        return DriverManager.getConnection(jdbc, System.getenv().getOrDefault("GRIDMAP_DB_USER", "postgres"),
                System.getenv().getOrDefault("GRIDMAP_DB_PASSWORD", ""));
    }

    private String one(String sql, Object... args) throws SQLException {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
