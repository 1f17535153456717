/** Shared geometry core: SRIDs, the GCJ-02/BD-09 converter, GeoJSON codec, bbox parsing. Depends on nothing of ours. */
package cn.gridmap.geo;
