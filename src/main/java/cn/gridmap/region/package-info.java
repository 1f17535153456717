/**
 * The six-level region hierarchy: the model (levels, codes, generations), the real city and districts and their
 * loading ({@link cn.gridmap.region.CityLoader}; the lower levels come from {@link cn.gridmap.region.LowerLevels},
 * derived in {@code cn.gridmap.synthetic}), the queries and the region API.
 */
package cn.gridmap.region;
