package cn.gridmap.element.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** 实有房屋. */
@Entity
@Table(name = "house")
public class HouseEntity extends PlacedEntity {
    @Column(name = "building_id")
    public Long buildingId;
    public String address;
    public String use;
    public short households;
    @Column(name = "area_sqm")
    public Float areaSqm;
}
