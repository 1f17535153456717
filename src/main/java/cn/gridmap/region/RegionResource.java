package cn.gridmap.region;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.geo.Coordinates;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The region hierarchy: one region, its children, its geometry, and regions of a level by bbox. */
@Path("/api/regions")
@Tag(name = "regions", description = "The six-level hierarchy: city, district, street, community, grid, microgrid")
@Authenticated
public class RegionResource {
    private static final String ASOF = "ISO date (or date-time): the regions of the generation in force that day (default: now)";
    static final String GEOJSON = "application/geo+json";
    private final RegionService service;

    public RegionResource(RegionService service) {
        this.service = service;
    }

    @GET
    @Path("/{code}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One region with its ancestor chain, area and descendant counts per level")
    public RegionRecord get(@PathParam("code") String code,
            @Parameter(description = ASOF) @QueryParam("asOf") String asOf) {
        return service.get(code, asOf);
    }

    @GET
    @Path("/{code}/history")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A region over time: its versions (generations, the days they were in force, name, area) and its lineage "
            + "(renumbered, split, merged, moved: from, to, area)")
    public RegionService.History history(@PathParam("code") String code) {
        return service.history(code);
    }

    @GET
    @Path("/{code}/children")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The direct children of a region (no geometry)")
    public List<RegionRecord> children(@PathParam("code") String code) {
        return service.children(code);
    }

    @GET
    @Path("/{code}/geometry")
    @Produces({GEOJSON, MediaType.APPLICATION_JSON})
    @Operation(summary = "The region as a GeoJSON Feature (RFC 7946, WGS84)")
    public String geometry(@PathParam("code") String code,
            @Parameter(description = "simplification tolerance in degrees (0 = exact)") @QueryParam("tolerance") String tolerance,
            @Parameter(description = ASOF) @QueryParam("asOf") String asOf) {
        return service.feature(code, tolerance(tolerance), asOf);
    }

    @GET
    @Produces({GEOJSON, MediaType.APPLICATION_JSON})
    @Operation(summary = "Regions of one level as a GeoJSON FeatureCollection, by bbox, parent and (grids) kind; 400 when too many match")
    public String collection(
            @Parameter(description = "city|district|street|community|grid|microgrid", required = true) @QueryParam("level") String level,
            @Parameter(description = "minLon,minLat,maxLon,maxLat (WGS84)") @QueryParam("bbox") String bbox,
            @Parameter(description = "only children of this region code") @QueryParam("parent") String parent,
            @Parameter(description = "grids only: standard (综合网格) or exclusive (专属网格)") @QueryParam("kind") String kind,
            @Parameter(description = "simplification tolerance in degrees (0 = exact)") @QueryParam("tolerance") String tolerance,
            @Parameter(description = ASOF) @QueryParam("asOf") String asOf) {
        return service.collection(level, bbox, parent, kind, tolerance(tolerance), asOf);
    }

    @GET
    @Path("/labels")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Label points of one level ([{code, name, level, lon, lat}]), by bbox and/or parent; 400 when too many match")
    public String labels(
            @Parameter(description = "city|district|street|community|grid|microgrid", required = true) @QueryParam("level") String level,
            @Parameter(description = "minLon,minLat,maxLon,maxLat (WGS84)") @QueryParam("bbox") String bbox,
            @Parameter(description = "only children of this region code") @QueryParam("parent") String parent) {
        return service.labels(level, bbox, parent);
    }

    @GET
    @Path("/search")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Regions by code prefix or name fragment, exact matches first")
    public List<RegionRecord> search(@QueryParam("q") String q, @QueryParam("limit") @DefaultValue("20") String limit) {
        return service.search(q, (int) Coordinates.parseNumber(limit, "limit"));
    }

    private static Double tolerance(String t) {
        return t == null || t.isBlank() ? null : Coordinates.parseNumber(t, "tolerance");
    }
}
