package cn.gridmap.region;

import org.locationtech.jts.geom.MultiPolygon;

/** A current region with its geometry (WGS84), for the capabilities that compute with it (boundary editing). */
public record RegionShape(String code, Level level, String name, String parentCode, MultiPolygon geom) {
}
