package cn.gridmap.event;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

import cn.gridmap.GridmapConfig;
import cn.gridmap.notify.PgListener;
import cn.gridmap.region.RegionRecord;
import cn.gridmap.region.RegionService;
import cn.gridmap.security.AreaScope;
import cn.gridmap.security.Caller;
import cn.gridmap.security.ScopedConnection;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The loop's two background jobs, safe with several replicas. 督办: every few seconds the stages past their deadline
 * are escalated (the event marked overdue, raised to the dispatcher's overdue queue, counted, logged); the rows are
 * taken FOR UPDATE SKIP LOCKED, so two replicas never escalate one stage twice and a transition in progress is not
 * waited for. Re-dispatch: after a published boundary change (the region channel) the open events whose grid is no
 * longer the one they were routed to go back to the dispatcher with the reason.
 */
@ApplicationScoped
public class Escalation {
    private static final Logger LOG = Logger.getLogger(Escalation.class);
    /** States in which someone is already working on the event: a new grid means it returns to dispatch. */
    private static final Set<String> IN_HAND = Set.of(Loop.DISPATCHED, Loop.HANDLING, Loop.EXTENDED, Loop.REWORK, Loop.HANDLED);
    static final String CHANNEL = "gridmap_region_changed";
    private final DataSource dataSource;
    private final GridmapConfig config;
    private final PgListener listener;
    private final RegionService regions;
    private final Staffing staffing;
    private final Deadlines deadlines;
    private ScheduledExecutorService timer;

    public Escalation(DataSource dataSource, GridmapConfig config, PgListener listener, RegionService regions, Staffing staffing,
            Deadlines deadlines) {
        this.dataSource = dataSource;
        this.config = config;
        this.listener = listener;
        this.regions = regions;
        this.staffing = staffing;
        this.deadlines = deadlines;
    }

    void onStart(@Observes StartupEvent e) {
        int seconds = config.events().escalationSeconds();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gridmap-event-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::escalateQuietly, seconds, seconds, TimeUnit.SECONDS);
        timer.execute(this::redispatchQuietly); // a publish this replica missed while it was down
        listener.subscribe(CHANNEL, new PgListener.Subscriber() {
            @Override
            public void notified(String payload) {
                timer.execute(Escalation.this::redispatchQuietly);
            }

            @Override
            public void missed() {
                timer.execute(Escalation.this::redispatchQuietly);
            }
        });
    }

    void onStop(@Observes ShutdownEvent e) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void escalateQuietly() {
        try {
            int n = escalateDue(Instant.now());
            if (n > 0) {
                LOG.infof("督办: %d overdue stages escalated", n);
            }
        } catch (RuntimeException ex) {
            LOG.warnf("deadline check failed (next try in %d s): %s", config.events().escalationSeconds(), ex.getMessage());
        }
    }

    private void redispatchQuietly() {
        io.quarkus.arc.ManagedContext request = io.quarkus.arc.Arc.container().requestContext();
        request.activate(); // the region reads go through the ORM, which wants a request context
        try {
            int n = redispatchMoved();
            if (n > 0) {
                LOG.infof("%d open events moved to another grid by a boundary change: back to dispatch", n);
            }
        } catch (RuntimeException ex) {
            LOG.warnf("re-dispatch after a boundary change failed (it runs again on the next change or start): %s", ex.getMessage());
        } finally {
            request.terminate();
        }
    }

    /** Escalates every stage due before {@code now} that is not done and not yet escalated; @return stages escalated. */
    public int escalateDue(Instant now) {
        int total = 0;
        while (true) {
            try (ScopedConnection sc = ScopedConnection.open(dataSource, AreaScope.CITY)) {
                int n;
                try (PreparedStatement ps = sc.connection().prepareStatement(EventSql.ESCALATE)) {
                    Timestamp t = Timestamp.from(now);
                    for (int i = 1; i <= 4; i++) {
                        ps.setTimestamp(i, t);
                    }
                    n = ps.executeUpdate();
                }
                sc.commit();
                total += n;
                if (n < EventSql.ESCALATE_BATCH) {
                    return total;
                }
            } catch (SQLException e) {
                throw new IllegalStateException("escalation failed: " + e.getMessage(), e);
            }
        }
    }

    /** Sends the open events whose grid changed under them back to dispatch; @return events moved. */
    public int redispatchMoved() {
        int total = 0;
        Caller system = Caller.service("system:boundaries");
        while (true) {
            try (ScopedConnection sc = ScopedConnection.open(dataSource, AreaScope.CITY)) {
                Connection c = sc.connection();
                record Moved(long id, String classCode, String state, String micro, String from) {
                }
                List<Moved> moved = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(EventSql.MOVED); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        moved.add(new Moved(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                    }
                }
                if (moved.isEmpty()) {
                    return total;
                }
                int generation = regions.currentGeneration();
                Instant now = Instant.now();
                for (Moved m : moved) {
                    String grid = m.micro().substring(0, 15);
                    RegionRecord g = regions.get(grid);
                    String street = g == null ? null : g.chain().get(2).code();
                    String assignee = staffing.onDuty(c, grid, now);
                    String to = IN_HAND.contains(m.state()) ? Loop.RETURNED : m.state();
                    String reason = "boundary change (generation " + generation + "): grid " + m.from() + " → " + grid;
                    try (PreparedStatement ps = c.prepareStatement(EventSql.REDISPATCH)) {
                        ps.setString(1, grid);
                        ps.setInt(2, generation);
                        ps.setString(3, assignee);
                        ps.setString(4, reason);
                        ps.setString(5, street);
                        ps.setString(6, to);
                        ps.setLong(7, m.id());
                        ps.executeUpdate();
                    }
                    if (!to.equals(m.state())) {
                        EventService.closeStages(c, m.id(), now, "accept", "handle", "verify");
                        EventService.startStage(c, m.id(), "dispatch", now, deadlines.due(m.classCode(), "dispatch", now));
                        try (PreparedStatement ps = c.prepareStatement(EventSql.SET_DUE)) {
                            ps.setLong(1, m.id());
                            ps.setLong(2, m.id());
                            ps.executeUpdate();
                        }
                    }
                    Map<String, Object> detail = new LinkedHashMap<>();
                    detail.put("fromGrid", m.from());
                    detail.put("toGrid", grid);
                    detail.put("generation", generation);
                    detail.put("assignee", assignee);
                    EventService.log(c, m.id(), now, system, "system", "redispatch", m.state(), to, reason, null, detail);
                }
                sc.commit();
                total += moved.size();
            } catch (SQLException e) {
                throw new IllegalStateException("re-dispatch failed: " + e.getMessage(), e);
            }
        }
    }
}
