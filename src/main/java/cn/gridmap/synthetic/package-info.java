/**
 * Every generator of derived data, deterministic from a seed and marked {@code derived}: the levels below the real
 * districts ({@link cn.gridmap.synthetic.HierarchyGenerator}) and the synthetic city's elements
 * ({@link cn.gridmap.synthetic.SyntheticCity}, {@link cn.gridmap.synthetic.SyntheticLoader}, loaded once by
 * {@link cn.gridmap.synthetic.CityElements}).
 */
package cn.gridmap.synthetic;
