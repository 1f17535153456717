package cn.gridmap.event;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** 绩效评价: the loop's metrics for every region of a level at once. */
@Path("/api/event-metrics")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "events")
public class EventMetricsResource {
    private final EventMetrics metrics;
    private final Callers callers;

    public EventMetricsResource(EventMetrics metrics, Callers callers) {
        this.metrics = metrics;
        this.callers = callers;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
    @Operation(summary = "Per region of a level (one query for all): counts of the events reported in [from, to) and what became of them, "
            + "mean hours per stage, and 按期结案率, 结案率, 返工率, 处置率, 按时派遣率, 准确派遣率, 12345 响应率/解决率/满意率 (docs/event-metrics.md)")
    public EventMetrics.Result metrics(@Parameter(description = "grid, community, street or district") @QueryParam("level") String level,
            @Parameter(description = "only regions inside this one") @QueryParam("region") String region,
            @Parameter(description = "reported from (default: a year before to)") @QueryParam("from") String from,
            @Parameter(description = "reported before (default: now)") @QueryParam("to") String to) {
        return metrics.metrics(callers.current(), level, region, from, to);
    }
}
