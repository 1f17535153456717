package cn.gridmap.element.entity;

import java.time.LocalDate;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** 实有人口: ID number and phone only as ciphertexts and blind indexes. */
@Entity
@Table(name = "person")
public class PersonEntity extends ElementEntity {
    public String name;
    public String gender;
    @Column(name = "birth_date")
    public LocalDate birthDate;
    @Column(name = "id_number_enc")
    public String idNumberEnc;
    @Column(name = "id_number_bidx")
    public String idNumberBidx;
    @Column(name = "phone_enc")
    public String phoneEnc;
    @Column(name = "phone_bidx")
    public String phoneBidx;
    public String residence;
    @JdbcTypeCode(SqlTypes.ARRAY)
    public String[] tags;
    @Column(name = "raw_location")
    public String rawLocation;
    @Column(name = "house_id")
    public Long houseId;
}
