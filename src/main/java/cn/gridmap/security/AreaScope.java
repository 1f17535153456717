package cn.gridmap.security;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An area scope resolved against the hierarchy: the whole city, or district codes (matched against an element's
 * district column: 镇江新区's streets carry other prefixes) and codes of lower levels (prefixes of the micro-grid code).
 * The same rule is the row-level security policy of the element tables (V9__security.sql).
 */
public record AreaScope(boolean all, Set<String> districts, Set<String> prefixes) {
    /** The whole city. */
    public static final AreaScope CITY = new AreaScope(true, Set.of(), Set.of());
    /** No area: sees no element. */
    public static final AreaScope NONE = new AreaScope(false, Set.of(), Set.of());

    public AreaScope {
        districts = Set.copyOf(districts);
        prefixes = Set.copyOf(prefixes);
    }

    /** Whether an element with these codes lies inside. */
    public boolean covers(String districtCode, String microgridCode) {
        if (all || districts.contains(districtCode)) {
            return true;
        }
        for (String p : prefixes) {
            if (microgridCode != null && microgridCode.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a region, given by the codes of its chain (city … itself), lies inside. */
    public boolean coversRegion(List<String> chain) {
        if (all) {
            return true;
        }
        for (String c : chain) {
            if (districts.contains(c) || prefixes.contains(c)) {
                return true;
            }
        }
        return false;
    }

    /** The value of the transaction setting {@code gridmap.scope} the row-level security policies read. */
    public String setting() {
        return String.join(",", codes());
    }

    /** Codes of the scope as a user gave them, for /api/me and the audit log. */
    public List<String> codes() {
        if (all) {
            return List.of("*");
        }
        Set<String> codes = new TreeSet<>(districts);
        codes.addAll(prefixes);
        return List.copyOf(codes);
    }

    /**
     * A WHERE condition keeping rows of table alias {@code t} inside the scope, with its bound values appended to
     * {@code values}; {@code null} for the whole city. Prefix conditions are ranges on the micro-grid code, so its
     * b-tree index serves them.
     */
    public String condition(String t, List<Object> values) {
        if (all) {
            return null;
        }
        if (districts.isEmpty() && prefixes.isEmpty()) {
            return "false";
        }
        StringBuilder sql = new StringBuilder("(");
        for (String d : new TreeSet<>(districts)) {
            sql.append(sql.length() > 1 ? " OR " : "").append(t).append(".district_code = ?");
            values.add(d);
        }
        for (String p : new TreeSet<>(prefixes)) {
            sql.append(sql.length() > 1 ? " OR " : "").append('(').append(t).append(".microgrid_code >= ? AND ").append(t)
                    .append(".microgrid_code < ?)");
            values.add(p);
            values.add(p + "~"); // '~' sorts after every digit in the C collation of the code columns
        }
        return sql.append(')').toString();
    }
}
