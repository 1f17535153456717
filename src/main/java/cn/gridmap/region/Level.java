package cn.gridmap.region;

import java.util.Locale;

/**
 * The six levels of the hierarchy with the length of their codes: city and district use the 6-digit
 * GB/T 2260 code, street 9 and community 12 digits (NBS 统计用区划代码), grid 15 digits (GB/T 30428.1:
 * community code + 3-digit sequence) and micro-grid 18 digits (grid code + 3-digit sequence, a project
 * convention).
 */
public enum Level {
    CITY(6), DISTRICT(6), STREET(9), COMMUNITY(12), GRID(15), MICROGRID(18);

    private final int codeLength;

    Level(int codeLength) {
        this.codeLength = codeLength;
    }

    public int codeLength() {
        return codeLength;
    }

    /** The name used on the wire and in the database: {@code city}, {@code district}, … */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The grid of a micro-grid: its code's first 15 digits (a micro-grid code embeds its grid's); null for a shorter code. */
    public static String gridOf(String microgrid) {
        return microgrid == null || microgrid.length() < GRID.codeLength() ? null : microgrid.substring(0, GRID.codeLength());
    }

    /** Parses a wire name; returns null for anything else. */
    public static Level fromWire(String s) {
        if (s == null) {
            return null;
        }
        for (Level l : values()) {
            if (l.wireName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return l;
            }
        }
        return null;
    }
}
