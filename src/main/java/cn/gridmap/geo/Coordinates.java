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

    /** Mean Earth radius (IUGG), metres: for distances between nearby points on the phone's scale (well under 0.5 % off). */
    private static final double EARTH_RADIUS = 6_371_008.8;

    /** The great-circle distance between two WGS84 points, in metres (haversine). */
    public static double distanceMeters(double lon1, double lat1, double lon2, double lat2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double h = Math.pow(Math.sin((p2 - p1) / 2), 2) + Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin(Math.toRadians(lon2 - lon1) / 2), 2);
        return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    /** The initial great-circle bearing from one WGS84 point to another: degrees clockwise from north, 0 to 360, to the degree. */
    public static double bearingDegrees(double lon1, double lat1, double lon2, double lat2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dl = Math.toRadians(lon2 - lon1);
        double y = Math.sin(dl) * Math.cos(p2);
        double x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
        return Math.round((Math.toDegrees(Math.atan2(y, x)) + 360) % 360) % 360;
    }
}
