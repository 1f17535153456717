package cn.gridmap.security;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import cn.gridmap.element.IdNumbers;

/** Masks personal data for responses and logs: ID numbers 3211**********123X, mobile phones 138****5678. */
public final class Masking {
    private static final Pattern ID = Pattern.compile("(?<![0-9A-Za-z])[1-8]\\d{16}[0-9Xx](?![0-9A-Za-z])");
    private static final Pattern MOBILE = Pattern.compile("(?<!\\d)(?:\\+?86[- ]?)?1[3-9]\\d{9}(?!\\d)");

    private Masking() {
    }

    public static String phone(String raw) {
        String d = raw == null ? "" : raw.replaceAll("\\D", "");
        if (d.length() >= 11) {
            d = d.substring(d.length() - 11);
            return d.substring(0, 3) + "****" + d.substring(7);
        }
        return d.length() <= 4 ? "****" : "*".repeat(d.length() - 4) + d.substring(d.length() - 4);
    }

    public static String idNumber(String raw) {
        return IdNumbers.mask(raw);
    }

    private static boolean birthDatePlausible(String id) {
        try {
            int year = Integer.parseInt(id.substring(6, 10));
            java.time.LocalDate.of(year, Integer.parseInt(id.substring(10, 12)), Integer.parseInt(id.substring(12, 14)));
            return year >= 1880 && year <= 2100;
        } catch (java.time.DateTimeException | NumberFormatException e) {
            return false;
        }
    }

    /** Masks every ID number and mobile phone found in free text (for log lines and messages). */
    public static String text(String s) {
        if (s == null) {
            return null;
        }
        Matcher m = ID.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            // an 18-digit run is an ID number when its birth-date part is a date (so region codes such as
            // 321102001004001003 stay readable, while ID numbers with a wrong check character are still masked)
            m.appendReplacement(sb, Matcher.quoteReplacement(birthDatePlausible(m.group()) ? idNumber(m.group()) : m.group()));
        }
        m.appendTail(sb);
        Matcher p = MOBILE.matcher(sb.toString());
        StringBuilder out = new StringBuilder();
        while (p.find()) {
            p.appendReplacement(out, Matcher.quoteReplacement(phone(p.group())));
        }
        p.appendTail(out);
        return out.toString();
    }
}
