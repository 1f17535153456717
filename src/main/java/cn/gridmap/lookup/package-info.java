/** Point → regions lookup (PostGIS for now; the in-memory engine comes with issue 3). */
package cn.gridmap.lookup;
