package cn.gridmap.element.entity;

import org.locationtech.jts.geom.Point;

import cn.gridmap.geo.Srid;
import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;

/** An element with its own point and the raw location it came from (with its CRS). */
@MappedSuperclass
public abstract class PlacedEntity extends ElementEntity {
    @Column(name = "raw_location")
    public String rawLocation;
    @Column(name = "raw_crs")
    public String rawCrs;
    @Column(columnDefinition = "geometry(Point," + Srid.STORAGE + ")")
    public Point geom;
}
