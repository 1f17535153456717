package cn.gridmap.field;

import static cn.gridmap.event.EventFixtures.as;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.event.EventFixtures;
import cn.gridmap.event.EventFixtures.Place;
import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/**
 * 矛盾纠纷多元化解: one intake, routing by type, amount and size to the body of the place, the tier's time limit, the
 * handler's result, escalation when mediation fails, the centre's evaluation, parties as personal data, and the rates
 * per level against SQL.
 */
@QuarkusTest
class DisputesTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    private static Map<String, Object> dispute(String type, Place p, Object amount, List<Map<String, Object>> parties) {
        Map<String, Object> b = new HashMap<>();
        b.put("type", type);
        b.put("lon", p.lon());
        b.put("lat", p.lat());
        b.put("description", "楼上漏水，邻里协商不成");
        b.put("parties", parties);
        if (amount != null) {
            b.put("amount", amount);
        }
        return b;
    }

    private static List<Map<String, Object>> twoParties() {
        return List.of(Map.of("name", "张建国", "idNumber", "321102198001010017", "phone", "13912345678"), Map.of("name", "李秀英", "phone", "13800001111"));
    }

    private String community(Place p) throws Exception {
        return EventFixtures.row(owner, "SELECT parent_code FROM region WHERE code = ? AND generation_high IS NULL", p.grid())[0];
    }

    @Test
    void aNeighbourQuarrelGoesToTheCommunitysMediationCommitteeForADayWithItsPartiesEncryptedAndMasked() throws Exception {
        Place p = EventFixtures.place(owner, 90, 20);
        String desk = EventFixtures.dispatcherOf(p);
        JsonPath d = as(desk).body(dispute("neighbour", p, 3000, twoParties())).post("/api/disputes").then().log().ifValidationFails().statusCode(201)
                .extract().jsonPath();
        String community = community(p);
        assertEquals("mediation_committee", d.getString("routedTo.kind"));
        assertEquals("tj." + community, d.getString("routedTo.handler"));
        assertEquals("simple", d.getString("tier"));
        assertEquals(1, d.getInt("limitDays"));
        assertEquals("routed", d.getString("state"));
        assertEquals(p.grid(), d.getString("gridCode"));
        assertTrue(d.getString("code").startsWith("JF" + EventFixtures.DISTRICT), d.getString("code"));
        assertTrue(Instant.parse(d.getString("dueAt")).isAfter(Instant.parse(d.getString("receivedAt"))));
        assertEquals("张**", d.getString("parties[0].name"));
        assertEquals("139****5678", d.getString("parties[0].phone"));
        assertFalse(d.getString("parties[0].idNumber").contains("19800101"));
        assertEquals("respondent", d.getString("parties[1].role"));
        long id = d.getLong("id");
        // at rest: ciphertexts only
        String[] row = EventFixtures.row(owner, "SELECT name_enc, id_number_enc, phone_enc FROM dispute_party WHERE dispute_id = ? AND seq = 1", id);
        for (String v : row) {
            assertTrue(v.startsWith("v1:") && !v.contains("张") && !v.contains("13912345678"), v);
        }
        // unmasked only with pii and a purpose, and that view is audited
        as(desk).queryParam("unmask", true).header("X-Purpose", "mediation").get("/api/disputes/" + id).then().statusCode(403);
        String pii = Logins.token("dispute-pii-" + EventFixtures.DISTRICT, List.of("dispatcher"), List.of(EventFixtures.DISTRICT), true);
        as(pii).queryParam("unmask", true).get("/api/disputes/" + id).then().statusCode(400).body("message", containsString("purpose"));
        JsonPath clear = as(pii).queryParam("unmask", true).header("X-Purpose", "call-parties").get("/api/disputes/" + id).then().statusCode(200)
                .extract().jsonPath();
        assertEquals("张建国", clear.getString("parties[0].name"));
        assertEquals("321102198001010017", clear.getString("parties[0].idNumber"));
        assertEquals(1, EventFixtures.count(owner, "SELECT count(*) FROM audit_log WHERE action = 'dispute.unmask' AND subject = ? AND purpose = 'call-parties'",
                "dispute:" + id));
    }

    @Test
    void eachTypeAmountAndSizeGoesToTheBodyItsRuleNames() throws Exception {
        Place p = EventFixtures.place(owner, 91, 20);
        String desk = EventFixtures.dispatcherOf(p);
        List<Map<String, Object>> one = List.of(Map.of("name", "王强"));
        String district = EventFixtures.DISTRICT;
        String street = p.street();
        JsonPath court = as(desk).body(dispute("contract", p, 250000, one)).post("/api/disputes").then().statusCode(201).extract().jsonPath();
        assertEquals("court", court.getString("routedTo.kind"));
        assertEquals("fy." + district, court.getString("routedTo.handler"));
        assertEquals(20, court.getInt("limitDays"));
        JsonPath labour = as(desk).body(dispute("labour", p, 5000, one)).post("/api/disputes").then().statusCode(201).extract().jsonPath();
        assertEquals("tjz." + street, labour.getString("routedTo.handler"));
        assertEquals("general", labour.getString("tier"));
        JsonPath land = as(desk).body(dispute("land", p, null, one)).post("/api/disputes").then().statusCode(201).extract().jsonPath();
        assertEquals("tjq." + district, land.getString("routedTo.handler"));
        Map<String, Object> crowd = dispute("neighbour", p, null, one);
        crowd.put("peopleInvolved", 12);
        JsonPath group = as(desk).body(crowd).post("/api/disputes").then().statusCode(201).extract().jsonPath();
        assertEquals("complex", group.getString("tier"));
        assertEquals("district_center", group.getString("routedTo.kind"));
        assertEquals(12, group.getInt("peopleInvolved"));
        // the police: the officer of the beat that covers the place
        String[] beat = EventFixtures.row(owner, "SELECT officer, station_code FROM police_beat WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint(?, ?), 4326)) "
                + "AND officer IS NOT NULL ORDER BY code LIMIT 1", p.lon(), p.lat());
        JsonPath traffic = as(desk).body(dispute("traffic", p, 2000, one)).post("/api/disputes").then().statusCode(201).extract().jsonPath();
        assertEquals("police_station", traffic.getString("routedTo.kind"));
        assertEquals(beat[0], traffic.getString("routedTo.handler"));
        assertEquals(beat[1], traffic.getString("routedTo.code"));
        // a small consumer dispute: the grid's 三官一律 lawyer, or the committee where the grid has none
        String[] lawyer = EventFixtures.row(owner, "SELECT coalesce(min(username), 'tj.' || ?) FROM staff_assignment WHERE duty = 'lawyer' AND region_code = ?",
                community(p), p.grid());
        JsonPath consumer = as(desk).body(dispute("consumer", p, 800, one)).post("/api/disputes").then().statusCode(201).extract().jsonPath();
        assertEquals(lawyer[0], consumer.getString("routedTo.handler"));
        // the stated rule is on the dispute, and on the list of types
        assertTrue(court.getString("rule").contains("诉前调解"), court.getString("rule"));
        List<String> types = as(desk).get("/api/dispute-types").then().statusCode(200).extract().jsonPath().getList("code");
        assertEquals(Disputes.TYPES.keySet().stream().toList(), types);
    }

    @Test
    void aFailedMediationClimbsATierAndTheCentreEvaluatesTheResult() throws Exception {
        Place p = EventFixtures.place(owner, 92, 20);
        String desk = EventFixtures.dispatcherOf(p);
        long id = as(desk).body(dispute("family", p, null, twoParties())).post("/api/disputes").then().statusCode(201).extract().jsonPath().getLong("id");
        String committee = Logins.staff("tj." + community(p));
        String street = Logins.staff("tjz." + p.street());
        // only its handler takes it
        as(street).body(Map.of("action", "accept")).post("/api/disputes/" + id + "/actions").then().statusCode(403)
                .body("message", containsString("handler"));
        String key = UUID.randomUUID().toString();
        JsonPath accepted = as(committee).body(Map.of("action", "accept", "clientId", key)).post("/api/disputes/" + id + "/actions").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("accepted", accepted.getString("state"));
        assertEquals("accepted", as(committee).body(Map.of("action", "accept", "clientId", key)).post("/api/disputes/" + id + "/actions").then()
                .statusCode(200).extract().jsonPath().getString("state"));
        as(committee).body(Map.of("action", "fail")).post("/api/disputes/" + id + "/actions").then().statusCode(400)
                .body("message", containsString("reason"));
        JsonPath failed = as(committee).body(Map.of("action", "fail", "result", "双方分歧大，调解不成")).post("/api/disputes/" + id + "/actions").then()
                .statusCode(200).extract().jsonPath();
        assertEquals("failed", failed.getString("outcome"));
        as(desk).body(Map.of("action", "resolve", "result", "x")).post("/api/disputes/" + id + "/actions").then().statusCode(409);
        JsonPath up = as(desk).body(Map.of("action", "escalate", "note", "转街道矛调中心")).post("/api/disputes/" + id + "/actions").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("routed", up.getString("state"));
        assertEquals("general", up.getString("tier"));
        assertEquals("tjz." + p.street(), up.getString("routedTo.handler"));
        assertEquals(1, up.getInt("escalations"));
        assertNull(up.get("closedAt"));
        JsonPath resolved = as(street).body(Map.of("action", "resolve", "result", "达成调解协议，赔偿 2000 元")).post("/api/disputes/" + id + "/actions").then()
                .statusCode(200).extract().jsonPath();
        assertEquals("resolved", resolved.getString("outcome"));
        assertTrue(resolved.getBoolean("closedOnTime"));
        as(street).body(Map.of("action", "evaluate", "satisfaction", 5)).post("/api/disputes/" + id + "/actions").then().statusCode(403);
        as(desk).body(Map.of("action", "evaluate", "satisfaction", 9)).post("/api/disputes/" + id + "/actions").then().statusCode(400);
        JsonPath evaluated = as(desk).body(Map.of("action", "evaluate", "satisfaction", 4)).post("/api/disputes/" + id + "/actions").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("evaluated", evaluated.getString("state"));
        assertEquals("resolved", evaluated.getString("outcome"));
        assertEquals(4, evaluated.getInt("satisfaction"));
        as(desk).body(Map.of("action", "evaluate", "satisfaction", 4)).post("/api/disputes/" + id + "/actions").then().statusCode(409);
        List<String> steps = as(desk).get("/api/disputes/" + id + "/log").then().statusCode(200).extract().jsonPath().getList("action");
        assertEquals(List.of("receive", "accept", "fail", "escalate", "resolve", "evaluate"), steps);
        // the handler's queue
        assertTrue(as(street).queryParam("mine", true).get("/api/disputes").then().statusCode(200).extract().jsonPath().getList("id", Long.class)
                .contains(id));
    }

    @Test
    void badInputIsA400WithTheReasonAndAnotherAreaSeesNothing() throws Exception {
        Place p = EventFixtures.place(owner, 93, 20);
        String desk = EventFixtures.dispatcherOf(p);
        as(desk).body(dispute("quarrel", p, null, twoParties())).post("/api/disputes").then().statusCode(400).body("message", containsString("type"));
        as(desk).body(dispute("neighbour", p, null, List.of())).post("/api/disputes").then().statusCode(400).body("message", containsString("parties"));
        as(desk).body(dispute("neighbour", p, -5, twoParties())).post("/api/disputes").then().statusCode(400).body("message", containsString("amount"));
        as(desk).body(dispute("neighbour", p, null, List.of(Map.of("name", "张三", "idNumber", "321102198001010011")))).post("/api/disputes").then()
                .statusCode(400).body("message", containsString("parties[0].idNumber"));
        as(desk).body(dispute("neighbour", p, null, List.of(Map.of("name", "张三", "age", 40)))).post("/api/disputes").then().statusCode(400)
                .body("message", containsString("age"));
        Map<String, Object> far = dispute("neighbour", p, null, twoParties());
        far.put("lon", 100.0);
        far.put("lat", 30.0);
        as(desk).body(far).post("/api/disputes").then().statusCode(400).body("message", containsString("outside the city"));
        Map<String, Object> nowhere = dispute("neighbour", p, null, twoParties());
        nowhere.remove("lon");
        nowhere.remove("lat");
        as(desk).body(nowhere).post("/api/disputes").then().statusCode(400).body("message", containsString("place"));
        Map<String, Object> extra = dispute("neighbour", p, null, twoParties());
        extra.put("urgent", true);
        as(desk).body(extra).post("/api/disputes").then().statusCode(400).body("message", containsString("urgent"));
        as(desk).queryParam("state", "open").get("/api/disputes").then().statusCode(400);
        // sent twice with one key: one dispute
        Map<String, Object> keyed = dispute("neighbour", p, null, twoParties());
        keyed.put("clientId", UUID.randomUUID().toString());
        long id = as(desk).body(keyed).post("/api/disputes").then().statusCode(201).extract().jsonPath().getLong("id");
        JsonPath again = as(desk).body(keyed).post("/api/disputes").then().statusCode(200).extract().jsonPath();
        assertEquals(id, again.getLong("id"));
        // another district: not there, and not receivable there
        String other = Logins.token("dispute-desk-321102", List.of("dispatcher"), List.of("321102"), false);
        as(other).get("/api/disputes/" + id).then().statusCode(404);
        assertFalse(as(other).get("/api/disputes").then().statusCode(200).extract().jsonPath().getList("id", Long.class).contains(id));
        as(other).body(dispute("neighbour", p, null, twoParties())).post("/api/disputes").then().statusCode(403);
        as(desk).get("/api/disputes/999999999").then().statusCode(404);
        as(desk).get("/api/disputes/999999999/log").then().statusCode(404);
        as(desk).body(Map.of("action", "accept")).post("/api/disputes/999999999/actions").then().statusCode(404);
        as(desk).body(Map.of("action", "mediate")).post("/api/disputes/" + id + "/actions").then().statusCode(400).body("message", containsString("action"));
        as(other).get("/api/disputes/" + id + "/log").then().statusCode(404);
    }

    @Test
    void theRatesPerLevelAreTheDisputesOfEachChildCountedInSql() throws Exception {
        String d = EventFixtures.DISTRICT;
        JsonPath s = as(AsAdmin.adminToken()).queryParam("from", "2026-01-01").queryParam("to", "2026-12-31").get("/api/regions/" + d + "/disputes")
                .then().statusCode(200).extract().jsonPath();
        String[] sql = EventFixtures.row(owner, "SELECT count(*), count(*) FILTER (WHERE outcome = 'resolved'), count(*) FILTER (WHERE outcome = 'failed'), "
                + "count(*) FILTER (WHERE closed_on_time) FROM dispute WHERE district_code = ? AND received_at >= '2026-01-01T00:00:00+08' "
                + "AND received_at < '2027-01-01T00:00:00+08'", d);
        long received = Long.parseLong(sql[0]);
        long resolved = Long.parseLong(sql[1]);
        long failed = Long.parseLong(sql[2]);
        assertTrue(received > 20, "the synthetic history: " + received);
        assertEquals(received, s.getLong("total.received"));
        assertEquals(resolved, s.getLong("total.resolved"));
        assertEquals(failed, s.getLong("total.failed"));
        assertEquals(Math.round(10_000.0 * resolved / (resolved + failed)) / 10_000.0, s.getDouble("total.successRate"), 1e-9);
        assertEquals(Math.round(10_000.0 * (resolved + failed) / received) / 10_000.0, s.getDouble("total.handledRate"), 1e-9);
        assertEquals(received, s.getList("children.received", Long.class).stream().mapToLong(Long::longValue).sum());
        String street = s.getString("children[0].code");
        assertEquals(Long.parseLong(EventFixtures.row(owner, "SELECT count(*) FROM dispute WHERE microgrid_code LIKE ? AND received_at >= "
                + "'2026-01-01T00:00:00+08' AND received_at < '2027-01-01T00:00:00+08'", street + "%")[0]), s.getLong("children[0].received"));
        as(AsAdmin.adminToken()).get("/api/regions/12/disputes").then().statusCode(400);
        String analyst = Logins.token("dispute-analyst-321102", List.of("analyst"), List.of("321102"), false);
        as(analyst).get("/api/regions/" + d + "/disputes").then().statusCode(403);
    }
}
