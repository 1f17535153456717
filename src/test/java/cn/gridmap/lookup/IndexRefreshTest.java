package cn.gridmap.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * A change made directly in the database reaches the in-memory index through LISTEN/NOTIFY, and lookups running
 * during the rebuild never fail. The change swaps the geometries of two sibling micro-grids (the tiling, and so every
 * invariant, stays intact) and swaps them back.
 */
@QuarkusTest
class IndexRefreshTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner") // the tables' owner: tests look at what is stored, past row-level security
    DataSource dataSource;
    @Inject
    LiveGridIndex index;
    @TestHTTPResource("/api/point/4326/")
    String pointUrl;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private String[] siblings() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT a.code, b.code, ST_X(ST_PointOnSurface(a.geom)), ST_Y(ST_PointOnSurface(a.geom))
                FROM region a JOIN region b ON a.parent_code = b.parent_code AND a.code < b.code
                WHERE a.level = 'microgrid' AND b.code NOT IN (SELECT code FROM region r
                      WHERE r.parent_code = a.parent_code AND ST_Covers(r.geom, ST_PointOnSurface(a.geom)) AND r.code <> a.code)
                ORDER BY a.code LIMIT 1""")) {
            rs.next();
            return new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)};
        }
    }

    private void swap(String a, String b) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE region r SET geom = o.geom FROM region o
                WHERE (r.code, o.code) IN ((?, ?), (?, ?)) AND r.generation_high IS NULL AND o.generation_high IS NULL""")) {
            ps.setString(1, a);
            ps.setString(2, b);
            ps.setString(3, b);
            ps.setString(4, a);
            assertEquals(2, ps.executeUpdate());
        }
    }

    private String microAt(String lonLat) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(pointUrl + lonLat))
                .header("Authorization", "Bearer " + cn.gridmap.security.AsAdmin.adminToken()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
        }
        int i = r.body().lastIndexOf("\"code\":\"");
        return r.body().substring(i + 8, r.body().indexOf('"', i + 8));
    }

    private long waitUntil(String lonLat, String expected) throws Exception {
        long t0 = System.nanoTime();
        while (!microAt(lonLat).equals(expected)) {
            assertTrue(System.nanoTime() - t0 < 15_000_000_000L, "the index did not pick up the change within 15 s");
            Thread.sleep(5);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void aChangeInTheDatabaseReachesLookupsAndConcurrentLookupsNeverFail() throws Exception {
        String[] s = siblings();
        String a = s[0];
        String b = s[1];
        String at = s[2] + "," + s[3];
        assertEquals(a, microAt(at));
        long before = index.current().version();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        seen.put(microAt(at), true);
                        ok.incrementAndGet();
                    } catch (Throwable e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                }
            });
            th.start();
            readers.add(th);
        }
        try {
            swap(a, b);
            long ms = waitUntil(at, b);
            System.out.printf("index refresh: a direct UPDATE reached lookups after %d ms%n", ms);
            assertNotEquals(before, index.current().version());
            swap(a, b); // and back
            long back = waitUntil(at, a);
            System.out.printf("index refresh: the revert reached lookups after %d ms%n", back);
        } finally {
            stop.set(true);
            for (Thread th : readers) {
                th.join();
            }
        }
        assertEquals(List.of(), failures, "lookups failed during the rebuild");
        assertTrue(ok.get() > 10, ok.get() + " lookups ran during the refresh");
        assertTrue(seen.keySet().stream().allMatch(m -> m.equals(a) || m.equals(b)), "every answer was the old or the new micro-grid: " + seen.keySet());
    }
}
