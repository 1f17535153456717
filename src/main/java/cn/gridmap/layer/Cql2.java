package cn.gridmap.layer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;

import cn.gridmap.web.ApiException;

/**
 * CQL2 text (OGC API Features Part 3, Basic CQL2 + basic spatial functions) to a SQL condition with bound values.
 * Supported: comparisons (= &lt;&gt; &lt; &lt;= &gt; &gt;=), [NOT] LIKE, [NOT] BETWEEN, [NOT] IN (…), IS [NOT] NULL,
 * AND / OR / NOT, parentheses, string (with '' escapes), number, boolean, DATE('…') and TIMESTAMP('…') literals, and
 * S_INTERSECTS(geometry, &lt;WKT&gt; | BBOX(…)). Properties must be in the collection's allow-list; anything else,
 * and any syntax error, is a 400 naming the position. Values never become SQL text.
 */
final class Cql2 {
    /** The SQL condition and its values, in order. */
    record Sql(String where, List<Object> values) {
    }

    private final String text;
    private final Map<String, OgcCollection.Property> properties;
    private final String geometryColumn;
    private final String literal;
    private final List<Object> values = new ArrayList<>();
    private int pos;

    private Cql2(String text, Map<String, OgcCollection.Property> properties, String geometryColumn, String literal) {
        this.text = text;
        this.properties = properties;
        this.geometryColumn = geometryColumn;
        this.literal = literal;
    }

    /** @param properties the queryable properties (name → SQL expression and type) */
    static Sql parse(String text, Map<String, OgcCollection.Property> properties, String geometryColumn) {
        return parse(text, properties, geometryColumn, "ST_GeomFromText(?, 4326)");
    }

    /** {@code literal}: the SQL that makes a stored geometry of a WKT literal's bound text (filter-crs). */
    static Sql parse(String text, Map<String, OgcCollection.Property> properties, String geometryColumn, String literal) {
        Cql2 p = new Cql2(text, properties, geometryColumn, literal);
        String sql = p.or();
        p.skip();
        if (p.pos < text.length()) {
            throw p.error("unexpected '" + text.substring(p.pos, Math.min(text.length(), p.pos + 10)) + "'");
        }
        return new Sql(sql, p.values);
    }

    private String or() {
        String left = and();
        while (keyword("OR")) {
            left = "(" + left + " OR " + and() + ")";
        }
        return left;
    }

    private String and() {
        String left = not();
        while (keyword("AND")) {
            left = "(" + left + " AND " + not() + ")";
        }
        return left;
    }

    private String not() {
        if (keyword("NOT")) {
            return "(NOT " + not() + ")";
        }
        skip();
        if (peek('(')) {
            pos++;
            String e = or();
            expect(')');
            return "(" + e + ")";
        }
        return predicate();
    }

    private String predicate() {
        int at = pos;
        String name = identifier();
        if (name.equalsIgnoreCase("S_INTERSECTS")) {
            expect('(');
            String g = identifier();
            if (!g.equalsIgnoreCase("geometry") && !g.equalsIgnoreCase("geom")) {
                pos = at;
                throw error("S_INTERSECTS takes the geometry property first, got " + g);
            }
            expect(',');
            String wkt = geometryLiteral();
            expect(')');
            values.add(wkt);
            return "ST_Intersects(" + geometryColumn + ", " + literal + ")";
        }
        OgcCollection.Property property = properties.get(name);
        if (property == null) {
            pos = at;
            throw error("unknown property '" + name + "'; queryable: " + String.join(", ", properties.keySet()));
        }
        String column = property.sql();
        String type = property.type();
        boolean negated = keyword("NOT");
        if (keyword("LIKE")) {
            values.add(string());
            return "(" + column + ")::text " + (negated ? "NOT " : "") + "LIKE ?";
        }
        if (keyword("BETWEEN")) {
            values.add(typed(literal(), type, name));
            if (!keyword("AND")) {
                throw error("BETWEEN needs AND");
            }
            values.add(typed(literal(), type, name));
            return column + (negated ? " NOT" : "") + " BETWEEN ? AND ?";
        }
        if (keyword("IN")) {
            expect('(');
            List<String> marks = new ArrayList<>();
            do {
                values.add(typed(literal(), type, name));
                marks.add("?");
            } while (accept(','));
            expect(')');
            return column + (negated ? " NOT" : "") + " IN (" + String.join(", ", marks) + ")";
        }
        if (negated) {
            throw error("NOT must be followed by LIKE, BETWEEN or IN here");
        }
        if (keyword("IS")) {
            boolean not = keyword("NOT");
            if (!keyword("NULL")) {
                throw error("IS must be followed by [NOT] NULL");
            }
            return column + (not ? " IS NOT NULL" : " IS NULL");
        }
        String op = operator();
        values.add(typed(literal(), type, name));
        return column + " " + op + " ?";
    }

    /** The literal if it fits the property's type (a 400 otherwise, never a database error). */
    private Object typed(Object v, String type, String name) {
        boolean ok = switch (type) {
            case "number" -> v instanceof Double;
            case "boolean" -> v instanceof Boolean;
            case "datetime" -> v instanceof java.util.Date;
            default -> v instanceof String;
        };
        if (!ok) {
            throw error(name + " is a " + type + "; the value does not fit");
        }
        return v;
    }

    private String operator() {
        skip();
        for (String op : new String[] {"<>", "<=", ">=", "=", "<", ">"}) {
            if (text.startsWith(op, pos)) {
                pos += op.length();
                return op;
            }
        }
        throw error("a comparison (=, <>, <, <=, >, >=), LIKE, BETWEEN, IN or IS NULL is expected");
    }

    private Object literal() {
        skip();
        if (peek('\'')) {
            return string();
        }
        int at = pos;
        if (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '-' || text.charAt(pos) == '.')) {
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || "-+.eE".indexOf(text.charAt(pos)) >= 0)) {
                pos++;
            }
            try {
                return Double.parseDouble(text.substring(at, pos));
            } catch (NumberFormatException e) {
                pos = at;
                throw error("not a number");
            }
        }
        String word = identifier().toUpperCase(Locale.ROOT);
        switch (word) {
            case "TRUE":
                return Boolean.TRUE;
            case "FALSE":
                return Boolean.FALSE;
            case "DATE":
            case "TIMESTAMP":
                expect('(');
                String v = string();
                expect(')');
                try {
                    return word.equals("DATE") ? java.sql.Date.valueOf(java.time.LocalDate.parse(v))
                            : java.sql.Timestamp.from(java.time.Instant.parse(v));
                } catch (RuntimeException e) {
                    throw error("not a " + word.toLowerCase(Locale.ROOT) + ": " + v);
                }
            default:
                pos = at;
                throw error("a literal (string, number, boolean, DATE or TIMESTAMP) is expected");
        }
    }

    private String string() {
        skip();
        if (!peek('\'')) {
            throw error("a quoted string is expected");
        }
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= text.length()) {
                throw error("the string is not closed");
            }
            char c = text.charAt(pos++);
            if (c == '\'') {
                if (peek('\'')) {
                    sb.append('\'');
                    pos++;
                } else {
                    return sb.toString();
                }
            } else {
                sb.append(c);
            }
        }
    }

    /** A WKT geometry or BBOX(minx, miny, maxx, maxy), validated with JTS; returned as WKT. */
    private String geometryLiteral() {
        skip();
        int at = pos;
        String word = identifier().toUpperCase(Locale.ROOT);
        if (word.equals("BBOX") || word.equals("ENVELOPE")) {
            expect('(');
            double[] v = new double[4];
            for (int i = 0; i < 4; i++) {
                Object n = literal();
                if (!(n instanceof Double d)) {
                    throw error("BBOX takes 4 numbers");
                }
                v[i] = d;
                if (i < 3) {
                    expect(',');
                }
            }
            expect(')');
            return String.format(Locale.ROOT, "POLYGON((%s %s,%s %s,%s %s,%s %s,%s %s))", v[0], v[1], v[2], v[1], v[2], v[3], v[0], v[3],
                    v[0], v[1]);
        }
        int depth = 0;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (depth == 0) {
                    break;
                }
                depth--;
                if (depth == 0) {
                    pos++;
                    break;
                }
            }
            pos++;
        }
        String wkt = text.substring(at, pos);
        try {
            new WKTReader().read(wkt);
        } catch (ParseException e) {
            pos = at;
            throw error("not a WKT geometry: " + e.getMessage());
        }
        return wkt;
    }

    private String identifier() {
        skip();
        int at = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        if (at == pos) {
            throw error("a property name is expected");
        }
        return text.substring(at, pos);
    }

    private boolean keyword(String k) {
        skip();
        if (text.regionMatches(true, pos, k, 0, k.length())
                && (pos + k.length() == text.length() || !Character.isLetterOrDigit(text.charAt(pos + k.length())))) {
            pos += k.length();
            return true;
        }
        return false;
    }

    private boolean accept(char c) {
        skip();
        if (peek(c)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!accept(c)) {
            throw error("'" + c + "' expected");
        }
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void skip() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private ApiException error(String why) {
        return ApiException.badRequest("filter: " + why + " at position " + (pos + 1));
    }
}
