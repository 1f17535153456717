package cn.gridmap.export;

import java.time.ZoneId;

/** Property values as files hold them: numbers as numbers, date-times as ISO text in the city's time zone. */
final class Values {
    static final ZoneId CITY = ZoneId.of("Asia/Shanghai");

    private Values() {
    }

    static Object plain(Object v) {
        if (v instanceof java.sql.Timestamp t) {
            return t.toInstant().atZone(CITY).toOffsetDateTime().toString();
        }
        if (v instanceof java.time.OffsetDateTime t) {
            return t.atZoneSameInstant(CITY).toOffsetDateTime().toString();
        }
        if (v instanceof java.sql.Array a) {
            try {
                return String.join(";", (String[]) a.getArray());
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return v;
    }

    static String text(Object v) {
        Object p = plain(v);
        return p == null ? "" : p.toString();
    }
}
