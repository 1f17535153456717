package cn.gridmap.geo;


/** A lon/lat bounding box parsed from {@code minLon,minLat,maxLon,maxLat}. */
public record BBox(double minLon, double minLat, double maxLon, double maxLat) {

    /** Parses a bbox parameter; a 400 with the reason for anything malformed. */
    public static BBox parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String[] p = text.split(",");
        if (p.length != 4) {
            throw new InvalidGeoInputException("bbox must be minLon,minLat,maxLon,maxLat (4 numbers), got '" + text + "'");
        }
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            v[i] = Coordinates.parseNumber(p[i], "bbox[" + i + "]");
        }
        Coordinates.checkLonLat(v[0], v[1]);
        Coordinates.checkLonLat(v[2], v[3]);
        if (v[0] > v[2] || v[1] > v[3]) {
            throw new InvalidGeoInputException("bbox min must not exceed max: " + text);
        }
        return new BBox(v[0], v[1], v[2], v[3]);
    }
}
