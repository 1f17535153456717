package cn.gridmap.lookup;

import java.util.List;

import cn.gridmap.region.RegionRecord.RegionRef;

/**
 * The regions covering a point, city first and micro-grid last (empty outside the city). {@code x}/{@code y}
 * are as sent in {@code crs}; {@code lon}/{@code lat} the WGS84 point that was looked up.
 */
public record PointLookupResult(String crs, double x, double y, double lon, double lat, List<RegionRef> regions) {
}
