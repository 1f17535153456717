/**
 * Boundary change sets: a planner's draft of changes to the micro-grid partition (the truth: every higher level is
 * the union of its micro-grids), kept as a sparse overlay over its base generation, with its operations, validation,
 * preview, sign-off and publishing as a dated generation. Geometry is computed here with JTS from one line the client
 * sends (../shared/reference/editing.md). Regions are read through {@code cn.gridmap.region.RegionService}.
 */
package cn.gridmap.edit;
