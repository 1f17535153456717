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
}
