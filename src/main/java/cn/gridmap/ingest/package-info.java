/**
 * Bulk import of elements: readers (CSV, GeoJSON, GeoPackage), row validation and placement, COPY into staging, the
 * all-or-nothing upsert, import jobs with their progress, and error reports.
 */
package cn.gridmap.ingest;
