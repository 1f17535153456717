package cn.gridmap.event;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import cn.gridmap.web.ApiException;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * Open311 GeoReport v2 at /open311/v2/, each answer as .json or .xml (the spec's XML is mandatory). Reading is open to
 * all, as the spec has it; posting a request needs the api_key of a system or public-intake client.
 */
@Path("/open311/v2")
@PermitAll
@Tag(name = "open311", description = "Open311 GeoReport v2: services are event classes, requests are events")
public class Open311Resource {
    private final Open311 open311;

    public Open311Resource(Open311 open311) {
        this.open311 = open311;
    }

    @GET
    @Path("/discovery.{format:json|xml}")
    @Operation(summary = "Service discovery: this endpoint, its specification and formats")
    public Response discovery(@PathParam("format") String format, @Context UriInfo uri) {
        String base = uri.getBaseUri().resolve("open311/v2/").toString();
        Map<String, Object> d = open311.discovery(base);
        return answer(format, "discovery", null, d);
    }

    @GET
    @Path("/services.{format:json|xml}")
    @Operation(summary = "Service list: the event classes; with lat and long (FixMyStreet) only those handled at that point")
    public Response services(@PathParam("format") String format, @QueryParam("jurisdiction_id") String jurisdiction,
            @QueryParam("lat") String lat, @QueryParam("long") String lon) {
        open311.checkJurisdiction(jurisdiction);
        return answer(format, "services", "service", open311.services(lat, lon));
    }

    @GET
    @Path("/services/{code}.{format:json|xml}")
    @Operation(summary = "Service definition (no extra attributes)")
    public Response service(@PathParam("code") String code, @PathParam("format") String format,
            @QueryParam("jurisdiction_id") String jurisdiction) {
        open311.checkJurisdiction(jurisdiction);
        return answer(format, "service_definition", null, open311.definition(code));
    }

    @POST
    @Path("/requests.{format:json|xml}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Create a request (form: api_key, service_code, lat+long or address_string, description, first_name, last_name, "
            + "phone, email, media_url): a system client gets the service_request_id, a public-intake client a token")
    public Response post(@PathParam("format") String format, MultivaluedMap<String, String> form) {
        Map<String, String> first = new java.util.HashMap<>();
        if (form != null) {
            form.forEach((k, v) -> first.put(k, v == null || v.isEmpty() ? null : v.get(0)));
        }
        return answer(format, "service_requests", "request", open311.post(first));
    }

    @GET
    @Path("/requests.{format:json|xml}")
    @Operation(summary = "The requests filed through Open311: service_request_id (comma list), service_code, start_date, end_date "
            + "(at most 90 days), status=open,closed; 1,000 at most")
    public Response requests(@PathParam("format") String format, @QueryParam("jurisdiction_id") String jurisdiction,
            @QueryParam("service_request_id") String ids, @QueryParam("service_code") String codes, @QueryParam("start_date") String start,
            @QueryParam("end_date") String end, @QueryParam("status") String status) {
        open311.checkJurisdiction(jurisdiction);
        return answer(format, "service_requests", "request", open311.requests(ids, codes, start, end, status));
    }

    @GET
    @Path("/requests/{id}.{format:json|xml}")
    @Operation(summary = "One request (a list of one, as the spec has it)")
    public Response request(@PathParam("id") String id, @PathParam("format") String format, @QueryParam("jurisdiction_id") String jurisdiction) {
        open311.checkJurisdiction(jurisdiction);
        if (!id.matches("\\d{1,18}")) {
            throw new Open311.Error(404, "no request " + id);
        }
        List<Map<String, Object>> r = open311.requests(id, null, null, null, null);
        if (r.isEmpty()) {
            throw new Open311.Error(404, "no request " + id);
        }
        return answer(format, "service_requests", "request", r);
    }

    @GET
    @Path("/tokens/{token}.{format:json|xml}")
    @Operation(summary = "A token's request: its service_request_id once a dispatcher has registered it")
    public Response token(@PathParam("token") String token, @PathParam("format") String format,
            @QueryParam("jurisdiction_id") String jurisdiction) {
        open311.checkJurisdiction(jurisdiction);
        return answer(format, "service_requests", "request", open311.token(token));
    }

    private static Response answer(String format, String root, String item, Object body) {
        return answer(200, format, root, item, body);
    }

    private static Response answer(int status, String format, String root, String item, Object body) {
        if ("xml".equals(format)) {
            return Response.status(status).type("text/xml; charset=utf-8").entity(Open311.xml(root, item, body)).build();
        }
        return Response.status(status).type("application/json; charset=utf-8").entity(Open311.json(body)).build();
    }

    /** Errors as the spec writes them: a list of {code, description}, in the format asked for. */
    @ServerExceptionMapper
    public Response error(Open311.Error e, UriInfo uri) {
        return errors(e.status(), e.getMessage(), uri);
    }

    @ServerExceptionMapper
    public Response error(ApiException e, UriInfo uri) {
        return errors(e.status(), e.getMessage(), uri);
    }

    private static Response errors(int status, String description, UriInfo uri) {
        String format = uri.getPath().endsWith(".xml") ? "xml" : "json";
        Map<String, Object> error = new java.util.LinkedHashMap<>();
        error.put("code", status);
        error.put("description", description);
        return answer(status, format, "errors", "error", List.of(error));
    }
}
