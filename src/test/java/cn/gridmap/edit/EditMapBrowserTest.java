package cn.gridmap.edit;

import static cn.gridmap.edit.EditFixtures.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import cn.gridmap.web.Browser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The planner's map in headless Chromium, with real pointer actions: a planner bends the shared edge of two grids of
 * 润州区 so that a house changes grid, sees the workload, issues and preview, undoes and redoes, and submits; an approver
 * outside the change's area does not see it; the community's and the street's approvers sign it off on the map; the
 * planner publishes; the point lookup answers the new grid today and the old one for yesterday. A line that leaves
 * the pair is refused with its place marked, and nothing is stored. An analyst sees no editing tools.
 */
@QuarkusTest
class EditMapBrowserTest {
    /** 润州区: no other edit test touches it. */
    static final String DISTRICT = "321111";
    static final String PLANNER = "map-planner-" + DISTRICT;
    private static Browser b;

    @TestHTTPResource("/")
    String root;

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    @BeforeAll
    static void startBrowser() throws Exception {
        b = new Browser(1280, 860);
        b.diagnostics = "JSON.stringify({zoom: window.gridmap && window.gridmap.map.getZoom(), edit: window.gridmapEdit && {cs: window.gridmapEdit.cs"
                + " && {id: window.gridmapEdit.cs.id, state: window.gridmapEdit.cs.state, revision: window.gridmapEdit.cs.revision},"
                + " level: window.gridmapEdit.level, drawn: window.gridmapEdit.drawn, loads: window.gridmapEdit.draftLoads, selected: window.gridmapEdit.selected,"
                + " mode: window.gridmapEdit.mode, busy: window.gridmapEdit.busy, settled: window.gridmapEdit.opsSettled, lastError: window.gridmapEdit.lastError,"
                + " error: (document.getElementById('edit-error') || {}).textContent,"
                + " drawing: window.gridmap.map.pm && window.gridmap.map.pm.globalDrawModeEnabled(),"
                + " drawn: window.gridmap.map.pm && window.gridmap.map.pm.Draw.Line._markers && window.gridmap.map.pm.Draw.Line._markers.map((m) => m.getLatLng())}})";
    }

    @AfterAll
    static void stopBrowser() {
        if (b != null) {
            b.close();
        }
    }

    static LocalDate today() {
        return LocalDate.now(ZoneId.of("Asia/Shanghai"));
    }

    private static String plannerToken() {
        return Logins.token(PLANNER, List.of(Roles.PLANNER), List.of(DISTRICT), false);
    }

    /** Two grids of one community, a house of {@code a} a few metres from their shared edge, and where to drag. */
    record Pick(String a, String b, long house, double hLon, double hLat, int segment, double[] target, double[] inA, double[] inB) {
    }

    /** Logs in the planner and opens a new change set through the panel; its id. */
    private long newChangeSet(String title) {
        plannerToken(); // the planner's account
        b.loginFresh(root, PLANNER, Logins.password(PLANNER));
        b.driver.findElement(By.id("open-changesets")).click();
        b.waitFor("window.gridmapEdit.listShown >= 1");
        b.driver.findElement(By.cssSelector("#new-changeset input[name=title]")).sendKeys(title);
        b.driver.findElement(By.cssSelector("#new-changeset button[type=submit]")).click();
        b.waitFor("window.gridmapEdit.cs != null && window.gridmapEdit.opened >= 1");
        return ((Number) b.js("return window.gridmapEdit.cs.id")).longValue();
    }

    /**
     * A pair of grids sharing a long edge whose middle segment passes a few metres from a house of the first; the
     * drag target lies beyond the house, so that the triangle it makes with that segment holds the house and stays
     * inside the first grid.
     */
    private Pick pick(long changeSet) throws Exception {
        List<Object[]> candidates = new ArrayList<>();
        try (Connection c = owner.getConnection(); PreparedStatement ps = c.prepareStatement("""
                WITH g AS (SELECT code, parent_code, geom FROM region WHERE level = 'grid' AND generation_high IS NULL AND code LIKE ?),
                pairs AS (SELECT a.code a, b.code b, ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom)) edge
                          FROM g a JOIN g b ON b.parent_code = a.parent_code AND b.code <> a.code AND ST_Intersects(a.geom, b.geom))
                SELECT p.a, p.b, h.id, ST_X(h.geom), ST_Y(h.geom) FROM pairs p
                JOIN LATERAL (SELECT h.id, h.geom FROM house h WHERE h.geom && ST_Expand(p.edge, 0.0004) AND left(h.microgrid_code, 15) = p.a
                              AND ST_DWithin(h.geom::geography, p.edge::geography, 30) AND NOT ST_DWithin(h.geom::geography, p.edge::geography, 12)
                              ORDER BY h.id LIMIT 3) h ON true
                WHERE ST_Length(p.edge::geography) > 150
                ORDER BY p.a, p.b, h.id LIMIT 40""")) {
            ps.setString(1, DISTRICT + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    candidates.add(new Object[] {rs.getString(1), rs.getString(2), rs.getLong(3), rs.getDouble(4), rs.getDouble(5)});
                }
            }
        }
        for (Object[] k : candidates) {
            String a = (String) k[0];
            String bb = (String) k[1];
            double hx = (double) k[3];
            double hy = (double) k[4];
            io.restassured.path.json.JsonPath edges = as(plannerToken()).get("/api/changesets/" + changeSet + "/edges?a=" + a + "&b=" + bb)
                    .then().statusCode(200).extract().jsonPath();
            List<List<Float>> line = edges.getList("features[0].geometry.coordinates");
            List<Boolean> closed = edges.getList("features.properties.closed");
            if (closed.size() != 1 || closed.get(0)) {
                continue;
            }
            for (int i = 0; i + 1 < line.size(); i++) {
                double x0 = line.get(i).get(0).doubleValue();
                double y0 = line.get(i).get(1).doubleValue();
                double x1 = line.get(i + 1).get(0).doubleValue();
                double y1 = line.get(i + 1).get(1).doubleValue();
                double dx = x1 - x0;
                double dy = y1 - y0;
                double t = ((hx - x0) * dx + (hy - y0) * dy) / (dx * dx + dy * dy);
                if (t < 0.25 || t > 0.75) {
                    continue;
                }
                double px = x0 + t * dx;
                double py = y0 + t * dy;
                double[] target = {px + 1.8 * (hx - px), py + 1.8 * (hy - py)};
                double[] inA = {px + 0.5 * (hx - px), py + 0.5 * (hy - py)};
                double[] inB = {px - 0.5 * (hx - px), py - 0.5 * (hy - py)};
                // the triangle the drag makes lies inside a, and the point beside the edge on b's side is in b
                String[] ok = EditFixtures.row(owner, "SELECT ST_Within(ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY[ST_MakePoint(?, ?), "
                        + "ST_MakePoint(?, ?), ST_MakePoint(?, ?), ST_MakePoint(?, ?)])), 4326), (SELECT geom FROM region WHERE code = ? "
                        + "AND generation_high IS NULL)), ST_Covers((SELECT geom FROM region WHERE code = ? AND generation_high IS NULL), "
                        + "ST_SetSRID(ST_MakePoint(?, ?), 4326))", x0, y0, target[0], target[1], x1, y1, x0, y0, a, bb, inB[0], inB[1]);
                if ("t".equals(ok[0]) && "t".equals(ok[1])) {
                    return new Pick(a, bb, (long) k[2], hx, hy, i, target, inA, inB);
                }
            }
        }
        throw new AssertionError("no grid pair of " + DISTRICT + " with a house near a middle segment of their edge: " + candidates.size());
    }

    private void selectAt(double lon, double lat, String code) {
        b.clickAt(lat, lon);
        b.waitFor("window.gridmapEdit.selected.includes('" + code + "')", 20);
    }

    /** Screen positions of the middle of segment {@code i} of the editable edge (Geoman's marker to add a vertex there). */
    private double[] segmentMiddle(int i) {
        List<?> p = (List<?>) b.js("""
                const l = window.gridmapEdit.edgeLayers[0].getLatLngs(); const m = window.gridmap.map;
                const a = m.latLngToContainerPoint(l[arguments[0]]), c = m.latLngToContainerPoint(l[arguments[0] + 1]);
                return [(a.x + c.x) / 2, (a.y + c.y) / 2];""", i);
        return new double[] {((Number) p.get(0)).doubleValue(), ((Number) p.get(1)).doubleValue()};
    }

    /** The screen position of the edge's vertex nearest to a point. */
    private double[] vertexNear(double lon, double lat) {
        List<?> p = (List<?>) b.js("""
                const l = window.gridmapEdit.edgeLayers[0].getLatLngs(); const m = window.gridmap.map;
                const t = L.latLng(arguments[1], arguments[0]);
                let best = l[0]; l.forEach((v) => { if (v.distanceTo(t) < best.distanceTo(t)) best = v; });
                const q = m.latLngToContainerPoint(best); return [q.x, q.y];""", lon, lat);
        return new double[] {((Number) p.get(0)).doubleValue(), ((Number) p.get(1)).doubleValue()};
    }

    private int settled() {
        return ((Number) b.js("return window.gridmapEdit.opsSettled || 0")).intValue();
    }

    private int edgeReady() {
        return ((Number) b.js("return window.gridmapEdit.edgeReady || 0")).intValue();
    }

    private String gridAt(double lon, double lat, String asOf) {
        return as(plannerToken()).get("/api/point/4326/" + lon + "," + lat + (asOf == null ? "" : "?asOf=" + asOf)).then().statusCode(200)
                .extract().path("regions[4].code");
    }

    private void openFromPanel(String list, long id) {
        b.driver.findElement(By.id("open-changesets")).click();
        b.waitFor("window.gridmapEdit.listShown >= 1 && document.querySelector('#" + list + " li[data-id=\"" + id + "\"]') != null");
        int opened = ((Number) b.js("return window.gridmapEdit.opened || 0")).intValue();
        b.driver.findElement(By.cssSelector("#" + list + " li[data-id=\"" + id + "\"]")).click();
        b.waitFor("window.gridmapEdit.opened > " + opened + " && window.gridmapEdit.cs.id === " + id);
    }

    @Test
    void aPlannerMovesAHouseToTheNextGridOnTheMapAndTheChainSignsItOff() throws Exception {
        long id = newChangeSet("润州网格边界调整");
        Pick p = pick(id);
        assertEquals(p.a(), gridAt(p.hLon(), p.hLat(), null), "the house is in the first grid before the change");
        b.js("window.gridmap.map.setView([arguments[0], arguments[1]], 18, {animate: false})", p.hLat(), p.hLon());
        b.waitFor("window.gridmapEdit.drawn > 0");
        Thread.sleep(300);
        b.waitFor("window.gridmapEdit.drawn > 0");

        // select the two grids with clicks, then their shared edge becomes an editable line with pinned ends
        selectAt(p.inA()[0], p.inA()[1], p.a());
        selectAt(p.inB()[0], p.inB()[1], p.b());
        int ready = edgeReady();
        b.driver.findElement(By.cssSelector("[data-tool=edge]")).click();
        b.waitFor("(window.gridmapEdit.edgeReady || 0) > " + ready);
        assertEquals(1L, b.js("return window.gridmapEdit.edgeLayers.length"));
        assertTrue((Boolean) b.js("return window.gridmapEdit.edgeLayers[0].pm.enabled()"), "the edge is in Geoman's edit mode");

        // drag the middle of the segment past the house: a new vertex, the house now on the other side
        int before = settled();
        ready = edgeReady();
        b.drag(segmentMiddle(p.segment()), b.px(p.target()[1], p.target()[0]));
        b.waitFor("window.gridmapEdit.opsSettled > " + before + " && !window.gridmapEdit.busy && window.gridmapEdit.edgeReady > " + ready);
        assertEquals(null, b.js("return window.gridmapEdit.lastError"), "the edit was accepted");
        assertEquals(1L, b.js("return window.gridmapEdit.cs.revision"));
        Map<?, ?> houses = as(plannerToken()).get("/api/changesets/" + id + "/preview?kind=houses&limit=500").then().statusCode(200)
                .extract().path("moves");
        List<?> items = (List<?>) houses.get("items");
        assertTrue(items.stream().anyMatch(m -> ((Map<?, ?>) m).get("id").equals((int) p.house()) || ((Map<?, ?>) m).get("id").equals(p.house())),
                "house " + p.house() + " moves: " + items);
        // the numbers on the panel: both grids' households before → after, and the issue list
        b.waitFor("document.querySelector('#edit-workload tr[data-code=\"" + p.a() + "\"]') != null"
                + " && document.querySelector('#edit-workload tr[data-code=\"" + p.b() + "\"]') != null");
        String row = b.driver.findElement(By.cssSelector("#edit-workload tr[data-code=\"" + p.a() + "\"]")).getText();
        assertTrue(row.contains("→"), row);
        assertTrue(b.driver.findElement(By.id("edit-issues")).getText().length() > 0);
        assertTrue(((Number) b.js("return window.gridmapEdit.changedDrawn")).intValue() >= 2, "the changed grids are hatched");

        // a few more releases of the new vertex, each an operation: release → redrawn draft with new numbers
        int drags = Integer.getInteger("editmap.drags", 10); // ./gridmap bench editmap asks for more
        for (int k = 1; k <= drags; k++) {
            double f = k % 2 == 1 ? 1.4 : 1.8; // back and forth, some 20 px each time, the house always beyond the vertex
            double g = k % 2 == 1 ? 1.8 : 1.4;
            double hx = p.hLon();
            double hy = p.hLat();
            double[] t = p.target();
            double projX = (t[0] - 1.8 * hx) / (1 - 1.8);
            double projY = (t[1] - 1.8 * hy) / (1 - 1.8);
            double[] next = {projX + f * (hx - projX), projY + f * (hy - projY)};
            double[] prev = {projX + g * (hx - projX), projY + g * (hy - projY)};
            before = settled();
            ready = edgeReady();
            b.drag(vertexNear(prev[0], prev[1]), b.px(next[1], next[0]));
            b.waitFor("window.gridmapEdit.opsSettled > " + before + " && !window.gridmapEdit.busy && window.gridmapEdit.edgeReady > " + ready);
            assertEquals(null, b.js("return window.gridmapEdit.lastError"), "drag " + k);
        }
        List<?> timings = (List<?>) b.js("return window.gridmapEdit.timings");
        assertEquals(drags + 1, timings.size(), "every release was timed");
        long[] ms = timings.stream().mapToLong(x -> ((Number) x).longValue()).sorted().toArray();
        long[] op = ((List<?>) b.js("return window.gridmapEdit.opTimings")).stream().mapToLong(x -> ((Number) x).longValue()).sorted().toArray();
        String line = String.format("planner's map, %s: release of a dragged vertex → redrawn draft with updated numbers, %d releases "
                + "(houses moving: %d): p50 %d ms, p95 %d ms, max %d ms %s; of which the operation's round trip: p50 %d ms, p95 %d ms%n",
                System.getProperty("editmap.city", "test city"), ms.length, items.size(), ms[ms.length / 2], ms[(int) Math.ceil(ms.length * 0.95) - 1],
                ms[ms.length - 1], Arrays.toString(ms), op[op.length / 2], op[(int) Math.ceil(op.length * 0.95) - 1]);
        System.out.print(line);
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/bench-editmap.txt"), line);
        b.screenshot("edit-map.png");

        // the preview: houses from → to, with the house in the list
        b.driver.findElement(By.cssSelector("[data-act=preview]")).click();
        b.waitFor("window.gridmapEdit.preview != null && document.getElementById('preview-kind') != null");
        new org.openqa.selenium.support.ui.Select(b.driver.findElement(By.id("preview-kind"))).selectByValue("houses");
        b.waitFor("window.gridmapEdit.preview.moves.kind === 'houses' && document.getElementById('preview-kind') != null");
        assertTrue(b.driver.findElement(By.id("edit-preview")).getText().contains("#" + p.house()), "the preview lists the house");
        b.screenshot("edit-preview.png");

        // undo and redo through the op list
        long rev = (Long) b.js("return window.gridmapEdit.cs.revision");
        b.driver.findElement(By.cssSelector("[data-tool=undo]")).click();
        b.waitFor("window.gridmapEdit.cs.revision === " + (rev + 1) + " && document.querySelectorAll('#edit-tools .ops li.undone').length === 1");
        b.driver.findElement(By.cssSelector("[data-tool=redo]")).click();
        b.waitFor("window.gridmapEdit.cs.revision === " + (rev + 2) + " && document.querySelectorAll('#edit-tools .ops li.undone').length === 0");

        // submit today: the chain is the community, then the street
        b.driver.findElement(By.cssSelector("[data-act=submit]")).click();
        b.waitFor("window.gridmapEdit.cs.state === 'submitted'");
        assertEquals(List.of("community", "street"), b.js("return window.gridmapEdit.cs.chain"));

        // an approver of another district's community does not see it, in her queue or her list
        String outside = "map-approver-outside";
        Logins.token(outside, List.of(Roles.APPROVER), List.of("321102001001"), false);
        b.loginFresh(root, outside, Logins.password(outside));
        b.driver.findElement(By.id("open-changesets")).click();
        b.waitFor("window.gridmapEdit.listShown >= 1 && Array.isArray(window.gridmapEdit.queue)");
        assertFalse((Boolean) b.js("return window.gridmapEdit.queue.includes(arguments[0]) || window.gridmapEdit.list.includes(arguments[0])", id));

        // the community's approver, then the street's, each from her queue, on the map with the same preview
        String[] approvers = {"approver-" + p.a().substring(0, 12), "approver-" + p.a().substring(0, 9)};
        EditFixtures.communityApprover(p.a());
        EditFixtures.streetApprover(p.a());
        for (int i = 0; i < approvers.length; i++) {
            b.loginFresh(root, approvers[i], Logins.password(approvers[i]));
            openFromPanel("queue", id);
            assertTrue(b.driver.findElements(By.id("edit-tools")).isEmpty(), "an approver gets no editing tools");
            b.driver.findElement(By.cssSelector("[data-act=preview]")).click();
            b.waitFor("window.gridmapEdit.preview != null");
            b.driver.findElement(By.id("decision-comment")).sendKeys(i == 0 ? "社区同意，户数在范围内" : "街道同意");
            b.driver.findElement(By.cssSelector("[data-act=approve]")).click();
            b.waitFor("window.gridmapEdit.cs.approvals.length === " + (i + 1));
        }
        assertEquals("approved", b.js("return window.gridmapEdit.cs.state"));
        assertTrue(b.driver.findElement(By.cssSelector(".timeline")).getText().contains("社区同意"));
        b.screenshot("edit-timeline.png");

        // the planner publishes; the map and the lookup answer the new grid, and the old one for yesterday
        b.loginFresh(root, PLANNER, Logins.password(PLANNER));
        openFromPanel("cs-list", id);
        b.driver.findElement(By.cssSelector("[data-act=publish]")).click();
        b.waitFor("window.gridmapEdit.cs.state === 'published'");
        assertEquals(p.b(), gridAt(p.hLon(), p.hLat(), null), "the house's point is in the other grid now");
        assertEquals(p.a(), gridAt(p.hLon(), p.hLat(), today().minusDays(1).toString()), "and in the first grid yesterday");
        b.driver.findElement(By.id("open-changesets")).click(); // closes the panel: the published map
        b.waitFor("document.getElementById('edit-panel').hidden");
        // the element points off (a click on one opens the element), then a click at the house's point
        for (WebElement box : b.driver.findElements(By.cssSelector(".leaflet-control-layers-overlays label"))) {
            if (box.getText().matches(".*(Events|Components|Organizations).*") && box.findElement(By.tagName("input")).isSelected()) {
                box.click();
            }
        }
        b.js("window.gridmap.map.setView([arguments[0], arguments[1]], 18, {animate: false})", p.hLat(), p.hLon());
        Thread.sleep(500);
        b.clickAt(p.hLat(), p.hLon());
        b.waitFor("document.querySelector('.leaflet-popup .region-code') != null");
        String shown = b.driver.findElement(By.cssSelector(".leaflet-popup .region-code")).getText();
        assertTrue(shown.startsWith(p.b()), "the map's popup at the house names the new grid: " + shown);

        // history: yesterday's grids, and the first grid's two versions
        b.driver.findElement(By.id("open-history")).click();
        b.waitFor("document.getElementById('history-day') != null");
        b.js("document.getElementById('history-day').value = arguments[0]", today().minusDays(1).toString());
        b.driver.findElement(By.cssSelector("#history-panel [data-act=show]")).click();
        b.waitFor("window.gridmapHistory.loaded >= 1 && window.gridmapHistory.codes.includes('" + p.a() + "')");
        b.js("window.gridmap.map.closePopup()");
        b.clickAt(p.inA()[1], p.inA()[0]);
        b.waitFor("window.gridmapHistory.shown != null && window.gridmapHistory.shown.code === '" + p.a() + "'");
        assertEquals(2L, b.js("return window.gridmapHistory.shown.versions.length"), "its old and its new version");
        b.screenshot("edit-history.png");
        b.driver.findElement(By.cssSelector("#history-panel [data-act=close]")).click();
    }

    /** Fits the map to a region and waits for the draft of the level in view. */
    private void showRegion(String code) {
        b.js("const m = window.gridmap.map; window.gridmapApi.regionGeometry(arguments[0]).then((g) => "
                + "{ m.fitBounds(L.geoJSON(g).getBounds(), {maxZoom: 18, paddingTopLeft: [720, 80], paddingBottomRight: [80, 80], animate: false});"
                + " window.__shownBounds = L.geoJSON(g).getBounds(); window.__shown = arguments[0]; })", code);
        b.waitFor("window.__shown === '" + code + "' && window.gridmap.map.getBounds().contains(window.__shownBounds)");
        b.js("window.gridmapEdit.reload().then(() => { window.__loaded = arguments[0]; })", code);
        b.waitFor("window.__loaded === '" + code + "' && window.gridmapEdit.drawn > 0 && !window.gridmapEdit.busy");
    }

    private double[] point(String sql, Object... args) throws Exception {
        String[] r = EditFixtures.row(owner, sql, args);
        return new double[] {Double.parseDouble(r[0]), Double.parseDouble(r[1])};
    }

    private double[] inside(String code) throws Exception {
        return point("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM region WHERE code = ? AND generation_high IS NULL) x", code);
    }

    /** A line across a region through its point on surface, from 15 % beyond its west side to 15 % beyond its east side. */
    private double[][] across(String code) throws Exception {
        String[] r = EditFixtures.row(owner, "SELECT ST_XMin(geom), ST_XMax(geom), ST_Y(ST_PointOnSurface(geom)) FROM region WHERE code = ? "
                + "AND generation_high IS NULL", code);
        double x0 = Double.parseDouble(r[0]);
        double x1 = Double.parseDouble(r[1]);
        double y = Double.parseDouble(r[2]);
        double w = x1 - x0;
        return new double[][] {{x0 - 0.15 * w, y}, {x1 + 0.15 * w, y}};
    }

    /** Draws a line with clicks (Geoman's draw mode), finishing it with a double click at its last point; waits for the operation. */
    private void drawLine(double[][] line) throws Exception {
        int before = settled();
        for (int i = 0; i < line.length; i++) {
            double[] p = b.px(line[i][1], line[i][0]);
            org.openqa.selenium.interactions.Actions a = new org.openqa.selenium.interactions.Actions(b.driver)
                    .moveToLocation((int) Math.round(p[0]), (int) Math.round(p[1]));
            (i == line.length - 1 ? a.doubleClick() : a.click()).perform();
            Thread.sleep(150);
        }
        awaitOp(before);
    }

    /** Shows a region, selects it with a click inside {@code across}, picks the tool, and draws a line across {@code across}. */
    private void selectAndDraw(String code, String across, String tool) throws Exception {
        showRegion(code);
        double[] at = inside(across);
        selectAt(at[0], at[1], code);
        b.driver.findElement(By.cssSelector("[data-tool=" + tool + "]")).click();
        drawLine(across(across));
    }

    private void awaitOp(int before) {
        b.waitFor("window.gridmapEdit.opsSettled > " + before + " && !window.gridmapEdit.busy");
        assertEquals(null, b.js("return window.gridmapEdit.lastError"), "the operation was accepted");
    }

    private void level(String level) {
        b.driver.findElement(By.cssSelector("#edit-panel [data-level=" + level + "]")).click();
        b.waitFor("window.gridmapEdit.level === '" + level + "' && !window.gridmapEdit.busy");
    }

    @Test
    void aPlannerSplitsMergesCarvesAndPaintsWithClicksAndLines() throws Exception {
        String street = DISTRICT + "002";
        long id = newChangeSet("润州微网格调整");
        EditFixtures fx = new EditFixtures(owner, plannerToken());
        String[] mh = fx.movable(street, 0); // a micro-grid that can join the grid next to it
        String split = EditFixtures.row(owner, "SELECT code FROM region WHERE level = 'microgrid' AND generation_high IS NULL AND code LIKE ? "
                + "AND left(code, 15) NOT IN (?, ?) AND ST_Area(geom::geography) > 15000 ORDER BY code LIMIT 1", street + "%",
                mh[0].substring(0, 15), mh[1])[0];
        String[] merge = EditFixtures.row(owner, "SELECT a.code, b.code FROM region a JOIN region b ON b.parent_code = a.parent_code AND b.code > a.code "
                + "WHERE a.level = 'microgrid' AND a.generation_high IS NULL AND b.generation_high IS NULL AND a.code LIKE ? "
                + "AND a.parent_code NOT IN (?, ?, ?) AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))::geography) > 40 "
                + "ORDER BY a.code DESC LIMIT 1", street + "%", mh[0].substring(0, 15), mh[1], split.substring(0, 15));
        String carveGrid = EditFixtures.row(owner, "SELECT code FROM region WHERE level = 'grid' AND generation_high IS NULL AND code LIKE ? "
                + "AND code NOT IN (?, ?, ?, ?) ORDER BY code DESC OFFSET 2 LIMIT 1", street + "%", mh[0].substring(0, 15), mh[1],
                split.substring(0, 15), merge[0].substring(0, 15))[0];
        String carved = EditFixtures.row(owner, "SELECT code FROM region WHERE parent_code = ? AND generation_high IS NULL "
                + "ORDER BY ST_Area(geom) DESC LIMIT 1", carveGrid)[0];

        // split a micro-grid: select it, 分割, a line drawn across it with clicks
        level("microgrid");
        selectAndDraw(split, split, "split");
        assertEquals("split", b.js("return window.gridmapEdit.cs.ops[0].op.op"));
        assertTrue(((List<?>) b.js("return window.gridmapEdit.changed")).size() >= 2, "the micro-grid and its new part");

        // merge two micro-grids of one grid: two clicks, 合并
        showRegion(merge[0]);
        b.driver.findElement(By.cssSelector("[data-tool=clear]")).click();
        double[] m0 = inside(merge[0]);
        double[] m1 = inside(merge[1]);
        selectAt(m0[0], m0[1], merge[0]);
        selectAt(m1[0], m1[1], merge[1]);
        int before = settled();
        b.driver.findElement(By.cssSelector("[data-tool=merge]")).click();
        awaitOp(before);
        assertEquals("merge", b.js("return window.gridmapEdit.cs.ops[1].op.op"));

        // carve new micro-grids out of a grid: select the grid, 新建微网格, a line across its largest micro-grid
        level("grid");
        selectAndDraw(carveGrid, carved, "carve");
        assertEquals("createMicrogrids", b.js("return window.gridmapEdit.cs.ops[2].op.op"));

        // paint a micro-grid into the next grid: select that grid, 划入, click the micro-grid
        showRegion(mh[1]);
        b.driver.findElement(By.cssSelector("[data-tool=clear]")).click();
        double[] h = inside(mh[1]);
        selectAt(h[0], h[1], mh[1]);
        b.driver.findElement(By.cssSelector("[data-tool=paint]")).click();
        b.waitFor("window.gridmapEdit.mode === 'paint' && window.gridmapEdit.level === 'microgrid'");
        showRegion(mh[0]);
        before = settled();
        double[] pm = inside(mh[0]);
        b.clickAt(pm[1], pm[0]);
        awaitOp(before);
        assertEquals("moveMicrogrids", b.js("return window.gridmapEdit.cs.ops[3].op.op"));
        assertEquals(mh[1], b.js("return window.gridmapEdit.cs.ops[3].op.toGrid"));
        assertEquals(4L, b.js("return window.gridmapEdit.cs.revision"));
        // what is stored says the same: four operations, the painted micro-grid renumbered into the grid
        as(plannerToken()).get("/api/changesets/" + id).then().statusCode(200).body("ops.size()", org.hamcrest.Matchers.equalTo(4));
        assertEquals("t", EditFixtures.row(owner, "SELECT bool_or(deleted) FROM change_set_region WHERE change_set_id = ? AND code = ?", id, mh[0])[0]);
    }

    /**
     * Someone else edits the draft while the planner's map is open: her next save is refused with the conflict shown,
     * and 重新加载 Reload brings the draft at its new revision (nothing is overwritten); 调整前/调整后 switch what is drawn.
     */
    @Test
    void aStaleSaveShowsTheConflictAndReloadsWithoutOverwriting() throws Exception {
        long id = newChangeSet("并发修改");
        String[] merge = EditFixtures.row(owner, "SELECT a.code, b.code FROM region a JOIN region b ON b.parent_code = a.parent_code AND b.code > a.code "
                + "WHERE a.level = 'microgrid' AND a.generation_high IS NULL AND b.generation_high IS NULL AND a.code LIKE ? "
                + "AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))::geography) > 40 ORDER BY a.code DESC LIMIT 1",
                DISTRICT + "003%");
        level("microgrid");
        showRegion(merge[0]);
        double[] m0 = inside(merge[0]);
        double[] m1 = inside(merge[1]);
        selectAt(m0[0], m0[1], merge[0]);
        selectAt(m1[0], m1[1], merge[1]);
        // the same change set renamed meanwhile, from another tab
        as(plannerToken()).body("{\"revision\":0,\"op\":\"rename\",\"code\":\"" + merge[1] + "\",\"name\":\"另一窗口改的名\"}")
                .post("/api/changesets/" + id + "/ops").then().statusCode(200);
        int before = settled();
        b.driver.findElement(By.cssSelector("[data-tool=merge]")).click();
        b.waitFor("window.gridmapEdit.opsSettled > " + before);
        assertEquals(409L, b.js("return window.gridmapEdit.lastError.status"));
        assertFalse((Boolean) b.js("return document.getElementById('edit-conflict').hidden"), "the conflict is shown");
        assertEquals(1L, b.js("return window.gridmapEdit.conflict.currentRevision"));
        int opened = ((Number) b.js("return window.gridmapEdit.opened")).intValue();
        b.driver.findElement(By.cssSelector("#edit-conflict [data-act=reload]")).click();
        b.waitFor("window.gridmapEdit.opened > " + opened + " && window.gridmapEdit.conflict == null");
        assertEquals(1L, b.js("return window.gridmapEdit.cs.revision"));
        assertEquals("rename", b.js("return window.gridmapEdit.cs.ops[0].op.op"), "the other tab's edit stands");
        as(plannerToken()).get("/api/changesets/" + id).then().body("ops.size()", org.hamcrest.Matchers.equalTo(1));

        // before / after: the published grids alone, then the draft alone
        b.driver.findElement(By.cssSelector("#edit-panel [data-view=after]")).click();
        b.waitFor("window.gridmapEdit.view === 'after' && !window.gridmap.state.visibleLevels.has('microgrid')");
        b.driver.findElement(By.cssSelector("#edit-panel [data-view=before]")).click();
        b.waitFor("window.gridmapEdit.view === 'before' && window.gridmap.state.visibleLevels.has('microgrid')");
        b.driver.findElement(By.cssSelector("#edit-panel [data-view=compare]")).click();
        b.waitFor("window.gridmapEdit.view === 'compare'");
    }

    /**
     * Another change set publishes over a region this one changes: its publish is refused with the conflict shown,
     * and 变基 Rebase replays its operations on the newest boundaries (back to draft, to be signed off again).
     */
    @Test
    void aPublishOverChangedRegionsOffersARebase() throws Exception {
        String street = DISTRICT + "004";
        EditFixtures fx = new EditFixtures(owner, plannerToken());
        String[] mh = fx.movable(street, 0);
        String grid = mh[0].substring(0, 15);
        long id = as(plannerToken()).body(Map.of("title", "改名方案")).post("/api/changesets").then().statusCode(201).extract().jsonPath().getLong("id");
        as(plannerToken()).body("{\"revision\":0,\"op\":\"rename\",\"code\":\"" + grid + "\",\"name\":\"新名称网格\"}")
                .post("/api/changesets/" + id + "/ops").then().statusCode(200);
        as(plannerToken()).body("{\"revision\":1,\"effectiveFrom\":\"" + today() + "\"}").post("/api/changesets/" + id + "/submit").then().statusCode(200);
        for (String approver : List.of(EditFixtures.communityApprover(grid), EditFixtures.streetApprover(grid))) {
            if ("submitted".equals(as(plannerToken()).get("/api/changesets/" + id).then().extract().path("state"))) {
                as(approver).body("{\"revision\":1,\"decision\":\"approve\"}").post("/api/changesets/" + id + "/approvals").then().statusCode(200);
            }
        }
        // meanwhile another change set moves one of that grid's micro-grids away, and is published
        int generation = fx.publishMove("先发布的方案", mh[0], mh[1], today().toString());

        plannerToken();
        b.loginFresh(root, PLANNER, Logins.password(PLANNER));
        openFromPanel("cs-list", id);
        assertEquals("approved", b.js("return window.gridmapEdit.cs.state"));
        b.driver.findElement(By.cssSelector("[data-act=publish]")).click();
        b.waitFor("window.gridmapEdit.conflict != null && !document.getElementById('edit-conflict').hidden");
        assertTrue(b.driver.findElement(By.id("edit-conflict")).getText().contains(grid), "the conflict names the region");
        int opened = ((Number) b.js("return window.gridmapEdit.opened")).intValue();
        b.driver.findElement(By.cssSelector("#edit-conflict [data-act=rebase]")).click();
        b.waitFor("window.gridmapEdit.opened > " + opened + " && window.gridmapEdit.conflict == null");
        assertEquals((long) generation, b.js("return window.gridmapEdit.cs.baseGeneration"), "on the newest boundaries");
        assertEquals("draft", b.js("return window.gridmapEdit.cs.state"), "to be signed off again");
        assertEquals("rename", b.js("return window.gridmapEdit.cs.ops[0].op.op"), "its operation replayed");
    }

    @Test
    void aLineThatLeavesThePairIsRefusedWithItsPlaceMarkedAndNothingIsStored() throws Exception {
        long id = newChangeSet("越界的边界");
        // two grids sharing a long edge, and a third grid next to the first only
        String[] r = EditFixtures.row(owner, """
                WITH g AS (SELECT code, parent_code, geom FROM region WHERE level = 'grid' AND generation_high IS NULL AND code LIKE ?)
                SELECT ac, bc, cc, ST_X(t), ST_Y(t) FROM (
                SELECT a.code ac, b.code bc, c.code cc, c.geom cg,
                       -- 60 m into the third grid from the middle of its edge with the first: farther than Geoman snaps
                       ST_LineInterpolatePoint(ST_MakeLine(ST_Centroid(ST_Intersection(a.geom, c.geom)), ST_PointOnSurface(c.geom)),
                           least(0.9, 60 / greatest(1, ST_Distance(ST_Centroid(ST_Intersection(a.geom, c.geom))::geography,
                                                                   ST_PointOnSurface(c.geom)::geography)))) t
                FROM g a JOIN g b ON b.parent_code = a.parent_code AND b.code > a.code AND ST_Intersects(a.geom, b.geom)
                JOIN g c ON c.parent_code = a.parent_code AND c.code NOT IN (a.code, b.code) AND ST_Intersects(a.geom, c.geom)
                         AND NOT ST_Intersects(b.geom, c.geom)
                WHERE ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))::geography) > 150
                  AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(c.geom))::geography) > 100
                  AND ST_Distance(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))::geography, ST_Intersection(a.geom, c.geom)::geography) < 400
                ) x WHERE ST_Covers(cg, t) ORDER BY ac, bc, cc LIMIT 1""", DISTRICT + "%");
        String a = r[0];
        String bb = r[1];
        double cx = Double.parseDouble(r[3]);
        double cy = Double.parseDouble(r[4]);
        double[] inA = inside(a);
        double[] inB = inside(bb);
        String[] mid = EditFixtures.row(owner, "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Centroid(ST_Collect(ARRAY[ST_PointOnSurface(a.geom), "
                + "ST_PointOnSurface(b.geom), ST_SetSRID(ST_MakePoint(?, ?), 4326)])) p FROM region a, region b WHERE a.code = ? AND b.code = ? "
                + "AND a.generation_high IS NULL AND b.generation_high IS NULL) x", cx, cy, a, bb);
        b.js("window.gridmap.map.setView([arguments[0], arguments[1]], 17, {animate: false})", Double.parseDouble(mid[1]), Double.parseDouble(mid[0]));
        b.waitFor("window.gridmapEdit.drawn > 0");
        Thread.sleep(300);
        b.waitFor("window.gridmapEdit.drawn > 0 && !window.gridmapEdit.busy");
        selectAt(inA[0], inA[1], a);
        selectAt(inB[0], inB[1], bb);
        int ready = edgeReady();
        b.driver.findElement(By.cssSelector("[data-tool=edge]")).click();
        b.waitFor("(window.gridmapEdit.edgeReady || 0) > " + ready);
        long vertices = (Long) b.js("return window.gridmapEdit.edgeLayers[0].getLatLngs().length");
        int segment = (int) (vertices - 1) / 2;
        int before = settled();
        ready = edgeReady();
        b.drag(segmentMiddle(segment), b.px(cy, cx));
        b.waitFor("window.gridmapEdit.opsSettled > " + before + " && window.gridmapEdit.edgeReady > " + ready);

        assertEquals(422L, b.js("return window.gridmapEdit.lastError.status"));
        assertEquals("line-leaves-pair", b.js("return window.gridmapEdit.rejected[0].rule"));
        assertTrue(b.driver.findElement(By.id("edit-issues")).getText().contains("未保存"), "the panel says nothing was stored");
        String rule = b.driver.findElement(By.cssSelector("#edit-issues li.issue.error")).getAttribute("data-rule");
        assertEquals("line-leaves-pair", rule);
        // the marked place is the part of the line outside the pair: in the third grid, through the vertex as it was
        // released (Geoman may have snapped it to a neighbour's vertex near the pointer)
        String location = (String) b.js("return JSON.stringify(window.gridmapEdit.rejected[0].location)");
        assertNotNull(location);
        List<?> released = (List<?>) b.js("const t = L.latLng(arguments[1], arguments[0]); let best = null;"
                + " window.gridmapEdit.lastBody.line.coordinates.forEach((c) => { const v = L.latLng(c[1], c[0]);"
                + " if (best == null || v.distanceTo(t) < L.latLng(best[1], best[0]).distanceTo(t)) best = c; }); return best;", cx, cy);
        double vx = ((Number) released.get(0)).doubleValue();
        double vy = ((Number) released.get(1)).doubleValue();
        String[] where = EditFixtures.row(owner, "SELECT ST_Intersects(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326), c.geom), "
                + "ST_Distance(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)::geography, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography), "
                + "ST_Intersects(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326), ST_Buffer(ST_Union(a.geom, b.geom), -0.00001)), "
                + "ST_Distance(ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography) "
                + "FROM region a, region b, region c WHERE a.code = ? AND b.code = ? AND c.code = ? AND a.generation_high IS NULL "
                + "AND b.generation_high IS NULL AND c.generation_high IS NULL", location, location, vx, vy, location, vx, vy, cx, cy, a, bb, r[2]);
        assertEquals("t", where[0], "the error is marked in the grid the line entered");
        assertTrue(Double.parseDouble(where[1]) < 1, "through the released vertex: " + where[1] + " m");
        assertTrue(Double.parseDouble(where[3]) < 40, "which is where the pointer let go, or a vertex snapped to near it: " + where[3] + " m");
        assertEquals("f", where[2], "and not inside the pair");
        assertTrue((Boolean) b.js("const c = L.latLng(arguments[0], arguments[1]); let hit = false;"
                + " window.gridmapEdit.issueLayerBounds().forEach((bd) => { if (bd.pad(0.05).contains(c)) hit = true; }); return hit;", vy, vx),
                "the map marks the place");
        // nothing is stored, and the editable edge is the stored one again
        as(plannerToken()).get("/api/changesets/" + id).then().statusCode(200).body("revision", org.hamcrest.Matchers.equalTo(0))
                .body("ops", org.hamcrest.Matchers.empty());
        assertEquals("0", EditFixtures.row(owner, "SELECT count(*) FROM change_set_region WHERE change_set_id = ?", id)[0]);
        assertEquals(vertices, b.js("return window.gridmapEdit.edgeLayers[0].getLatLngs().length"));
        b.screenshot("edit-rejected.png");
    }

    @Test
    void anAnalystSeesNoEditingTools() throws Exception {
        String analyst = "map-analyst";
        Logins.token(analyst, List.of(Roles.ANALYST), List.of("321100"), false);
        b.loginFresh(root, analyst, Logins.password(analyst));
        assertTrue(b.driver.findElements(By.id("open-changesets")).isEmpty(), "no change-set panel");
        assertEquals(true, b.js("return typeof L.PM === 'undefined' && window.gridmapEdit === undefined"), "no editing library, no tools");
        assertFalse(b.driver.findElements(By.id("open-history")).isEmpty(), "the history of boundaries is there for every role");
    }
}
