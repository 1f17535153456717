/** Map layers: the offline basemap now; vector tiles and OGC API Features come with issue 5. */
package cn.gridmap.layer;
