package cn.gridmap.element;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;

/**
 * Citizen identity numbers (公民身份号码, GB 11643-1999): 6-digit address code, 8-digit birth date, 3-digit sequence
 * (odd for men, even for women) and an ISO 7064 MOD 11-2 check character (0–9 or X).
 */
public final class IdNumbers {
    private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    private static final char[] CHECK = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

    private IdNumbers() {
    }

    /** The check character for the first 17 digits. */
    public static char checkCharacter(String first17) {
        if (first17 == null || !first17.matches("\\d{17}")) {
            throw new IllegalArgumentException("17 digits expected");
        }
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (first17.charAt(i) - '0') * WEIGHTS[i];
        }
        return CHECK[sum % 11];
    }

    /** Upper-cased, trimmed, full-width digits and Ｘ made ASCII. */
    public static String normalize(String raw) {
        if (raw == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(18);
        for (char c : raw.trim().toCharArray()) {
            if (c >= '０' && c <= '９') {
                c = (char) ('0' + (c - '０'));
            } else if (c == 'ｘ' || c == 'Ｘ') {
                c = 'X';
            }
            sb.append(c);
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }

    /**
     * Why {@code raw} is not a valid 18-character ID number, or null when it is: shape, address code, a real birth
     * date not after {@code today}, and the check character.
     */
    public static String problem(String raw, LocalDate today) {
        String id = normalize(raw);
        if (id == null || !id.matches("\\d{17}[0-9X]")) {
            return "an ID number has 17 digits and a check character 0-9 or X";
        }
        if (id.charAt(0) < '1' || id.charAt(0) > '8') {
            return "the address code " + id.substring(0, 6) + " does not start with 1-8";
        }
        LocalDate birth;
        try {
            birth = LocalDate.of(Integer.parseInt(id.substring(6, 10)), Integer.parseInt(id.substring(10, 12)),
                    Integer.parseInt(id.substring(12, 14)));
        } catch (DateTimeException e) {
            return "the birth date " + id.substring(6, 14) + " is not a date";
        }
        if (birth.isAfter(today) || birth.getYear() < 1880) {
            return "the birth date " + id.substring(6, 14) + " is out of range";
        }
        char expected = checkCharacter(id.substring(0, 17));
        if (id.charAt(17) != expected) {
            return "the check character is " + id.charAt(17) + " but should be " + expected;
        }
        return null;
    }

    /** Masked for display: the first 4 and last 4 characters (3211**********123X). */
    public static String mask(String raw) {
        String id = normalize(raw);
        if (id == null || id.length() < 8) {
            return "****";
        }
        return id.substring(0, 4) + "*".repeat(id.length() - 8) + id.substring(id.length() - 4);
    }
}
