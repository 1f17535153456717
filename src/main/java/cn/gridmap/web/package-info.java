/** Shared web plumbing: the error body and exception mappers. */
package cn.gridmap.web;
