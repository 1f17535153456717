package cn.gridmap.security;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import cn.gridmap.region.Level;
import cn.gridmap.region.RegionService;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;

/** Turns a scope (a list of region codes) into an {@link AreaScope}, and checks region filters against a scope. */
@ApplicationScoped
public class Scopes {
    private final RegionService regions;

    public Scopes(RegionService regions) {
        this.regions = regions;
    }

    /** Validates codes for a new or changed user or client: 400 for an unknown code or an empty list. */
    public List<String> validate(List<String> codes) {
        if (codes == null || codes.isEmpty()) {
            throw ApiException.badRequest("scope must list at least one region code (the city code covers everything)");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String c : codes) {
            if (c == null || !c.trim().matches("[0-9]{6,18}")) {
                throw ApiException.badRequest("scope: a region code has 6 to 18 digits, got '" + c + "'");
            }
            try {
                regions.levelOf(c.trim());
            } catch (ApiException e) {
                throw ApiException.badRequest("scope: " + e.getMessage());
            }
            out.add(c.trim());
        }
        return List.copyOf(out);
    }

    /**
     * The scope of stored codes; codes no longer in the hierarchy are dropped (they cover nothing). Called while a token
     * is verified, on a worker thread outside any request: it opens its own request context for the region reads.
     */
    @ActivateRequestContext
    public AreaScope resolve(List<String> codes) {
        Set<String> districts = new HashSet<>();
        Set<String> prefixes = new HashSet<>();
        for (String c : codes) {
            if ("*".equals(c)) {
                return AreaScope.CITY;
            }
            Level level;
            try {
                level = regions.levelOf(c);
            } catch (ApiException e) {
                continue;
            }
            switch (level) {
                case CITY -> {
                    return AreaScope.CITY;
                }
                case DISTRICT -> districts.add(c);
                default -> prefixes.add(c);
            }
        }
        return new AreaScope(false, districts, prefixes);
    }

    /** 403 unless region {@code code} lies inside {@code scope}; 400/404 for a bad or unknown code. */
    public void requireInside(AreaScope scope, String code) {
        if (scope.all() || code == null || code.isBlank()) {
            return;
        }
        if (!scope.coversRegion(regions.lineage(code.trim()))) {
            throw new ApiException(403, "region " + code.trim() + " is outside your area scope");
        }
    }

    /** Whether every code of {@code inner} lies inside {@code outer} (a district admin grants only inside its district). */
    public boolean within(AreaScope outer, List<String> inner) {
        if (outer.all()) {
            return true;
        }
        List<String> missing = new ArrayList<>();
        for (String c : inner) {
            if (!outer.coversRegion(regions.lineage(c))) {
                missing.add(c);
            }
        }
        return missing.isEmpty();
    }
}
