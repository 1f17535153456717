package cn.gridmap.synthetic;

import java.util.List;

import cn.gridmap.GridmapConfig;
import cn.gridmap.region.CityData;
import cn.gridmap.region.LowerLevels;
import cn.gridmap.region.RegionDraft;
import jakarta.enterprise.context.ApplicationScoped;

/** The lower levels of the hierarchy as {@link HierarchyGenerator} derives them from the configured seed. */
@ApplicationScoped
public class DerivedLowerLevels implements LowerLevels {
    private final HierarchyGenerator.Params params;

    public DerivedLowerLevels(GridmapConfig config) {
        GridmapConfig.City c = config.city();
        this.params = new HierarchyGenerator.Params(c.seed(), c.households(), c.gridHouseholds(), c.microgridHouseholds());
    }

    @Override
    public List<RegionDraft> derive(CityData data) {
        return new HierarchyGenerator(params).generate(data);
    }

    @Override
    public String description() {
        return "derived lower levels (seed " + params.seed() + ")";
    }
}
