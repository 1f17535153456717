package cn.gridmap.element;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The elements on the wire. Every item has its id, external id, location ({@code lon}, {@code lat}, WGS84 =
 * CGCS2000 numbers), the grid and micro-grid it falls in, and how it was placed. ID numbers and phones are always
 * masked (3211**********123X, 138****5678).
 */
public final class ElementItems {
    private ElementItems() {
    }

    /** One page of a list: {@code next} is the offset of the next page, null on the last. */
    public record Page<T>(List<T> items, int limit, int offset, Integer next) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Person(long id, String externalId, String name, String gender, int birthYear, String idNumber, String phone,
            String residence, List<String> tags, String houseExternalId, String address, double lon, double lat,
            String districtCode, String gridCode, String microgridCode, String geocodeMethod, double geocodeScore, boolean derived) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record House(long id, String externalId, String address, String use, int households, Double areaSqm, double lon,
            double lat, String districtCode, String gridCode, String microgridCode, String rawLocation, String rawCrs,
            String geocodeMethod, double geocodeScore, boolean derived) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Component(long id, String externalId, String code, String classCode, String className, String majorClass,
            String name, String state, String department, double lon, double lat, String districtCode, String gridCode,
            String microgridCode, String rawLocation, String rawCrs, String geocodeMethod, double geocodeScore, boolean derived) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Organization(long id, String externalId, String creditCode, String name, String kind, String category,
            Integer employees, String address, String phone, double lon, double lat, String districtCode, String gridCode,
            String microgridCode, String rawLocation, String rawCrs, String geocodeMethod, double geocodeScore, boolean derived) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Event(long id, String externalId, String classCode, String className, String majorClass, String occurredAt,
            String description, String address, double lon, double lat, String districtCode, String gridCode,
            String microgridCode, String rawLocation, String rawCrs, String geocodeMethod, double geocodeScore, boolean derived) {
    }
}
