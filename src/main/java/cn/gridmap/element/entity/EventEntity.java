package cn.gridmap.element.entity;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** 事件 (minimal record; the workflow comes later). */
@Entity
@Table(name = "event")
public class EventEntity extends PlacedEntity {
    @Column(name = "class_code")
    public String classCode;
    @Column(name = "occurred_at")
    public OffsetDateTime occurredAt;
    public String description;
    public String address;
}
