package cn.gridmap.layer;

import java.util.Map;

/**
 * A feature collection of the OGC API: its SQL source (table, filter, id, geometry, datetime) and its queryable,
 * returned properties (name → SQL expression and JSON type). Everything here is fixed in code; requests only choose
 * among it.
 */
public record OgcCollection(String id, String title, String description, String table, String where, String geometry, String datetime,
        Map<String, Property> properties) {

    /** A property: its SQL expression (over alias {@code t}) and its type: string, number, boolean or datetime. */
    public record Property(String sql, String type) {
    }
}
