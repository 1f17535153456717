package cn.gridmap.edit;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.LineString;

import com.fasterxml.jackson.databind.JsonNode;

import cn.gridmap.geo.Geometries;
import cn.gridmap.geo.GeoJson;

/**
 * One operation of a change set, checked for shape before anything is read or locked: names, codes, and lines
 * (GeoJSON LineStrings of WGS84 positions). A malformed operation is a 422 with the rule and, for geometry, where.
 */
sealed interface EditOp {
    /** Positions per line at most (a boundary drawn by hand has hundreds). */
    int MAX_POSITIONS = 10_000;
    int MAX_CODES = 200;
    int MAX_LINES = 50;
    List<String> NAMES = List.of("reshapeEdge", "split", "merge", "moveMicrogrids", "createMicrogrids", "createGrid", "rename", "redraw");
    /** Parts of one redraw at most (a grid has about ten micro-grids, a community a few dozen grids). */
    int MAX_PARTS = 200;
    /** Grid kinds: 综合网格 (standard) and 专属网格 (exclusive: a school, hospital, site… with its own responsible person). */
    List<String> GRID_KINDS = List.of("standard", "exclusive");

    String name();

    record ReshapeEdge(String a, String b, LineString line) implements EditOp {
        public String name() {
            return "reshapeEdge";
        }
    }

    record Split(String code, LineString line) implements EditOp {
        public String name() {
            return "split";
        }
    }

    record Merge(List<String> codes, String keep) implements EditOp {
        public String name() {
            return "merge";
        }
    }

    record MoveMicrogrids(List<String> codes, String toGrid) implements EditOp {
        public String name() {
            return "moveMicrogrids";
        }
    }

    record CreateMicrogrids(String grid, List<LineString> lines) implements EditOp {
        public String name() {
            return "createMicrogrids";
        }
    }

    /**
     * A new grid of one community made of whole micro-grids taken from its grids (each keeps at least one): a 专属网格
     * carved out around an institution, or a standard grid. {@code properties}: what the grid records besides its kind
     * (the organisation, its responsible person), as a JSON object text or null.
     */
    record CreateGrid(List<String> microgrids, String newName, String kind, String properties) implements EditOp {
        public String name() {
            return "createGrid";
        }
    }

    /**
     * The children of one region drawn anew (a file from another GIS, {@link BoundaryFile}): the micro-grids of a grid,
     * or the grids of a community. A part with a code redraws that child; a micro-grid part without one is a new
     * micro-grid. Children no part names are retired.
     */
    record Redraw(String parent, List<Part> parts) implements EditOp {
        public String name() {
            return "redraw";
        }
    }

    /** One drawn part: the child's code (or null), its name (or null: kept or made), its area (WGS84). */
    record Part(String code, String name, org.locationtech.jts.geom.Geometry geometry) {
    }

    record Rename(String code, String newName) implements EditOp {
        public String name() {
            return "rename";
        }
    }

    static EditOp parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw bad("not-an-object", "操作必须是 JSON 对象 {revision, op, …}", "an operation is a JSON object {revision, op, …}");
        }
        JsonNode opNode = body.path("op");
        String op = opNode.isTextual() ? opNode.asText() : "";
        return switch (op) {
            case "reshapeEdge" -> {
                String a = code(body, "a");
                String b = code(body, "b");
                if (a.equals(b)) {
                    throw bad("same-region", "a 与 b 必须是两个不同的区划", "a and b must be two different regions");
                }
                yield new ReshapeEdge(a, b, line(body.path("line"), "line"));
            }
            case "split" -> new Split(code(body, "code"), line(body.path("line"), "line"));
            case "merge" -> {
                List<String> codes = codes(body, "codes", 2);
                String keep = code(body, "keep");
                if (!codes.contains(keep)) {
                    throw bad("keep-not-merged", "keep 必须是 codes 之一", "keep must be one of codes");
                }
                yield new Merge(codes, keep);
            }
            case "moveMicrogrids" -> new MoveMicrogrids(codes(body, "codes", 1), code(body, "toGrid"));
            case "createMicrogrids" -> {
                JsonNode ls = body.path("lines");
                if (!ls.isArray() || ls.isEmpty() || ls.size() > MAX_LINES) {
                    throw bad("bad-lines", "lines 必须是 1 到 " + MAX_LINES + " 条 GeoJSON LineString 的数组",
                            "lines must be an array of 1 to " + MAX_LINES + " GeoJSON LineStrings");
                }
                List<LineString> lines = new ArrayList<>();
                for (int i = 0; i < ls.size(); i++) {
                    lines.add(line(ls.get(i), "lines[" + i + "]"));
                }
                yield new CreateMicrogrids(code(body, "grid"), lines);
            }
            case "rename" -> new Rename(code(body, "code"), name(body));
            case "createGrid" -> {
                JsonNode k = body.path("kind");
                String kind = k.isMissingNode() || k.isNull() ? "standard" : k.asText();
                if (!k.isMissingNode() && !k.isNull() && !k.isTextual() || !GRID_KINDS.contains(kind)) {
                    throw bad("bad-kind", "kind 必须是 standard(综合网格)或 exclusive(专属网格)", "kind must be standard or exclusive");
                }
                JsonNode props = body.path("properties");
                if (!props.isMissingNode() && !props.isNull() && (!props.isObject() || props.toString().length() > 4000)) {
                    throw bad("bad-properties", "properties 必须是不超过 4000 字符的 JSON 对象", "properties must be a JSON object of at most 4,000 characters");
                }
                if (props.isObject() && (props.has("kind") || props.has("households") || props.has("editedBy"))) {
                    throw bad("reserved-property", "properties 不能含 kind、households、editedBy", "properties may not set kind, households or editedBy");
                }
                yield new CreateGrid(codes(body, "microgrids", 1), name(body), kind, props.isObject() ? props.toString() : null);
            }
            case "redraw" -> {
                JsonNode ps = body.path("parts");
                if (!ps.isArray() || ps.isEmpty() || ps.size() > MAX_PARTS) {
                    throw bad("bad-parts", "parts 必须是 1 到 " + MAX_PARTS + " 个 {code?, name?, geometry} 的数组",
                            "parts must be an array of 1 to " + MAX_PARTS + " {code?, name?, geometry}");
                }
                List<Part> parts = new ArrayList<>();
                Set<String> codes = new LinkedHashSet<>();
                int positions = 0;
                for (int i = 0; i < ps.size(); i++) {
                    JsonNode p = ps.get(i);
                    String field = "parts[" + i + "]";
                    if (!p.isObject()) {
                        throw bad("bad-parts", field + " 必须是对象", field + " must be an object");
                    }
                    String code = p.path("code").isMissingNode() || p.path("code").isNull() ? null : code(p, "code");
                    if (code != null && !codes.add(code)) {
                        throw bad("duplicate-code", field + " 的代码 " + code + " 重复", field + " repeats code " + code);
                    }
                    String name = p.path("name").isMissingNode() || p.path("name").isNull() ? null : name(p);
                    org.locationtech.jts.geom.Geometry g = area(p.path("geometry"), field + ".geometry", code);
                    positions += g.getNumPoints();
                    if (positions > MAX_POSITIONS * 10) {
                        throw bad("bad-coordinates", "parts 的坐标超过 " + MAX_POSITIONS * 10 + " 个", "parts hold more than " + MAX_POSITIONS * 10 + " positions");
                    }
                    parts.add(new Part(code, name, g));
                }
                yield new Redraw(code(body, "parent"), parts);
            }
            default -> throw bad("unknown-op", "op 必须是 " + NAMES + " 之一", "op must be one of " + NAMES + ", got "
                    + (opNode.isMissingNode() ? "nothing" : opNode.toString().substring(0, Math.min(60, opNode.toString().length()))));
        };
    }

    private static String name(JsonNode body) {
        JsonNode n = body.path("name");
        if (!n.isTextual() || n.asText().isBlank() || n.asText().trim().length() > 60 || n.asText().chars().anyMatch(Character::isISOControl)) {
            throw bad("bad-name", "name 必须是 1 到 60 个字符的文本", "name must be text of 1 to 60 characters without control characters");
        }
        return n.asText().trim();
    }

    private static String code(JsonNode body, String field) {
        JsonNode v = body.path(field);
        if (!v.isTextual() || !v.asText().trim().matches("[0-9]{6,18}")) {
            throw bad("bad-code", field + " 必须是 6 到 18 位数字的区划代码", field + " must be a region code of 6 to 18 digits");
        }
        return v.asText().trim();
    }

    private static List<String> codes(JsonNode body, String field, int min) {
        JsonNode v = body.path(field);
        if (!v.isArray() || v.size() < min || v.size() > MAX_CODES) {
            throw bad("bad-codes", field + " 必须是 " + min + " 到 " + MAX_CODES + " 个区划代码的数组",
                    field + " must be an array of " + min + " to " + MAX_CODES + " region codes");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode c : v) {
            if (!c.isTextual() || !c.asText().trim().matches("[0-9]{6,18}")) {
                throw bad("bad-code", field + " 中有不是区划代码的值", field + " holds a value that is not a region code");
            }
            if (!out.add(c.asText().trim())) {
                throw bad("duplicate-code", field + " 中有重复的代码 " + c.asText(), field + " holds " + c.asText() + " twice");
            }
        }
        return List.copyOf(out);
    }

    /** A GeoJSON LineString of 2 to {@link #MAX_POSITIONS} finite WGS84 positions, no two consecutive ones equal. */
    static LineString line(JsonNode g, String field) {
        if (!g.isObject() || !"LineString".equals(g.path("type").asText())) {
            throw bad("not-a-linestring", field + " 必须是 GeoJSON LineString", field + " must be a GeoJSON LineString");
        }
        if (g.has("crs")) {
            throw bad("wrong-crs", field + " 不能声明 crs:坐标必须是 WGS84 经纬度 (RFC 7946)",
                    field + " must not name a crs: positions are WGS84 longitude/latitude (RFC 7946)");
        }
        JsonNode cs = g.path("coordinates");
        if (!cs.isArray() || cs.size() < 2 || cs.size() > MAX_POSITIONS) {
            throw bad("bad-coordinates", field + " 需要 2 到 " + MAX_POSITIONS + " 个坐标", field + " needs 2 to " + MAX_POSITIONS + " positions");
        }
        List<Coordinate> out = new ArrayList<>(cs.size());
        for (int i = 0; i < cs.size(); i++) {
            JsonNode p = cs.get(i);
            if (!p.isArray() || p.size() < 2 || p.size() > 3 || !p.get(0).isNumber() || !p.get(1).isNumber()) {
                throw bad("bad-coordinates", field + " 的第 " + i + " 个坐标不是 [经度, 纬度]", field + " position " + i + " is not [lon, lat]");
            }
            double x = p.get(0).asDouble();
            double y = p.get(1).asDouble();
            if (!Double.isFinite(x) || !Double.isFinite(y) || x < -180 || x > 180 || y < -90 || y > 90) {
                throw bad("bad-coordinates", field + " 的第 " + i + " 个坐标超出经纬度范围",
                        field + " position " + i + " is outside longitude/latitude ranges (metres given as degrees?)");
            }
            Coordinate c = new Coordinate(x, y);
            if (!out.isEmpty() && out.get(out.size() - 1).equals2D(c)) {
                continue; // a repeated position is the same line
            }
            out.add(c);
        }
        if (out.size() < 2) {
            throw bad("bad-coordinates", field + " 的坐标全部相同", field + " has one position repeated: not a line");
        }
        return Geometries.STORAGE.createLineString(out.toArray(new Coordinate[0]));
    }

    /** A GeoJSON Polygon or MultiPolygon of finite WGS84 positions that is valid (a self-crossing ring is a 422 at its place). */
    static org.locationtech.jts.geom.Geometry area(JsonNode g, String field, String code) {
        String type = g.path("type").asText();
        if (!g.isObject() || !(type.equals("Polygon") || type.equals("MultiPolygon"))) {
            throw bad("not-a-polygon", field + " 必须是 GeoJSON Polygon 或 MultiPolygon", field + " must be a GeoJSON Polygon or MultiPolygon");
        }
        org.locationtech.jts.geom.Geometry geom;
        try {
            geom = new org.locationtech.jts.io.geojson.GeoJsonReader(Geometries.STORAGE).read(g.toString());
        } catch (org.locationtech.jts.io.ParseException | RuntimeException e) {
            throw bad("bad-coordinates", field + " 不是有效的 GeoJSON 面", field + " is not a readable GeoJSON polygon: " + e.getMessage());
        }
        for (Coordinate c : geom.getCoordinates()) {
            if (!Double.isFinite(c.x) || !Double.isFinite(c.y) || c.x < -180 || c.x > 180 || c.y < -90 || c.y > 90) {
                throw bad("bad-coordinates", field + " 的坐标超出经纬度范围", field + " has a position outside longitude/latitude ranges (metres given as degrees?)");
            }
        }
        org.locationtech.jts.operation.valid.IsValidOp valid = new org.locationtech.jts.operation.valid.IsValidOp(geom);
        if (!valid.isValid()) {
            var err = valid.getValidationError();
            throw at("invalid-polygon", null, code, null, field + " 不是有效的面:" + err.getMessage(), field + " is not a valid polygon: " + err.getMessage(),
                    Geometries.STORAGE.createPoint(err.getCoordinate()));
        }
        if (geom.isEmpty()) {
            throw bad("not-a-polygon", field + " 是空的", field + " is empty");
        }
        return geom;
    }

    private static EditRejected bad(String rule, String zh, String en) {
        return new EditRejected(List.of(Issue.error(rule, null, null, null, zh, en, null)));
    }

    /** A rejection at a place. */
    static EditRejected at(String rule, String level, String code, String other, String zh, String en, org.locationtech.jts.geom.Geometry where) {
        return new EditRejected(List.of(Issue.error(rule, level, code, other, zh, en, where == null ? null : GeoJson.geometry(where))));
    }
}
