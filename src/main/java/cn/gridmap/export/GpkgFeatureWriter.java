package cn.gridmap.export;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.WKBWriter;

import cn.gridmap.geo.OutputCrs;
import mil.nga.geopackage.GeoPackage;
import mil.nga.geopackage.GeoPackageManager;
import mil.nga.geopackage.db.GeoPackageDataType;
import mil.nga.geopackage.extension.rtree.RTreeIndexExtension;
import mil.nga.geopackage.features.columns.GeometryColumns;
import mil.nga.geopackage.features.user.FeatureColumn;
import mil.nga.geopackage.features.user.FeatureDao;
import mil.nga.geopackage.features.user.FeatureRow;
import mil.nga.geopackage.features.user.FeatureTableMetadata;
import mil.nga.geopackage.geom.GeoPackageGeometryData;
import mil.nga.geopackage.srs.SpatialReferenceSystem;
import mil.nga.sf.GeometryType;

/**
 * A GeoPackage 1.3 (NGA library): one feature table named after the collection, its CRS defined from PostGIS's WKT,
 * the rows written in one transaction, then an R-tree spatial index.
 */
final class GpkgFeatureWriter implements FeatureWriter {
    private final GeoPackage gp;
    private final FeatureDao dao;
    private final List<Column> columns;
    private final long srsId;
    private final WKBWriter wkb = new WKBWriter();

    GpkgFeatureWriter(File file, String table, String title, List<Column> columns, String geometryType, OutputCrs crs, String srsWkt)
            throws IOException {
        this.columns = columns;
        this.srsId = crs.srid();
        GeoPackageManager.create(file);
        this.gp = GeoPackageManager.open(file);
        try {
            if (crs.srid() == cn.gridmap.geo.Srid.WGS84) {
                gp.getSpatialReferenceSystemDao().getOrCreateCode("EPSG", 4326);
            } else {
                SpatialReferenceSystem srs = new SpatialReferenceSystem();
                srs.setSrsId(crs.srid());
                srs.setSrsName(crs.code());
                srs.setOrganization("EPSG");
                srs.setOrganizationCoordsysId(crs.srid());
                srs.setDefinition(srsWkt);
                srs.setDescription(crs.code());
                gp.getSpatialReferenceSystemDao().create(srs);
            }
            GeometryColumns gc = new GeometryColumns();
            gc.setTableName(table);
            gc.setColumnName("geom");
            gc.setGeometryType(GeometryType.fromName(geometryType));
            gc.setZ((byte) 0);
            gc.setM((byte) 0);
            gc.setSrsId(srsId);
            List<FeatureColumn> cols = new ArrayList<>();
            cols.add(FeatureColumn.createColumn("id", GeoPackageDataType.TEXT));
            for (Column c : columns) {
                cols.add(FeatureColumn.createColumn(c.name(), switch (c.type()) {
                    case "number", "integer" -> GeoPackageDataType.INTEGER;
                    case "boolean" -> GeoPackageDataType.BOOLEAN;
                    case "datetime" -> GeoPackageDataType.DATETIME;
                    default -> GeoPackageDataType.TEXT;
                }));
            }
            gp.createFeatureTable(FeatureTableMetadata.create(gc, "fid", cols)); // fid: the integer key GDAL and QGIS expect; id: the code
            mil.nga.geopackage.contents.Contents contents = gp.getContentsDao().queryForId(table);
            contents.setIdentifier(title);
            gp.getContentsDao().update(contents);
            this.dao = gp.getFeatureDao(table);
            gp.beginTransaction();
        } catch (RuntimeException | java.sql.SQLException e) {
            gp.close();
            throw new IOException("GeoPackage could not be created: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(String id, Object[] values, Geometry g) throws IOException {
        FeatureRow row = dao.newRow();
        row.setValue("id", id);
        for (int i = 0; i < columns.size(); i++) {
            Object v = values[i];
            if (v == null) {
                continue;
            }
            switch (columns.get(i).type()) {
                case "number", "integer" -> row.setValue(columns.get(i).name(), ((Number) v).longValue());
                case "boolean" -> row.setValue(columns.get(i).name(), (Boolean) v);
                case "datetime" -> row.setValue(columns.get(i).name(), java.util.Date.from(((java.sql.Timestamp) v).toInstant()));
                default -> row.setValue(columns.get(i).name(), Values.text(v));
            }
        }
        if (g != null) {
            row.setGeometry(GeoPackageGeometryData.createFromWkbAndBuildEnvelope(srsId, wkb.write(g)));
        }
        dao.create(row);
    }

    @Override
    public void finish() throws IOException {
        gp.endTransaction(true);
        new RTreeIndexExtension(gp).create(dao.getTable());
    }

    @Override
    public void close() {
        gp.close();
    }
}
