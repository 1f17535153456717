package cn.gridmap.element;

import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.security.Callers;
import cn.gridmap.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * 人地物事组织: paged lists and items of the city's elements inside the caller's area scope, filtered by region at any
 * level. Personal data is masked; people and houses are for the roles that work with them (Roles.PERSONAL).
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "elements", description = "People, houses, components, organisations and events, each in its grid")
public class ElementResource {
    private static final String REGION = "a region code of any level (district, street, community, grid, micro-grid) inside your scope";
    private static final String BBOX = "minLon,minLat,maxLon,maxLat (WGS84)";
    private static final String UNMASK = "true: ID number and phone in clear (needs the pii right and X-Purpose; audited)";
    private static final String PURPOSE = "why the personal data is unmasked (required with unmask=true; goes to the audit log; "
            + "percent-encoded UTF-8 for Chinese)";
    private final ElementService service;
    private final Callers callers;

    public ElementResource(ElementService service, Callers callers) {
        this.service = service;
        this.callers = callers;
    }

    @GET
    @Path("/people")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON})
    @Operation(summary = "实有人口: people with their house, grid and masked ID number and phone")
    public ElementItems.Page<ElementItems.Person> people(@QueryParam("limit") String limit, @QueryParam("offset") String offset,
            @Parameter(description = REGION) @QueryParam("region") String region,
            @Parameter(description = "name prefix") @QueryParam("name") String name,
            @Parameter(description = "exact ID number (matched through the blind index; never echoed)") @QueryParam("idNumber") String idNumber,
            @Parameter(description = "exact phone (blind index)") @QueryParam("phone") String phone,
            @Parameter(description = "a 特殊人群/care tag, e.g. elderly_alone") @QueryParam("tag") String tag,
            @Parameter(description = "registered|migrant") @QueryParam("residence") String residence,
            @Parameter(description = "external id of the house") @QueryParam("house") String house) {
        return service.people(callers.current(), service.paging(limit, offset), region, name, idNumber, phone, tag, residence, house);
    }

    @GET
    @Path("/people/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON})
    @Operation(summary = "One person (404 outside your scope); unmask=true with X-Purpose and the pii right shows the ID number and phone")
    public ElementItems.Person person(@PathParam("id") String id, @Parameter(description = UNMASK) @QueryParam("unmask") boolean unmask,
            @Parameter(description = PURPOSE) @HeaderParam("X-Purpose") String purpose) {
        return service.person(callers.current(), id, unmask, purpose);
    }

    @GET
    @Path("/houses")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON})
    @Operation(summary = "实有房屋: houses with their standard address, use and households")
    public ElementItems.Page<ElementItems.House> houses(@QueryParam("limit") String limit, @QueryParam("offset") String offset,
            @Parameter(description = REGION) @QueryParam("region") String region,
            @Parameter(description = "part of the address") @QueryParam("address") String address,
            @Parameter(description = "residential|rental|commercial") @QueryParam("use") String use) {
        return service.houses(callers.current(), service.paging(limit, offset), region, address, use);
    }

    @GET
    @Path("/houses/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON})
    @Operation(summary = "One house (404 outside your scope)")
    public ElementItems.House house(@PathParam("id") String id) {
        return service.house(callers.current(), id);
    }

    @GET
    @Path("/components")
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
    @Operation(summary = "城市部件: components with their 16-digit GB/T 30428.2 code")
    public ElementItems.Page<ElementItems.Component> components(@QueryParam("limit") String limit, @QueryParam("offset") String offset,
            @Parameter(description = REGION) @QueryParam("region") String region,
            @Parameter(description = BBOX) @QueryParam("bbox") String bbox,
            @Parameter(description = "4-digit class (大类 + 小类), e.g. 0101") @QueryParam("class") String classCode,
            @Parameter(description = "完好|破损|丢失|占用") @QueryParam("state") String state) {
        return service.components(callers.current(), service.paging(limit, offset), region, bbox, classCode, state);
    }

    @GET
    @Path("/components/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
    @Operation(summary = "One component (404 outside your scope)")
    public ElementItems.Component component(@PathParam("id") String id) {
        return service.component(callers.current(), id);
    }

    @GET
    @Path("/organizations")
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
    @Operation(summary = "组织: enterprises and social organisations with their credit code")
    public ElementItems.Page<ElementItems.Organization> organizations(@QueryParam("limit") String limit,
            @QueryParam("offset") String offset, @Parameter(description = REGION) @QueryParam("region") String region,
            @Parameter(description = BBOX) @QueryParam("bbox") String bbox,
            @Parameter(description = "part of the name") @QueryParam("name") String name,
            @Parameter(description = "enterprise|social") @QueryParam("kind") String kind,
            @Parameter(description = "unified social credit code") @QueryParam("creditCode") String creditCode) {
        return service.organizations(callers.current(), service.paging(limit, offset), region, bbox, name, kind, creditCode);
    }

    @GET
    @Path("/organizations/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
    @Operation(summary = "One organisation (404 outside your scope); unmask=true with X-Purpose and the pii right shows its phone")
    public ElementItems.Organization organization(@PathParam("id") String id,
            @Parameter(description = UNMASK) @QueryParam("unmask") boolean unmask,
            @Parameter(description = PURPOSE) @HeaderParam("X-Purpose") String purpose) {
        return service.organization(callers.current(), id, unmask, purpose);
    }

    private static final String HISTORY = "The element's micro-grid and grid over the generations (boundary changes), oldest first";

    @GET
    @Path("/people/{id}/history")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON})
    @Operation(summary = HISTORY)
    public Map<String, Object> personHistory(@PathParam("id") String id) {
        return service.history(callers.current(), "people", id);
    }

    @GET
    @Path("/houses/{id}/history")
    @RolesAllowed({Roles.ADMIN, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON})
    @Operation(summary = HISTORY)
    public Map<String, Object> houseHistory(@PathParam("id") String id) {
        return service.history(callers.current(), "houses", id);
    }

    @GET
    @Path("/components/{id}/history")
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
    @Operation(summary = HISTORY)
    public Map<String, Object> componentHistory(@PathParam("id") String id) {
        return service.history(callers.current(), "components", id);
    }

    @GET
    @Path("/organizations/{id}/history")
    @RolesAllowed({Roles.ADMIN, Roles.PLANNER, Roles.APPROVER, Roles.DISPATCHER, Roles.GRIDWORKER, Roles.LIAISON, Roles.ANALYST, Roles.DEPARTMENT})
    @Operation(summary = HISTORY)
    public Map<String, Object> organizationHistory(@PathParam("id") String id) {
        return service.history(callers.current(), "organizations", id);
    }
}
