package cn.gridmap.synthetic;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import javax.sql.DataSource;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import cn.gridmap.GridmapConfig;
import cn.gridmap.element.CopyWriter;
import cn.gridmap.event.Deadlines;
import cn.gridmap.event.WorkCalendar;
import cn.gridmap.event.WorkClock;
import cn.gridmap.ingest.ImportJobs;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Deterministic, plausible lifecycles for the synthetic city's historical events (derived data, seeded per event id):
 * who reported it and how (patrol, 12345, citizens, Open311, systems), register → dispatch → accept → handle → verify
 * → close → evaluate with times drawn around each stage's limit on the workday calendar (some late), reworks when
 * verification fails, returns, extensions, suspensions, voided reports, 12345 callers' satisfaction; the events of
 * the last two weeks of the history (to {@link #AS_OF}) are still open at some stage. Every transition goes into the
 * log and every stage into event_stage, exactly as the service writes them, so every metric is non-trivial.
 */
@ApplicationScoped
public class SyntheticLifecycles {
    private static final Logger LOG = Logger.getLogger(SyntheticLifecycles.class);
    private static final long LOCK = 0x6772_6964_6c69_66L; // "gridlif"
    /** The history's end: events reported in the two weeks before it are still open. */
    static final Instant AS_OF = LocalDateTime.of(2026, 11, 1, 0, 0).toInstant(ZoneOffset.ofHours(8));
    private static final Duration STILL_OPEN = Duration.ofDays(14);
    private static final String KIND = "synthetic-lifecycles";

    private final DataSource dataSource;
    private final GridmapConfig config;
    private final WorkCalendar calendar;
    private final Deadlines deadlines;

    public SyntheticLifecycles(@io.quarkus.agroal.DataSource("owner") DataSource dataSource, GridmapConfig config, WorkCalendar calendar,
            Deadlines deadlines) {
        this.dataSource = dataSource;
        this.config = config;
        this.calendar = calendar;
        this.deadlines = deadlines;
    }

    /** After the elements (+700) and the staff (+750). */
    void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 760) StartupEvent e) throws SQLException {
        if (config.elements().loadOnStart()) {
            loadIfNeeded();
        }
    }

    private record Ev(long id, String classCode, Instant occurred, String micro, String district, String departmentKind) {
    }

    /** @return events given a lifecycle now (0 when done before) */
    public int loadIfNeeded() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM import_job WHERE kind = ? AND status = 'committed')")) {
                    ps.setString(1, KIND);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            c.rollback();
                            return 0;
                        }
                    }
                }
                long t0 = System.nanoTime();
                List<Ev> events = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT e.id, e.class_code, e.occurred_at, e.microgrid_code, e.district_code, "
                        + "k.department_kind FROM event e JOIN event_class k ON k.code = e.class_code WHERE e.derived AND e.reported_at IS NULL "
                        + "ORDER BY e.id"); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(new Ev(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getString(4), rs.getString(5),
                                rs.getString(6)));
                    }
                }
                if (events.isEmpty()) {
                    c.rollback();
                    return 0;
                }
                Set<String> departments = new HashSet<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT code FROM department"); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        departments.add(rs.getString(1));
                    }
                }
                long job = ImportJobs.start(c, KIND, "SyntheticLifecycles seed " + config.city().seed());
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TEMP TABLE lifecycle (id BIGINT PRIMARY KEY, state TEXT, source TEXT, reported_at TIMESTAMPTZ, reported_by TEXT, "
                            + "assignee TEXT, department_code TEXT, queue TEXT, due_at TIMESTAMPTZ, overdue BOOLEAN, escalations SMALLINT, "
                            + "reworks SMALLINT, urgency TEXT, satisfaction TEXT, solved BOOLEAN, closed_at TIMESTAMPTZ, closed_on_time BOOLEAN) "
                            + "ON COMMIT DROP");
                }
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                WorkClock clock = calendar.clock();
                long stages = 0;
                long logs = 0;
                // one COPY at a time on the connection: the lives first, then their stages, then their logs
                List<Sim> sims = new ArrayList<>(events.size());
                try (CopyWriter life = new CopyWriter(copy, "COPY lifecycle FROM STDIN (FORMAT csv)")) {
                    for (Ev ev : events) {
                        String dept = ev.departmentKind() == null ? null : ev.district() + "-" + ev.departmentKind();
                        Sim s = new Sim(ev, dept != null && departments.contains(dept) ? dept : null, clock, deadlines,
                                new Random(config.city().seed() * 31 + ev.id()));
                        s.run();
                        sims.add(s);
                        life.row().field(ev.id()).field(s.state).field(s.source).field(ts(s.reportedAt)).field(s.reporter).field(s.assignee)
                                .field(s.department).field(s.queue).field(ts(s.due)).field(s.overdue).field(s.escalations).field(s.reworks)
                                .field(s.urgency).field(s.satisfaction);
                        if (s.solved == null) {
                            life.row().nul();
                        } else {
                            life.row().field(s.solved);
                        }
                        life.row().field(ts(s.closedAt));
                        if (s.closedOnTime == null) {
                            life.row().nul();
                        } else {
                            life.row().field(s.closedOnTime);
                        }
                        life.row().end();
                    }
                    life.finish();
                }
                try (CopyWriter st = new CopyWriter(copy, "COPY event_stage (event_id, stage, started_at, due_at, done_at, on_time, escalated_at) "
                        + "FROM STDIN (FORMAT csv)")) {
                    for (Sim s : sims) {
                        stages += writeStages(st, s.stages);
                    }
                    st.finish();
                }
                try (CopyWriter lg = new CopyWriter(copy, "COPY event_log (event_id, at, actor, role, action, from_state, to_state, note, detail) "
                        + "FROM STDIN (FORMAT csv)")) {
                    for (Sim s : sims) {
                        for (Sim.Log l : s.logs) {
                            lg.row().field(l.event()).field(ts(l.at())).field(l.actor()).field(l.role()).field(l.action()).field(l.from())
                                    .field(l.to()).field(l.note()).field(l.detail()).end();
                            logs++;
                        }
                    }
                    lg.finish();
                }
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE event e SET state = l.state, source = l.source, reported_at = l.reported_at, reported_by = l.reported_by, "
                            + "assignee = l.assignee, department_code = l.department_code, queue = l.queue, due_at = l.due_at, overdue = l.overdue, "
                            + "escalations = l.escalations, reworks = l.reworks, urgency = l.urgency, satisfaction = l.satisfaction, solved = l.solved, "
                            + "closed_at = l.closed_at, closed_on_time = l.closed_on_time, routed_grid = left(e.microgrid_code, 15), generation = 1, "
                            + "queue_region = left(e.microgrid_code, 9), updated_at = coalesce(l.closed_at, l.reported_at) "
                            + "FROM lifecycle l WHERE l.id = e.id");
                }
                cn.gridmap.event.EventService.summarizeStages(c);
                ImportJobs.finish(c, job, "committed", events.size(), events.size(), 0, stages + " stages, " + logs + " log rows");
                c.commit();
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    // the lives were written over every event row: rewrite the table once (a third of its size; the
                    // metrics of every grid are one scan of it)
                    s.execute("VACUUM (FULL, ANALYZE) event");
                    s.execute("ANALYZE event_stage");
                    s.execute("ANALYZE event_log");
                }
                LOG.infof("synthetic lifecycles: %d events, %d stages, %d log rows in %.1f s", events.size(), stages, logs,
                        (System.nanoTime() - t0) / 1e9);
                return events.size();
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            }
        }
    }

    private static long writeStages(CopyWriter st, List<Sim.Stage> rows) throws SQLException {
        for (Sim.Stage s : rows) {
            CopyWriter.Rows r = st.row().field(s.event()).field(s.stage()).field(ts(s.started())).field(ts(s.due())).field(ts(s.done()));
            if (s.done() == null) {
                r.nul();
            } else {
                r.field(!s.done().isAfter(s.due()));
            }
            r.field(ts(s.escalated())).end();
        }
        return rows.size();
    }

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssXXX");

    private static String ts(Instant t) {
        return t == null ? null : TS.format(t.atZone(WorkClock.CITY));
    }

    /** One event's life, drawn step by step. */
    static final class Sim {
        record Stage(long event, String stage, Instant started, Instant due, Instant done, Instant escalated) {
        }

        record Log(long event, Instant at, String actor, String role, String action, String from, String to, String note, String detail) {
        }

        final List<Stage> stages = new ArrayList<>();
        final List<Log> logs = new ArrayList<>();
        private final Ev ev;
        private final WorkClock clock;
        private final Deadlines deadlines;
        private final Random rnd;
        private final String street;
        private final String worker;
        String department;
        String state = "reported";
        /** The state before the last step (a stage finished by a step was overdue in it). */
        private String prev = "reported";
        String source;
        String reporter;
        String assignee;
        String queue;
        String urgency;
        String satisfaction;
        Boolean solved;
        Boolean closedOnTime;
        Instant reportedAt;
        Instant closedAt;
        Instant due;
        boolean overdue;
        int escalations;
        int reworks;
        private Instant t;
        private final Instant end;

        Sim(Ev ev, String department, WorkClock clock, Deadlines deadlines, Random rnd) {
            this.ev = ev;
            this.department = department;
            this.clock = clock;
            this.deadlines = deadlines;
            this.rnd = rnd;
            this.street = ev.micro().substring(0, 9);
            this.worker = "wg." + ev.micro().substring(0, 15);
            boolean recent = ev.occurred().isAfter(AS_OF.minus(STILL_OPEN));
            // a recent event stops at a random point of its life: the history ends at AS_OF
            this.end = recent ? ev.occurred().plus(Duration.ofMinutes((long) (rnd.nextDouble() * Duration.between(ev.occurred(), AS_OF).toMinutes())))
                    : Instant.MAX;
        }

        /** Working time as a share of the limit (late when the share is above 1). */
        private Instant after(Instant from, String stage, double share) {
            Duration limit = deadlines.limit(ev.classCode(), stage);
            return clock.plusWorkingTime(from.atZone(WorkClock.CITY), Duration.ofSeconds(Math.max(60, (long) (limit.toSeconds() * share))))
                    .toInstant();
        }

        /** Mostly in time, sometimes late: a share of the limit. */
        private double share(double lateChance) {
            return rnd.nextDouble() < lateChance ? 1.05 + rnd.nextDouble() * 1.5 : 0.1 + rnd.nextDouble() * 0.85;
        }

        private Stage open(String stage, Instant from) {
            return new Stage(ev.id(), stage, from, deadlines.due(ev.classCode(), stage, from), null, null);
        }

        private final List<Stage> running = new ArrayList<>();

        private void start(String... names) {
            for (String n : names) {
                running.add(open(n, t));
            }
        }

        private void finish(Instant at, String... names) {
            for (String n : names) {
                for (int i = 0; i < running.size(); i++) {
                    Stage s = running.get(i);
                    if (s.stage().equals(n)) {
                        Instant esc = at.isAfter(s.due()) ? s.due().plusSeconds(30) : null;
                        if (esc != null) {
                            overdue = true;
                            escalations++;
                            log(s.due().plusSeconds(30), "system:deadlines", "system", "escalate", prev, prev, "督办: " + n + " overdue",
                                    "{\"stage\":\"" + n + "\"}");
                        }
                        stages.add(new Stage(s.event(), s.stage(), s.started(), s.due(), at, esc));
                        running.remove(i);
                        break;
                    }
                }
            }
        }

        private void log(Instant at, String actor, String role, String action, String from, String to, String note, String detail) {
            logs.add(new Log(ev.id(), at, actor, role, action, from, to, note, detail));
        }

        /** Moves to {@code to} at {@code at} unless the history ends first; false when it ended. */
        private boolean step(Instant at, String actor, String role, String action, String to, String note) {
            if (at.isAfter(end)) {
                return false;
            }
            log(at, actor, role, action, state, to, note, null);
            prev = state;
            state = to;
            t = at;
            return true;
        }

        void run() {
            int pick = rnd.nextInt(100);
            source = pick < 45 ? "patrol" : pick < 80 ? "hotline12345" : pick < 90 ? "citizen" : pick < 95 ? "open311" : "system";
            reporter = switch (source) {
                case "patrol" -> worker;
                case "hotline12345" -> "hotline-12345";
                case "open311" -> "open311-client";
                case "system" -> "system:video";
                default -> "zbz." + street;
            };
            urgency = ev.classCode().startsWith("04") ? "urgent" : "normal";
            reportedAt = ev.occurred().plusSeconds(60 + rnd.nextInt(1800));
            t = reportedAt;
            assignee = worker;
            log(t, reporter, source.equals("patrol") ? "gridworker" : source.equals("citizen") ? "dispatcher" : "system", "report", null,
                    "reported", null, null);
            start("register");
            String handler = department != null ? "bm." + department : worker;
            String handlerRole = department != null ? "department" : "gridworker";
            try {
                if (rnd.nextInt(100) < 3) { // 作废: not a case
                    Instant at = after(t, "register", share(0.05));
                    if (!step(at, "zbz." + street, "dispatcher", "void", "voided", "不属于受理范围")) {
                        return;
                    }
                    finish(t, "register");
                    return;
                }
                if (!step(after(t, "register", share(0.08)), "zbz." + street, "dispatcher", "register", "registered", null)) {
                    return;
                }
                finish(t, "register");
                start("dispatch");
                if (!step(after(t, "dispatch", share(0.07)), "pq." + street, "dispatcher", "dispatch", "dispatched", null)) {
                    return;
                }
                finish(t, "dispatch");
                start("accept", "handle");
                if (department != null && rnd.nextInt(100) < 3) { // 回退, then dispatched again
                    if (!step(after(t, "accept", share(0.1)), handler, handlerRole, "return", "returned", "非本部门职责")) {
                        return;
                    }
                    finish(t, "accept", "handle");
                    start("dispatch");
                    if (!step(after(t, "dispatch", share(0.1)), "pq." + street, "dispatcher", "dispatch", "dispatched", null)) {
                        return;
                    }
                    finish(t, "dispatch");
                    start("accept", "handle");
                }
                for (int round = 0; ; round++) {
                    if (!step(after(t, "accept", share(0.06)), handler, handlerRole, "accept", "handling", null)) {
                        return;
                    }
                    finish(t, "accept");
                    if (round == 0 && rnd.nextInt(100) < 2) { // 挂账: stays on the ledger
                        step(after(t, "handle", 0.5), "pq." + street, "dispatcher", "suspend", "suspended", "需协调多部门，列入挂账");
                        finish(t, "handle");
                        return;
                    }
                    double handleShare = share(0.10);
                    if (round == 0 && handleShare > 1 && rnd.nextInt(100) < 25) { // 延期 approved before the limit
                        Stage h = running.stream().filter(s -> s.stage().equals("handle")).findFirst().orElseThrow();
                        Instant at = after(t, "handle", 0.6);
                        if (!step(at, "pq." + street, "dispatcher", "extend", "extended", "申请延期")) {
                            return;
                        }
                        running.remove(h);
                        running.add(new Stage(h.event(), h.stage(), h.started(), clock.plusWorkingTime(h.due().atZone(WorkClock.CITY),
                                deadlines.limit(ev.classCode(), "handle")).toInstant(), null, null));
                    }
                    if (!step(after(t, "handle", handleShare), handler, handlerRole, "handle", "handled", "已处置")) {
                        return;
                    }
                    finish(t, "handle");
                    start("verify");
                    boolean passed = rnd.nextInt(100) >= 5 || round > 0;
                    if (!step(after(t, "verify", share(0.05)), worker, "gridworker", "verify", passed ? "verified" : "rework",
                            passed ? "核查通过" : "核查未通过")) {
                        return;
                    }
                    finish(t, "verify");
                    if (passed) {
                        break;
                    }
                    reworks++;
                    start("accept", "handle");
                }
                start("close");
                if (!step(after(t, "close", share(0.04)), "zbz." + street, "dispatcher", "close", "closed", null)) {
                    return;
                }
                finish(t, "close");
                closedAt = t;
                Stage lastHandle = null;
                for (Stage s : stages) {
                    if (s.stage().equals("handle")) {
                        lastHandle = s;
                    }
                }
                closedOnTime = lastHandle != null && !lastHandle.done().isAfter(lastHandle.due());
                boolean asked = source.equals("hotline12345") ? rnd.nextInt(100) < 90 : rnd.nextInt(100) < 30;
                if (asked) {
                    int s = rnd.nextInt(100);
                    String sat = closedOnTime ? (s < 86 ? "satisfied" : s < 95 ? "basic" : "unsatisfied")
                            : (s < 60 ? "satisfied" : s < 80 ? "basic" : "unsatisfied");
                    Instant at = clock.plusWorkingTime(t.atZone(WorkClock.CITY), Duration.ofHours(1 + rnd.nextInt(16))).toInstant();
                    if (step(at, source.equals("hotline12345") ? "hotline-12345" : "zbz." + street,
                            source.equals("hotline12345") ? "system" : "dispatcher", "evaluate", "evaluated", null)) {
                        satisfaction = sat;
                        solved = !sat.equals("unsatisfied") || rnd.nextBoolean();
                    }
                }
            } finally {
                // stages still running at the end of the history stay open; escalated once their deadline had passed
                for (Stage s : running) {
                    Instant esc = s.due().isBefore(AS_OF) ? s.due().plusSeconds(30) : null;
                    if (esc != null) {
                        overdue = true;
                        escalations++;
                        log(esc, "system:deadlines", "system", "escalate", state, state, "督办: " + s.stage() + " overdue",
                                "{\"stage\":\"" + s.stage() + "\"}");
                    }
                    stages.add(new Stage(s.event(), s.stage(), s.started(), s.due(), null, esc));
                    due = due == null || s.due().isBefore(due) ? s.due() : due;
                }
                queue = switch (state) {
                    case "reported", "registered", "returned" -> "new";
                    default -> null;
                };
                logs.sort(java.util.Comparator.comparing(Log::at));
            }
        }
    }
}
