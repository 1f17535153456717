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

    private volatile long fence;
    private volatile long connectedLsn;

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
                connectedLsn = currentLsn(c);
                if (connectedLsn > fence) { // (after a reconnect the subscribers resynchronise: from a replica at least this far)
                    fence = connectedLsn;
                }
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
                        // the primary's WAL position now is past the commits of every notice in hand: reads on a
                        // replica wait for it (ReplicaReads) before the subscribers drop caches or swap indexes
                        advanceFence(c);
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

    /**
     * The primary's WAL position (as a number) when the last notices arrived, 0 before any: a replica that has not
     * replayed this far may not show what the notices announced.
     */
    public long fence() {
        return fence;
    }

    /** The primary's WAL position when the listener last (re)connected: every change before it was applied or resynchronised. */
    public long connectedLsn() {
        return connectedLsn;
    }

    private void advanceFence(Connection c) {
        long lsn = currentLsn(c);
        if (lsn > fence) {
            fence = lsn;
        }
    }

    private static long currentLsn(Connection c) {
        try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            return rs.next() ? lsn(rs.getString(1)) : 0;
        } catch (SQLException e) {
            LOG.debugf("no WAL position (%s)", e.getMessage());
            return 0;
        }
    }

    /** A PostgreSQL LSN {@code X/Y} (hexadecimal halves) as one number, 0 for null. */
    public static long lsn(String text) {
        if (text == null) {
            return 0;
        }
        int slash = text.indexOf('/');
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    /** One number as a PostgreSQL LSN {@code X/Y}, as {@code pg_current_wal_lsn()} prints it. */
    public static String lsnText(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xffffffffL).toUpperCase();
    }

    private static void deliver(Subscription s, String payload) {
        try {
            s.subscriber().notified(payload);
        } catch (RuntimeException e) {
            LOG.errorf(e, "handling a notice on %s failed", s.channel());
        }
    }
}
