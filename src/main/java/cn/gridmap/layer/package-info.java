/** Map layers: vector tiles (ST_AsMVT, a cache of compressed tiles invalidated by extent), TileJSON, OGC API Features, the basemap. */
package cn.gridmap.layer;
