package cn.gridmap.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import cn.gridmap.web.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Progress and error report of bulk imports (the upload itself is {@link ImportRoute}). */
@jakarta.ws.rs.Path("/api/import")
@Tag(name = "import", description = "Bulk import of elements from CSV, GeoJSON or GeoPackage")
@RolesAllowed({Roles.ADMIN, Roles.GRIDWORKER})
public class ImportResource {
    /** Who may import: admins and grid workers (采集), each inside its own area scope. */
    public static final java.util.Set<String> IMPORTERS = java.util.Set.of(Roles.ADMIN, Roles.GRIDWORKER);
    private final ImportService service;
    private final Callers callers;

    public ImportResource(ImportService service, Callers callers) {
        this.service = service;
        this.callers = callers;
    }

    @GET
    @jakarta.ws.rs.Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "An import's status and progress: running (with percent and phase), committed, failed or aborted")
    public ImportService.ImportStatus status(@PathParam("id") String id) throws SQLException {
        return service.status(callers.current(), id(id));
    }

    @GET
    @jakarta.ws.rs.Path("/{id}/errors")
    @Produces("text/csv")
    @Operation(summary = "The rows that were not stored: line, field, reason (CSV)")
    public Response errors(@PathParam("id") String id) throws IOException, SQLException {
        long n = id(id);
        ImportService.ImportStatus status = service.status(callers.current(), n);
        Path report = service.errorReport(n);
        if (report == null && status.rowsFailed() > 0 && !status.status().equals("running")) {
            throw new ApiException(410, "the error report of import " + n + " was deleted: reports are kept for "
                    + service.reportRetention().toDays() + " days");
        }
        if (report == null) {
            throw ApiException.notFound("import " + n + " has no error report");
        }
        return Response.ok(report.toFile(), "text/csv; charset=utf-8").build();
    }

    private static long id(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("an import id is a number, got '" + id + "'");
        }
    }
}
