package cn.gridmap.lookup;

import java.util.ArrayList;
import java.util.List;

import cn.gridmap.geo.Coordinates;
import cn.gridmap.geo.InputCrs;
import cn.gridmap.region.RegionRecord.RegionRef;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Point → regions, answered by PostGIS {@code ST_Covers} on the stored geometry.
 *
 * <p>Shared-edge rule: a point on the boundary between regions belongs, at each level, to the covering region
 * with the lowest code among the children of the region chosen one level up (city first). Every level
 * therefore names exactly one region and the answer is always a consistent chain.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class PointLookupService {
    private final EntityManager em;

    public PointLookupService(EntityManager em) {
        this.em = em;
    }

    public PointLookupResult lookup(String crsId, String coords) {
        InputCrs crs = InputCrs.parse(crsId);
        double[] xy = Coordinates.parsePair(coords);
        double[] ll = crs.toWgs84(xy[0], xy[1]);
        Coordinates.checkLonLat(ll[0], ll[1]);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(LookupSql.COVERING).setParameter("lon", ll[0]).setParameter("lat", ll[1])
                .getResultList();
        return new PointLookupResult(crs.id(), xy[0], xy[1], ll[0], ll[1], chainByRule(rows));
    }

    /** Applies the shared-edge rule to rows ordered by level then code: (code, name, level, parent_code). */
    static List<RegionRef> chainByRule(List<Object[]> rows) {
        List<RegionRef> chain = new ArrayList<>();
        String level = null;
        for (Object[] r : rows) {
            String code = (String) r[0];
            String lvl = (String) r[2];
            String parentCode = (String) r[3];
            if (lvl.equals(level)) {
                continue; // a sibling with a higher code on a shared edge
            }
            if (chain.isEmpty() ? parentCode != null : !chain.get(chain.size() - 1).code().equals(parentCode)) {
                continue; // covers the point but hangs under a region the rule did not choose
            }
            chain.add(new RegionRef(code, (String) r[1], lvl));
            level = lvl;
        }
        return chain;
    }
}
