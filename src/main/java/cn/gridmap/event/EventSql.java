package cn.gridmap.event;

/** Every statement of the event capability, bound parameters only. */
final class EventSql {
    static final String CALENDAR = "SELECT day, workday, name, source, updated_by, updated_at::text FROM workday_calendar ORDER BY day";
    static final String PUT_DAY = "INSERT INTO workday_calendar (day, workday, name, source, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, now()) "
            + "ON CONFLICT (day) DO UPDATE SET workday = EXCLUDED.workday, name = EXCLUDED.name, source = EXCLUDED.source, "
            + "updated_by = EXCLUDED.updated_by, updated_at = now()";
    static final String DELETE_DAY = "DELETE FROM workday_calendar WHERE day = ?";

    private EventSql() {
    }
}
