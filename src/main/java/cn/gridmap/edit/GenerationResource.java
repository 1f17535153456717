package cn.gridmap.edit;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.region.RegionPublisher;
import cn.gridmap.web.ApiException;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/** The published generations of the hierarchy and what each changed (lineage), for every system that keeps codes. */
@Path("/api/generations")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "edit")
public class GenerationResource {
    private final DataSource dataSource;
    private final RegionPublisher publisher;
    private final Notifications notifications;

    public GenerationResource(DataSource dataSource, RegionPublisher publisher, Notifications notifications) {
        this.dataSource = dataSource;
        this.publisher = publisher;
        this.notifications = notifications;
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Server-Sent Events: one event 'generation' {generation, effectiveFrom, changed, extent} per publish, from now on "
            + "(a comment every gridmap.edit.stream-heartbeat-seconds keeps proxies from closing the stream)")
    public void stream(@Context SseEventSink sink, @Context Sse sse) {
        notifications.listen(sink, sse);
    }

    @GET
    @Operation(summary = "Every generation, newest first: id, effectiveFrom, publishedAt, changeSet, description")
    public List<RegionPublisher.Generation> list() {
        try (Connection c = dataSource.getConnection()) {
            return publisher.generations(c);
        } catch (SQLException e) {
            throw new IllegalStateException("generation query failed: " + e.getMessage(), e);
        }
    }

    @GET
    @Path("/{id}/changes")
    @Operation(summary = "What a generation changed: the codes it opened (changed or new regions) and its lineage (from, to, relation, area)")
    public Map<String, Object> changes(@PathParam("id") String id) {
        int g;
        try {
            g = Integer.parseInt(id.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("a generation id is a number, got '" + id + "'");
        }
        try (Connection c = dataSource.getConnection()) {
            RegionPublisher.Generation gen = publisher.generations(c).stream().filter(x -> x.id() == g).findFirst()
                    .orElseThrow(() -> ApiException.notFound("no generation " + g));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("generation", gen);
            List<String> opened = publisher.opened(c, g);
            out.put("changedCount", opened.size());
            out.put("changed", opened.size() > 10_000 ? opened.subList(0, 10_000) : opened); // the first load opens every region
            out.put("lineage", publisher.changes(c, g));
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("generation query failed: " + e.getMessage(), e);
        }
    }
}
