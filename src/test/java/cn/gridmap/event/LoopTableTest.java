package cn.gridmap.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import cn.gridmap.security.Roles;

/**
 * The closed loop's table against the spec, written out here once more by hand: every action × every state × every
 * role (who may take it before the event is looked at; which handler or assignee among a role is the service's).
 */
class LoopTableTest {
    private static final Set<String> D = Set.of(Roles.DISPATCHER, Roles.ADMIN);
    private static final Set<String> H = Set.of(Roles.DEPARTMENT, Roles.GRIDWORKER, Roles.ADMIN);
    private static final Set<String> A = Set.of(Roles.GRIDWORKER, Roles.ADMIN);
    private static final Set<String> S = Set.of(Roles.SYSTEM, Roles.ADMIN);

    private record Spec(Set<String> from, String to, Set<String> roles) {
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }

    private static final Map<String, Spec> SPEC = Map.ofEntries(
            Map.entry("register", new Spec(Set.of("reported"), "registered", D)),
            Map.entry("adjudicate", new Spec(Set.of("adjudication"), "reported", D)),
            Map.entry("dispatch", new Spec(Set.of("registered", "returned", "suspended"), "dispatched", D)),
            Map.entry("accept", new Spec(Set.of("dispatched", "rework"), "handling", H)),
            Map.entry("arrive", new Spec(Set.of("handling", "extended", "handled"), null, union(H, A))),
            Map.entry("handle", new Spec(Set.of("handling", "extended"), "handled", H)),
            Map.entry("verify", new Spec(Set.of("handled"), "verified", union(A, D))),
            Map.entry("close", new Spec(Set.of("verified"), "closed", D)),
            Map.entry("evaluate", new Spec(Set.of("closed"), "evaluated", union(D, S))),
            Map.entry("return", new Spec(Set.of("dispatched", "handling"), "returned", H)),
            Map.entry("suspend", new Spec(Set.of("handling", "extended", "returned"), "suspended", D)),
            Map.entry("extend", new Spec(Set.of("handling"), "extended", D)),
            Map.entry("void", new Spec(Set.of("reported", "adjudication", "registered", "returned"), "voided", D)));

    @Test
    void everyActionInEveryStateForEveryRoleIsAsTheSpecSays() {
        assertEquals(SPEC.keySet(), Loop.table().keySet());
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, Spec> a : SPEC.entrySet()) {
            Loop.Transition t = Loop.get(a.getKey());
            assertEquals(a.getValue().to(), t.to(), a.getKey());
            for (String state : Loop.STATES) {
                boolean fromHere = t.from().contains(state);
                if (fromHere != a.getValue().from().contains(state)) {
                    wrong.add(a.getKey() + " from " + state + ": " + fromHere);
                }
                if (Loop.actionsFrom(state).contains(a.getKey()) != fromHere) {
                    wrong.add("actionsFrom(" + state + ") disagrees on " + a.getKey());
                }
                for (String role : Roles.ALL) {
                    boolean may = Loop.roleMay(t, Set.of(role));
                    if (may != a.getValue().roles().contains(role)) {
                        wrong.add(a.getKey() + " by " + role + ": " + may);
                    }
                    checked++;
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals(SPEC.size() * Loop.STATES.size() * Roles.ALL.size(), checked);
    }

    @Test
    void aFailedVerificationLeadsToReworkAndAPassedOneToVerified() {
        assertEquals("rework", Loop.target(Loop.get("verify"), false));
        assertEquals("verified", Loop.target(Loop.get("verify"), true));
        assertEquals("closed", Loop.target(Loop.get("close"), false));
    }

    @Test
    void everyOpenStateHasAWayOnAndTheFinalOnesHaveNoneButEvaluation() {
        for (String state : Loop.STATES) {
            List<String> out = Loop.actionsFrom(state);
            if (state.equals("closed")) {
                assertEquals(List.of("evaluate"), out);
            } else if (Loop.FINAL.contains(state)) {
                assertTrue(out.isEmpty(), state + " → " + out);
            } else {
                assertFalse(out.isEmpty(), state + " is a dead end");
            }
        }
    }
}
