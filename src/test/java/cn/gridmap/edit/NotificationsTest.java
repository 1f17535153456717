package cn.gridmap.edit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import cn.gridmap.security.AsAdmin;
import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;

/**
 * Every publish reaches the other systems: a local receiver gets the signed webhook (the first two attempts fail
 * and are retried), and a Server-Sent Events listener gets the same notice.
 */
@QuarkusTest
class NotificationsTest {
    private static final String DISTRICT = "321182";
    private static final String SECRET = "a-shared-secret-of-the-12345-hotline";

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource dataSource;

    private HttpServer receiver;
    private final BlockingQueue<String[]> received = new LinkedBlockingQueue<>();
    private final AtomicInteger calls = new AtomicInteger();

    @BeforeEach
    void aReceiverThatFailsTwiceFirst() throws Exception {
        AsAdmin.off();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int n = calls.incrementAndGet();
            if (n <= 2) {
                exchange.sendResponseHeaders(503, -1);
            } else {
                received.add(new String[] {new String(body, StandardCharsets.UTF_8), exchange.getRequestHeaders().getFirst("X-Gridmap-Signature"),
                        exchange.getRequestHeaders().getFirst("X-Gridmap-Event")});
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    @Test
    void aPublishIsSignedAndDeliveredWithRetriesAndStreamedAsAnEvent() throws Exception {
        String admin = AsAdmin.adminToken();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        long hook = EditFixtures.as(admin).body(Map.of("url", url, "secret", SECRET)).post("/api/webhooks").then().log().ifValidationFails()
                .statusCode(201).body("url", equalTo(url)).body("secret", org.hamcrest.Matchers.nullValue()).extract().jsonPath().getLong("id");
        EditFixtures.as(admin).body(Map.of("url", "ftp://x", "secret", SECRET)).post("/api/webhooks").then().statusCode(400);
        EditFixtures.as(admin).body(Map.of("url", url, "secret", "short")).post("/api/webhooks").then().statusCode(400);

        // a listener on the event stream
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<java.io.InputStream> sse = http.send(HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port
                + "/api/generations/stream")).header("Authorization", "Bearer " + admin).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, sse.statusCode());
        java.util.concurrent.atomic.AtomicBoolean heartbeat = new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture<String> event = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
                String line;
                String data = null;
                // the event, and a heartbeat (a comment line: proxies see traffic on an idle stream) before or after it
                while ((line = r.readLine()) != null) {
                    if (line.startsWith(":") && line.contains("heartbeat")) {
                        heartbeat.set(true);
                    }
                    if (line.startsWith("data:") && data == null) {
                        data = line.substring(5).trim();
                    }
                    if (data != null && heartbeat.get()) {
                        return data;
                    }
                }
                return data;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        String planner = Logins.token("hook-planner", List.of(Roles.PLANNER), List.of(DISTRICT), false);
        EditFixtures fx = new EditFixtures(dataSource, planner);
        String[] mh = fx.movable(DISTRICT, 9);
        int generation = fx.publishMove("通知", mh[0], mh[1], LocalDate.now(ZoneId.of("Asia/Shanghai")).toString());

        String[] got = received.poll(30, TimeUnit.SECONDS);
        assertNotNull(got, "the receiver got the webhook");
        JsonNode body = new ObjectMapper().readTree(got[0]);
        assertEquals(generation, body.path("generation").asInt());
        assertTrue(body.path("changed").toString().contains(mh[1]), got[0]);
        assertEquals(4, body.path("extent").size());
        assertEquals("sha256=" + Notifications.sign(SECRET, got[0]), got[1], "signed with the shared secret");
        assertEquals("generation.published", got[2]);
        assertEquals(3, calls.get(), "two failures, then delivered");
        // the receiver answered before the dispatcher wrote down the delivery: wait for that write
        long until = System.currentTimeMillis() + 10_000;
        while (!"delivered".equals(given().header("Authorization", "Bearer " + admin).get("/api/webhooks/" + hook + "/deliveries").then()
                .extract().path("[0].state")) && System.currentTimeMillis() < until) {
            Thread.sleep(100);
        }
        given().header("Authorization", "Bearer " + admin).get("/api/webhooks/" + hook + "/deliveries").then().statusCode(200)
                .body("[0].state", equalTo("delivered")).body("[0].attempts", equalTo(3)).body("[0].generation", equalTo(generation));

        String streamed = event.get(30, TimeUnit.SECONDS);
        assertEquals(generation, new ObjectMapper().readTree(streamed).path("generation").asInt(), streamed);
        assertTrue(heartbeat.get(), "the stream carries a heartbeat (every second in tests)");

        given().header("Authorization", "Bearer " + admin).delete("/api/webhooks/" + hook).then().statusCode(204);
        given().header("Authorization", "Bearer " + admin).delete("/api/webhooks/" + hook).then().statusCode(404);
        given().header("Authorization", "Bearer " + admin).contentType(ContentType.JSON).get("/api/webhooks").then()
                .body("find { it.id == " + hook + " }.active", equalTo(false));
    }
}
