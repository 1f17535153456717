package cn.gridmap.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.security.Caller;
import cn.gridmap.security.Callers;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/** Downloads of the region levels and element collections as GeoPackage, zipped Shapefile, GeoJSON, CSV or KML. */
@jakarta.ws.rs.Path("/api/export")
@Tag(name = "export", description = "Region levels and element collections as GeoPackage, Shapefile, GeoJSON, CSV and KML, scoped like the API")
@Authenticated
public class ExportResource {
    private final ExportService service;
    private final Callers callers;

    public ExportResource(ExportService service, Callers callers) {
        this.service = service;
        this.callers = callers;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The collections the caller may export and their formats")
    public List<ExportService.Listed> list() {
        return service.list(callers.current());
    }

    @GET
    @jakarta.ws.rs.Path("/{collection}")
    @Produces({"application/geopackage+sqlite3", "application/zip", "application/geo+json", "text/csv", "application/vnd.google-earth.kml+xml"})
    @Operation(summary = "One collection as a file: format=gpkg|shp|geojson|csv|kml (KML: region levels), bbox (CRS84), parent (a region code: "
            + "what lies inside it), asOf (region levels: the generation in force that day), crs (EPSG:4490, a CGCS2000 Gauss-Krüger code 4491–4554; "
            + "default CRS84), geometry=wkt|xy (CSV); people: unmask=true with the pii right and X-Purpose (audited). X-Feature-Count and X-Estimated-Bytes give its size before the body; files also Content-Length")
    public Response export(@PathParam("collection") String collection, @QueryParam("format") String format, @QueryParam("bbox") String bbox,
            @QueryParam("parent") String parent, @QueryParam("asOf") String asOf, @QueryParam("crs") String crs,
            @QueryParam("geometry") String geometry, @QueryParam("unmask") boolean unmask, @HeaderParam("X-Purpose") String purpose) throws IOException {
        Caller caller = callers.current();
        return send(service, caller, service.plan(caller, collection, format, bbox, parent, asOf, crs, geometry, unmask, purpose));
    }

    /** Sends a checked export: a file format from its temporary file (Content-Length), a streamed one as it is read. */
    static Response send(ExportService service, Caller caller, ExportService.Plan plan) throws IOException {
        String disposition = "attachment; filename=\"" + plan.filename().replaceAll("[^A-Za-z0-9._-]", "_") + "\"; filename*=UTF-8''"
                + URLEncoder.encode(plan.filename(), StandardCharsets.UTF_8);
        if (plan.format().file) {
            Path file = service.file(caller, plan);
            long length = Files.size(file);
            StreamingOutput body = out -> {
                try {
                    Files.copy(file, out);
                } finally {
                    ExportService.delete(file);
                }
            };
            return Response.ok(body, plan.format().mediaType).header("Content-Length", length).header("Content-Disposition", disposition)
                    .header("X-Feature-Count", plan.features()).build();
        }
        StreamingOutput body = out -> {
            try {
                service.stream(caller, plan, out);
            } catch (IllegalStateException e) {
                throw new UncheckedIOException(new IOException("export interrupted: " + e.getMessage(), e));
            }
        };
        return Response.ok(body, plan.format().mediaType).header("Content-Disposition", disposition).header("X-Feature-Count", plan.features())
                .header("X-Estimated-Bytes", plan.estimatedBytes()).build();
    }
}
