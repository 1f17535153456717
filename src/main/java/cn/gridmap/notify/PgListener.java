package cn.gridmap.notify;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * One LISTEN connection of its own (outside the pool) for the service's PostgreSQL channels: changes made by any
 * replica, or directly in SQL, reach every replica. Subscribers get each notification's payload in order, on the
 * listener thread. After a lost connection the listener reconnects with back-off and tells every subscriber that it
 * may have missed notices ({@link Subscriber#missed()}).
 */
@ApplicationScoped
public class PgListener {
    private static final Logger LOG = Logger.getLogger(PgListener.class);

    /** What a channel's subscriber does. */
    public interface Subscriber {
        void notified(String payload);

        /** Called after a reconnect: notices may have been lost meanwhile. */
        void missed();
    }

    private record Subscription(String channel, Subscriber subscriber) {
    }

    private final String url;
    private final String user;
    private final String password;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private Thread thread;

    public PgListener(@ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.url = url;
        this.user = user.orElse(null);
        this.password = password.orElse("");
    }

    /** Subscribes to {@code channel} (a constant of ours, never user input); starts the listener on first use. */
    public synchronized void subscribe(String channel, Subscriber subscriber) {
        if (!channel.matches("[a-z_]+")) {
            throw new IllegalArgumentException("bad channel name " + channel);
        }
        subscriptions.add(new Subscription(channel, subscriber));
        if (thread == null) {
            thread = new Thread(this::listen, "gridmap-listen");
            thread.setDaemon(true);
            thread.start();
        }
    }

    void onStop(@Observes ShutdownEvent e) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void listen() {
        long backoff = 500;
        while (running) {
            try (Connection c = user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password)) {
                List<String> listening = new java.util.ArrayList<>();
                if (backoff > 500) {
                    subscriptions.forEach(s -> s.subscriber().missed());
                }
                backoff = 500;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    for (Subscription s : subscriptions) {
                        if (!listening.contains(s.channel())) {
                            try (Statement st = c.createStatement()) {
                                st.execute("LISTEN " + s.channel());
                            }
                            listening.add(s.channel());
                        }
                    }
                    PGNotification[] n = pg.getNotifications(1000);
                    if (n != null) {
                        for (PGNotification x : n) {
                            for (Subscription s : subscriptions) {
                                if (s.channel().equals(x.getName())) {
                                    deliver(s, x.getParameter());
                                }
                            }
                        }
                    }
                }
            } catch (SQLException ex) {
                if (!running) {
                    return;
                }
                LOG.warnf("the notification listener lost its connection (%s); retrying in %d ms", ex.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(30_000, backoff * 2);
            }
        }
    }

    private static void deliver(Subscription s, String payload) {
        try {
            s.subscriber().notified(payload);
        } catch (RuntimeException e) {
            LOG.errorf(e, "handling a notice on %s failed", s.channel());
        }
    }
}
