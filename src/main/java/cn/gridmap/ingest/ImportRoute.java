package cn.gridmap.ingest;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.jboss.logging.Logger;

import cn.gridmap.security.Caller;
import cn.gridmap.security.RouteGuard;
import cn.gridmap.web.ApiException;
import cn.gridmap.web.BodyInputStream;
import cn.gridmap.web.VertxJson;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code POST /api/import?kind=&format=&crs=&name=&wait=}: the body (a CSV, GeoJSON or GeoPackage file of any size)
 * is streamed to disk with back-pressure, then imported by {@link ImportService}. Answers 202 with the job and its
 * Location (poll it for progress), or with {@code wait=true} 200 with the finished job. Documented in
 * META-INF/openapi.yaml.
 */
@ApplicationScoped
public class ImportRoute {
    private static final Logger LOG = Logger.getLogger(ImportRoute.class);
    static final String PATH = "/api/import";

    private final ImportService service;
    private final Vertx vertx;
    private final RouteGuard guard;

    public ImportRoute(ImportService service, Vertx vertx, RouteGuard guard) {
        this.service = service;
        this.vertx = vertx;
        this.guard = guard;
    }

    void init(@Observes Router router) {
        router.post(PATH).order(RouteGuard.AFTER).handler(ctx -> guard.require(ctx, ImportResource.IMPORTERS, caller -> handle(ctx, caller)));
    }

    private void handle(RoutingContext ctx, Caller caller) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse res = ctx.response();
        req.pause();
        if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
            res.writeContinue();
        }
        Context context = vertx.getOrCreateContext();
        InputStream body = new BodyInputStream(req, context);
        String kind = req.getParam("kind");
        String format = req.getParam("format");
        String name = req.getParam("name");
        String crs = req.getParam("crs");
        boolean wait = "true".equalsIgnoreCase(req.getParam("wait"));
        if ((format == null || format.isBlank()) && req.getHeader("Content-Type") != null) {
            String ct = req.getHeader("Content-Type").toLowerCase(java.util.Locale.ROOT);
            format = ct.startsWith("text/csv") ? "csv" : ct.contains("geo+json") || ct.contains("json") ? "geojson"
                    : ct.contains("geopackage") ? "gpkg" : null;
        }
        String fmt = format;
        vertx.executeBlocking(() -> {
            Path file = Files.createTempFile(service.workDir(), "upload-", ".part");
            try (InputStream in = body) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            if (Files.size(file) == 0) {
                Files.deleteIfExists(file);
                throw new ImportException("the request body is empty: send the file as the body");
            }
            ImportService.ImportStatus s = service.start(caller, file, kind, fmt, name, crs);
            return wait ? service.await(caller, s.id()) : s;
        }, false).onComplete(ar -> {
            if (ar.succeeded()) {
                ImportService.ImportStatus s = ar.result();
                int status = !wait ? 202 : !"failed".equals(s.status()) ? 200
                        : s.message() != null && s.message().startsWith(ImportService.INTERNAL) ? 500 : 400;
                VertxJson.send(res, status, s, "/api/import/" + s.id());
            } else if (ar.cause() instanceof ApiException e) {
                VertxJson.error(res, e.status(), e.getMessage());
            } else {
                LOG.error("import upload failed", ar.cause());
                VertxJson.error(res, 500, "internal error; see the service log");
            }
        });
    }
}
