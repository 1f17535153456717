/**
 * 人地物事组织: the city's element registries (people, houses and the standard-address base, components, events,
 * organisations), their SQL, records and resources, the identifiers they carry (GB 11643 ID numbers, GB 32100 credit
 * codes), and the per-micro-grid statistics.
 */
package cn.gridmap.element;
