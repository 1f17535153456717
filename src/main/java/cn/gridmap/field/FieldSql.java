package cn.gridmap.field;

import cn.gridmap.geo.Srid;

/** Every statement of the field capability, bound parameters only. */
final class FieldSql {
    private static final String POINT = "ST_SetSRID(ST_MakePoint(?, ?), " + Srid.STORAGE + ")";

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

    private FieldSql() {
    }
}
