package cn.gridmap.export;

/** A column of an export: its name and its type (string, number, integer, boolean or datetime). */
public record Column(String name, String type) {
}
