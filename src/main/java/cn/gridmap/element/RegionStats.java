package cn.gridmap.element;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Element counts of one region (sums over its micro-grids). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegionStats(String code, String name, String level, long people, Map<String, Long> peopleByResidence,
        Map<String, Long> peopleByTag, long houses, long rentalHouses, long households, long components, long organizations,
        long events, long microgrids) {
}
