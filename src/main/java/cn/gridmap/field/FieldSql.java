package cn.gridmap.field;

import cn.gridmap.geo.Srid;
import cn.gridmap.region.Level;

/** Every statement of the field capability, bound parameters only. */
final class FieldSql {
    private static final String POINT = "ST_SetSRID(ST_MakePoint(?, ?), " + Srid.STORAGE + ")";

    /** The upper bound of the codes under a prefix (they are digits; "~" sorts after them), bound as a parameter. */
    static String above(String prefix) {
        return prefix + "~";
    }

    // ------------------------------------------------------------------ photos
    static final String INSERT_FILE = "INSERT INTO field_file (sha256, content_type, size_bytes, width, height, bytes, geom, district_code, "
            + "microgrid_code, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, " + POINT + ", ?, ?, ?) ON CONFLICT (uploaded_by, sha256) DO NOTHING RETURNING id";
    static final String FILE_OF = "SELECT id, sha256, content_type, size_bytes, width, height, uploaded_by, uploaded_at, microgrid_code "
            + "FROM field_file WHERE uploaded_by = ? AND sha256 = ?";
    static final String FILE = "SELECT id, sha256, content_type, size_bytes, width, height, uploaded_by, uploaded_at, microgrid_code, bytes "
            + "FROM field_file WHERE id = ?";

    // ------------------------------------------------------------------ patrols
    static final String INSERT_PATROL = "INSERT INTO patrol (username, client_key, started_at, district_code, microgrid_code) "
            + "VALUES (?, ?, ?, ?, ?) RETURNING id";
    static final String PATROL_BY_KEY = "SELECT id FROM patrol WHERE username = ? AND client_key = ?";
    static final String OPEN_PATROL = "SELECT id FROM patrol WHERE username = ? AND ended_at IS NULL";
    static final String PATROL = "SELECT id, username, started_at, ended_at FROM patrol WHERE id = ?";
    static final String PATROL_FOR_UPDATE = PATROL + " FOR UPDATE";
    /** Params: patrol id, then arrays of times, lons, lats, accuracies, districts, micro-grids. */
    static final String INSERT_POINTS = "INSERT INTO patrol_point (patrol_id, at, geom, accuracy_m, district_code, microgrid_code) "
            + "SELECT ?, p.at, ST_SetSRID(ST_MakePoint(p.lon, p.lat), " + Srid.STORAGE + "), p.acc, p.district, p.micro "
            + "FROM unnest(?::timestamptz[], ?::float8[], ?::float8[], ?::real[], ?::text[], ?::text[]) AS p (at, lon, lat, acc, district, micro) "
            + "ON CONFLICT (patrol_id, at) DO NOTHING";
    static final String STOP_PATROL = "UPDATE patrol SET ended_at = ? WHERE id = ? AND ended_at IS NULL";
    /** A patrol's figures: points, metres along the track, micro-grids in order of first visit. */
    static final String PATROL_SUMMARY = "SELECT count(*), coalesce(ST_Length(ST_MakeLine(geom ORDER BY at)::geography), 0), "
            + "coalesce((SELECT array_agg(m ORDER BY f) FROM (SELECT microgrid_code AS m, min(at) AS f FROM patrol_point WHERE patrol_id = ? "
            + "GROUP BY microgrid_code) v), '{}') FROM patrol_point WHERE patrol_id = ?";
    static final String PATROL_TRACK = "SELECT ST_AsGeoJSON(ST_MakeLine(geom ORDER BY at), 7) FROM patrol_point WHERE patrol_id = ? HAVING count(*) > 1";
    /** Patrol visits of micro-grids in a week (params: from, to, micro-grid prefixes as LIKE patterns). */
    static final String VISITS = "SELECT p.microgrid_code, count(*), max(p.at), array_agg(DISTINCT t.username ORDER BY t.username) "
            + "FROM patrol_point p JOIN patrol t ON t.id = p.patrol_id WHERE p.at >= ? AND p.at < ? AND p.microgrid_code LIKE ANY (?) "
            + "GROUP BY p.microgrid_code";

    // ------------------------------------------------------------------ police beats
    /** A beat's columns, with the grids it covers (share of each grid's area ≥ the last parameter), nearest share first. */
    private static final String BEAT_COLUMNS = "SELECT b.code, b.name, b.station_code, s.name, b.officer, b.district_code, b.area_sqm, b.derived, "
            + "ST_AsGeoJSON(b.geom, 7), (SELECT coalesce(json_agg(json_build_object('code', g.code, 'name', g.name, 'share', round(x.share::numeric, 3)) "
            + "ORDER BY x.share DESC, g.code), '[]') FROM region g CROSS JOIN LATERAL (SELECT ST_Area(ST_Intersection(g.geom, b.geom)::geography) "
            + "/ nullif(g.area_sqm, 0) AS share) x WHERE g.level = 'grid' AND g.generation_high IS NULL AND g.geom && b.geom "
            + "AND ST_Intersects(g.geom, b.geom) AND x.share >= %s)::text FROM police_beat b JOIN police_station s ON s.code = b.station_code ";
    /** Params: bbox?, minx, miny, maxx, maxy, station (null: all), min share. */
    static final String BEATS = "WITH q AS (SELECT ?::boolean AS bbox, ST_MakeEnvelope(?, ?, ?, ?, " + Srid.STORAGE + ") AS env, ?::text AS station, "
            + "?::float8 AS share) " + String.format(BEAT_COLUMNS, "(SELECT share FROM q)")
            + "WHERE (NOT (SELECT bbox FROM q) OR b.geom && (SELECT env FROM q)) AND ((SELECT station FROM q) IS NULL OR b.station_code = (SELECT station FROM q)) "
            + "ORDER BY b.code";
    static final String BEAT = String.format(BEAT_COLUMNS, "?") + "WHERE b.code = ?";
    static final String BEAT_AT = "SELECT code, officer FROM police_beat WHERE ST_Covers(geom, " + POINT + ") ORDER BY code LIMIT 1";
    static final String INSERT_NOTICE = "INSERT INTO officer_notice (officer, beat_code, event_id, class_code, at) VALUES (?, ?, ?, ?, ?) "
            + "ON CONFLICT (officer, event_id) DO NOTHING";
    static final String NOTICES = "SELECT id, event_id, class_code, beat_code, at, read_at FROM officer_notice WHERE officer = ? "
            + "AND (NOT ? OR read_at IS NULL) ORDER BY at DESC, id DESC LIMIT ?";
    static final String READ_NOTICE = "UPDATE officer_notice SET read_at = coalesce(read_at, now()) WHERE id = ? AND officer = ? "
            + "RETURNING id, event_id, class_code, beat_code, at, read_at";

    // ------------------------------------------------------------------ 三官一律
    static final String INSERT_ACTIVITY = "INSERT INTO sanguan_activity (member, duty, kind, grid_code, district_code, at, attendees, note, client_key) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
    private static final String ACTIVITY_COLUMNS = "SELECT id, member, duty, kind, grid_code, at, attendees, note, derived FROM sanguan_activity ";
    static final String ACTIVITY_BY_KEY = ACTIVITY_COLUMNS + "WHERE member = ? AND client_key = ?";
    static final String ACTIVITY = ACTIVITY_COLUMNS + "WHERE id = ?";
    /** Params: prefix LIKE pattern, from, to, limit. */
    static final String ACTIVITIES = ACTIVITY_COLUMNS + "WHERE grid_code LIKE ? AND at >= ? AND at < ? ORDER BY at DESC, id DESC LIMIT ?";
    /**
     * Per child and kind the activities; per child (kind NULL) the grids with one and the attendees (params: children,
     * prefixes, their upper bounds, from, to: ranges, so that the code index serves them under row-level security).
     */
    static final String ACTIVITIES_BY_CHILD = "SELECT c.child, a.kind, count(*), count(DISTINCT a.grid_code), coalesce(sum(a.attendees), 0) "
            + "FROM unnest(?::text[], ?::text[], ?::text[]) AS c (child, prefix, hi) JOIN sanguan_activity a ON a.grid_code >= c.prefix AND a.grid_code < c.hi "
            + "WHERE a.at >= ? AND a.at < ? GROUP BY GROUPING SETS ((c.child, a.kind), (c.child))";
    /** Per member of one grid (params: grid, from, to). */
    static final String ACTIVITIES_BY_MEMBER = "SELECT member, kind, count(*) FROM sanguan_activity WHERE grid_code = ? AND at >= ? AND at < ? "
            + "GROUP BY 1, 2";

    // ------------------------------------------------------------------ 矛盾纠纷多元化解
    static final String BODY = "SELECT code, kind, name, region_code, handler FROM dispute_body WHERE kind = ? AND region_code = ?";
    static final String BEAT_STATION_AT = "SELECT b.code, b.officer, s.code, s.name FROM police_beat b JOIN police_station s ON s.code = b.station_code "
            + "WHERE ST_Covers(b.geom, " + POINT + ") AND b.officer IS NOT NULL ORDER BY b.code LIMIT 1";
    static final String NEXT_DISPUTE_CODE = "SELECT nextval('dispute_code_seq')";
    static final String INSERT_DISPUTE = "INSERT INTO dispute (code, type, tier, description, amount_yuan, parties_count, address, geom, district_code, "
            + "microgrid_code, state, routed_kind, routed_code, routed_name, handler, rule, received_by, received_at, routed_at, due_at, client_key) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, " + POINT + ", ?, ?, 'routed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
    static final String INSERT_PARTY = "INSERT INTO dispute_party (dispute_id, seq, role, name_enc, id_number_enc, id_number_bidx, phone_enc, phone_bidx, "
            + "district_code, microgrid_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String INSERT_DISPUTE_LOG = "INSERT INTO dispute_log (dispute_id, at, actor, action, from_state, to_state, note, detail, client_key, "
            + "district_code, microgrid_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)";
    static final String DISPUTE_BY_KEY = "SELECT id FROM dispute WHERE received_by = ? AND client_key = ?";
    static final String DISPUTE_LOG_BY_KEY = "SELECT dispute_id FROM dispute_log WHERE actor = ? AND client_key = ?";
    private static final String DISPUTE_COLUMNS = "SELECT id, code, type, tier, description, amount_yuan, parties_count, address, ST_X(geom), ST_Y(geom), "
            + "district_code, microgrid_code, state, outcome, routed_kind, routed_code, routed_name, handler, rule, received_by, received_at, routed_at, "
            + "due_at, closed_at, closed_on_time, escalations, result, satisfaction, derived FROM dispute ";
    static final String DISPUTE = DISPUTE_COLUMNS + "WHERE id = ?";
    static final String DISPUTE_FOR_UPDATE = DISPUTE + " FOR UPDATE";
    /** Params: district (null: any) twice, prefix LIKE pattern, state (null: any) twice, handler (null: any) twice, from, to, limit. */
    static final String DISPUTES = DISPUTE_COLUMNS + "WHERE (?::text IS NULL OR district_code = ?) AND microgrid_code LIKE ? "
            + "AND (?::text IS NULL OR state = ?) AND (?::text IS NULL OR handler = ?) "
            + "AND received_at >= ? AND received_at < ? ORDER BY received_at DESC, id DESC LIMIT ?";
    static final String PARTIES = "SELECT seq, role, name_enc, id_number_enc, phone_enc FROM dispute_party WHERE dispute_id = ? ORDER BY seq";
    static final String DISPUTE_LOG = "SELECT id, at, actor, action, from_state, to_state, note, detail::text FROM dispute_log WHERE dispute_id = ? "
            + "ORDER BY at, id";
    static final String ROUTE_DISPUTE = "UPDATE dispute SET state = 'routed', tier = ?, routed_kind = ?, routed_code = ?, routed_name = ?, handler = ?, "
            + "rule = ?, routed_at = ?, due_at = ?, closed_at = NULL, closed_on_time = NULL, outcome = NULL, escalations = escalations + 1 WHERE id = ?";
    static final String ACCEPT_DISPUTE = "UPDATE dispute SET state = 'accepted' WHERE id = ?";
    static final String CLOSE_DISPUTE = "UPDATE dispute SET state = ?, outcome = ?, closed_at = ?, closed_on_time = ? <= due_at, result = ? WHERE id = ?";
    static final String EVALUATE_DISPUTE = "UPDATE dispute SET state = 'evaluated', satisfaction = ? WHERE id = ?";
    /**
     * Per child, tier and kind of body: received, open, open past due, resolved, failed, closed on time, evaluated, the
     * sum and number of satisfaction marks (params: now, children, prefixes, their upper bounds, from, to); summed per
     * child by the caller.
     */
    static final String DISPUTES_BY_CHILD = "SELECT c.child, d.tier, d.routed_kind, count(*), count(*) FILTER (WHERE d.closed_at IS NULL), "
            + "count(*) FILTER (WHERE d.closed_at IS NULL AND d.due_at < q.now), count(*) FILTER (WHERE d.outcome = 'resolved'), "
            + "count(*) FILTER (WHERE d.outcome = 'failed'), count(*) FILTER (WHERE d.closed_on_time), count(*) FILTER (WHERE d.state = 'evaluated'), "
            + "coalesce(sum(d.satisfaction), 0), count(d.satisfaction) "
            + "FROM (SELECT ?::timestamptz AS now) q CROSS JOIN unnest(?::text[], ?::text[], ?::text[]) AS c (child, prefix, hi) "
            + "JOIN dispute d ON d.microgrid_code >= c.prefix AND d.microgrid_code < c.hi WHERE d.received_at >= ? AND d.received_at < ? GROUP BY 1, 2, 3";

    // ------------------------------------------------------------------ 特殊人群服务管理
    static final String CARE_FREQUENCIES = "SELECT tag, name, every_days, source, updated_by, updated_at FROM care_frequency ORDER BY every_days, tag";
    static final String SET_CARE_FREQUENCY = "UPDATE care_frequency SET every_days = ?, source = ?, updated_by = ?, updated_at = now() WHERE tag = ?";
    /** Each person's last visit up to a time (params: micro-grid code prefixes, their upper bounds, until), a range scan per prefix. */
    static final String LAST_VISITS = "SELECT v.person_id, max(v.at) FROM unnest(?::text[], ?::text[]) AS q (lo, hi) JOIN care_visit v "
            + "ON v.microgrid_code >= q.lo AND v.microgrid_code < q.hi WHERE v.at < ? GROUP BY 1";
    static final String INSERT_CARE_VISIT = "INSERT INTO care_visit (person_id, visitor, at, kind, note_enc, geom, district_code, microgrid_code, client_key) "
            + "VALUES (?, ?, ?, ?, ?, ST_SetSRID(ST_MakePoint(?::float8, ?::float8), " + Srid.STORAGE + "), ?, ?, ?) RETURNING id";
    private static final String CARE_VISIT_COLUMNS = "SELECT id, person_id, visitor, at, kind, note_enc, microgrid_code, derived FROM care_visit ";
    static final String CARE_VISIT = CARE_VISIT_COLUMNS + "WHERE id = ?";
    static final String CARE_VISIT_BY_KEY = CARE_VISIT_COLUMNS + "WHERE visitor = ? AND client_key = ?";
    /** Params: person (null: any) twice, micro-grid LIKE patterns, from, to, limit. */
    static final String CARE_VISITS = CARE_VISIT_COLUMNS + "WHERE (?::bigint IS NULL OR person_id = ?) AND microgrid_code LIKE ANY (?::text[]) "
            + "AND at >= ? AND at < ? ORDER BY at DESC, id DESC LIMIT ?";
    /** Visits per child (params: children, prefixes, their upper bounds, from, to). */
    static final String CARE_VISITS_BY_CHILD = "SELECT c.child, count(*) FROM unnest(?::text[], ?::text[], ?::text[]) AS c (child, prefix, hi) "
            + "JOIN care_visit v ON v.microgrid_code >= c.prefix AND v.microgrid_code < c.hi WHERE v.at >= ? AND v.at < ? GROUP BY 1";

    // ------------------------------------------------------------------ early warning
    /**
     * Daily counts per unit and class, voided reports left out (params: from, to); the unit is a district by its code
     * (镇江新区's streets carry other prefixes), a lower level by the prefix of that length of the micro-grid code.
     */
    static String dailyCounts(Level level) {
        String unit = level == Level.DISTRICT ? "e.district_code" : "left(e.microgrid_code, " + level.codeLength() + ")";
        return "SELECT " + unit + " AS unit, e.class_code, (e.occurred_at AT TIME ZONE 'Asia/Shanghai')::date AS day, count(*) FROM event e "
                + "WHERE e.occurred_at >= ? AND e.occurred_at < ? AND e.state <> 'voided' GROUP BY 1, 2, 3";
    }
    /** Grids that share an edge (a boundary of positive length), each pair once. */
    static final String GRID_ADJACENCY = "SELECT a.code, b.code FROM region a JOIN region b ON b.level = 'grid' AND b.generation_high IS NULL "
            + "AND a.geom && b.geom AND a.code < b.code AND ST_Relate(a.geom, b.geom, 'F***1****') WHERE a.level = 'grid' AND a.generation_high IS NULL";

    private FieldSql() {
    }
}
