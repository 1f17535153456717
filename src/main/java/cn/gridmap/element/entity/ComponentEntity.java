package cn.gridmap.element.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** 城市部件 (GB/T 30428.2). */
@Entity
@Table(name = "component")
public class ComponentEntity extends PlacedEntity {
    public String code;
    @Column(name = "class_code")
    public String classCode;
    public String name;
    public String state;
    public String department;
}
