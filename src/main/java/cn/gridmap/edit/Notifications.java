package cn.gridmap.edit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.GridmapConfig;
import cn.gridmap.notify.PgListener;
import cn.gridmap.region.RegionPublisher;
import cn.gridmap.security.Audit;
import cn.gridmap.security.Caller;
import cn.gridmap.security.PersonalDataProtector;
import cn.gridmap.web.ApiException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Tells other systems about every published generation: {@code {generation, effectiveFrom, changed, extent}} as
 * Server-Sent Events to whoever listens on this replica, and as signed webhooks. Webhook deliveries are an outbox
 * written by the publishing transaction; each replica's dispatcher sends the due ones under a row lock, signs the
 * body ({@code X-Gridmap-Signature: sha256=<hex HMAC-SHA256 of the body with the webhook's secret>}), and retries
 * failures with exponential backoff up to {@link #MAX_ATTEMPTS} times, logging every attempt.
 */
@ApplicationScoped
public class Notifications {
    private static final Logger LOG = Logger.getLogger(Notifications.class);
    static final String CHANNEL = "gridmap_generation_published";
    static final int MAX_ATTEMPTS = 8;

    /** What a publish changed, as sent. */
    public record Notice(int generation, String effectiveFrom, List<String> changed, double[] extent) {
    }

    /** A webhook as listed (never its secret). */
    public record Webhook(long id, String url, String createdBy, String createdAt, boolean active) {
    }

    /** One delivery of a notice to a webhook. */
    public record Delivery(long id, int generation, String state, int attempts, Integer lastStatus, String lastError, String nextAt,
            String deliveredAt) {
    }

    private final DataSource dataSource;
    private final RegionPublisher publisher;
    private final PgListener listener;
    private final PersonalDataProtector protector;
    private final Audit audit;
    private final GridmapConfig config;
    /** The open Server-Sent Event streams of this replica. */
    private final java.util.Set<Listener> listeners = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private record Listener(jakarta.ws.rs.sse.SseEventSink sink, jakarta.ws.rs.sse.Sse sse) {
    }
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final AtomicBoolean wake = new AtomicBoolean();
    private ScheduledExecutorService dispatcher;

    public Notifications(DataSource dataSource, RegionPublisher publisher, PgListener listener, PersonalDataProtector protector, Audit audit,
            GridmapConfig config) {
        this.dataSource = dataSource;
        this.publisher = publisher;
        this.listener = listener;
        this.protector = protector;
        this.audit = audit;
        this.config = config;
    }

    void onStart(@Observes StartupEvent e) {
        dispatcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gridmap-webhooks");
            t.setDaemon(true);
            return t;
        });
        long every = config.edit().webhookPollMillis();
        dispatcher.scheduleWithFixedDelay(this::dispatchDue, every, every, TimeUnit.MILLISECONDS);
        long beat = config.edit().streamHeartbeatSeconds();
        dispatcher.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.SECONDS);
        listener.subscribe(CHANNEL, new PgListener.Subscriber() {
            @Override
            public void notified(String payload) {
                try {
                    int g = Integer.parseInt(payload.trim());
                    dispatcher.execute(() -> announce(g));
                } catch (NumberFormatException ex) {
                    LOG.warnf("ignored notice %s on %s", payload, CHANNEL);
                }
            }

            @Override
            public void missed() {
                dispatcher.execute(Notifications.this::dispatchDue);
            }
        });
    }

    void onStop(@Observes ShutdownEvent e) {
        if (dispatcher != null) {
            dispatcher.shutdownNow();
        }
        listeners.forEach(l -> l.sink().close());
    }

    /** A new Server-Sent Events stream: a first comment, then an event per publish and a comment as heartbeat. */
    public void listen(jakarta.ws.rs.sse.SseEventSink sink, jakarta.ws.rs.sse.Sse sse) {
        Listener l = new Listener(sink, sse);
        listeners.add(l);
        send(l, sse.newEventBuilder().comment("gridmap: one event per published generation").build());
    }

    private void heartbeat() {
        for (Listener l : listeners) {
            send(l, l.sse().newEventBuilder().comment("heartbeat").build());
        }
    }

    private void broadcast(Notice n) {
        for (Listener l : listeners) {
            send(l, l.sse().newEventBuilder().name("generation").id(String.valueOf(n.generation()))
                    .mediaType(jakarta.ws.rs.core.MediaType.APPLICATION_JSON_TYPE).data(Notice.class, n).build());
        }
    }

    /** Sends on one stream; a closed or failing stream is dropped. */
    private void send(Listener l, jakarta.ws.rs.sse.OutboundSseEvent event) {
        if (l.sink().isClosed()) {
            listeners.remove(l);
            return;
        }
        l.sink().send(event).whenComplete((ok, failed) -> {
            if (failed != null) {
                listeners.remove(l);
                l.sink().close();
            }
        });
    }

    /** Called inside the publishing transaction: the outbox rows for every active webhook, and the NOTIFY. */
    void enqueue(Connection c, int generation) throws SQLException {
        Notice n = notice(c, generation);
        String payload = ChangeSetService.JSON.valueToTree(n).toString();
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.ENQUEUE_DELIVERIES)) {
            ps.setInt(1, generation);
            ps.setString(2, payload);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)")) {
            ps.setString(1, String.valueOf(generation));
            ps.executeQuery().close();
        }
    }

    private Notice notice(Connection c, int generation) throws SQLException {
        RegionPublisher.Notice n = publisher.notice(c, generation);
        return new Notice(generation, n.effectiveFrom(), n.changed(), n.extent());
    }

    /** A publish committed (on any replica): tell this replica's listeners, and send the webhooks now. */
    private void announce(int generation) {
        try (Connection c = dataSource.getConnection()) {
            broadcast(notice(c, generation));
        } catch (SQLException | RuntimeException ex) {
            LOG.error("could not announce generation " + generation, ex);
        }
        dispatchDue();
    }

    /** Sends every due delivery, one at a time, each under its row lock (another replica skips it). */
    void dispatchDue() {
        if (!wake.compareAndSet(false, true)) {
            return;
        }
        try {
            while (dispatchOne()) {
                // next
            }
        } catch (SQLException | RuntimeException ex) {
            LOG.error("webhook dispatch failed", ex);
        } finally {
            wake.set(false);
        }
    }

    private boolean dispatchOne() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long id;
                String url;
                String secret;
                String payload;
                int attempts;
                try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.DUE_DELIVERY); ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        c.rollback();
                        return false;
                    }
                    id = rs.getLong(1);
                    url = rs.getString(2);
                    secret = protector.decrypt(rs.getString(3));
                    payload = rs.getString(4);
                    attempts = rs.getInt(5) + 1;
                }
                Integer status = null;
                String error = null;
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json").header("X-Gridmap-Event", "generation.published")
                            .header("X-Gridmap-Delivery", String.valueOf(id)).header("X-Gridmap-Signature", "sha256=" + sign(secret, payload))
                            .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.discarding());
                    status = r.statusCode();
                    if (status < 200 || status >= 300) {
                        error = "HTTP " + status;
                    }
                } catch (java.io.IOException | IllegalArgumentException ex) {
                    error = ex.getClass().getSimpleName() + ": " + ex.getMessage();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    c.rollback();
                    return false;
                }
                try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.DELIVERY_RESULT)) {
                    ps.setString(1, error == null ? "delivered" : attempts >= MAX_ATTEMPTS ? "failed" : "pending");
                    ps.setInt(2, attempts);
                    ps.setObject(3, status);
                    ps.setString(4, error == null ? null : error.substring(0, Math.min(500, error.length())));
                    ps.setDouble(5, backoffSeconds(attempts));
                    ps.setBoolean(6, error == null);
                    ps.setLong(7, id);
                    ps.executeUpdate();
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            }
        }
    }

    /** 2, 4, 8 … seconds (times the configured base), at most an hour. */
    double backoffSeconds(int attempts) {
        return Math.min(3600, config.edit().webhookBackoffSeconds() * Math.pow(2, attempts - 1));
    }

    static String sign(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- webhooks --------------------------------------------------------------------------------------------

    public Webhook register(Caller caller, JsonNode body) {
        String url = body == null ? null : body.path("url").asText(null);
        String secret = body == null ? null : body.path("secret").asText(null);
        if (url == null || !url.matches("^https?://[^\\s]+$") || url.length() > 2000) {
            throw ApiException.badRequest("url must be an http(s) URL of at most 2,000 characters");
        }
        try {
            URI u = URI.create(url);
            if (u.getHost() == null) {
                throw ApiException.badRequest("url has no host: " + url);
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("url is not a URL: " + e.getMessage());
        }
        if (secret == null || secret.length() < 16 || secret.length() > 200) {
            throw ApiException.badRequest("secret (the HMAC-SHA256 key the receiver checks signatures with) must have 16 to 200 characters");
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            long id;
            try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.INSERT_WEBHOOK)) {
                ps.setString(1, url);
                ps.setString(2, protector.encrypt(secret));
                ps.setString(3, caller.name());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            audit.record(c, caller, "webhook.create", "webhook:" + id, List.of(String.valueOf(id)), null, "ok", url);
            c.commit();
            return webhooks().stream().filter(w -> w.id() == id).findFirst().orElseThrow();
        } catch (SQLException e) {
            throw new IllegalStateException("webhook insert failed: " + e.getMessage(), e);
        }
    }

    public List<Webhook> webhooks() {
        List<Webhook> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ChangeSetSql.WEBHOOKS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Webhook(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getObject(4, OffsetDateTime.class).toString(), rs.getBoolean(5)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("webhook query failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** Stops a webhook (its log stays). */
    public void deactivate(Caller caller, long id) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.DEACTIVATE_WEBHOOK)) {
                ps.setLong(1, id);
                if (ps.executeUpdate() == 0) {
                    throw ApiException.notFound("no webhook " + id);
                }
            }
            audit.record(c, caller, "webhook.delete", "webhook:" + id, List.of(String.valueOf(id)), null, "ok", null);
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("webhook update failed: " + e.getMessage(), e);
        }
    }

    public List<Delivery> deliveries(long webhook) {
        if (webhooks().stream().noneMatch(w -> w.id() == webhook)) {
            throw ApiException.notFound("no webhook " + webhook);
        }
        List<Delivery> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ChangeSetSql.DELIVERIES)) {
            ps.setLong(1, webhook);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Integer status = (Integer) rs.getObject(5);
                    out.add(new Delivery(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getInt(4), status, rs.getString(6), rs.getString(7),
                            rs.getString(8)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("delivery query failed: " + e.getMessage(), e);
        }
        return out;
    }
}
