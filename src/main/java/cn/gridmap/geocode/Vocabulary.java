package cn.gridmap.geocode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The names an address may contain, each with its level (and region code or place id). */
public final class Vocabulary {
    /** Levels in address order. */
    public enum Kind {
        PROVINCE(0), CITY(1), DISTRICT(2), STREET(3), COMMUNITY(4), ROAD(5), PLACE(6);

        private final int rank;

        Kind(int rank) {
            this.rank = rank;
        }

        public int rank() {
            return rank;
        }
    }

    /** One meaning of a name: {@code name} is the canonical name, {@code key} the region code or place id. */
    public record Term(Kind kind, String name, String key) {
    }

    private final Map<String, List<Term>> terms = new HashMap<>();
    private int maxLength = 2;

    /** Adds {@code spelling} as a way to write {@code term}. */
    public Vocabulary add(String spelling, Term term) {
        if (spelling == null || spelling.length() < 2) {
            return this;
        }
        List<Term> list = terms.computeIfAbsent(spelling, k -> new ArrayList<>(1));
        if (!list.contains(term)) {
            list.add(term);
        }
        maxLength = Math.max(maxLength, spelling.length());
        return this;
    }

    /** Adds a region with the usual ways to write it (with and without 居委会/村委会/办事处, district short forms). */
    public Vocabulary region(Kind kind, String fullName, String code) {
        String canonical = canonical(kind, fullName);
        Term t = new Term(kind, canonical, code);
        add(fullName, t);
        add(canonical, t);
        switch (kind) {
            case DISTRICT -> {
                if (canonical.length() > 2 && (canonical.endsWith("区") || canonical.endsWith("市") || canonical.endsWith("县"))) {
                    add(canonical.substring(0, canonical.length() - 1), t);
                }
            }
            case STREET -> {
                if (canonical.endsWith("街道")) {
                    add(canonical + "办事处", t);
                }
            }
            case COMMUNITY -> {
                if (canonical.endsWith("村")) {
                    add(canonical + "村委会", t);
                    add(canonical + "委会", t);
                } else if (canonical.endsWith("社区")) {
                    add(canonical + "居委会", t);
                    add(canonical + "居民委员会", t);
                }
            }
            default -> {
            }
        }
        return this;
    }

    /** The name used in standard addresses: 居委会/村委会 dropped. */
    public static String canonical(Kind kind, String fullName) {
        if (kind == Kind.COMMUNITY && (fullName.endsWith("居委会") || fullName.endsWith("村委会"))) {
            return fullName.substring(0, fullName.length() - 3);
        }
        return fullName;
    }

    public List<Term> lookup(String text) {
        return terms.getOrDefault(text, List.of());
    }

    public int maxLength() {
        return maxLength;
    }

    /** Every spelling (for fuzzy matching). */
    public Iterable<Map.Entry<String, List<Term>>> entries() {
        return terms.entrySet();
    }
}
