package cn.gridmap.security;

import java.util.List;
import java.util.Set;

/**
 * The roles a user or client may hold (several at once). Endpoints name them in {@code @RolesAllowed}; the table of who
 * may call what is kept in the authorization-matrix test (cn.gridmap.security.AuthorizationMatrixTest).
 */
public final class Roles {
    /** Manages users, clients and everything in its scope. */
    public static final String ADMIN = "admin";
    /** Drafts boundary changes. */
    public static final String PLANNER = "planner";
    /** Signs off boundary changes at the level of its scope. */
    public static final String APPROVER = "approver";
    /** 派遣员/值班长: registers and dispatches events in its scope. */
    public static final String DISPATCHER = "dispatcher";
    /** 网格员. */
    public static final String GRIDWORKER = "gridworker";
    /** 微网格联络员, 三官一律: read their grids, report events. */
    public static final String LIAISON = "liaison";
    /** Statistics and maps, no personal data. */
    public static final String ANALYST = "analyst";
    /** 专业部门: a department's handler, who signs for, handles or returns the events of its classes in its district. */
    public static final String DEPARTMENT = "department";
    /** Another system's client: point lookup, geocoding, event intake. */
    public static final String SYSTEM = "system";
    /** A public-intake client (a citizen app, a mini-program): files reports through Open311, which wait for verification. */
    public static final String INTAKE = "intake";

    /** 平安志愿者: a registered volunteer of her area, who sends tips that become events (source volunteer). */
    public static final String VOLUNTEER = "volunteer";

    /** 调解员: the handler of a dispute body (a people's mediation committee, a 矛调中心, a court's 诉前调解), who takes its disputes. */
    public static final String MEDIATOR = "mediator";

    public static final List<String> ALL = List.of(ADMIN, PLANNER, APPROVER, DISPATCHER, GRIDWORKER, LIAISON, ANALYST, DEPARTMENT, SYSTEM,
            INTAKE, VOLUNTEER, MEDIATOR);
    /** Everyone but other systems: element lists of things (components, organisations, events), statistics, element tiles. */
    public static final Set<String> STAFF = Set.of(ADMIN, PLANNER, APPROVER, DISPATCHER, GRIDWORKER, LIAISON, ANALYST, DEPARTMENT);
    /** Who works with people and their houses (masked; unmasked only with pii and a purpose). */
    public static final Set<String> PERSONAL = Set.of(ADMIN, DISPATCHER, GRIDWORKER, LIAISON);

    private Roles() {
    }
}
