package cn.gridmap.web;

/** Query parameters as the API reads them: a 400 with the parameter's name for anything malformed. */
public final class Params {
    private Params() {
    }

    /** An integer parameter, {@code dflt} when absent. */
    public static int integer(String v, String name, int dflt) {
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be an integer, got '" + v + "'");
        }
    }

    /** A time parameter: an ISO 8601 time, or a date (its start in China Standard Time). */
    public static java.time.OffsetDateTime time(String v, String name) {
        try {
            return java.time.OffsetDateTime.parse(v.trim());
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return java.time.LocalDate.parse(v.trim()).atStartOfDay().atOffset(java.time.ZoneOffset.ofHours(8));
            } catch (java.time.format.DateTimeParseException e2) {
                throw ApiException.badRequest(name + " must be a date (2025-03-01) or an ISO 8601 time, got '" + v + "'");
            }
        }
    }
}
