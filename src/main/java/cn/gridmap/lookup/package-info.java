/**
 * Point → regions: the in-memory index of the current micro-grids (single and streamed batch lookups, rebuilt on
 * every region change) and the PostGIS engine, which gives the same answer by the same rule from SQL.
 */
package cn.gridmap.lookup;
