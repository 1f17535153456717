package cn.gridmap.region;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A region on the wire (MapIt-like): no geometry; {@code chain} lists the ancestors city first;
 * {@code descendantCounts} maps each lower level to the number of descendants at that level.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegionRecord(String code, String name, String level, String parentCode, List<RegionRef> chain,
        double areaSqm, boolean derived, Map<String, Long> descendantCounts, Map<String, Object> properties) {

    /** A region reference: code, name, level. */
    public record RegionRef(String code, String name, String level) {
    }
}
