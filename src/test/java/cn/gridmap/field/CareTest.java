package cn.gridmap.field;

import static cn.gridmap.event.EventFixtures.as;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.event.EventFixtures;
import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/**
 * 特殊人群服务管理: each tagged person is due at the shortest frequency of her tags after her last visit; her grid worker
 * sees her own people most overdue first, records visits once per key; all behind pii and scope, audited; the counts
 * per level are the registry's tagged people.
 */
@QuarkusTest
class CareTest {
    private static final ZoneId CITY = ZoneId.of("Asia/Shanghai");

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    /** A standard grid of the district with tagged people ({@code n}: which one). */
    private String grid(int n) throws Exception {
        return EventFixtures.row(owner, "SELECT g.code FROM region g WHERE g.level = 'grid' AND g.generation_high IS NULL AND g.code LIKE ? "
                + "AND coalesce(g.properties ->> 'kind', 'standard') = 'standard' AND (SELECT count(*) FROM person p WHERE p.tags <> '{}' "
                + "AND p.microgrid_code LIKE g.code || '%') >= 1 ORDER BY g.code OFFSET ? LIMIT 1", EventFixtures.DISTRICT + "%", n)[0];
    }

    @Test
    void aGridWorkerSeesEveryTaggedPersonOfHerGridsMostOverdueFirstAndAVisitMovesHerNextDay() throws Exception {
        String grid = grid(0);
        String worker = "wg." + grid;
        String token = Logins.staffWithPii(worker);
        JsonPath all = as(token).queryParam("state", "due,overdue,ok").queryParam("limit", 2000).get("/api/care/due").then().log().ifValidationFails()
                .statusCode(200).extract().jsonPath();
        long expected = EventFixtures.count(owner, "SELECT count(*) FROM person p WHERE p.tags <> '{}' AND left(p.microgrid_code, 15) IN "
                + "(SELECT region_code FROM staff_assignment WHERE username = ? AND duty IN ('head', 'fulltime', 'backup', 'parttime'))", worker);
        List<Long> ids = all.getList("people.personId", Long.class);
        assertEquals(expected, ids.size());
        assertEquals(expected, ids.stream().distinct().count());
        // the same list for the centre, by worker; nobody's is a 404, another district's a 403
        String centre = Logins.token("care-centre-" + EventFixtures.DISTRICT, List.of("dispatcher"), List.of(EventFixtures.DISTRICT), true);
        assertEquals(ids, as(centre).queryParam("worker", worker).queryParam("state", "due,overdue,ok").queryParam("limit", 2000).get("/api/care/due")
                .then().statusCode(200).extract().jsonPath().getList("people.personId", Long.class));
        as(centre).queryParam("worker", "nobody-at-all").get("/api/care/due").then().statusCode(404);
        as(Logins.token("care-centre-321102", List.of("dispatcher"), List.of("321102"), true)).queryParam("worker", worker).get("/api/care/due").then()
                .statusCode(403);
        List<Long> late = all.getList("people.daysOverdue", Long.class);
        for (int i = 1; i < late.size(); i++) {
            assertTrue(late.get(i - 1) >= late.get(i), "most overdue first: " + late);
        }
        // one person: her last visit and due day as SQL and the frequencies say
        long person = ids.get(0);
        String[] sql = EventFixtures.row(owner, "SELECT (SELECT (max(at) AT TIME ZONE 'Asia/Shanghai')::date FROM care_visit WHERE person_id = p.id), "
                + "(SELECT min(f.every_days) FROM care_frequency f WHERE f.tag = ANY (p.tags)) FROM person p WHERE p.id = ?", person);
        assertEquals(Integer.parseInt(sql[1]), all.getInt("people[0].everyDays"));
        if (sql[0] != null) {
            assertEquals(LocalDate.parse(sql[0]).plusDays(Integer.parseInt(sql[1])).toString(), all.getString("people[0].dueAt"));
        }
        assertTrue(all.getString("people[0].name").contains("*"), "masked: " + all.getString("people[0].name"));
        // a visit today: the next is a period away, and the same visit sent again is one
        Map<String, Object> visit = Map.of("personId", person, "kind", "home", "note", "身体尚好, 电话 13912345678", "clientId", UUID.randomUUID().toString());
        JsonPath v = as(token).body(visit).post("/api/care/visits").then().log().ifValidationFails().statusCode(201).extract().jsonPath();
        assertEquals(LocalDate.now(CITY).plusDays(Integer.parseInt(sql[1])).toString(), v.getString("nextDueAt"));
        assertTrue(v.getString("note").contains("139****5678"), v.getString("note"));
        assertEquals(v.getLong("id"), as(token).body(visit).post("/api/care/visits").then().statusCode(200).extract().jsonPath().getLong("id"));
        assertTrue(EventFixtures.row(owner, "SELECT note_enc FROM care_visit WHERE id = ?", v.getLong("id"))[0].startsWith("v1:"));
        JsonPath after = as(token).queryParam("state", "due,overdue,ok").queryParam("limit", 2000).get("/api/care/due").then().statusCode(200)
                .extract().jsonPath();
        int i = after.getList("people.personId", Long.class).indexOf(person);
        assertEquals(0L, after.getLong("people[" + i + "].daysOverdue"));
        assertTrue(List.of("ok", "due").contains(after.getString("people[" + i + "].state")));
        assertTrue(as(token).queryParam("person", person).get("/api/care/visits").then().statusCode(200).extract().jsonPath()
                .getList("id", Long.class).contains(v.getLong("id")));
        // every list of people and every visit is in the audit log
        assertTrue(EventFixtures.count(owner, "SELECT count(*) FROM audit_log WHERE actor = ? AND action = 'care.due' AND ? = ANY (row_ids)", worker,
                String.valueOf(person)) >= 2);
        assertEquals(1, EventFixtures.count(owner, "SELECT count(*) FROM audit_log WHERE actor = ? AND action = 'care.visit' AND subject = ?", worker,
                "person:" + person));
    }

    @Test
    void withoutPiiOrOutsideHerGridsItIsRefusedAndBadInputIsA400() throws Exception {
        String grid = grid(1);
        String other = grid(2);
        String person = EventFixtures.row(owner, "SELECT id FROM person WHERE tags <> '{}' AND microgrid_code LIKE ? ORDER BY id LIMIT 1", grid + "%")[0];
        String noTag = EventFixtures.row(owner, "SELECT id FROM person WHERE tags = '{}' AND microgrid_code LIKE ? ORDER BY id LIMIT 1", grid + "%")[0];
        as(Logins.staff("wg." + grid)).get("/api/care/due").then().statusCode(403).body("message", containsString("pii"));
        String token = Logins.staffWithPii("wg." + grid);
        // a worker of another grid of the district that is not her backup
        String stranger = EventFixtures.row(owner, "SELECT username FROM staff_assignment WHERE duty = 'fulltime' AND region_code LIKE ? "
                + "AND username NOT IN (SELECT username FROM staff_assignment WHERE region_code = ?) ORDER BY region_code DESC LIMIT 1",
                EventFixtures.DISTRICT + "%", grid)[0];
        String strangerToken = Logins.token("care-desk-" + EventFixtures.DISTRICT, List.of("gridworker"), List.of(EventFixtures.DISTRICT), true);
        as(strangerToken).body(Map.of("personId", Long.parseLong(person), "kind", "home")).post("/api/care/visits").then().statusCode(403)
                .body("message", containsString("grid"));
        assertTrue(!stranger.isEmpty() && !other.equals(grid));
        String elsewhere = Logins.token("care-elsewhere-321102", List.of("gridworker"), List.of("321102"), true);
        as(elsewhere).body(Map.of("personId", Long.parseLong(person), "kind", "home")).post("/api/care/visits").then().statusCode(404);
        as(token).body(Map.of("personId", Long.parseLong(person), "kind", "walk")).post("/api/care/visits").then().statusCode(400)
                .body("message", containsString("kind"));
        as(token).body(Map.of("personId", "x", "kind", "home")).post("/api/care/visits").then().statusCode(400);
        as(token).body(Map.of("personId", Long.parseLong(person), "kind", "home", "mood", "good")).post("/api/care/visits").then().statusCode(400)
                .body("message", containsString("mood"));
        as(token).body(Map.of("personId", Long.parseLong(person), "kind", "home", "at", "2030-01-01T00:00:00+08:00")).post("/api/care/visits").then()
                .statusCode(400);
        as(token).body(Map.of("personId", Long.parseLong(noTag), "kind", "home")).post("/api/care/visits").then().statusCode(409)
                .body("message", containsString("tag"));
        as(token).queryParam("asOf", "yesterday").get("/api/care/due").then().statusCode(400);
        as(token).queryParam("state", "late").get("/api/care/due").then().statusCode(400);
        as(token).queryParam("person", "abc").get("/api/care/visits").then().statusCode(400);
        as(elsewhere).queryParam("region", grid).get("/api/care/due").then().statusCode(403);
    }

    @Test
    void aFrequencyIsTheCitysToSetAndMovesWhatIsDue() throws Exception {
        String admin = AsAdmin.adminToken();
        as(admin).body(Map.of("everyDays", 0)).put("/api/care/frequencies/disabled").then().statusCode(400);
        as(admin).body(Map.of("everyDays", 30)).put("/api/care/frequencies/astronaut").then().statusCode(404);
        as(Logins.staffWithPii("wg." + grid(0))).body(Map.of("everyDays", 30)).put("/api/care/frequencies/disabled").then().statusCode(403);
        String[] p = EventFixtures.row(owner, "SELECT p.id, left(p.microgrid_code, 15) FROM person p WHERE p.tags = '{disabled}' AND p.district_code = ? "
                + "AND EXISTS (SELECT 1 FROM care_visit v WHERE v.person_id = p.id) ORDER BY p.id LIMIT 1", EventFixtures.DISTRICT);
        String last = EventFixtures.row(owner, "SELECT (max(at) AT TIME ZONE 'Asia/Shanghai')::date FROM care_visit WHERE person_id = ?", Long.parseLong(p[0]))[0];
        int before = as(admin).get("/api/care/frequencies").then().statusCode(200).extract().jsonPath().getInt("find { it.tag == 'disabled' }.everyDays");
        try {
            JsonPath f = as(admin).body(Map.of("everyDays", before + 11, "source", "test")).put("/api/care/frequencies/disabled").then().statusCode(200)
                    .extract().jsonPath();
            assertEquals(before + 11, f.getInt("everyDays"));
            JsonPath due = as(admin).queryParam("region", p[1]).queryParam("state", "due,overdue,ok").get("/api/care/due").then().statusCode(200)
                    .extract().jsonPath();
            assertEquals(LocalDate.parse(last).plusDays(before + 11).toString(), due.getString("people.find { it.personId == " + p[0] + " }.dueAt"));
        } finally {
            as(admin).body(Map.of("everyDays", before, "source", "国家/城市规定")).put("/api/care/frequencies/disabled").then().statusCode(200);
        }
        assertTrue(EventFixtures.count(owner, "SELECT count(*) FROM audit_log WHERE action = 'care.frequency' AND subject = 'care-tag:disabled'") >= 2);
    }

    @Test
    void theCountsPerLevelAreTheRegistrysTaggedPeopleAndTheVisitsOfEachChild() throws Exception {
        String d = EventFixtures.DISTRICT;
        JsonPath s = as(AsAdmin.adminToken()).queryParam("asOf", "2026-10-31").get("/api/regions/" + d + "/care").then().statusCode(200).extract()
                .jsonPath();
        assertEquals(EventFixtures.count(owner, "SELECT count(*) FROM person WHERE tags <> '{}' AND district_code = ?", d), s.getLong("total.people"));
        assertEquals(EventFixtures.count(owner, "SELECT count(*) FROM person, unnest(tags) t WHERE district_code = ? AND t = 'elderly_alone'", d),
                s.getLong("total.byTag.elderly_alone"));
        assertEquals(EventFixtures.count(owner, "SELECT count(*) FROM care_visit WHERE district_code = ? AND at >= '2026-10-02T00:00:00+08' "
                + "AND at < '2026-11-01T00:00:00+08'", d), s.getLong("total.visits"));
        assertEquals(s.getLong("total.people"), s.getList("children.people", Long.class).stream().mapToLong(Long::longValue).sum());
        assertTrue(s.getLong("total.overdue") < s.getLong("total.people"), "the synthetic visits keep most up to date");
        as(Logins.token("care-analyst-321102", List.of("analyst"), List.of("321102"), false)).get("/api/regions/" + d + "/care").then().statusCode(403);
        as(AsAdmin.adminToken()).queryParam("asOf", "soon").get("/api/regions/" + d + "/care").then().statusCode(400);
    }
}
