package cn.gridmap.ingest;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import cn.gridmap.element.CopyWriter;
import cn.gridmap.element.CreditCodes;
import cn.gridmap.element.IdNumbers;
import cn.gridmap.element.PlacementMethod;
import cn.gridmap.geo.InputCrs;
import cn.gridmap.geocode.GeocodeService;
import cn.gridmap.geocode.Geocoder;
import cn.gridmap.lookup.GridIndex;
import cn.gridmap.region.Level;
import cn.gridmap.security.Masking;
import cn.gridmap.security.PersonalDataProtector;

/**
 * Validates and places one input row of an import and writes it as a staging row, or explains (field + reason) why
 * it cannot be stored. Placement: coordinates in any supported CRS (x/y or lon/lat, crs per row or per import)
 * through the lookup engine, else the address through the geocoder (unmatched, ambiguous or weaker than the
 * minimum score → the row is reported, never guessed).
 */
final class ImportRows {
    /** A row problem: input line, field, reason. */
    record RowError(long line, String field, String reason) {
    }

    private final ImportKind kind;
    private final GridIndex index;
    private final GeocodeService geocoder;
    private final PersonalDataProtector protector;
    private final Map<String, String> componentClasses;
    private final Set<String> eventClasses;
    /** Event class codes by their small-class name (12345 orders name the 诉求分类). */
    private final Map<String, String> eventClassByName = new java.util.HashMap<>();
    private final String defaultCrs;
    private final double minScore;
    private final LocalDate today = LocalDate.now(ZoneOffset.ofHours(8));

    ImportRows(ImportKind kind, GridIndex index, GeocodeService geocoder, PersonalDataProtector protector,
            Map<String, String> componentClasses, Map<String, String> eventClasses, String defaultCrs, double minScore) {
        this.kind = kind;
        this.index = index;
        this.geocoder = geocoder;
        this.protector = protector;
        this.componentClasses = componentClasses;
        this.eventClasses = eventClasses.keySet();
        eventClasses.forEach((code, name) -> eventClassByName.put(name, code));
        this.defaultCrs = defaultCrs;
        this.minScore = minScore;
    }

    /** Where a row goes: its WGS84 point, district and micro-grid, and how it was placed. */
    private record Placement(double lon, double lat, String district, String micro, String raw, String crs, String method, double score) {
    }

    /** Appends the staging row for {@code r} to {@code out}, or returns its problems (and appends nothing). */
    /** The 12345 platform's column names and the ones this import reads them as. */
    private static final Map<String, String> HOTLINE_COLUMNS = Map.of("工单编号", "external_id", "来电时间", "occurred_at", "诉求人", "caller",
            "电话", "phone", "诉求内容", "description", "地址", "address", "诉求分类", "category", "紧急程度", "urgency");

    List<RowError> map(ImportReader.Row r, CopyWriter.Rows out) {
        if (kind == ImportKind.HOTLINE) {
            Map<String, String> f = new java.util.HashMap<>(r.fields());
            for (Map.Entry<String, String> col : HOTLINE_COLUMNS.entrySet()) {
                String v = r.fields().get(col.getKey());
                if (v != null && !f.containsKey(col.getValue())) {
                    f.put(col.getValue(), v);
                }
            }
            r = new ImportReader.Row(r.line(), f);
        }
        List<RowError> errors = new ArrayList<>(1);
        if (r.get("__extra") != null) {
            errors.add(new RowError(r.line(), "", "the row has " + r.get("__extra") + " more field(s) than the header"));
            return errors;
        }
        if (r.get("__geometry_error") != null) {
            errors.add(new RowError(r.line(), "geometry", r.get("__geometry_error")));
            return errors;
        }
        String externalId = r.get("external_id");
        if (externalId == null) {
            errors.add(new RowError(r.line(), "external_id", "required (re-imports update the element with the same external id)"));
        } else if (externalId.length() > 64) {
            errors.add(new RowError(r.line(), "external_id", "longer than 64 characters"));
        }
        switch (kind) {
            case HOUSES -> house(r, externalId, errors, out);
            case PEOPLE -> person(r, externalId, errors, out);
            case COMPONENTS -> component(r, externalId, errors, out);
            case ORGANIZATIONS -> organization(r, externalId, errors, out);
            case EVENTS -> event(r, externalId, errors, out);
            case HOTLINE -> hotline(r, externalId, errors, out);
        }
        return errors;
    }

    private void house(ImportReader.Row r, String externalId, List<RowError> errors, CopyWriter.Rows out) {
        String address = text(r, "address", 200, true, errors);
        String use = choice(r, "use", errors, "residential", "residential", "residential", "自住", "residential", "rental", "rental", "出租",
                "rental", "commercial", "commercial", "商用", "commercial", "商业", "commercial");
        Long households = integer(r, "households", 0, 9999, errors);
        Double area = number(r, "area_sqm", errors);
        if (area != null && !(area > 0 && area < 1e6)) {
            errors.add(new RowError(r.line(), "area_sqm", "must be between 0 and 1,000,000 m², got " + area));
        }
        Placement p = place(r, errors, true);
        if (!errors.isEmpty()) {
            return;
        }
        long hh = households != null ? households : "commercial".equals(use) ? 0 : 1;
        out.field(r.line()).field(externalId).field(address).field(use).field(hh).field(area == null ? null : String.valueOf(area));
        placement(out, p).end();
    }

    private void person(ImportReader.Row r, String externalId, List<RowError> errors, CopyWriter.Rows out) {
        String name = text(r, "name", 50, true, errors);
        String rawId = r.get("id_number");
        String id = null;
        if (rawId == null) {
            errors.add(new RowError(r.line(), "id_number", "required"));
        } else {
            String problem = IdNumbers.problem(rawId, today);
            if (problem != null) {
                errors.add(new RowError(r.line(), "id_number", Masking.idNumber(rawId) + ": " + problem));
            } else {
                id = IdNumbers.normalize(rawId);
            }
        }
        String phone = phone(r, errors);
        String gender = choice(r, "gender", errors, null, "m", "M", "male", "M", "男", "M", "f", "F", "female", "F", "女", "F");
        if (id != null) {
            String fromId = (id.charAt(16) - '0') % 2 == 1 ? "M" : "F";
            if (gender != null && !gender.equals(fromId)) {
                errors.add(new RowError(r.line(), "gender", "is " + gender + " but the ID number says " + fromId));
            }
            gender = fromId;
        }
        String residence = choice(r, "residence", errors, "registered", "registered", "registered", "户籍", "registered", "migrant",
                "migrant", "流动", "migrant");
        String tags = tags(r, errors);
        String house = r.get("house");
        String address = r.get("address");
        String houseAddress = null;
        if (house == null && address == null) {
            errors.add(new RowError(r.line(), "house", "the house (external id) or the address of the house is required"));
        } else if (house == null) {
            Geocoder.Match m = geocode(r, address, errors);
            if (m != null) {
                houseAddress = m.address();
            }
        }
        if (!errors.isEmpty()) {
            return;
        }
        String birth = id.substring(6, 10) + "-" + id.substring(10, 12) + "-" + id.substring(12, 14);
        out.field(r.line()).field(externalId).field(name).field(gender).field(birth).field(protector.encrypt(id))
                .field(protector.blindIndex(id)).field(phone == null ? null : protector.encrypt(phone))
                .field(phone == null ? null : protector.blindIndex(phone)).field(residence).field(tags).field(house != null ? house : address)
                .field(house != null ? PlacementMethod.BUILDING : Geocoder.EXACT).field(1.0).field(house).field(houseAddress).end();
    }

    private void component(ImportReader.Row r, String externalId, List<RowError> errors, CopyWriter.Rows out) {
        String cls = r.get("class_code");
        if (cls == null) {
            errors.add(new RowError(r.line(), "class_code", "required (4 digits: 大类 + 小类, e.g. 0101)"));
        } else if (!componentClasses.containsKey(cls)) {
            errors.add(new RowError(r.line(), "class_code", "unknown component class " + cls));
        }
        String code = r.get("code");
        if (code != null && !(code.matches("\\d{16}") && cls != null && code.substring(6, 10).equals(cls))) {
            errors.add(new RowError(r.line(), "code", "a component code is county(6) + class(4) + sequence(6) digits matching class_code, got "
                    + code));
        }
        String name = text(r, "name", 100, false, errors);
        String state = choice(r, "state", errors, "完好", "完好", "完好", "破损", "破损", "丢失", "丢失", "占用", "占用");
        String department = text(r, "department", 100, false, errors);
        Placement p = place(r, errors, false);
        if (!errors.isEmpty()) {
            return;
        }
        if (code != null && !code.startsWith(p.district())) {
            errors.add(new RowError(r.line(), "code", "starts with county " + code.substring(0, 6) + " but the point is in " + p.district()));
            return;
        }
        out.field(r.line()).field(externalId).field(code).field(cls).field(name != null ? name : componentClasses.get(cls)).field(state)
                .field(department);
        placement(out, p).end();
    }

    private void organization(ImportReader.Row r, String externalId, List<RowError> errors, CopyWriter.Rows out) {
        String credit = r.get("credit_code");
        if (credit == null) {
            errors.add(new RowError(r.line(), "credit_code", "required (统一社会信用代码)"));
        } else {
            String problem = CreditCodes.problem(credit);
            if (problem != null) {
                errors.add(new RowError(r.line(), "credit_code", problem));
            }
        }
        String name = text(r, "name", 100, true, errors);
        String k = choice(r, "kind", errors, "enterprise", "enterprise", "enterprise", "企业", "enterprise", "social", "social", "社会组织",
                "social");
        String category = text(r, "category", 50, false, errors);
        Long employees = integer(r, "employees", 0, 10_000_000, errors);
        String address = text(r, "address", 200, false, errors);
        String phone = phone(r, errors);
        Placement p = place(r, errors, true);
        if (!errors.isEmpty()) {
            return;
        }
        out.field(r.line()).field(externalId).field(credit.trim().toUpperCase(Locale.ROOT)).field(name).field(k).field(category)
                .field(employees == null ? null : String.valueOf(employees)).field(address)
                .field(phone == null ? null : protector.encrypt(phone)).field(phone == null ? null : protector.blindIndex(phone));
        placement(out, p).end();
    }

    private void event(ImportReader.Row r, String externalId, List<RowError> errors, CopyWriter.Rows out) {
        String cls = r.get("class_code");
        if (cls == null) {
            errors.add(new RowError(r.line(), "class_code", "required (4 digits: 大类 + 小类, e.g. 0102)"));
        } else if (!eventClasses.contains(cls)) {
            errors.add(new RowError(r.line(), "class_code", "unknown event class " + cls));
        }
        OffsetDateTime when = null;
        String t = r.get("occurred_at");
        if (t == null) {
            errors.add(new RowError(r.line(), "occurred_at", "required (ISO 8601, e.g. 2026-03-01T08:30:00+08:00)"));
        } else {
            when = time(t);
            if (when == null) {
                errors.add(new RowError(r.line(), "occurred_at", "not an ISO 8601 date or time: " + t));
            } else if (when.isAfter(OffsetDateTime.now().plusDays(1))) {
                errors.add(new RowError(r.line(), "occurred_at", "is in the future: " + t));
            }
        }
        String description = text(r, "description", 500, true, errors);
        String address = text(r, "address", 200, false, errors);
        Placement p = place(r, errors, true);
        if (!errors.isEmpty()) {
            return;
        }
        out.field(r.line()).field(externalId).field(cls).field(when.toString()).field(Masking.text(description)).field(address);
        placement(out, p).end();
    }

    /** A 12345 work order: its 诉求分类 is an event class (code, or small-class name, or 大类/小类), placed by its address. */
    private void hotline(ImportReader.Row r, String externalId, List<RowError> errors, CopyWriter.Rows out) {
        String category = r.get("category");
        String cls = null;
        if (category == null) {
            errors.add(new RowError(r.line(), "诉求分类", "required: an event class code (0102) or name (暴露垃圾)"));
        } else {
            String c = category.contains("/") ? category.substring(category.lastIndexOf('/') + 1).trim() : category.trim();
            cls = eventClasses.contains(c) ? c : eventClassByName.get(c);
            if (cls == null) {
                errors.add(new RowError(r.line(), "诉求分类", "no event class is called '" + category + "'"));
            }
        }
        OffsetDateTime when = null;
        String t = r.get("occurred_at");
        if (t == null) {
            errors.add(new RowError(r.line(), "来电时间", "required (ISO 8601, or 2026-03-01 08:30:00 in the city's time)"));
        } else {
            when = time(t.trim().replace(' ', 'T'));
            if (when == null) {
                errors.add(new RowError(r.line(), "来电时间", "not a date and time: " + t));
            } else if (when.isAfter(OffsetDateTime.now().plusDays(1))) {
                errors.add(new RowError(r.line(), "来电时间", "is in the future: " + t));
            }
        }
        String description = text(r, "description", 2000, true, errors);
        String address = text(r, "address", 200, false, errors);
        String caller = text(r, "caller", 50, false, errors);
        String phone = phone(r, errors);
        String urgency = choice(r, "urgency", errors, "normal", "normal", "normal", "一般", "normal", "普通", "normal", "urgent", "urgent",
                "紧急", "urgent", "特急", "urgent");
        Placement p = place(r, errors, true);
        if (!errors.isEmpty()) {
            return;
        }
        out.field(r.line()).field(externalId).field(cls).field(when.toString()).field(Masking.text(description)).field(address);
        placement(out, p).field("hotline12345").field(urgency).field(caller == null ? null : protector.encrypt(caller))
                .field(phone == null ? null : protector.encrypt(phone)).field(phone == null ? null : protector.blindIndex(phone))
                .field(when.toString()).end();
    }

    private CopyWriter.Rows placement(CopyWriter.Rows out, Placement p) {
        return out.field(p.raw()).field(p.crs()).point(p.lon(), p.lat()).field(p.district()).field(p.micro()).field(p.method())
                .field(p.score());
    }

    /** Coordinates (x/y or lon/lat with crs) through the engine; else the address through the geocoder. */
    private Placement place(ImportReader.Row r, List<RowError> errors, boolean addressAllowed) {
        String x = first(r, "x", "lon", "longitude", "lng");
        String y = first(r, "y", "lat", "latitude");
        if (x != null || y != null) {
            if (x == null || y == null) {
                errors.add(new RowError(r.line(), x == null ? "x" : "y", "both coordinates are needed"));
                return null;
            }
            double vx;
            double vy;
            try {
                vx = Double.parseDouble(x);
                vy = Double.parseDouble(y);
            } catch (NumberFormatException e) {
                errors.add(new RowError(r.line(), "x", "coordinates must be numbers, got " + x + "," + y));
                return null;
            }
            String crsId = r.get("crs") != null ? r.get("crs") : defaultCrs;
            InputCrs crs;
            try {
                crs = InputCrs.parse(crsId);
            } catch (RuntimeException e) {
                errors.add(new RowError(r.line(), "crs", e.getMessage()));
                return null;
            }
            double[] ll;
            try {
                ll = crs.toWgs84(vx, vy);
            } catch (RuntimeException e) {
                errors.add(new RowError(r.line(), "crs", "cannot convert " + x + "," + y + " from crs " + crs.id() + ": " + e.getMessage()));
                return null;
            }
            if (!Double.isFinite(ll[0]) || !Double.isFinite(ll[1]) || Math.abs(ll[0]) > 180 || Math.abs(ll[1]) > 90) {
                errors.add(new RowError(r.line(), "crs", x + "," + y + " is not a position in crs " + crs.id()
                        + (Math.abs(vx) > 180 || Math.abs(vy) > 90 ? " (projected metres? give crs, e.g. 4527)" : "")));
                return null;
            }
            String[] at = locate(ll[0], ll[1]);
            if (at == null) {
                errors.add(new RowError(r.line(), "x", String.format("%s,%s (crs %s) = %.6f,%.6f is outside the city", x, y, crs.id(), ll[0], ll[1])));
                return null;
            }
            return new Placement(ll[0], ll[1], at[0], at[1], x + "," + y, crs.id(), PlacementMethod.COORDINATE, 1.0);
        }
        String address = r.get("address");
        if (!addressAllowed || address == null) {
            errors.add(new RowError(r.line(), "x", addressAllowed ? "coordinates (x,y with crs) or an address are required"
                    : "coordinates (x,y with crs) are required"));
            return null;
        }
        Geocoder.Match m = geocode(r, address, errors);
        if (m == null) {
            return null;
        }
        String[] at = locate(m.lon(), m.lat());
        if (at == null) {
            errors.add(new RowError(r.line(), "address", "geocoded outside the city"));
            return null;
        }
        return new Placement(m.lon(), m.lat(), at[0], at[1], address, null, m.method(), m.score());
    }

    private Geocoder.Match geocode(ImportReader.Row r, String address, List<RowError> errors) {
        if (address.length() > 200) {
            errors.add(new RowError(r.line(), "address", "longer than 200 characters"));
            return null;
        }
        GeocodeService.GeocodeResult g = geocoder.geocode(address);
        if (g.match() == null) {
            errors.add(new RowError(r.line(), "address", "not geocoded: " + g.reason()));
            return null;
        }
        if (g.match().score() < minScore) {
            errors.add(new RowError(r.line(), "address", "matched only the " + g.match().level() + " " + g.match().address() + " (score "
                    + g.match().score() + " < " + minScore + ")"));
            return null;
        }
        return g.match();
    }

    /** {district code, micro-grid code} of a point by the engine, or null outside the city. */
    private String[] locate(double lon, double lat) {
        return index.codesAt(lon, lat, Level.DISTRICT, Level.MICROGRID);
    }

    private static String first(ImportReader.Row r, String... names) {
        for (String n : names) {
            if (r.get(n) != null) {
                return r.get(n);
            }
        }
        return null;
    }

    private static String text(ImportReader.Row r, String field, int max, boolean required, List<RowError> errors) {
        String v = r.get(field);
        if (v == null) {
            if (required) {
                errors.add(new RowError(r.line(), field, "required"));
            }
            return null;
        }
        if (v.length() > max) {
            errors.add(new RowError(r.line(), field, "longer than " + max + " characters"));
        }
        return v;
    }

    /** One of the allowed spellings (pairs: spelling, stored value); {@code dflt} when empty. */
    private static String choice(ImportReader.Row r, String field, List<RowError> errors, String dflt, String... pairs) {
        String v = r.get(field);
        if (v == null) {
            return dflt;
        }
        List<String> allowed = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equalsIgnoreCase(v)) {
                return pairs[i + 1];
            }
            allowed.add(pairs[i]);
        }
        errors.add(new RowError(r.line(), field, "must be one of " + String.join(", ", allowed) + "; got " + v));
        return null;
    }

    private static Long integer(ImportReader.Row r, String field, long min, long max, List<RowError> errors) {
        String v = r.get(field);
        if (v == null) {
            return null;
        }
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                errors.add(new RowError(r.line(), field, "must be between " + min + " and " + max + ", got " + v));
            }
            return n;
        } catch (NumberFormatException e) {
            errors.add(new RowError(r.line(), field, "must be an integer, got " + v));
            return null;
        }
    }

    private static Double number(ImportReader.Row r, String field, List<RowError> errors) {
        String v = r.get(field);
        if (v == null) {
            return null;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            errors.add(new RowError(r.line(), field, "must be a number, got " + v));
            return null;
        }
    }

    private static String phone(ImportReader.Row r, List<RowError> errors) {
        String v = r.get("phone");
        if (v == null) {
            return null;
        }
        String d = v.replaceAll("[\\s()+-]", "");
        if (d.startsWith("86") && d.length() == 13) {
            d = d.substring(2);
        }
        if (!d.matches("1[3-9]\\d{9}|0\\d{9,11}")) {
            errors.add(new RowError(r.line(), "phone", Masking.phone(v) + " is not a mobile (11 digits) or landline (0 + area code + number)"));
            return null;
        }
        return d;
    }

    private static String tags(ImportReader.Row r, List<RowError> errors) {
        String v = r.get("tags");
        if (v == null) {
            return "{}";
        }
        StringBuilder sb = new StringBuilder("{");
        for (String t : v.split("[;|、]")) {
            String tag = t.trim();
            if (tag.isEmpty()) {
                continue;
            }
            if (!tag.matches("[a-z_]{2,40}")) {
                errors.add(new RowError(r.line(), "tags", "a tag is a-z and _ (e.g. elderly_alone), got " + tag));
                return null;
            }
            sb.append(sb.length() > 1 ? "," : "").append(tag);
        }
        return sb.append('}').toString();
    }

    static OffsetDateTime time(String t) {
        try {
            return OffsetDateTime.parse(t);
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(t).atOffset(ZoneOffset.ofHours(8));
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDate.parse(t).atStartOfDay().atOffset(ZoneOffset.ofHours(8));
                } catch (DateTimeParseException e3) {
                    return null;
                }
            }
        }
    }
}
