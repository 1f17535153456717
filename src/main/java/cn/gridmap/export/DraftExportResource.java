package cn.gridmap.export;

import java.io.IOException;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import cn.gridmap.web.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/** A change set's draft as a file, for planners who check it in their GIS. */
@Path("/api/changesets/{id}/export")
@Tag(name = "export")
@RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER})
public class DraftExportResource {
    private final ExportService service;
    private final Callers callers;

    public DraftExportResource(ExportService service, Callers callers) {
        this.service = service;
        this.callers = callers;
    }

    @GET
    @Produces({"application/geopackage+sqlite3", "application/zip", "application/geo+json", "text/csv", "application/vnd.google-earth.kml+xml"})
    @Operation(summary = "One level of a change set's draft (default microgrid) as gpkg|shp|geojson|csv|kml, with code, name, parentCode, changed, created")
    public Response export(@PathParam("id") String id, @QueryParam("level") String level, @QueryParam("format") String format,
            @QueryParam("bbox") String bbox, @QueryParam("crs") String crs, @QueryParam("geometry") String geometry) throws IOException {
        long n;
        try {
            n = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("a change set id is a number, got '" + id + "'");
        }
        var caller = callers.current();
        return ExportResource.send(service, caller, service.draftPlan(caller, n, level, format, bbox, crs, geometry));
    }
}
