package cn.gridmap.region;

import java.util.List;

/**
 * The levels below the real districts (streets, communities, grids, micro-grids) that {@link CityLoader} stores with
 * the real city on the first start. The region capability only loads them; {@code cn.gridmap.synthetic} derives them.
 */
public interface LowerLevels {
    /** Every region of the city, parents before children, from the real inputs. */
    List<RegionDraft> derive(CityData data);

    /** How they were made, for the generation's description and the log (e.g. "derived lower levels (seed 20260101)"). */
    String description();
}
