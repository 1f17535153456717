package cn.gridmap.lookup;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import cn.gridmap.geo.InvalidGeoInputException;
import cn.gridmap.security.Roles;
import cn.gridmap.security.RouteGuard;
import cn.gridmap.web.ApiException;
import cn.gridmap.web.BodyInputStream;
import cn.gridmap.web.VertxJson;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code POST /api/point/batch} on Vert.x directly, so that both directions are streamed with back-pressure: the
 * request is read into a small bounded queue (the socket is paused while it is full) and the response is written in
 * 64 KiB chunks, waiting while the client is slow. Memory per batch is therefore a few hundred KiB whatever its size.
 * The work runs on a worker thread; the rows are handled by {@link BatchLookup}. Documented in META-INF/openapi.yaml.
 */
@ApplicationScoped
public class BatchRoute {
    private static final Logger LOG = Logger.getLogger(BatchRoute.class);
    static final String PATH = "/api/point/batch";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PointLookupService service;
    private final Vertx vertx;
    private final MeterRegistry metrics;
    private final RouteGuard guard;

    public BatchRoute(PointLookupService service, Vertx vertx, MeterRegistry metrics, RouteGuard guard) {
        this.service = service;
        this.vertx = vertx;
        this.metrics = metrics;
        this.guard = guard;
    }

    void init(@Observes Router router) {
        // every authenticated principal may look points up (system clients under their own, higher limit)
        router.post(PATH).order(RouteGuard.AFTER).handler(ctx -> guard.require(ctx, ALL_ROLES, caller -> handle(ctx)));
    }

    private static final java.util.Set<String> ALL_ROLES = java.util.Set.copyOf(Roles.ALL);

    private void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse res = ctx.response();
        req.pause();
        String in;
        String out;
        try {
            in = BatchLookup.inputFormat(req.getHeader("Content-Type"));
            out = BatchLookup.outputFormat(req.getHeader("Accept"));
        } catch (ApiException e) {
            error(res, e.status(), e.getMessage());
            return;
        }
        metrics.counter("gridmap.lookup.batches", "format", in.substring(in.indexOf('/') + 1)).increment();
        if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
            res.writeContinue(); // clients such as curl otherwise wait a second before sending a large body
        }
        Context context = vertx.getOrCreateContext();
        BodyInputStream body = new BodyInputStream(req, context);
        String crs = req.getParam("crs");
        String asOf = req.getParam("asOf");
        vertx.executeBlocking(() -> {
            PointLookupService.PreparedBatch batch;
            try {
                batch = service.prepareBatch(body, in, out, crs, asOf);
            } catch (ApiException e) {
                context.runOnContext(v -> error(res, e.status(), e.getMessage()));
                return null;
            } catch (InvalidGeoInputException e) {
                context.runOnContext(v -> error(res, 400, e.getMessage()));
                return null;
            }
            res.setChunked(true);
            res.putHeader("Content-Type", out.equals(BatchLookup.CSV) ? "text/csv; charset=utf-8" : BatchLookup.NDJSON);
            res.putHeader("ETag", "\"idx-" + batch.indexVersion() + "\"");
            try (ResponseOutputStream os = new ResponseOutputStream(res, context)) {
                batch.body().writeTo(os);
            } catch (IOException e) {
                LOG.debugf("batch lookup stopped: %s", e.toString());
                res.reset();
            }
            return null;
        }, false).onFailure(t -> {
            LOG.error("batch lookup failed", t);
            if (!res.headWritten()) {
                error(res, 500, "internal error; see the service log");
            } else {
                res.reset();
            }
        });
    }

    private static void error(HttpServerResponse res, int status, String message) {
        VertxJson.error(res, status, message);
    }


    /** Writes the response in chunks, blocking the worker while the connection's write queue is full. */
    static final class ResponseOutputStream extends OutputStream {
        private static final int CHUNK = 64 * 1024;
        private static final int WRITE_QUEUE = 1 << 20;
        private final HttpServerResponse res;
        private final Context context;
        private final byte[] buf = new byte[CHUNK];
        private int len;
        private final Object drained = new Object();

        ResponseOutputStream(HttpServerResponse res, Context context) {
            this.res = res;
            this.context = context;
            // a bounded write queue (1 MiB) and one permanent drain handler that wakes the writer
            context.runOnContext(v -> {
                if (res.ended() || res.closed()) {
                    return; // a 4xx for a malformed body was sent before this ran
                }
                res.setWriteQueueMaxSize(WRITE_QUEUE);
                res.drainHandler(x -> {
                    synchronized (drained) {
                        drained.notifyAll();
                    }
                });
            });
        }

        @Override
        public void write(int b) throws IOException {
            if (len == CHUNK) {
                flushChunk();
            }
            buf[len++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int n) throws IOException {
            if (len == 0 && n >= CHUNK) {
                // a block of rows from a fast path: one copy into the buffer Vert.x sends, not two
                send(java.util.Arrays.copyOfRange(b, off, off + n));
                return;
            }
            while (n > 0) {
                if (len == CHUNK) {
                    flushChunk();
                }
                int k = Math.min(n, CHUNK - len);
                System.arraycopy(b, off, buf, len, k);
                len += k;
                off += k;
                n -= k;
            }
        }

        private void flushChunk() throws IOException {
            if (len == 0) {
                return;
            }
            send(java.util.Arrays.copyOf(buf, len));
            len = 0;
        }

        private void send(byte[] bytes) throws IOException {
            if (res.closed()) {
                throw new IOException("the client closed the connection");
            }
            awaitWritable();
            res.write(Buffer.buffer(bytes));
        }

        private void awaitWritable() throws IOException {
            if (!res.writeQueueFull()) {
                return;
            }
            synchronized (drained) {
                while (res.writeQueueFull() && !res.closed()) {
                    try {
                        drained.wait(5);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException();
                    }
                }
            }
        }

        @Override
        public void flush() throws IOException {
            flushChunk();
        }

        @Override
        public void close() throws IOException {
            flushChunk();
            res.end();
        }
    }
}
