package cn.gridmap.geocode;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a Chinese address into the GA/T 2000.32 levels: province, city, district, street (街道/镇/乡), community
 * (社区/村), road (街路巷), place (小区/自然村), door number (号), building (幢), unit (单元) and room (室).
 *
 * <p>Names are recognised against a {@link Vocabulary} (longest match first, levels in order, any level may be
 * missing); numbers by their markers. Tolerated variants: full-width characters, spaces and punctuation, Chinese
 * numerals before markers (三号楼, 二单元), 栋/座/号楼 for 幢, 房/户 for 室, # for 号, dashed forms (3-2-301 = 3幢2单元301室,
 * 3-301 = 3幢301室), a trailing room number without marker, and the suffixes 居委会/村委会/办事处.
 */
public final class AddressParser {
    private static final Pattern CN_NUMBER = Pattern.compile("([零〇一二两三四五六七八九十百千]+)(?=号|幢|栋|座|单元|室|层|楼|组|门)");
    private static final Pattern NUMBER = Pattern.compile("(\\d+)(号楼|号院|号|幢|栋|座|单元|室|房|户|层|楼|组|门|-)?");

    private final Vocabulary vocabulary;

    public AddressParser(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
    }

    /** Full-width to ASCII, no whitespace or punctuation, Chinese numerals before markers as digits, # as 号. */
    public static String normalize(String raw) {
        String s = Normalizer.normalize(raw == null ? "" : raw, Normalizer.Form.NFKC);
        s = s.replaceAll("[\\s,，。、;；:：\"'“”‘’()（）\\[\\]【】]", "");
        s = s.replaceAll("[－—–~～_]", "-").replace('#', '号');
        Matcher m = CN_NUMBER.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            int v = chineseNumber(m.group(1));
            m.appendReplacement(sb, v < 0 ? m.group(1) : String.valueOf(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** 三 → 3, 十二 → 12, 二十 → 20, 一百零五 → 105; -1 when not a number. */
    static int chineseNumber(String s) {
        String digits = "零一二三四五六七八九";
        int total = 0;
        int current = 0;
        boolean any = false;
        for (char ch : s.toCharArray()) {
            int d = ch == '两' ? 2 : ch == '〇' ? 0 : digits.indexOf(ch);
            if (d >= 0) {
                current = current * 10 + d;
                any = true;
            } else {
                int unit = ch == '十' ? 10 : ch == '百' ? 100 : ch == '千' ? 1000 : -1;
                if (unit < 0) {
                    return -1;
                }
                total += (current == 0 ? 1 : current) * unit;
                current = 0;
                any = true;
            }
        }
        return any ? total + current : -1;
    }

    public ParsedAddress parse(String raw) {
        String s = normalize(raw);
        ParsedAddress.Builder b = new ParsedAddress.Builder(raw, s);
        int rank = -1;
        int i = 0;
        StringBuilder unknown = new StringBuilder();
        List<String> numbers = new ArrayList<>();
        while (i < s.length()) {
            char ch = s.charAt(i);
            if (Character.isDigit(ch)) {
                Matcher m = NUMBER.matcher(s);
                m.region(i, s.length());
                if (m.lookingAt()) {
                    flushUnknown(b, unknown, true);
                    numbers.add(m.group(1) + (m.group(2) == null ? "" : m.group(2)));
                    i = m.end();
                    continue;
                }
            }
            Vocabulary.Term term = null;
            List<Vocabulary.Term> meanings = List.of();
            int len = 0;
            for (int l = Math.min(vocabulary.maxLength(), s.length() - i); l >= 2 && term == null; l--) {
                meanings = vocabulary.lookup(s.substring(i, i + l));
                if (!meanings.isEmpty()) {
                    term = choose(meanings, rank, s, i + l);
                    len = l;
                }
            }
            if (term != null && !numbers.isEmpty() && term.kind().rank() <= Vocabulary.Kind.COMMUNITY.rank()) {
                term = null; // an administrative name after the numbers is text, not a level
            }
            if (term == null) {
                unknown.append(ch);
                i++;
                continue;
            }
            flushUnknown(b, unknown, false);
            if (!numbers.isEmpty()) {
                assignNumbers(b, numbers);
                numbers.clear();
            }
            Vocabulary.Kind kind = term.kind();
            b.term(term, meanings.stream().filter(m -> m.kind() == kind).map(Vocabulary.Term::key).toList());
            rank = Math.max(rank, term.kind().rank());
            i += len;
        }
        flushUnknown(b, unknown, false);
        assignNumbers(b, numbers);
        return b.build();
    }

    /** Among several meanings of one name: the lowest level not yet passed; a road or place when numbers follow. */
    private static Vocabulary.Term choose(List<Vocabulary.Term> terms, int rank, String s, int end) {
        boolean numberFollows = end < s.length() && Character.isDigit(s.charAt(end));
        Vocabulary.Term best = null;
        for (Vocabulary.Term t : terms) {
            if (t.kind().rank() < rank && t.kind().rank() <= Vocabulary.Kind.COMMUNITY.rank()) {
                continue;
            }
            if (best == null) {
                best = t;
            } else if (numberFollows && t.kind().rank() > best.kind().rank()) {
                best = t;
            } else if (!numberFollows && t.kind().rank() < best.kind().rank()) {
                best = t;
            }
        }
        return best;
    }

    /** Text no vocabulary knows: kept as the unknown road or place name (fuzzy matching uses it). */
    private static void flushUnknown(ParsedAddress.Builder b, StringBuilder unknown, boolean beforeNumber) {
        if (unknown.length() == 0) {
            return;
        }
        String u = unknown.toString();
        unknown.setLength(0);
        for (String suffix : List.of("居委会", "村委会", "委会", "办事处")) {
            if (u.startsWith(suffix)) {
                u = u.substring(suffix.length());
            }
        }
        if (u.startsWith("小区") || u.equals("-")) {
            u = u.substring(u.startsWith("小区") ? 2 : 1);
        }
        if (!u.isEmpty()) {
            b.unknown(u, beforeNumber);
        }
    }

    /** Reads the number groups: 号 door, 幢 building, 单元 unit, 室 room, dashes as building-unit-room. */
    private static void assignNumbers(ParsedAddress.Builder b, List<String> groups) {
        List<String> dashed = new ArrayList<>();
        for (String g : groups) {
            String n = g.replaceAll("\\D.*", "");
            String marker = g.substring(n.length());
            n = String.valueOf(Integer.parseInt(n.length() > 9 ? n.substring(0, 9) : n));
            switch (marker) {
                case "号", "号院" -> {
                    if (b.door() == null && !b.hasBuilding()) {
                        b.door(n);
                    } else {
                        b.building(n);
                    }
                }
                case "号楼", "幢", "栋", "座" -> b.building(n);
                case "单元", "门" -> b.unit(n);
                case "室", "房", "户" -> b.room(n);
                case "层", "楼", "组" -> {
                }
                case "-" -> dashed.add(n);
                default -> dashed.add(n);
            }
        }
        if (dashed.isEmpty()) {
            return;
        }
        // dashes: b-u-r, or b-r, or (after a building) u-r; a lone trailing number is the room
        if (dashed.size() >= 3) {
            b.building(dashed.get(0));
            b.unit(dashed.get(1));
            b.room(dashed.get(2));
        } else if (dashed.size() == 2) {
            if (b.hasBuilding()) {
                b.unit(dashed.get(0));
            } else {
                b.building(dashed.get(0));
            }
            b.room(dashed.get(1));
        } else if (b.hasBuilding() || b.unitGiven()) {
            b.room(dashed.get(0));
        } else if (b.door() == null) {
            b.door(dashed.get(0));
        } else {
            b.room(dashed.get(0));
        }
    }
}
