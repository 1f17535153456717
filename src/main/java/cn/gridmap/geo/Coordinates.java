package cn.gridmap.geo;


/** Parsing and range checks of coordinates from requests, with messages that say what is wrong. */
public final class Coordinates {
    private Coordinates() {
    }

    public static double parseNumber(String s, String what) {
        try {
            double v = Double.parseDouble(s.trim());
            if (!Double.isFinite(v)) {
                throw new InvalidGeoInputException(what + " must be a finite number, got '" + s + "'");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidGeoInputException(what + " must be a number, got '" + s + "'");
        }
    }

    /** Parses {@code x,y} (two numbers separated by a comma). */
    public static double[] parsePair(String text) {
        String[] p = text == null ? new String[0] : text.split(",", -1);
        if (p.length != 2) {
            throw new InvalidGeoInputException("coordinates must be x,y (two numbers separated by a comma), got '" + text + "'");
        }
        return new double[] {parseNumber(p[0], "x"), parseNumber(p[1], "y")};
    }

    public static void checkLonLat(double lon, double lat) {
        if (lon < -180 || lon > 180) {
            throw new InvalidGeoInputException("longitude " + lon + " is outside [-180, 180]");
        }
        if (lat < -90 || lat > 90) {
            throw new InvalidGeoInputException("latitude " + lat + " is outside [-90, 90]");
        }
    }
}
