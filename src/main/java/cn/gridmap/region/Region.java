package cn.gridmap.region;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.locationtech.jts.geom.MultiPolygon;

import cn.gridmap.geo.Srid;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One region of the hierarchy in one generation range. Never serialised: the API maps it to
 * {@link RegionRecord} and GeoJSON.
 */
@Entity
@Table(name = "region")
public class Region {
    @Id
    public Long id;
    public String code;
    public String name;
    public String level;
    @Column(name = "level_rank")
    public short levelRank;
    @Column(name = "parent_code")
    public String parentCode;
    public String path;
    @Column(columnDefinition = "geometry(MultiPolygon," + Srid.STORAGE + ")")
    public MultiPolygon geom;
    @Column(name = "area_sqm", insertable = false, updatable = false)
    public Double areaSqm;
    public boolean derived;
    @JdbcTypeCode(SqlTypes.JSON)
    public java.util.Map<String, Object> properties;
    @Column(name = "generation_low")
    public int generationLow;
    @Column(name = "generation_high")
    public Integer generationHigh;
}
