package cn.gridmap.element;

import java.util.Locale;

/**
 * Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character alphabet (no I, O,
 * Z, S, V): registration authority, organisation kind, 6-digit address code, 9-character organisation code, and a
 * MOD 31 check character.
 */
public final class CreditCodes {
    public static final String ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static final int[] WEIGHTS = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

    private CreditCodes() {
    }

    /** The check character for the first 17 characters. */
    public static char checkCharacter(String first17) {
        if (first17 == null || first17.length() != 17) {
            throw new IllegalArgumentException("17 characters expected");
        }
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            int v = ALPHABET.indexOf(first17.charAt(i));
            if (v < 0) {
                throw new IllegalArgumentException("'" + first17.charAt(i) + "' is not in the credit-code alphabet");
            }
            sum += v * WEIGHTS[i];
        }
        return ALPHABET.charAt((31 - sum % 31) % 31);
    }

    /** Why {@code raw} is not a valid credit code, or null when it is. */
    public static String problem(String raw) {
        String code = raw == null ? "" : raw.trim().toUpperCase(Locale.ROOT);
        if (code.length() != 18) {
            return "a unified social credit code has 18 characters, got " + code.length();
        }
        for (int i = 0; i < 18; i++) {
            if (ALPHABET.indexOf(code.charAt(i)) < 0) {
                return "character " + (i + 1) + " ('" + code.charAt(i) + "') is not allowed (no I, O, Z, S or V)";
            }
        }
        if (!code.substring(2, 8).matches("\\d{6}")) {
            return "characters 3-8 must be the 6-digit address code";
        }
        char expected = checkCharacter(code.substring(0, 17));
        if (code.charAt(17) != expected) {
            return "the check character is " + code.charAt(17) + " but should be " + expected;
        }
        return null;
    }
}
