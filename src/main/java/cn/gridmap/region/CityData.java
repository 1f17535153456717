package cn.gridmap.region;

import java.util.List;

import org.locationtech.jts.geom.Geometry;

/**
 * The real inputs of the hierarchy, as committed under geodata/ (WGS84): the city, its districts with their
 * government seats, the real street and community names and codes, and the water surface.
 */
public record CityData(String cityCode, String cityName, List<District> districts, List<Unit> units, Geometry water) {

    /** A real district polygon (converted from GCJ-02) and its seat ({@code center} in DataV). */
    public record District(String code, String name, Geometry geom, double[] seat) {
    }

    /**
     * A real street or community name and code (NBS 2023). {@code parentCode} is the parent in our hierarchy;
     * {@code statisticalParentCode} the parent in the source (differs only for 镇江新区's units).
     */
    public record Unit(Level level, String code, String name, String parentCode, String statisticalParentCode) {
    }

    public List<Unit> unitsOf(Level level, String parentCode) {
        return units.stream().filter(u -> u.level() == level && u.parentCode().equals(parentCode)).toList();
    }
}
