package cn.gridmap.element.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** 组织: enterprise or social organisation. */
@Entity
@Table(name = "organization")
public class OrganizationEntity extends PlacedEntity {
    @Column(name = "credit_code")
    public String creditCode;
    public String name;
    public String kind;
    public String category;
    public Integer employees;
    public String address;
    @Column(name = "phone_enc")
    public String phoneEnc;
    @Column(name = "phone_bidx")
    public String phoneBidx;
}
