package cn.gridmap.event;

import cn.gridmap.geo.Srid;

/** Every statement of the event capability, bound parameters only. */
final class EventSql {
    static final String CALENDAR = "SELECT day, workday, name, source, updated_by, updated_at::text FROM workday_calendar ORDER BY day";
    static final String PUT_DAY = "INSERT INTO workday_calendar (day, workday, name, source, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, now()) "
            + "ON CONFLICT (day) DO UPDATE SET workday = EXCLUDED.workday, name = EXCLUDED.name, source = EXCLUDED.source, "
            + "updated_by = EXCLUDED.updated_by, updated_at = now()";
    static final String DELETE_DAY = "DELETE FROM workday_calendar WHERE day = ?";

    // ------------------------------------------------------------------ staffing
    private static final String ABSENT_UNTIL = "(SELECT max(b.ends_at) FROM staff_absence b, t WHERE b.username = a.username "
            + "AND b.starts_at <= t.now AND b.ends_at > t.now)";
    private static final String DUTY_ORDER = "array_position(ARRAY['head', 'fulltime', 'backup', 'parttime', 'liaison', 'police', 'judge', "
            + "'prosecutor', 'lawyer', 'shift_lead', 'dispatcher', 'department']::text[], a.duty)";
    /** A grid's staff and its micro-grids' liaisons (params: now, grid code, grid code || '%'). */
    static final String STAFF_OF_GRID = "WITH t AS (SELECT ?::timestamptz AS now) SELECT a.username, a.duty, a.region_code, a.department_code, "
            + ABSENT_UNTIL + " FROM staff_assignment a WHERE a.region_code = ? OR a.region_code LIKE ? ORDER BY " + DUTY_ORDER
            + ", a.region_code, a.username";
    static final String STAFF_AT = "WITH t AS (SELECT ?::timestamptz AS now) SELECT a.username, a.duty, a.region_code, a.department_code, "
            + ABSENT_UNTIL + " FROM staff_assignment a WHERE a.region_code = ? ORDER BY " + DUTY_ORDER + ", a.username";
    static final String DISPATCHERS_AT = "WITH t AS (SELECT ?::timestamptz AS now) SELECT a.username, a.duty, a.region_code, a.department_code, "
            + ABSENT_UNTIL + " FROM staff_assignment a WHERE a.region_code = ANY (?) AND a.duty IN ('dispatcher', 'shift_lead') "
            + "ORDER BY length(a.region_code) DESC, " + DUTY_ORDER + ", a.username";
    static final String STAFF_COUNTS = "SELECT duty, count(*) FROM staff_assignment WHERE region_code LIKE ANY (?) GROUP BY duty";
    static final String STAFF_COUNTS_ALL = "SELECT duty, count(*) FROM staff_assignment GROUP BY duty";
    /** Who takes a grid's events now, in order (params: now, grid code). */
    static final String ON_DUTY = "WITH t AS (SELECT ?::timestamptz AS now) SELECT a.username FROM staff_assignment a WHERE a.region_code = ? "
            + "AND a.duty IN ('head', 'fulltime', 'backup', 'parttime') AND NOT EXISTS (SELECT 1 FROM staff_absence b, t WHERE b.username = a.username "
            + "AND b.starts_at <= t.now AND b.ends_at > t.now) ORDER BY " + DUTY_ORDER + ", a.username";
    static final String HANDLES = "SELECT 1 FROM staff_assignment WHERE username = ? AND department_code = ? AND duty = 'department'";
    static final String DEPARTMENT = "SELECT code FROM department WHERE code = ?";
    static final String ABSENCES = "SELECT id, username, starts_at, ends_at, reason, created_by FROM staff_absence WHERE username = ? ORDER BY starts_at, id";
    static final String INSERT_ABSENCE = "INSERT INTO staff_absence (username, starts_at, ends_at, reason, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id";
    static final String DELETE_ABSENCE = "DELETE FROM staff_absence WHERE id = ? AND username = ?";
    /**
     * Per child and duty the assignments, and per child (duty NULL) the regions holding one (params: children, their
     * prefixes as parallel arrays, duties).
     */
    static final String DUTY_COUNTS = "SELECT c.child, a.duty, count(*), count(DISTINCT a.region_code) FROM unnest(?::text[], ?::text[]) "
            + "AS c (child, prefix) JOIN staff_assignment a ON a.region_code LIKE c.prefix || '%' AND a.duty = ANY (?) "
            + "GROUP BY GROUPING SETS ((c.child, a.duty), (c.child))";
    static final String ASSIGNMENTS = "SELECT a.region_code, a.duty, a.department_code FROM staff_assignment a WHERE a.username = ? ORDER BY "
            + DUTY_ORDER + ", a.region_code";
    static final String ASSIGNED_REGIONS = "SELECT DISTINCT region_code FROM staff_assignment WHERE username = ? ORDER BY 1";

    static final String WORKS_IN = "SELECT 1 FROM staff_assignment WHERE username = ? AND region_code = ? AND duty IN ('head', 'fulltime', 'backup', "
            + "'parttime')";

    // ------------------------------------------------------------------ classes and limits
    static final String CLASSES = "SELECT code, major_name, name, department_kind FROM event_class ORDER BY code";
    static final String TIME_LIMITS = "SELECT class_code, stage, amount, unit, source FROM event_time_limit";
    static final String PUT_LIMIT = "INSERT INTO event_time_limit (class_code, stage, amount, unit, source, updated_by, updated_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, now()) ON CONFLICT (class_code, stage) DO UPDATE SET amount = EXCLUDED.amount, unit = EXCLUDED.unit, "
            + "source = EXCLUDED.source, updated_by = EXCLUDED.updated_by, updated_at = now()";

    // ------------------------------------------------------------------ the loop
    static final String FINAL = "('closed', 'evaluated', 'voided')";
    static final String INSERT_EVENT = "INSERT INTO event (id, external_id, class_code, occurred_at, description, address, raw_location, raw_crs, "
            + "geom, district_code, microgrid_code, geocode_method, geocode_score, derived, state, source, reported_at, reported_by, accuracy_m, "
            + "generation, routed_grid, assignee, department_code, queue, queue_reason, queue_region, candidates, urgency, caller_name_enc, "
            + "caller_phone_enc, caller_phone_bidx, client_key, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ST_SetSRID(ST_MakePoint(?, ?), "
            + Srid.STORAGE + "), ?, ?, ?, ?, false, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())";
    /** A report sent before by the same reporter with the same key (params: reporter, key). */
    static final String BY_CLIENT_KEY = "SELECT id, state, microgrid_code, assignee, department_code, due_at, queue, candidates FROM event "
            + "WHERE reported_by = ? AND client_key = ?";
    static final String LOG_BY_CLIENT_KEY = "SELECT 1 FROM event_log WHERE actor = ? AND client_key = ? AND event_id = ?";
    private static final String ROW_COLUMNS = "SELECT id, class_code, state, district_code, microgrid_code, assignee, department_code, queue, "
            + "candidates, ST_X(geom), ST_Y(geom), reworks, source FROM event WHERE id = ?";
    static final String ROW = ROW_COLUMNS;
    static final String ROW_FOR_UPDATE = ROW_COLUMNS + " FOR UPDATE";
    static final String VIEW = "SELECT e.id, e.external_id, e.class_code, k.name, k.major_name, e.state, e.source, e.description, e.address, "
            + "ST_X(e.geom), ST_Y(e.geom), e.district_code, e.microgrid_code, e.assignee, e.department_code, e.queue, e.queue_reason, "
            + "e.queue_region, e.candidates, e.occurred_at, e.reported_at, e.reported_by, e.due_at, e.overdue, e.escalations, e.reworks, "
            + "e.duplicate_of, e.urgency, e.caller_name_enc, e.caller_phone_enc, e.satisfaction, e.solved, e.closed_at, e.closed_on_time, "
            + "e.derived FROM event e JOIN event_class k ON k.code = e.class_code WHERE e.id = ?";
    /** An event placed in another district first moves to that district's partition (V21: a delete and an insert). */
    static final String MOVE_DISTRICT = "SELECT gridmap_move_district('event', ?, ?)";
    static final String ADJUDICATED = "UPDATE event SET microgrid_code = ?, district_code = ?, routed_grid = ?, assignee = ?, department_code = ?, "
            + "queue = 'new', queue_reason = NULL, queue_region = ?, updated_at = now() WHERE id = ?";
    static final String DISPATCHED = "UPDATE event SET assignee = ?, department_code = ?, updated_at = now() WHERE id = ?";
    static final String REWORKED = "UPDATE event SET reworks = reworks + 1 WHERE id = ?";
    /** 按期结案: the last disposal (处置) stage was done in time. */
    static final String CLOSED = "UPDATE event SET closed_at = ?, closed_on_time = COALESCE((SELECT s.on_time FROM event_stage s WHERE "
            + "s.event_id = ? AND s.stage = 'handle' ORDER BY s.id DESC LIMIT 1), false) WHERE id = ?";
    static final String EVALUATED = "UPDATE event SET satisfaction = ?, solved = ? WHERE id = ?";
    static final String OPEN_HANDLE_STAGE = "SELECT id, due_at FROM event_stage WHERE event_id = ? AND stage = 'handle' AND done_at IS NULL "
            + "ORDER BY id DESC LIMIT 1";
    static final String EXTEND_STAGE = "UPDATE event_stage SET due_at = ?, escalated_at = NULL WHERE id = ?";
    static final String DUPLICATE = "UPDATE event SET duplicate_of = ? WHERE id = ?";
    static final String SET_STATE = "UPDATE event SET state = ?, updated_at = now() WHERE id = ?";
    static final String INSERT_STAGE = "INSERT INTO event_stage (event_id, stage, started_at, due_at) VALUES (?, ?, ?, ?)";
    static final String CLOSE_STAGES = "UPDATE event_stage SET done_at = ?, on_time = (? <= due_at) WHERE event_id = ? AND done_at IS NULL "
            + "AND stage = ANY (?) RETURNING stage, on_time, extract(epoch FROM done_at - started_at)::bigint";
    static final String SET_DUE = "UPDATE event SET due_at = (SELECT min(due_at) FROM event_stage WHERE event_id = ? AND done_at IS NULL) WHERE id = ?";
    static final String SET_QUEUE = "UPDATE event SET queue = ?, queue_reason = ? WHERE id = ?";
    static final String INSERT_LOG = "INSERT INTO event_log (event_id, at, actor, role, action, from_state, to_state, note, attachment, detail, "
            + "client_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)";
    static final String LOG = "SELECT id, at, actor, role, action, from_state, to_state, note, attachment, detail::text FROM event_log "
            + "WHERE event_id = ? ORDER BY id";
    /**
     * Open events of a class near a point (params: lon, lat, class, own id, degrees for the index, metres). The box test
     * is spelled {@code &&} (LEAKPROOF, V9): under row-level security ST_DWithin alone would not reach the GiST index.
     */
    static final String DUPLICATES = "WITH p AS (SELECT ST_SetSRID(ST_MakePoint(?, ?), " + Srid.STORAGE + ") AS pt) "
            + "SELECT e.id, e.state, e.reported_at, ST_Distance(e.geom::geography, p.pt::geography) AS d FROM event e, p "
            + "WHERE e.class_code = ? AND e.id <> ? AND e.state NOT IN " + FINAL + " AND e.geom && ST_Expand(p.pt, ?) "
            + "AND ST_DWithin(e.geom::geography, p.pt::geography, ?) ORDER BY d, e.id LIMIT 5";

    /** A list of events (a queue, a worker's own), with the distance to a point bound first when {@code distance}. */
    /** Per reporter of a source (params: source, district code or '', micro-grid LIKE pattern, limit). */
    static final String CONTRIBUTIONS = "SELECT e.reported_by, count(*), count(*) FILTER (WHERE e.state NOT IN ('reported', 'adjudication', 'voided')), "
            + "count(*) FILTER (WHERE e.state IN ('closed', 'evaluated')) FROM event e WHERE e.source = ? AND (? = '' OR e.district_code = ?) "
            + "AND e.microgrid_code LIKE ? GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?";

    static String items(String where, String order, boolean distance) {
        return "SELECT e.id, e.class_code, k.name, e.state, e.source, e.description, e.address, ST_X(e.geom), ST_Y(e.geom), e.microgrid_code, "
                + "e.assignee, e.department_code, e.queue, e.queue_reason, e.candidates, e.reported_at, e.due_at, e.overdue"
                + (distance ? ", ST_Distance(e.geom::geography, ST_SetSRID(ST_MakePoint(?, ?), " + Srid.STORAGE + ")::geography) AS distance" : "")
                + " FROM event e JOIN event_class k ON k.code = e.class_code WHERE " + where + " ORDER BY " + order + " LIMIT ?";
    }

    // ------------------------------------------------------------------ the background jobs
    static final int ESCALATE_BATCH = 500;
    /**
     * 督办 in one statement: the stages due before $1 and not done nor escalated (with their events: a transition in
     * progress holds the event, and the stage waits for the next round), marked escalated, their events marked overdue
     * and counted, one log row each (params: now × 4).
     */
    static final String ESCALATE = "WITH due AS (SELECT s.id FROM event_stage s JOIN event e ON e.id = s.event_id "
            + "WHERE s.done_at IS NULL AND s.escalated_at IS NULL AND s.due_at < ? ORDER BY s.due_at LIMIT " + ESCALATE_BATCH
            + " FOR UPDATE OF s, e SKIP LOCKED), "
            + "st AS (UPDATE event_stage s SET escalated_at = ? FROM due WHERE s.id = due.id RETURNING s.event_id, s.stage, s.due_at), "
            + "ev AS (UPDATE event e SET overdue = true, escalations = e.escalations + n.k, updated_at = ? "
            + "FROM (SELECT event_id, count(*)::int AS k FROM st GROUP BY event_id) n WHERE e.id = n.event_id RETURNING e.id, e.state) "
            + "INSERT INTO event_log (event_id, at, actor, role, action, from_state, to_state, note, detail) "
            + "SELECT st.event_id, ?, 'system:deadlines', 'system', 'escalate', ev.state, ev.state, '督办: ' || st.stage || ' overdue', "
            + "jsonb_build_object('stage', st.stage, 'dueAt', st.due_at) FROM st JOIN ev ON ev.id = st.event_id";
    /** Open events no longer in the grid they were routed to (a published boundary change moved them). */
    static final String MOVED = "SELECT id, class_code, state, microgrid_code, routed_grid FROM event WHERE state NOT IN " + FINAL
            + " AND routed_grid IS NOT NULL AND left(microgrid_code, 15) <> routed_grid ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED";
    static final String REDISPATCH = "UPDATE event SET routed_grid = ?, generation = ?, assignee = ?, queue = 'redispatch', queue_reason = ?, "
            + "queue_region = ?, state = ?, updated_at = now() WHERE id = ?";

    // ------------------------------------------------------------------ metrics (docs/event-metrics.md)
    private static final java.util.List<String> STAGES = java.util.List.of("register", "dispatch", "accept", "handle", "verify", "close");
    /**
     * One row per region of a level: the events reported in [from, to) grouped by {@code key}, counted by what became
     * of them, with the sums of their stages' seconds and instances (register, dispatch, accept, handle, verify, close).
     */
    static String metrics(String key, String filter) {
        StringBuilder stages = new StringBuilder();
        for (int i = 1; i <= 6; i++) {
            stages.append(", sum(e.stage_seconds[").append(i).append("]), sum(e.stage_counts[").append(i).append("])");
        }
        return "SELECT " + key + " AS code, count(*), count(*) FILTER (WHERE e.registered), count(*) FILTER (WHERE e.state = 'voided'), "
                + "count(*) FILTER (WHERE e.state = 'suspended'), count(*) FILTER (WHERE e.dispatched), "
                + "count(*) FILTER (WHERE e.dispatch_on_time), count(*) FILTER (WHERE e.handled), count(*) FILTER (WHERE e.reworks > 0), "
                + "count(*) FILTER (WHERE e.registered AND e.state NOT IN ('voided', 'suspended')), "
                + "count(*) FILTER (WHERE e.state IN ('closed', 'evaluated')), count(*) FILTER (WHERE e.closed_on_time), "
                + "count(*) FILTER (WHERE e.overdue), count(*) FILTER (WHERE e.source = 'hotline12345'), "
                + "count(*) FILTER (WHERE e.source = 'hotline12345' AND e.accept_on_time), "
                + "count(*) FILTER (WHERE e.source = 'hotline12345' AND e.satisfaction IS NOT NULL), "
                + "count(*) FILTER (WHERE e.source = 'hotline12345' AND e.solved), "
                + "count(*) FILTER (WHERE e.source = 'hotline12345' AND e.satisfaction IN ('satisfied', 'basic'))" + stages
                + " FROM event e WHERE e.reported_at >= ? AND e.reported_at < ?" + filter + " GROUP BY 1 ORDER BY 1";
    }

    /** What a stage's start says about its event (the flags the metrics count). */
    static String startedFlag(String stage) {
        return switch (stage) {
            case "dispatch" -> "UPDATE event SET registered = true WHERE id = ?";
            case "accept" -> "UPDATE event SET dispatched = true WHERE id = ?";
            case "verify" -> "UPDATE event SET handled = true WHERE id = ?";
            default -> null;
        };
    }

    /** A stage ended: its seconds and one more instance on the event, and for the first dispatch and accept whether in time. */
    static final String STAGE_ENDED = "UPDATE event SET stage_seconds[?] = stage_seconds[?] + ?, stage_counts[?] = stage_counts[?] + 1, "
            + "dispatch_on_time = CASE WHEN ? = 'dispatch' THEN coalesce(dispatch_on_time, ?) ELSE dispatch_on_time END, "
            + "accept_on_time = CASE WHEN ? = 'accept' THEN coalesce(accept_on_time, ?) ELSE accept_on_time END WHERE id = ?";
    /** The same for a whole history at once (the synthetic city's lifecycles), from event_stage. */
    static final String STAGE_SUMMARY = "UPDATE event e SET registered = s.registered, dispatched = s.dispatched, handled = s.handled, "
            + "dispatch_on_time = s.dot, accept_on_time = s.aot, stage_seconds = s.secs, stage_counts = s.counts FROM (SELECT event_id, "
            + "bool_or(stage = 'dispatch') AS registered, bool_or(stage = 'accept') AS dispatched, bool_or(stage = 'verify') AS handled, "
            + "(array_agg(on_time ORDER BY id) FILTER (WHERE stage = 'dispatch' AND done_at IS NOT NULL))[1] AS dot, "
            + "(array_agg(on_time ORDER BY id) FILTER (WHERE stage = 'accept' AND done_at IS NOT NULL))[1] AS aot, "
            + "ARRAY[" + sumsOf("sum(extract(epoch FROM done_at - started_at))") + "]::bigint[] AS secs, "
            + "ARRAY[" + sumsOf("count(*)") + "]::int[] AS counts FROM event_stage GROUP BY event_id) s WHERE e.id = s.event_id";

    private static String sumsOf(String agg) {
        StringBuilder sb = new StringBuilder();
        for (String st : STAGES) {
            sb.append(sb.length() == 0 ? "" : ", ").append("coalesce(").append(agg).append(" FILTER (WHERE stage = '").append(st)
                    .append("' AND done_at IS NOT NULL), 0)");
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ bulk entry (12345 imports)
    /** Every grid's on-duty worker now (param: now). */
    static final String ON_DUTY_ALL = "WITH t AS (SELECT ?::timestamptz AS now) SELECT DISTINCT ON (a.region_code) a.region_code, a.username "
            + "FROM staff_assignment a WHERE a.duty IN ('head', 'fulltime', 'backup', 'parttime') AND NOT EXISTS (SELECT 1 FROM staff_absence b, t "
            + "WHERE b.username = a.username AND b.starts_at <= t.now AND b.ends_at > t.now) ORDER BY a.region_code, " + DUTY_ORDER + ", a.username";
    /** The events an import just inserted (an updated one was routed before). */
    static final String NEW_FROM_IMPORT = "SELECT id, class_code, microgrid_code, district_code FROM event WHERE import_id = ? AND routed_grid IS NULL";
    static final String ENTER_FROM_IMPORT = "UPDATE event e SET state = 'reported', routed_grid = left(e.microgrid_code, 15), generation = ?, "
            + "assignee = l.assignee, department_code = l.department_code, queue = 'new', queue_region = left(e.microgrid_code, 9), "
            + "due_at = l.due_at, reported_by = ?, updated_at = now() FROM loop_entry l WHERE l.id = e.id";
    static final String STAGES_FROM_IMPORT = "INSERT INTO event_stage (event_id, stage, started_at, due_at) SELECT id, 'register', ?, due_at FROM loop_entry";
    static final String LOG_FROM_IMPORT = "INSERT INTO event_log (event_id, at, actor, role, action, from_state, to_state, note, detail) "
            + "SELECT id, ?, ?, ?, 'report', NULL, 'reported', ?, ?::jsonb FROM loop_entry ORDER BY id";

    /** The events tile layer redraws around an event whose state changed (delivered at commit). */
    static final String TILES_CHANGED = "SELECT pg_notify('gridmap_tiles_changed', 'events:' || ST_X(geom) || ',' || ST_Y(geom) || ',' "
            + "|| ST_X(geom) || ',' || ST_Y(geom)) FROM event WHERE id = ?";

    // ------------------------------------------------------------------ Open311
    static final String INSERT_TOKEN = "INSERT INTO open311_token (token, event_id, client_id) VALUES (?, ?, ?)";
    static final String TOKEN = "SELECT e.id, e.state FROM open311_token t JOIN event e ON e.id = t.event_id WHERE t.token = ?";

    static String open311Requests(String where) {
        return "SELECT e.id, e.state, e.class_code, k.name, e.description, d.name, e.microgrid_code, e.reported_at, e.updated_at, e.due_at, "
                + "e.address, (SELECT l.note FROM event_log l WHERE l.event_id = e.id AND l.note IS NOT NULL ORDER BY l.id DESC LIMIT 1), "
                + "ST_X(e.geom), ST_Y(e.geom) FROM event e JOIN event_class k ON k.code = e.class_code "
                + "LEFT JOIN department d ON d.code = e.department_code WHERE " + where + " ORDER BY e.reported_at DESC, e.id LIMIT ?";
    }

    private EventSql() {
    }
}
