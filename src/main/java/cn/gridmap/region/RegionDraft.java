package cn.gridmap.region;

import java.util.Map;

import org.locationtech.jts.geom.MultiPolygon;

/** A region produced by the loader before it is stored: geometry in {@link cn.gridmap.geo.Srid#STORAGE}. */
public record RegionDraft(String code, String name, Level level, String parentCode, MultiPolygon geom,
        boolean derived, Map<String, Object> properties) {
}
