package cn.gridmap.edit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.jboss.logging.Logger;
import org.locationtech.jts.coverage.CoverageValidator;
import org.locationtech.jts.geom.Geometry;

import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.GridmapConfig;
import cn.gridmap.element.ElementPlacement;
import cn.gridmap.geo.GeoJson;
import cn.gridmap.region.Level;
import cn.gridmap.region.RegionPublisher;
import cn.gridmap.region.RegionService;
import cn.gridmap.security.Audit;
import cn.gridmap.security.Caller;
import cn.gridmap.security.Roles;
import cn.gridmap.web.ApiException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Sign-off and publishing. Submit fixes the chain of approvers by the highest level whose boundary moves (inside one
 * grid: community; a grid boundary: community, street; a community or street boundary: community, street,
 * district); each approver's area scope must cover the change at their level, and nobody approves their own change
 * set. Approvals count only at the revision they were given. Publishing is one transaction ({@link RegionPublisher},
 * {@link ElementPlacement}); a future effective date leaves the change set scheduled until a timer (on every
 * replica, one wins the row lock) publishes it.
 */
@ApplicationScoped
public class SignOff {
    private static final Logger LOG = Logger.getLogger(SignOff.class);
    static final ZoneId CITY_TIME = ZoneId.of("Asia/Shanghai");

    /** One decision. */
    public record Approval(int step, String level, String approver, String decision, String comment, int revision, String at, boolean counts) {
    }

    /** The answer to publish. */
    public record Published(String state, Integer generation, String effectiveFrom, List<String> changed) {
    }

    private final DataSource dataSource;
    private final DataSource owner;
    private final RegionService regions;
    private final RegionPublisher publisher;
    private final ElementPlacement placement;
    private final Audit audit;
    private final GridmapConfig config;
    private final Notifications notifications;
    private ScheduledExecutorService timer;

    public SignOff(DataSource dataSource, @io.quarkus.agroal.DataSource("owner") DataSource owner, RegionService regions,
            RegionPublisher publisher, ElementPlacement placement, Audit audit, GridmapConfig config, Notifications notifications) {
        this.notifications = notifications;
        this.dataSource = dataSource;
        this.owner = owner;
        this.regions = regions;
        this.publisher = publisher;
        this.placement = placement;
        this.audit = audit;
        this.config = config;
    }

    static ChangeSetService.Locked lockRow(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.LOCK)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("no change set " + id);
                }
                return new ChangeSetService.Locked(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getInt(5));
            }
        }
    }

    static List<Approval> approvals(Connection c, long id) throws SQLException {
        List<Approval> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.APPROVALS)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Approval(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6),
                            rs.getObject(7, OffsetDateTime.class).toString(), rs.getBoolean(8)));
                }
            }
        }
        return out;
    }

    /** POST …/submit {revision, effectiveFrom}: full validation of the changed parents, then the sign-off chain. */
    public ChangeSetService.ChangeSet submit(Caller caller, long id, JsonNode body, ChangeSetService changeSets) {
        int seen = revision(body);
        LocalDate effective = effectiveFrom(body);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                ChangeSetService.Locked cs = lockRow(c, id);
                if (!"draft".equals(cs.state())) {
                    throw new ApiException(409, "change set " + id + " is " + cs.state() + ": only a draft is submitted");
                }
                if (!caller.name().equals(cs.author()) && !caller.principal().has(Roles.ADMIN)) {
                    throw new ApiException(403, "only its author (" + cs.author() + ") or an admin submits change set " + id);
                }
                if (seen != cs.revision()) {
                    throw new ChangeSetService.StaleRevision(cs.revision());
                }
                Draft d = Draft.load(c, id, regions);
                if (d.overlay().isEmpty()) {
                    throw EditOp.at("nothing-to-submit", null, null, null, "变更集没有任何改动", "the change set changes nothing", null);
                }
                List<String> stale = publisher.stale(c, d.overlay().stream().filter(Draft.Row::base).map(Draft.Row::code).toList(),
                        cs.baseGeneration());
                if (!stale.isEmpty()) {
                    throw new ApiException(409, "regions " + stale + " changed since generation " + cs.baseGeneration()
                            + " (the change set's base): rebase it (POST /api/changesets/" + id + "/rebase), then submit");
                }
                validateParents(d);
                List<String> chain = chain(d);
                try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.SUBMIT)) {
                    ps.setObject(1, effective);
                    ps.setArray(2, c.createArrayOf("text", chain.toArray()));
                    ps.setLong(3, id);
                    ps.executeUpdate();
                }
                audit.record(c, caller, "changeset.submit", "changeset:" + id, chain, null, "ok", "effective " + effective);
                c.commit();
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("submit failed: " + e.getMessage(), e);
        }
        return changeSets.get(id);
    }

    /** POST …/approvals {revision, decision: approve|return, comment}. */
    public ChangeSetService.ChangeSet decide(Caller caller, long id, JsonNode body, ChangeSetService changeSets) {
        int seen = revision(body);
        String decision = body.path("decision").asText("");
        if (!Set.of("approve", "return").contains(decision)) {
            throw ApiException.badRequest("decision must be approve or return");
        }
        String comment = body.path("comment").isTextual() ? body.path("comment").asText() : null;
        if (comment != null && comment.length() > 2000) {
            throw ApiException.badRequest("comment: at most 2,000 characters");
        }
        if ("return".equals(decision) && (comment == null || comment.isBlank())) {
            throw ApiException.badRequest("a return needs a comment saying what to change");
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                ChangeSetService.Locked cs = lockRow(c, id);
                if (!"submitted".equals(cs.state())) {
                    throw new ApiException(409, "change set " + id + " is " + cs.state() + ": only a submitted one is signed off");
                }
                if (seen != cs.revision()) {
                    throw new ChangeSetService.StaleRevision(cs.revision());
                }
                if (caller.name().equals(cs.author())) {
                    throw new ApiException(403, "nobody signs off their own change set");
                }
                List<Approval> given = approvals(c, id);
                if (!caller.principal().has(Roles.ADMIN) && given.stream().anyMatch(a -> a.counts() && a.approver().equals(caller.name()))) {
                    throw new ApiException(403, "you signed a step of change set " + id + " already: each step is another approver's");
                }
                List<String> chain = chainOf(c, id);
                int step = (int) given.stream().filter(a -> a.counts() && a.decision().equals("approve")).count() + 1;
                String level = chain.get(step - 1);
                requireApproverScope(caller, c, id, Level.fromWire(level));
                try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.INSERT_APPROVAL)) {
                    ps.setLong(1, id);
                    ps.setInt(2, step);
                    ps.setString(3, level);
                    ps.setString(4, caller.name());
                    ps.setString(5, decision);
                    ps.setString(6, comment);
                    ps.setInt(7, cs.revision());
                    ps.executeUpdate();
                }
                String next = "return".equals(decision) ? "draft" : step == chain.size() ? "approved" : "submitted";
                try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.SET_STATE)) {
                    ps.setString(1, next);
                    ps.setLong(2, id);
                    ps.executeUpdate();
                }
                audit.record(c, caller, "changeset." + decision, "changeset:" + id, List.of(level), null, "ok",
                        "step " + step + "/" + chain.size() + (comment == null ? "" : ": " + comment));
                c.commit();
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("sign-off failed: " + e.getMessage(), e);
        }
        return changeSets.get(id);
    }

    /** POST …/publish {revision}: now, or scheduled when its effective date is still to come. */
    public Published publish(Caller caller, long id, JsonNode body) {
        int seen = revision(body);
        try (Connection c = owner.getConnection()) {
            c.setAutoCommit(false);
            try {
                ChangeSetService.Locked cs = lockRow(c, id);
                if (!"approved".equals(cs.state())) {
                    throw new ApiException(409, "change set " + id + " is " + cs.state() + ": it is published after its last approval");
                }
                if (!caller.name().equals(cs.author()) && !caller.principal().has(Roles.ADMIN)
                        && approvals(c, id).stream().noneMatch(a -> a.counts() && a.approver().equals(caller.name()))) {
                    throw new ApiException(403, "change set " + id + " is published by its author, one of its approvers or an admin");
                }
                if (seen != cs.revision()) {
                    throw new ChangeSetService.StaleRevision(cs.revision());
                }
                LocalDate effective = effectiveOf(c, id);
                if (effective.isAfter(LocalDate.now(CITY_TIME))) {
                    try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.SET_STATE)) {
                        ps.setString(1, "scheduled");
                        ps.setLong(2, id);
                        ps.executeUpdate();
                    }
                    audit.record(c, caller, "changeset.schedule", "changeset:" + id, List.of(), null, "ok", "effective " + effective);
                    c.commit();
                    return new Published("scheduled", null, effective.toString(), List.of());
                }
                Published p = carryOut(c, caller, id, cs, effective);
                c.commit();
                return p;
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("publish failed: " + e.getMessage(), e);
        }
    }

    /**
     * Publishes a change set the service derived itself (the synthetic city's 专属网格 from its organisations registry):
     * the full validation of submit, then the publishing transaction, without a sign-off chain: there is no person to
     * sign. Only the service's own jobs (a caller without a request) may; it is audited as such.
     */
    public Published publishDerived(Caller caller, long id) {
        if (caller.requestId() != null || !caller.principal().has(Roles.ADMIN)) {
            throw new IllegalStateException("only the service's own jobs publish a derived change set");
        }
        try (Connection c = owner.getConnection()) {
            c.setAutoCommit(false);
            try {
                ChangeSetService.Locked cs = lockRow(c, id);
                if (!"draft".equals(cs.state())) {
                    throw new ApiException(409, "change set " + id + " is " + cs.state() + ": a derived change set is published from its draft");
                }
                Draft d = Draft.load(c, id, regions);
                validateParents(d);
                audit.record(c, caller, "changeset.publish.derived", "changeset:" + id, List.of(), null, "ok", "no sign-off: derived data");
                Published p = carryOut(c, caller, id, cs, LocalDate.now(CITY_TIME));
                c.commit();
                return p;
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("publish failed: " + e.getMessage(), e);
        }
    }

    /**
     * The publishing transaction's body: new generation, regions, elements, lineage, history, statistics. A base
     * region superseded meanwhile is a 409 with the codes (rebase, then publish again).
     */
    private Published carryOut(Connection c, Caller caller, long id, ChangeSetService.Locked cs, LocalDate planned) throws SQLException {
        // published after its planned day (signed off late, or the service was down that day): in force from today, so
        // that what asOf answered for the days before never changes afterwards
        LocalDate today = LocalDate.now(CITY_TIME);
        LocalDate effective = planned.isBefore(today) ? today : planned;
        Draft d = Draft.load(c, id, regions);
        Set<String> replaced = new TreeSet<>();
        Set<String> baseMicrogrids = new TreeSet<>();
        Set<String> touched = new TreeSet<>();
        List<RegionPublisher.NewRegion> rows = new ArrayList<>();
        Map<String, Geometry> counted = new LinkedHashMap<>();
        for (Draft.Row r : d.overlay()) {
            if (r.base()) {
                replaced.add(r.code());
                if (r.level() == Level.MICROGRID) {
                    baseMicrogrids.add(r.code());
                }
            }
            if (r.level() == Level.MICROGRID) {
                touched.add(r.code());
            }
            if (!r.deleted() && (r.level() == Level.MICROGRID || r.level() == Level.GRID)) {
                counted.put(r.code(), r.geom());
            }
        }
        Map<String, ElementPlacement.Counts> counts = placement.counts(c, counted);
        for (Draft.Row r : d.overlay()) {
            if (r.deleted()) {
                continue;
            }
            Map<String, Object> props = new HashMap<>();
            String set = d.properties(r.code());
            if (set != null) {
                try {
                    props.putAll(ChangeSetService.JSON.readValue(set, Map.class));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException("stored properties of " + r.code() + " are not JSON: " + e.getMessage(), e);
                }
            }
            props.put("editedBy", "change set " + id);
            ElementPlacement.Counts n = counts.get(r.code());
            if (n != null) {
                props.put("households", n.households());
            }
            rows.add(new RegionPublisher.NewRegion(r.code(), r.level(), r.name(), r.parentCode(), r.geom(),
                    ChangeSetService.JSON.valueToTree(props).toString()));
        }
        Preview.Locator locate = Preview.locator(d);
        List<ElementPlacement.Move> moves = placement.moves(c, baseMicrogrids, locate::code);
        List<RegionPublisher.LineageRow> lineage = d.netLineage().stream()
                .map(l -> new RegionPublisher.LineageRow(l.from(), l.to(), l.relation(), l.areaSqm())).toList();
        int generation;
        try {
            generation = publisher.publish(c, cs.baseGeneration(), "change set " + id, effective, id, replaced, rows, lineage);
        } catch (RegionPublisher.Conflict e) {
            throw new ApiException(409, "regions " + e.codes() + " changed since generation " + cs.baseGeneration()
                    + " (the change set's base): rebase it (POST /api/changesets/" + id + "/rebase), then publish again");
        }
        pauseForTheCrashDrill();
        placement.reassign(c, generation, moves, touched);
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.PUBLISHED)) {
            ps.setInt(1, generation);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
        notifications.enqueue(c, generation);
        List<String> changed = rows.stream().map(RegionPublisher.NewRegion::code).toList();
        audit.record(c, caller, "changeset.publish", "changeset:" + id, changed, null, "ok",
                "generation " + generation + ", " + moves.size() + " element moves, effective " + effective);
        LOG.infof("change set %d published as generation %d: %d regions, %d element moves", id, generation, rows.size(), moves.size());
        return new Published("published", generation, effective.toString(), changed);
    }

    private void pauseForTheCrashDrill() {
        long ms = config.edit().publishPauseMillis();
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void onStart(@Observes StartupEvent e) {
        int seconds = config.edit().scheduleCheckSeconds();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gridmap-scheduled-publish");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::publishDue, seconds, seconds, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent e) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** Publishes every scheduled change set whose day has come; the row lock (SKIP LOCKED) lets one replica do each. */
    public int publishDue() {
        int done = 0;
        try {
            while (true) {
                try (Connection c = owner.getConnection()) {
                    c.setAutoCommit(false);
                    Long id = null;
                    try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.DUE)) {
                        ps.setObject(1, LocalDate.now(CITY_TIME));
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next()) {
                                id = rs.getLong(1);
                            }
                        }
                    }
                    if (id == null) {
                        c.rollback();
                        return done;
                    }
                    try {
                        ChangeSetService.Locked cs = lockRow(c, id);
                        carryOut(c, Caller.service("scheduled-publish"), id, cs, effectiveOf(c, id));
                        c.commit();
                        done++;
                    } catch (ApiException ex) {
                        c.rollback();
                        LOG.warnf("scheduled change set %d could not be published: %s", id, ex.getMessage());
                        markStale(id);
                    }
                }
            }
        } catch (SQLException | RuntimeException ex) {
            LOG.error("scheduled publishing failed", ex);
            return done;
        }
    }

    /** A scheduled change set that conflicts goes back to submitted (its approvals stay; it must be rebased). */
    private void markStale(long id) throws SQLException {
        try (Connection c = owner.getConnection(); PreparedStatement ps = c.prepareStatement(ChangeSetSql.SET_STATE)) {
            ps.setString(1, "approved");
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    // ---- validation and the chain --------------------------------------------------------------------------------

    /** The full coverage check at submit: the children of every parent the change set touches, together. */
    private void validateParents(Draft d) {
        Set<String> parents = new TreeSet<>();
        for (Draft.Row r : d.overlay()) {
            if (r.parentCode() != null && r.level().ordinal() >= Level.GRID.ordinal()) {
                parents.add(r.parentCode());
            }
        }
        List<Issue> issues = new ArrayList<>();
        for (String p : parents) {
            if (d.find(p).isEmpty()) {
                continue;
            }
            List<Draft.Row> kids = d.children(p);
            Geometry[] bad = CoverageValidator.validate(kids.stream().map(Draft.Row::geom).toArray(Geometry[]::new));
            for (int i = 0; i < bad.length; i++) {
                if (bad[i] != null) {
                    Draft.Row k = kids.get(i);
                    issues.add(Issue.error("overlap-or-mismatch", k.level().wireName(), k.code(), p, k.code() + " 与同一上级的其他区划重叠或公共边不一致",
                            k.code() + " overlaps a sibling or does not match a shared edge", GeoJson.geometry(bad[i])));
                }
            }
        }
        if (!issues.isEmpty()) {
            throw new EditRejected(issues);
        }
    }

    /** The approvers' levels, set by the highest level whose boundary moves. */
    private static List<String> chain(Draft d) {
        Level highest = Level.MICROGRID;
        for (Draft.Row r : d.overlay()) {
            if (r.level() == Level.MICROGRID) {
                continue;
            }
            boolean boundaryMoved = r.deleted() || !r.base() || Checks.moved(base(d, r), r.geom());
            if (boundaryMoved && r.level().ordinal() < highest.ordinal()) {
                highest = r.level();
            }
        }
        return switch (highest) {
            case MICROGRID -> List.of("community");
            case GRID -> List.of("community", "street");
            default -> List.of("community", "street", "district");
        };
    }

    private static org.locationtech.jts.geom.MultiPolygon base(Draft d, Draft.Row r) {
        return d.baseShape(r.code());
    }

    /** Whether the caller may sign the next step of a submitted change set (the queue of an approver). */
    boolean canSignNext(Connection c, Caller caller, long id) throws SQLException {
        if (!caller.principal().has(Roles.APPROVER) && !caller.principal().has(Roles.ADMIN)) {
            return false;
        }
        List<String> chain = chainOf(c, id);
        int step = (int) approvals(c, id).stream().filter(a -> a.counts() && a.decision().equals("approve")).count();
        if (chain == null || step >= chain.size()) {
            return false;
        }
        try {
            requireApproverScope(caller, c, id, Level.fromWire(chain.get(step)));
            return true;
        } catch (ApiException e) {
            return false;
        }
    }

    /**
     * The step's level names the approver: her scope must hold, for every region the change set changes, its ancestor
     * at that level itself (a wider scope does not sign a narrower step), unless it is the whole city.
     */
    private void requireApproverScope(Caller caller, Connection c, long id, Level level) throws SQLException {
        if (caller.principal().scope().all()) {
            return;
        }
        Draft d = Draft.load(c, id, regions);
        for (Draft.Row r : d.overlay()) {
            if (r.level().ordinal() < Level.GRID.ordinal()) {
                continue;
            }
            List<String> chain = d.chain(r); // city first: index = level
            String at = chain.get(Math.min(chain.size() - 1, level.ordinal()));
            // the step belongs to that level: the community's approver signs the community step, the street's the street step
            if (!caller.principal().scope().codes().contains(at)) {
                throw new ApiException(403, "the " + level.wireName() + " step is signed by an approver of " + at + " (or one for the whole city); "
                        + "your scope is " + caller.principal().scope().codes());
            }
        }
    }

    private static List<String> chainOf(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.CHAIN)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                java.sql.Array a = rs.getArray(1);
                return a == null ? null : List.of((String[]) a.getArray());
            }
        }
    }

    private static LocalDate effectiveOf(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ChangeSetSql.EFFECTIVE)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, LocalDate.class);
            }
        }
    }

    private static int revision(JsonNode body) {
        if (body == null || !body.path("revision").isInt()) {
            throw ApiException.badRequest("revision (the change set's revision you saw) is required, as a whole number");
        }
        return body.path("revision").asInt();
    }

    /** An ISO date from today (in the city's time zone) to five years ahead; today when left out. */
    private static LocalDate effectiveFrom(JsonNode body) {
        LocalDate today = LocalDate.now(CITY_TIME);
        JsonNode v = body.path("effectiveFrom");
        if (v.isMissingNode() || v.isNull()) {
            return today;
        }
        try {
            LocalDate d = LocalDate.parse(v.asText());
            if (d.isBefore(today) || d.isAfter(today.plusYears(5))) {
                throw ApiException.badRequest("effectiveFrom must be between today (" + today + ", Asia/Shanghai) and five years ahead, got " + d);
            }
            return d;
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("effectiveFrom must be an ISO date (2027-01-01), got '" + v.asText() + "'");
        }
    }
}
