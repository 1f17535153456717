package cn.gridmap.region;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A region on the wire (MapIt-like): no geometry; {@code chain} lists the ancestors city first;
 * {@code descendantCounts} maps each lower level to the number of descendants at that level; {@code kind} (grids
 * only): standard (综合网格) or exclusive (专属网格).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegionRecord(String code, String name, String level, String parentCode, List<RegionRef> chain,
        double areaSqm, boolean derived, Map<String, Long> descendantCounts, Map<String, Object> properties, String kind) {
    public static final String STANDARD = "standard";
    public static final String EXCLUSIVE = "exclusive";

    /** A grid's kind from its properties (standard when it names none); null for the other levels. */
    public static String kindOf(String level, Map<String, Object> properties) {
        if (!"grid".equals(level)) {
            return null;
        }
        Object k = properties == null ? null : properties.get("kind");
        return k == null ? STANDARD : k.toString();
    }

    /** A region reference: code, name, level. */
    public record RegionRef(String code, String name, String level) {
    }
}
