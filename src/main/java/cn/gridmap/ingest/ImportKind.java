package cn.gridmap.ingest;

import java.util.Locale;

/**
 * The element kinds an import can hold, with their table and the staging columns written by COPY (the target's
 * columns plus the input line; people also carry the house they live in, by external id or address).
 */
enum ImportKind {
    HOUSES("houses", "house", "external_id, address, use, households, area_sqm, raw_location, raw_crs, geom, district_code, "
            + "microgrid_code, geocode_method, geocode_score"),
    PEOPLE("people", "person", "external_id, name, gender, birth_date, id_number_enc, id_number_bidx, phone_enc, phone_bidx, "
            + "residence, tags, raw_location, geocode_method, geocode_score"),
    COMPONENTS("components", "component", "external_id, code, class_code, name, state, department, raw_location, raw_crs, geom, "
            + "district_code, microgrid_code, geocode_method, geocode_score"),
    ORGANIZATIONS("organizations", "organization", "external_id, credit_code, name, kind, category, employees, address, phone_enc, "
            + "phone_bidx, raw_location, raw_crs, geom, district_code, microgrid_code, geocode_method, geocode_score"),
    EVENTS("events", "event", "external_id, class_code, occurred_at, description, address, raw_location, raw_crs, geom, "
            + "district_code, microgrid_code, geocode_method, geocode_score"),
    /** 12345 work orders (工单编号, 来电时间, 诉求人, 电话, 诉求内容, 地址, 诉求分类, 紧急程度): events that enter the loop as reported. */
    HOTLINE("hotline", "event", "external_id, class_code, occurred_at, description, address, raw_location, raw_crs, geom, "
            + "district_code, microgrid_code, geocode_method, geocode_score, source, urgency, caller_name_enc, caller_phone_enc, "
            + "caller_phone_bidx, reported_at");

    final String wire;
    final String table;
    /** Columns taken from the file (in staging and target). */
    final String columns;

    ImportKind(String wire, String table, String columns) {
        this.wire = wire;
        this.table = table;
        this.columns = columns;
    }

    static ImportKind of(String kind, String fileName) {
        String k = kind != null && !kind.isBlank() ? kind : fileName == null ? "" : fileName;
        k = k.toLowerCase(Locale.ROOT);
        for (ImportKind v : values()) {
            if (k.equals(v.wire) || k.equals(v.table) || (kind == null || kind.isBlank()) && fileNameSays(k, v)) {
                return v;
            }
        }
        throw new ImportException("kind must be one of people, houses, components, organizations, events, hotline"
                + (kind == null || kind.isBlank() ? " (give ?kind= or name the file e.g. people.csv)" : ", got '" + kind + "'"));
    }

    private static boolean fileNameSays(String fileName, ImportKind v) {
        String base = fileName.replaceAll(".*[/\\\\]", "");
        return base.startsWith(v.wire) || base.startsWith(v.table);
    }
}
