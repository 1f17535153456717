package cn.gridmap.field;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** 矛盾纠纷多元化解 per level (its own root, like every /api/regions/{code} sub-path of another capability). */
@Path("/api/regions/{code}/disputes")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "programmes")
public class RegionDisputeResource {
    private final Disputes disputes;
    private final Callers callers;

    public RegionDisputeResource(Disputes disputes, Callers callers) {
        this.disputes = disputes;
        this.callers = callers;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.MEDIATOR, Roles.ANALYST})
    @Operation(summary = "Disputes per level, received in the period: for the region and each child received, open, overdue, resolved, failed, "
            + "调处率 (handledRate), 调解成功率 (successRate), on time, satisfaction, by tier and by body")
    public Disputes.Stats stats(@PathParam("code") String code, @Parameter(description = "first day (default 1 January)") @QueryParam("from") String from,
            @Parameter(description = "last day (default today)") @QueryParam("to") String to) {
        return disputes.stats(callers.current(), code, from, to);
    }

}
