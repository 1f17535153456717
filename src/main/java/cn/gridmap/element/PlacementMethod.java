package cn.gridmap.element;

/**
 * How an element was placed (the {@code geocode_method} column): from its own coordinates, or at the centroid of its
 * building. Address matches use the geocoder's names ({@code exact_address}, {@code fuzzy_address}).
 */
public final class PlacementMethod {
    private PlacementMethod() {
    }

    public static final String COORDINATE = "coordinate";
    public static final String BUILDING = "building_centroid";
}
