/**
 * The six-level region hierarchy: the real city and districts, the derived streets, communities, grids and
 * micro-grids ({@link cn.gridmap.region.HierarchyGenerator}), their loading ({@link cn.gridmap.region.CityLoader})
 * and the region API.
 */
package cn.gridmap.region;
