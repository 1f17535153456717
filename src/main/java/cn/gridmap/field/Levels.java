package cn.gridmap.field;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import cn.gridmap.region.RegionRecord;
import cn.gridmap.region.RegionService;
import cn.gridmap.security.Caller;
import cn.gridmap.web.ApiException;

/**
 * The region a per-level view is asked for and its children, each with the code prefixes of what lies inside it: a
 * region's own code, and for a district also its streets' (镇江新区's streets carry other prefixes than its own code).
 */
final class Levels {
    private Levels() {
    }

    record View(RegionRecord region, Map<String, RegionRecord> children, Map<String, List<String>> prefixes) {
        List<String> ownPrefixes(RegionService regions) {
            return Levels.prefixes(regions, region);
        }
    }

    /** The region (404 unknown, 403 outside the caller's scope) with its children and their prefixes. */
    static View of(RegionService regions, Caller caller, String code) {
        if (code == null || !code.matches("[0-9]{6}|[0-9]{9}|[0-9]{12}|[0-9]{15}|[0-9]{18}")) {
            throw ApiException.badRequest("a region code has 6, 9, 12, 15 or 18 digits, got '" + code + "'");
        }
        RegionRecord r = regions.get(code);
        List<String> chain = new ArrayList<>(r.chain().stream().map(RegionRecord.RegionRef::code).toList());
        chain.add(r.code());
        if (!caller.scope().coversRegion(chain) && !covers(caller, regions, r)) {
            throw new ApiException(403, "region " + code + " lies outside your scope " + caller.scope().codes());
        }
        Map<String, RegionRecord> children = new LinkedHashMap<>();
        Map<String, List<String>> prefixes = new LinkedHashMap<>();
        for (RegionRecord c : regions.children(code)) {
            List<String> cc = new ArrayList<>(chain);
            cc.add(c.code());
            if (caller.scope().coversRegion(cc)) {
                children.put(c.code(), c.descendantCounts() == null ? regions.get(c.code()) : c); // with its descendant counts
                prefixes.put(c.code(), prefixes(regions, c));
            }
        }
        return new View(r, children, prefixes);
    }

    /**
     * A caller of a narrower scope may look at a wider region: she sees the children inside her scope. A scope lies in
     * the region when the region is on its chain (a district's code does not start with the city's, and 镇江新区's
     * streets not with their district's).
     */
    private static boolean covers(Caller caller, RegionService regions, RegionRecord r) {
        return caller.scope().codes().stream().anyMatch(s -> s.startsWith(r.code()) || inside(regions, s, r.code()));
    }

    private static boolean inside(RegionService regions, String scope, String region) {
        try {
            return regions.get(scope).chain().stream().anyMatch(c -> c.code().equals(region));
        } catch (ApiException e) {
            return false; // a scope code that is no region (any more)
        }
    }

    static List<String> prefixes(RegionService regions, RegionRecord r) {
        List<String> out = new ArrayList<>(List.of(r.code()));
        if (r.level().equals("district")) {
            for (RegionRecord s : regions.children(r.code())) {
                if (!s.code().startsWith(r.code())) {
                    out.add(s.code());
                }
            }
        }
        return out;
    }
}
