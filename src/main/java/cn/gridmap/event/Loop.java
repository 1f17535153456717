package cn.gridmap.event;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import cn.gridmap.security.Roles;

/**
 * The closed loop as a table: for each action, the states it may be taken from, the state it leads to, and the roles
 * that may take it (数字城管 stages and actors, ../shared/reference/events.md §2.2: 受理员/值班长/派遣员 are the
 * dispatcher role, the 监督员 who verifies on site is the assigned grid worker, 处置 is the department's or, for the
 * classes no department handles, the grid worker's). Who among a role may act on one event (the handler, the
 * assignee) is decided by {@link EventService}; this table is pure and tested as a table.
 */
public final class Loop {
    public static final String REPORTED = "reported";
    public static final String ADJUDICATION = "adjudication";
    public static final String REGISTERED = "registered";
    public static final String DISPATCHED = "dispatched";
    public static final String HANDLING = "handling";
    public static final String HANDLED = "handled";
    public static final String VERIFIED = "verified";
    public static final String CLOSED = "closed";
    public static final String EVALUATED = "evaluated";
    public static final String RETURNED = "returned";
    public static final String REWORK = "rework";
    public static final String SUSPENDED = "suspended";
    public static final String EXTENDED = "extended";
    public static final String VOIDED = "voided";

    public static final List<String> STATES = List.of(REPORTED, ADJUDICATION, REGISTERED, DISPATCHED, HANDLING, HANDLED, VERIFIED, CLOSED,
            EVALUATED, RETURNED, REWORK, SUSPENDED, EXTENDED, VOIDED);
    /** States an event leaves the loop in: no deadline runs, no queue holds it. */
    public static final Set<String> FINAL = Set.of(CLOSED, EVALUATED, VOIDED);

    /** Who takes an action: a role, and for handler/assignee actions the one among it that the event names. */
    public enum Actor {
        /** dispatchers (受理员, 值班长, 派遣员) of the event's area */
        DISPATCHER,
        /** the event's department handler, or its assigned grid worker when no department handles the class */
        HANDLER,
        /** the assigned grid worker (监督员 verifying on site) */
        ASSIGNEE,
        /** another system (the 12345 platform reporting the caller's evaluation) */
        SYSTEM
    }

    /** One row of the table; {@code to} is null for an action that leaves the state as it is (arrive). */
    public record Transition(String action, Set<String> from, String to, Set<Actor> actors, String summary) {
    }

    private static final Map<String, Transition> TABLE = new LinkedHashMap<>();

    private static void row(String action, Set<String> from, String to, Set<Actor> actors, String summary) {
        TABLE.put(action, new Transition(action, from, to, actors, summary));
    }

    static {
        row("register", Set.of(REPORTED), REGISTERED, Set.of(Actor.DISPATCHER), "立案: the report is a case");
        row("adjudicate", Set.of(ADJUDICATION), REPORTED, Set.of(Actor.DISPATCHER),
                "边界确认: pick the grid among the candidates {gridCode}; the clock starts now");
        row("dispatch", Set.of(REGISTERED, RETURNED, SUSPENDED), DISPATCHED, Set.of(Actor.DISPATCHER),
                "派遣: to the grid's worker and the class's department {assignee?, departmentCode?}");
        row("accept", Set.of(DISPATCHED, REWORK), HANDLING, Set.of(Actor.HANDLER), "签收: the handler takes it on");
        row("arrive", Set.of(HANDLING, EXTENDED, HANDLED), null, Set.of(Actor.HANDLER, Actor.ASSIGNEE),
                "到场: on site {lon, lat, accuracyMeters?}; the state stays, the distance to the event's point is logged");
        row("handle", Set.of(HANDLING, EXTENDED), HANDLED, Set.of(Actor.HANDLER), "处置反馈: done, with the result {note, attachment?}");
        row("verify", Set.of(HANDLED), VERIFIED, Set.of(Actor.ASSIGNEE, Actor.DISPATCHER),
                "核查: on site {passed: true}; {passed: false} sends it back to rework");
        row("close", Set.of(VERIFIED), CLOSED, Set.of(Actor.DISPATCHER), "结案");
        row("evaluate", Set.of(CLOSED), EVALUATED, Set.of(Actor.DISPATCHER, Actor.SYSTEM),
                "评价/回访: {satisfaction: satisfied|basic|unsatisfied, solved?}");
        row("return", Set.of(DISPATCHED, HANDLING), RETURNED, Set.of(Actor.HANDLER), "回退: not ours, with the reason {note}");
        row("suspend", Set.of(HANDLING, EXTENDED, RETURNED), SUSPENDED, Set.of(Actor.DISPATCHER),
                "挂账: cannot be solved within the limit {note}; the clock stops");
        row("extend", Set.of(HANDLING), EXTENDED, Set.of(Actor.DISPATCHER),
                "延期 (approved): more time {workingDays | workingHours, note}");
        row("void", Set.of(REPORTED, ADJUDICATION, REGISTERED, RETURNED), VOIDED, Set.of(Actor.DISPATCHER),
                "作废: not a case {note}, or a duplicate {duplicateOf}");
    }

    /** The roles each actor stands for; admins may take every action in their scope. */
    public static Set<String> roles(Actor a) {
        return switch (a) {
            case DISPATCHER -> Set.of(Roles.DISPATCHER, Roles.ADMIN);
            case HANDLER -> Set.of(Roles.DEPARTMENT, Roles.GRIDWORKER, Roles.ADMIN);
            case ASSIGNEE -> Set.of(Roles.GRIDWORKER, Roles.ADMIN);
            case SYSTEM -> Set.of(Roles.SYSTEM, Roles.ADMIN);
        };
    }

    public static Transition get(String action) {
        return TABLE.get(action);
    }

    public static Map<String, Transition> table() {
        return java.util.Collections.unmodifiableMap(TABLE);
    }

    /** Whether some role of these may take the action at all (before looking at the event). */
    public static boolean roleMay(Transition t, Set<String> roles) {
        return t.actors().stream().anyMatch(a -> roles.stream().anyMatch(roles(a)::contains));
    }

    /** The actions that leave this state, in the table's order. */
    public static List<String> actionsFrom(String state) {
        return TABLE.values().stream().filter(t -> t.from().contains(state)).map(Transition::action).toList();
    }

    /** The state verify leads to: verified when it passed, rework when it failed. */
    public static String target(Transition t, boolean passed) {
        return t.action().equals("verify") && !passed ? REWORK : t.to();
    }

    private Loop() {
    }
}
