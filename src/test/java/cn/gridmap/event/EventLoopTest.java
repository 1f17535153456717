package cn.gridmap.event;

import static cn.gridmap.event.EventFixtures.act;
import static cn.gridmap.event.EventFixtures.as;
import static cn.gridmap.event.EventFixtures.count;
import static cn.gridmap.event.EventFixtures.department;
import static cn.gridmap.event.EventFixtures.dispatcherOf;
import static cn.gridmap.event.EventFixtures.hotline;
import static cn.gridmap.event.EventFixtures.ok;
import static cn.gridmap.event.EventFixtures.place;
import static cn.gridmap.event.EventFixtures.report;
import static cn.gridmap.event.EventFixtures.row;
import static cn.gridmap.event.EventFixtures.workerOf;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.event.EventFixtures.Place;
import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/** The closed loop through the API, as the dispatcher, the department, the grid worker and the 12345 platform run it. */
@QuarkusTest
class EventLoopTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    @Inject
    Escalation escalation;

    @Test
    void aReportGoesToTheGridsFullTimeWorkerAndTheClassesDepartmentWithTheRegisterDeadline() throws Exception {
        Place p = place(owner, 0, 40);
        JsonPath r = report(hotline(), "0102", p, "路边暴露垃圾").jsonPath();
        assertEquals("reported", r.getString("state"));
        assertEquals(p.grid(), r.getString("gridCode"));
        assertTrue(r.getString("microgridCode").startsWith(p.grid()));
        assertEquals(p.worker(), r.getString("assignee"));
        assertEquals(EventFixtures.DISTRICT + "-hw", r.getString("departmentCode"));
        assertFalse(r.getBoolean("routing.nearBoundary"));
        assertEquals(List.of(), r.getList("routing.candidates"));
        // 立案 within 1 working hour of the report, on the workday calendar
        Instant due = OffsetDateTime.parse(r.getString("dueAt")).toInstant();
        String stored = row(owner, "SELECT due_at FROM event_stage WHERE event_id = ? AND stage = 'register'", r.getLong("id"))[0];
        assertNotNull(stored);
        assertTrue(due.isAfter(Instant.now()), r.getString("dueAt"));
    }

    @Test
    void aDispatcherAndTheDepartmentAndTheGridWorkerRunAnEventFromReportToEvaluation() throws Exception {
        Place p = place(owner, 1, 40);
        long id = report(hotline(), "0102", p, "小区门口垃圾成堆").jsonPath().getLong("id");
        String dispatcher = dispatcherOf(p);
        String hw = department("hw");
        String worker = workerOf(p);
        ok(dispatcher, id, Map.of("action", "register", "note", "属实，立案"));
        JsonPath d = ok(dispatcher, id, Map.of("action", "dispatch")).jsonPath();
        assertEquals("dispatched", d.getString("state"));
        assertEquals(p.worker(), d.getString("assignee"));
        assertEquals(EventFixtures.DISTRICT + "-hw", d.getString("departmentCode"));
        assertEquals(List.of("accept", "return"), as(hw).get("/api/events/" + id).then().statusCode(200).extract().path("actions"));
        ok(hw, id, Map.of("action", "accept"));
        ok(hw, id, Map.of("action", "handle", "note", "已清运", "attachment", "photo:after-1.jpg"));
        ok(worker, id, Map.of("action", "verify", "passed", true, "note", "现场核查已清理"));
        ok(dispatcher, id, Map.of("action", "close"));
        JsonPath done = ok(dispatcher, id, Map.of("action", "evaluate", "satisfaction", "satisfied", "solved", true)).jsonPath();
        assertEquals("evaluated", done.getString("state"));
        assertTrue(done.getBoolean("closedOnTime"));
        assertEquals("satisfied", done.getString("satisfaction"));
        assertEquals(List.of(), done.getList("actions"));

        JsonPath log = as(dispatcher).get("/api/events/" + id + "/log").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("report", "register", "dispatch", "accept", "handle", "verify", "close", "evaluate"), log.getList("action"));
        assertEquals(List.of("hotline-12345", "pq." + p.street(), "pq." + p.street(), "bm.321112-hw", "bm.321112-hw", p.worker(),
                "pq." + p.street(), "pq." + p.street()), log.getList("actor"));
        assertEquals(List.of("system", "dispatcher", "dispatcher", "department", "department", "gridworker", "dispatcher", "dispatcher"),
                log.getList("role"));
        assertEquals("photo:after-1.jpg", log.getString("find { it.action == 'handle' }.attachment"));
        assertEquals(List.of("reported", "registered", "dispatched", "handling", "handled", "verified", "closed", "evaluated"), log.getList("toState"));
        // every stage done, in time, and nothing left open
        assertEquals(0, count(owner, "SELECT count(*) FROM event_stage WHERE event_id = ? AND done_at IS NULL", id));
        assertEquals(6, count(owner, "SELECT count(*) FROM event_stage WHERE event_id = ? AND on_time", id), "register … close, each in time");
        // the log is append-only, even for the tables' owner
        try (var c = owner.getConnection(); var s = c.createStatement()) {
            org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                    () -> s.executeUpdate("UPDATE event_log SET note = 'x' WHERE event_id = " + id));
        }
    }

    @Test
    void anActionNotAllowedFromTheStateIs409WithTheActionsThatAre() throws Exception {
        Place p = place(owner, 2, 40);
        long id = report(hotline(), "0102", p, "垃圾").jsonPath().getLong("id");
        act(dispatcherOf(p), id, Map.of("action", "close")).then().statusCode(409).body("state", equalTo("reported"))
                .body("allowed", equalTo(List.of("register", "void"))).body("message", containsString("close is not allowed"));
        act(dispatcherOf(p), id, Map.of("action", "fly")).then().statusCode(400).body("message", containsString("action must be one of"));
        act(dispatcherOf(p), id, Map.of("action", "void")).then().statusCode(400).body("message", containsString("void needs a note"));
        act(dispatcherOf(p), 999_999_999_999L, Map.of("action", "register")).then().statusCode(404);
        as(dispatcherOf(p)).body("[1]").post("/api/events/" + id + "/transitions").then().statusCode(400);
        assertEquals("reported", row(owner, "SELECT state FROM event WHERE id = ?", id)[0]);
    }

    @Test
    void aGridWorkerActsOnlyOnHerOwnEventsAndSeesNoneOutsideHerGrids() throws Exception {
        Place p = place(owner, 3, 40);
        long id = report(hotline(), "0601", p, "夜间噪音扰民").jsonPath().getLong("id"); // no department: the grid worker handles it
        String dispatcher = dispatcherOf(p);
        ok(dispatcher, id, Map.of("action", "register"));
        ok(dispatcher, id, Map.of("action", "dispatch"));
        // the backup of this grid (the worker of the previous grid) sees the event but may not take it
        String backup = row(owner, "SELECT username FROM staff_assignment WHERE region_code = ? AND duty = 'backup'", p.grid())[0];
        act(Logins.staff(backup), id, Map.of("action", "accept")).then().statusCode(403).body("message", containsString(p.worker()));
        as(Logins.staff(backup)).get("/api/events/" + id + "/log").then().statusCode(403);
        // a worker of another street does not see it at all
        Place far = EventFixtures.placeOutside(owner, p.street());
        as(workerOf(far)).get("/api/events/" + id).then().statusCode(404);
        act(workerOf(far), id, Map.of("action", "accept")).then().statusCode(404);
        // an analyst takes no action at all
        String analyst = Logins.token("analyst-events", List.of(Roles.ANALYST), List.of("321100"), false);
        act(analyst, id, Map.of("action", "accept")).then().statusCode(403);
        // her own: she signs for it and handles it
        ok(workerOf(p), id, Map.of("action", "accept"));
        ok(workerOf(p), id, Map.of("action", "handle", "note", "已调解"));
        assertEquals("handled", row(owner, "SELECT state FROM event WHERE id = ?", id)[0]);
    }

    @Test
    void aFailedVerificationSendsTheEventBackToReworkWithANewDisposalDeadline() throws Exception {
        Place p = place(owner, 4, 40);
        long id = report(hotline(), "0102", p, "垃圾未清").jsonPath().getLong("id");
        String dispatcher = dispatcherOf(p);
        String hw = department("hw");
        ok(dispatcher, id, Map.of("action", "register"));
        ok(dispatcher, id, Map.of("action", "dispatch"));
        ok(hw, id, Map.of("action", "accept"));
        ok(hw, id, Map.of("action", "handle", "note", "已清运"));
        JsonPath r = ok(workerOf(p), id, Map.of("action", "verify", "passed", false, "note", "仍有残留")).jsonPath();
        assertEquals("rework", r.getString("state"));
        assertEquals(1, r.getInt("reworks"));
        assertEquals(2, count(owner, "SELECT count(*) FROM event_stage WHERE event_id = ? AND stage = 'handle'", id));
        ok(hw, id, Map.of("action", "accept"));
        ok(hw, id, Map.of("action", "handle", "note", "二次清运"));
        ok(workerOf(p), id, Map.of("action", "verify", "passed", true));
        assertEquals("verified", row(owner, "SELECT state FROM event WHERE id = ?", id)[0]);
    }

    @Test
    void anApprovedExtensionMovesTheDisposalDeadlineByWorkingTime() throws Exception {
        Place p = place(owner, 5, 40);
        long id = report(hotline(), "0101", p, "违章搭建").jsonPath().getLong("id");
        String dispatcher = dispatcherOf(p);
        ok(dispatcher, id, Map.of("action", "register"));
        ok(dispatcher, id, Map.of("action", "dispatch"));
        ok(department("cg"), id, Map.of("action", "accept"));
        act(dispatcher, id, Map.of("action", "extend", "note", "需走拆除程序")).then().statusCode(400).body("message", containsString("workingDays"));
        JsonPath r = ok(dispatcher, id, Map.of("action", "extend", "workingDays", 5, "note", "需走拆除程序")).jsonPath();
        assertEquals("extended", r.getString("state"));
        JsonPath log = as(dispatcher).get("/api/events/" + id + "/log").then().extract().jsonPath();
        Instant from = OffsetDateTime.parse(log.getString("find { it.action == 'extend' }.detail.fromDueAt")).toInstant();
        Instant to = OffsetDateTime.parse(log.getString("find { it.action == 'extend' }.detail.toDueAt")).toInstant();
        // five working days are at least a week of calendar time
        assertTrue(ChronoUnit.DAYS.between(from, to) >= 7, from + " → " + to);
        ok(department("cg"), id, Map.of("action", "handle", "note", "已拆除"));
    }

    @Test
    void aDepartmentReturnsWhatIsNotItsOwnAndTheDispatcherSendsItAgain() throws Exception {
        Place p = place(owner, 6, 40);
        long id = report(hotline(), "0102", p, "垃圾").jsonPath().getLong("id");
        String dispatcher = dispatcherOf(p);
        ok(dispatcher, id, Map.of("action", "register"));
        ok(dispatcher, id, Map.of("action", "dispatch"));
        act(department("hw"), id, Map.of("action", "return")).then().statusCode(400).body("message", containsString("note"));
        ok(department("hw"), id, Map.of("action", "return", "note", "属物业管理区域"));
        as(dispatcher).get("/api/events/queue?kind=new&region=" + p.street()).then().statusCode(200).body("items.id", hasItem(id))
                .body("items.find { it.id == " + id + " }.queueReason", containsString("属物业管理区域"));
        act(dispatcher, id, Map.of("action", "dispatch", "departmentCode", "321112-zz")).then().statusCode(400)
                .body("message", containsString("no department"));
        act(dispatcher, id, Map.of("action", "dispatch", "assignee", "wg.321183001001001")).then().statusCode(400)
                .body("message", containsString("no grid worker of grid " + p.grid()));
        ok(dispatcher, id, Map.of("action", "dispatch", "departmentCode", EventFixtures.DISTRICT + "-cg"));
        assertEquals(EventFixtures.DISTRICT + "-cg", row(owner, "SELECT department_code FROM event WHERE id = ?", id)[0]);
        as(dispatcher).get("/api/events/queue?kind=new&region=" + p.street()).then().body("items.id", not(hasItem(id)));
    }

    @Test
    void aReportNearAnOpenOneOfItsClassOffersItAsDuplicateAndTheDispatcherMergesThem() throws Exception {
        Place p = place(owner, 7, 60);
        long first = report(hotline(), "0304", p, "施工废弃料").jsonPath().getLong("id");
        Place near = new Place(p.grid(), p.lon() + 0.0003, p.lat());
        JsonPath second = report(hotline(), "0304", near, "工地废料堆放").jsonPath();
        assertEquals(first, second.getLong("duplicates[0].id"));
        assertTrue(second.getDouble("duplicates[0].distanceMeters") < 40, second.prettify());
        long id = second.getLong("id");
        ok(dispatcherOf(p), id, Map.of("action", "void", "duplicateOf", first));
        assertEquals(String.valueOf(first), row(owner, "SELECT duplicate_of FROM event WHERE id = ?", id)[0]);
        as(dispatcherOf(p)).get("/api/events/" + first + "/duplicates").then().statusCode(200).body("id", not(hasItem(id)));
    }

    @Test
    void aPointNearAGridEdgeWaitsForAdjudicationAndItsClockStartsWithTheDecision() throws Exception {
        // the middle of an edge two grids of one community share
        String[] e = row(owner, "SELECT a.code, b.code, ST_X(q.p), ST_Y(q.p) FROM region a JOIN region b ON b.parent_code = a.parent_code "
                + "AND b.code > a.code AND b.level = 'grid' AND b.generation_high IS NULL CROSS JOIN LATERAL (SELECT ST_PointOnSurface("
                + "ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))) AS p) q WHERE a.level = 'grid' AND a.generation_high IS NULL "
                + "AND a.code LIKE ? AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))::geography) > 100 "
                + "ORDER BY a.code OFFSET 3 LIMIT 1", EventFixtures.DISTRICT + "%");
        JsonPath r = as(hotline()).body(Map.of("classCode", "0102", "lon", Double.parseDouble(e[2]), "lat", Double.parseDouble(e[3]),
                "description", "边界处垃圾", "source", "hotline12345")).post("/api/events").then().statusCode(201).extract().jsonPath();
        assertEquals("adjudication", r.getString("state"));
        assertTrue(r.getBoolean("routing.nearBoundary"));
        assertTrue(r.getList("routing.candidates").containsAll(List.of(e[0], e[1])), r.prettify());
        assertEquals(null, r.getString("assignee"));
        assertEquals(null, r.getString("dueAt"));
        long id = r.getLong("id");
        assertEquals(0, count(owner, "SELECT count(*) FROM event_stage WHERE event_id = ?", id));
        Place p = new Place(e[0], 0, 0);
        String dispatcher = dispatcherOf(p);
        as(dispatcher).get("/api/events/queue?kind=adjudication&region=" + e[0].substring(0, 12)).then().statusCode(200)
                .body("items.id", hasItem(id));
        act(dispatcher, id, Map.of("action", "adjudicate", "gridCode", "321112999999999")).then().statusCode(400)
                .body("message", containsString("candidates"));
        JsonPath a = ok(dispatcher, id, Map.of("action", "adjudicate", "gridCode", e[1], "note", "以道路中心线为界")).jsonPath();
        assertEquals("reported", a.getString("state"));
        assertEquals(e[1], a.getString("gridCode"));
        assertEquals("wg." + e[1], a.getString("assignee"));
        assertNotNull(a.getString("dueAt"));
        assertEquals(1, count(owner, "SELECT count(*) FROM event_stage WHERE event_id = ? AND stage = 'register'", id));
    }

    /** Adjudicated into a grid of the neighbouring district, an event moves to that district's partition, keeping its id. */
    @Test
    void anEventAdjudicatedIntoTheNeighbouringDistrictMovesToThatDistrictsPartition() throws Exception {
        // the middle of an edge two grids of two districts share
        String[] e = row(owner, "SELECT a.code, b.code, ST_X(q.p), ST_Y(q.p) FROM region a JOIN region b ON a.geom && b.geom "
                + "AND left(b.code, 6) > left(a.code, 6) AND b.level = 'grid' AND b.generation_high IS NULL CROSS JOIN LATERAL (SELECT "
                + "ST_PointOnSurface(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))) AS p) q WHERE a.level = 'grid' "
                + "AND a.generation_high IS NULL AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))::geography) > 100 "
                + "ORDER BY a.code, b.code LIMIT 1");
        long id = as(hotline()).body(Map.of("classCode", "0102", "lon", Double.parseDouble(e[2]), "lat", Double.parseDouble(e[3]),
                "description", "区界处垃圾", "source", "hotline12345")).post("/api/events").then().statusCode(201)
                .body("state", equalTo("adjudication")).extract().jsonPath().getLong("id");
        String from = row(owner, "SELECT district_code FROM event WHERE id = ?", id)[0];
        String to = e[0].startsWith(from) ? e[1] : e[0];
        String city = "pq.city-adjudication";
        given().header("Authorization", "Bearer " + AsAdmin.adminToken()).contentType(ContentType.JSON)
                .body(Map.of("username", city, "password", Logins.password(city), "roles", List.of(Roles.DISPATCHER), "scope", List.of("321100")))
                .post("/api/users").then().statusCode(201);
        ok(Logins.login(city, Logins.password(city)), id, Map.of("action", "adjudicate", "gridCode", to, "note", "以区界为准"));
        assertEquals(to.substring(0, 6) + " " + to, String.join(" ", row(owner, "SELECT district_code, routed_grid FROM event_" + to.substring(0, 6)
                + " WHERE id = ?", id)));
        assertEquals(0, count(owner, "SELECT count(*) FROM event_" + from + " WHERE id = ?", id));
        assertEquals(1, count(owner, "SELECT count(*) FROM event_stage WHERE event_id = ? AND stage = 'register'", id));
    }

    @Test
    void anAbsentWorkersGridFallsToHerBackup() throws Exception {
        Place p = place(owner, 8, 40);
        String backup = row(owner, "SELECT username FROM staff_assignment WHERE region_code = ? AND duty = 'backup'", p.grid())[0];
        String admin = AsAdmin.adminToken();
        long absence = as(admin).body(Map.of("from", OffsetDateTime.now().minusHours(1).toString(), "to", OffsetDateTime.now().plusDays(3).toString(),
                "reason", "年休假")).post("/api/staff/" + p.worker() + "/absences").then().statusCode(201).extract().jsonPath().getLong("id");
        try {
            as(admin).get("/api/regions/" + p.grid() + "/staff").then().statusCode(200)
                    .body("staff.find { it.duty == 'fulltime' }.onDuty", equalTo(false));
            assertEquals(backup, report(hotline(), "0601", p, "楼上漏水").jsonPath().getString("assignee"));
        } finally {
            as(admin).delete("/api/staff/" + p.worker() + "/absences/" + absence).then().statusCode(204);
        }
        assertEquals(p.worker(), report(hotline(), "0601", p, "楼道堆物").jsonPath().getString("assignee"));
        as(admin).body(Map.of("from", "2026-01-02T08:00:00+08:00", "to", "2026-01-01T08:00:00+08:00", "reason", "x"))
                .post("/api/staff/" + p.worker() + "/absences").then().statusCode(400);
        as(admin).body(Map.of("from", "2026-01-01T08:00:00+08:00", "to", "2026-01-02T08:00:00+08:00", "reason", "x"))
                .post("/api/staff/nobody.here/absences").then().statusCode(404);
        // a dispatcher of another street may not mark her absent
        Place far = EventFixtures.placeOutside(owner, p.street());
        as(dispatcherOf(far)).body(Map.of("from", "2026-01-01T08:00:00+08:00", "to", "2026-01-02T08:00:00+08:00", "reason", "x"))
                .post("/api/staff/" + p.worker() + "/absences").then().statusCode(403);
    }

    @Test
    void overdueStagesAreEscalatedOnceEvenWhenTwoReplicasCheckAtOnce() throws Exception {
        Place p = place(owner, 9, 40);
        long id = report(hotline(), "0102", p, "垃圾无人处理").jsonPath().getLong("id");
        Instant later = Instant.now().plus(30, ChronoUnit.DAYS);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> escalation.escalateDue(later));
            var b = pool.submit(() -> escalation.escalateDue(later));
            assertTrue(a.get() + b.get() >= 1);
        } finally {
            pool.shutdown();
        }
        assertEquals(1, count(owner, "SELECT count(*) FROM event_log WHERE event_id = ? AND action = 'escalate'", id));
        assertEquals("1", row(owner, "SELECT escalations FROM event WHERE id = ?", id)[0]);
        as(dispatcherOf(p)).get("/api/events/queue?kind=overdue&region=" + p.grid()).then().statusCode(200).body("items.id", hasItem(id))
                .body("items.find { it.id == " + id + " }.overdue", equalTo(true));
        escalation.escalateDue(later);
        assertEquals(1, count(owner, "SELECT count(*) FROM event_log WHERE event_id = ? AND action = 'escalate'", id), "escalated once only");
    }

    @Test
    void myEventsAreListedNearestFirstWithTheirDistance() throws Exception {
        Place p = place(owner, 10, 40);
        long a = report(hotline(), "0601", p, "近处").jsonPath().getLong("id");
        Place farther = new Place(p.grid(), p.lon() + 0.0002, p.lat() + 0.0002);
        long b = report(hotline(), "0602", farther, "远处").jsonPath().getLong("id");
        JsonPath mine = as(workerOf(p)).get("/api/me/events?near=" + farther.lon() + "," + farther.lat()).then().statusCode(200).extract().jsonPath();
        List<Long> ids = mine.getList("items.id", Long.class);
        assertTrue(ids.indexOf(b) >= 0 && ids.indexOf(a) > ids.indexOf(b), ids.toString());
        assertTrue(mine.getDouble("items.find { it.id == " + b + " }.distanceMeters") < 1);
        List<Double> d = mine.getList("items.distanceMeters", Double.class);
        for (int i = 1; i < d.size(); i++) {
            assertTrue(d.get(i - 1) <= d.get(i), d.toString());
        }
        as(workerOf(p)).get("/api/me/events?near=abc").then().statusCode(400);
        as(dispatcherOf(p)).get("/api/me/events").then().statusCode(403);
    }

    @Test
    void queuesNeedAKnownKindAndARegionCode() throws Exception {
        Place p = place(owner, 11, 40);
        as(dispatcherOf(p)).get("/api/events/queue").then().statusCode(400).body("message", containsString("kind must be one of"));
        as(dispatcherOf(p)).get("/api/events/queue?kind=new&region=abc").then().statusCode(400);
        as(dispatcherOf(p)).get("/api/events/queue?kind=new&limit=0").then().statusCode(400);
        as(workerOf(p)).get("/api/events/queue?kind=new").then().statusCode(403);
    }
}
