package cn.gridmap.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpServerResponse;

/** JSON answers of the routes that run on Vert.x directly (streamed uploads and batches). */
public final class VertxJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private VertxJson() {
    }

    /** Ends {@code res} with {@code body} as JSON (and a Location when given); nothing if it has ended already. */
    public static void send(HttpServerResponse res, int status, Object body, String location) {
        if (res.ended()) {
            return;
        }
        res.setStatusCode(status).putHeader("Content-Type", "application/json");
        if (location != null) {
            res.putHeader("Location", location);
        }
        try {
            res.end(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            res.end();
        }
    }

    /** Ends {@code res} with the standard error body. */
    public static void error(HttpServerResponse res, int status, String message) {
        send(res, status, ApiError.of(status, message), null);
    }
}
