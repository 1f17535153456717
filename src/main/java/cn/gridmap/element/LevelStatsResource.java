package cn.gridmap.element;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Element statistics of every region of a level: what the web map's choropleth draws. */
@Path("/api/stats")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "regions")
public class LevelStatsResource {
    private final StatsService service;

    public LevelStatsResource(StatsService service) {
        this.service = service;
    }

    @GET
    @Operation(summary = "The counts of every region of a level (optionally under a parent), in one query")
    public List<RegionStats> levelStats(@Parameter(description = "district|street|community|grid|microgrid") @QueryParam("level") String level,
            @Parameter(description = "only regions under this region code") @QueryParam("parent") String parent) {
        return service.level(level, parent);
    }
}
