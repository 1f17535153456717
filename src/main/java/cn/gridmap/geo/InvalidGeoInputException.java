package cn.gridmap.geo;

/** Input (coordinates, bbox, geometry) that cannot be used; the message says why. Mapped to HTTP 400. */
public class InvalidGeoInputException extends IllegalArgumentException {
    public InvalidGeoInputException(String message) {
        super(message);
    }
}
