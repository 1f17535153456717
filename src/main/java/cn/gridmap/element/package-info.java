/**
 * 人地物事组织: the city's elements. For now the identifiers they carry — citizen ID numbers (GB 11643) and unified
 * social credit codes (GB 32100); the registries come with issue 4.
 */
package cn.gridmap.element;
