package cn.gridmap.element.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

/**
 * What every element row has: ids, the district and micro-grid it was assigned to, how it was placed, whether it is
 * synthetic, and the import that wrote it. Entities serve single-row work (and the row-by-row baseline of
 * {@code ./gridmap bench import}); lists and bulk loads use SQL and COPY.
 */
@MappedSuperclass
public abstract class ElementEntity {
    @Id
    public Long id;
    @Column(name = "external_id")
    public String externalId;
    @Column(name = "district_code")
    public String districtCode;
    @Column(name = "microgrid_code")
    public String microgridCode;
    @Column(name = "geocode_method")
    public String geocodeMethod;
    @Column(name = "geocode_score")
    public float geocodeScore;
    public boolean derived;
    @Column(name = "import_id")
    public Long importId;
}
