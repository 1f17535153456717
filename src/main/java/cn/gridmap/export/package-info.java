/**
 * Exports in the formats GIS tools and other departments read: GeoPackage, zipped Shapefile, GeoJSON, CSV and KML, of
 * the region levels and the element collections, scoped like the API (the rows come from {@code layer}'s collections,
 * people from {@code element}'s service with its masking and audit).
 */
package cn.gridmap.export;
