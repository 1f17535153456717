package cn.gridmap.lookup;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import cn.gridmap.region.RegionRecord.RegionRef;

/**
 * The regions covering a point, city first and micro-grid last (empty outside the city). {@code x}/{@code y} are as
 * sent in {@code crs}; {@code lon}/{@code lat} the WGS84 point that was looked up. {@code boundaryDistanceMeters} is
 * the distance to the nearest edge of the containing grid; below the configured threshold {@code nearBoundary} is
 * true and {@code neighbours} lists the other grids within it, nearest first. {@code engine} says which engine
 * answered: {@code memory} (the in-memory index) or {@code postgis}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PointLookupResult(String crs, double x, double y, double lon, double lat, List<RegionRef> regions,
        Double boundaryDistanceMeters, Boolean nearBoundary, List<RegionRef> neighbours, String engine, long indexVersion) {
}
