package cn.gridmap.event;

import static cn.gridmap.event.EventFixtures.as;
import static cn.gridmap.event.EventFixtures.dispatcherOf;
import static cn.gridmap.event.EventFixtures.ok;
import static cn.gridmap.event.EventFixtures.place;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cn.gridmap.event.EventFixtures.Place;
import cn.gridmap.security.AsAdmin;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;

/**
 * Open311 GeoReport v2, written from the spec's field lists: every JSON answer validated against a JSON Schema made
 * from the spec (src/test/resources/open311), every XML answer parsed and read field by field.
 */
@QuarkusTest
class Open311Test {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "/open311/v2/";

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    private static JsonNode valid(String schema, Response r) throws Exception {
        com.networknt.schema.Schema s;
        try (var in = Open311Test.class.getResourceAsStream("/open311/" + schema + ".schema.json")) {
            s = com.networknt.schema.SchemaRegistry.withDefaultDialect(com.networknt.schema.SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        JsonNode doc = JSON.readTree(r.asString());
        assertEquals(List.of(), s.validate(doc).stream().map(e -> e.getInstanceLocation() + " " + e.getMessage()).toList(), schema + ": " + doc);
        return doc;
    }

    private static Document xml(Response r) throws Exception {
        assertTrue(r.contentType().startsWith("text/xml"), r.contentType());
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(r.asString().getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> children(Element e, String name) {
        List<Element> out = new ArrayList<>();
        NodeList l = e.getChildNodes();
        for (int i = 0; i < l.getLength(); i++) {
            if (l.item(i) instanceof Element c && c.getTagName().equals(name)) {
                out.add(c);
            }
        }
        return out;
    }

    private static String text(Element e, String name) {
        List<Element> c = children(e, name);
        assertEquals(1, c.size(), name + " in " + e.getTagName());
        return c.get(0).getTextContent();
    }

    private static String apiKey(String name, String role) {
        return as(AsAdmin.adminToken()).body(Map.of("name", name, "roles", List.of(role), "scope", List.of("321100"))).post("/api/clients")
                .then().statusCode(201).extract().path("apiKey");
    }

    private static Response post(String format, Map<String, String> form) {
        var r = given().contentType(ContentType.URLENC.withCharset("UTF-8"));
        for (Map.Entry<String, String> f : form.entrySet()) {
            r = r.formParam(f.getKey(), f.getValue());
        }
        return r.post(BASE + "requests." + format).then().extract().response();
    }

    @Test
    void discoveryNamesTheSpecificationAndBothFormats() throws Exception {
        JsonNode d = valid("discovery", given().get(BASE + "discovery.json"));
        assertTrue(d.at("/endpoints/0/url").asText().endsWith("/open311/v2/"));
        Element x = xml(given().get(BASE + "discovery.xml")).getDocumentElement();
        assertEquals("discovery", x.getTagName());
        Element endpoint = children(children(x, "endpoints").get(0), "endpoint").get(0);
        assertEquals("http://wiki.open311.org/GeoReport_v2", text(endpoint, "specification"));
        assertEquals(2, children(children(endpoint, "formats").get(0), "format").size());
    }

    @Test
    void theServicesAreTheEventClassesAndAtAPointOnlyThoseHandledThere() throws Exception {
        JsonNode all = valid("services", given().get(BASE + "services.json"));
        List<String> codes = new ArrayList<>();
        all.forEach(s -> codes.add(s.get("service_code").asText()));
        assertTrue(codes.containsAll(List.of("0102", "0601")), codes.toString());
        Element x = xml(given().get(BASE + "services.xml")).getDocumentElement();
        assertEquals("services", x.getTagName());
        List<Element> services = children(x, "service");
        assertEquals(all.size(), services.size());
        assertEquals("false", text(services.get(0), "metadata"));
        assertEquals(codes.get(0), text(services.get(0), "service_code"));
        valid("service-definition", given().get(BASE + "services/0102.json"));
        assertEquals("0102", text(xml(given().get(BASE + "services/0102.xml")).getDocumentElement(), "service_code"));

        Place p = place(owner, 40, 60);
        assertEquals(all.size(), valid("services", given().get(BASE + "services.json?lat=" + p.lat() + "&long=" + p.lon())).size());
        assertEquals(0, valid("services", given().get(BASE + "services.json?lat=31.0&long=121.5")).size(), "outside the city nothing is handled");
        // while nobody works the grid, the classes its grid worker handles are not offered there
        String admin = AsAdmin.adminToken();
        List<String> staff = List.of(p.worker(), EventFixtures.row(owner, "SELECT username FROM staff_assignment WHERE region_code = ? "
                + "AND duty = 'backup'", p.grid())[0]);
        List<Long> absences = new ArrayList<>();
        for (String u : staff) {
            absences.add(as(admin).body(Map.of("from", OffsetDateTime.now().minusHours(1).toString(), "to", OffsetDateTime.now().plusHours(2).toString(),
                    "reason", "培训")).post("/api/staff/" + u + "/absences").then().statusCode(201).extract().jsonPath().getLong("id"));
        }
        long partTime = EventFixtures.count(owner, "SELECT count(*) FROM staff_assignment WHERE region_code = ? AND duty = 'parttime'", p.grid());
        try {
            List<String> there = new ArrayList<>();
            valid("services", given().get(BASE + "services.json?lat=" + p.lat() + "&long=" + p.lon())).forEach(s -> there.add(s.get("service_code").asText()));
            assertEquals(partTime > 0, there.contains("0602"), there.toString());
            assertTrue(there.contains("0102"), "the departments still handle theirs");
        } finally {
            for (int i = 0; i < staff.size(); i++) {
                as(admin).delete("/api/staff/" + staff.get(i) + "/absences/" + absences.get(i)).then().statusCode(204);
            }
        }
        valid("errors", given().get(BASE + "services/9999.json").then().statusCode(404).extract().response());
        valid("errors", given().get(BASE + "services.json?jurisdiction_id=sfgov.org").then().statusCode(404).extract().response());
        valid("errors", given().get(BASE + "services.json?lat=abc&long=1").then().statusCode(400).extract().response());
        assertEquals(200, given().get(BASE + "services.json?jurisdiction_id=").statusCode(), "an empty parameter is an absent one");
    }

    @Test
    void aSystemClientsRequestIsAnEventWithItsIdAndReadsBackInBothFormats() throws Exception {
        Place p = place(owner, 41, 60);
        String key = apiKey("open311-system-" + System.nanoTime(), "system");
        JsonNode r = valid("post-response", post("json", Map.of("api_key", key, "service_code", "0102", "lat", String.valueOf(p.lat()),
                "long", String.valueOf(p.lon()), "description", "路口垃圾桶满溢 联系 13812345678", "first_name", "伟", "last_name", "王",
                "phone", "13812345678")).then().statusCode(200).extract().response());
        String id = r.at("/0/service_request_id").asText();
        assertEquals("open311", EventFixtures.row(owner, "SELECT source FROM event WHERE id = ?", Long.parseLong(id))[0]);
        assertTrue(EventFixtures.row(owner, "SELECT caller_phone_enc FROM event WHERE id = ?", Long.parseLong(id))[0].startsWith("v1:"),
                "the caller's phone is stored encrypted");
        JsonNode one = valid("requests", given().get(BASE + "requests/" + id + ".json"));
        assertEquals(1, one.size());
        assertEquals("open", one.at("/0/status").asText());
        assertEquals("0102", one.at("/0/service_code").asText());
        assertFalse(one.at("/0/description").asText().contains("13812345678"), "a phone in the text is masked: " + one.at("/0/description"));
        assertEquals(p.lat(), one.at("/0/lat").asDouble(), 1e-9);
        Element x = xml(given().get(BASE + "requests/" + id + ".xml")).getDocumentElement();
        assertEquals("service_requests", x.getTagName());
        Element request = children(x, "request").get(0);
        assertEquals(id, text(request, "service_request_id"));
        assertEquals("open", text(request, "status"));
        assertNotNull(OffsetDateTime.parse(text(request, "requested_datetime")));
        // the request closes with the event
        long event = Long.parseLong(id);
        ok(dispatcherOf(p), event, Map.of("action", "void", "note", "已由巡查员处理"));
        assertEquals("closed", valid("requests", given().get(BASE + "requests/" + id + ".json")).at("/0/status").asText());
        JsonNode closed = valid("requests", given().get(BASE + "requests.json?status=closed&service_code=0102"));
        assertTrue(closed.findValuesAsText("service_request_id").contains(id));
        JsonNode open = valid("requests", given().get(BASE + "requests.json?status=open"));
        assertFalse(open.findValuesAsText("service_request_id").contains(id));
        Element xr = xml(given().get(BASE + "requests.xml?service_request_id=" + id)).getDocumentElement();
        assertEquals(1, children(xr, "request").size());
    }

    @Test
    void aPublicIntakeClientGetsATokenThatNamesTheRequestOnceADispatcherRegistersIt() throws Exception {
        Place p = place(owner, 42, 60);
        String key = apiKey("open311-wechat-" + System.nanoTime(), "intake");
        Response r = post("xml", Map.of("api_key", key, "service_code", "0601", "lat", String.valueOf(p.lat()), "long", String.valueOf(p.lon()),
                "description", "楼下广场舞噪音"));
        assertEquals(200, r.statusCode(), r.asString());
        Element req = children(xml(r).getDocumentElement(), "request").get(0);
        String token = text(req, "token");
        assertTrue(children(req, "service_request_id").isEmpty(), "a token or an id, never both");
        JsonNode t = valid("token", given().get(BASE + "tokens/" + token + ".json"));
        assertTrue(t.at("/0/service_request_id").isMissingNode(), "no id before registration: " + t);
        long event = Long.parseLong(EventFixtures.row(owner, "SELECT event_id FROM open311_token WHERE token = ?", token)[0]);
        ok(dispatcherOf(p), event, Map.of("action", "register", "note", "核实属实"));
        t = valid("token", given().get(BASE + "tokens/" + token + ".json"));
        assertEquals(String.valueOf(event), t.at("/0/service_request_id").asText());
        assertEquals(String.valueOf(event), text(children(xml(given().get(BASE + "tokens/" + token + ".xml")).getDocumentElement(), "request").get(0),
                "service_request_id"));
        valid("errors", given().get(BASE + "tokens/nope.json").then().statusCode(404).extract().response());
    }

    @Test
    void badRequestsAreTheSpecsErrorListsWithItsCodes() throws Exception {
        Place p = place(owner, 43, 60);
        String key = apiKey("open311-errors-" + System.nanoTime(), "system");
        String lat = String.valueOf(p.lat());
        String lon = String.valueOf(p.lon());
        valid("errors", post("json", Map.of("service_code", "0102", "lat", lat, "long", lon)).then().statusCode(403).extract().response());
        valid("errors", post("json", Map.of("api_key", "gm_nope0000_x", "service_code", "0102", "lat", lat, "long", lon)).then().statusCode(403)
                .extract().response());
        valid("errors", post("json", Map.of("api_key", key, "lat", lat, "long", lon)).then().statusCode(400).extract().response());
        valid("errors", post("json", Map.of("api_key", key, "service_code", "9999", "lat", lat, "long", lon)).then().statusCode(404).extract().response());
        valid("errors", post("json", Map.of("api_key", key, "service_code", "0102")).then().statusCode(400).extract().response());
        valid("errors", post("json", Map.of("api_key", key, "service_code", "0102", "lat", "31.0", "long", "121.5")).then().statusCode(400)
                .extract().response());
        valid("errors", post("json", Map.of("api_key", key, "service_code", "0102", "lat", lat, "long", lon, "description", "<b>x</b>")).then()
                .statusCode(400).extract().response());
        Response x = post("xml", Map.of("api_key", key, "service_code", "0102"));
        assertEquals(400, x.statusCode());
        Element error = children(xml(x).getDocumentElement(), "error").get(0);
        assertEquals("400", text(error, "code"));
        assertFalse(text(error, "description").isBlank());
        valid("errors", given().get(BASE + "requests.json?start_date=2026-01-01T00:00:00%2B08:00&end_date=2026-06-01T00:00:00%2B08:00").then()
                .statusCode(400).extract().response());
        valid("errors", given().get(BASE + "requests.json?status=pending").then().statusCode(400).extract().response());
        valid("errors", given().get(BASE + "requests/abc.json").then().statusCode(404).extract().response());
        assertEquals(404, given().get(BASE + "requests.csv").statusCode());
    }
}
