package cn.gridmap.element;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** 人地物事组织: paged lists of the city's elements, filtered by region at any level. Personal data is masked. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "elements", description = "People, houses, components, organisations and events, each in its grid")
public class ElementResource {
    private static final String REGION = "a region code of any level (district, street, community, grid, micro-grid)";
    private static final String BBOX = "minLon,minLat,maxLon,maxLat (WGS84)";
    private final ElementService service;

    public ElementResource(ElementService service) {
        this.service = service;
    }

    @GET
    @Path("/people")
    @Operation(summary = "实有人口: people with their house, grid and masked ID number and phone")
    public ElementItems.Page<ElementItems.Person> people(@QueryParam("limit") String limit, @QueryParam("offset") String offset,
            @Parameter(description = REGION) @QueryParam("region") String region,
            @Parameter(description = "name prefix") @QueryParam("name") String name,
            @Parameter(description = "exact ID number (matched through the blind index; never echoed)") @QueryParam("idNumber") String idNumber,
            @Parameter(description = "exact phone (blind index)") @QueryParam("phone") String phone,
            @Parameter(description = "a 特殊人群/care tag, e.g. elderly_alone") @QueryParam("tag") String tag,
            @Parameter(description = "registered|migrant") @QueryParam("residence") String residence,
            @Parameter(description = "external id of the house") @QueryParam("house") String house) {
        return service.people(service.paging(limit, offset), region, name, idNumber, phone, tag, residence, house);
    }

    @GET
    @Path("/houses")
    @Operation(summary = "实有房屋: houses with their standard address, use and households")
    public ElementItems.Page<ElementItems.House> houses(@QueryParam("limit") String limit, @QueryParam("offset") String offset,
            @Parameter(description = REGION) @QueryParam("region") String region,
            @Parameter(description = "part of the address") @QueryParam("address") String address,
            @Parameter(description = "residential|rental|commercial") @QueryParam("use") String use) {
        return service.houses(service.paging(limit, offset), region, address, use);
    }

    @GET
    @Path("/components")
    @Operation(summary = "城市部件: components with their 16-digit GB/T 30428.2 code")
    public ElementItems.Page<ElementItems.Component> components(@QueryParam("limit") String limit, @QueryParam("offset") String offset,
            @Parameter(description = REGION) @QueryParam("region") String region,
            @Parameter(description = BBOX) @QueryParam("bbox") String bbox,
            @Parameter(description = "4-digit class (大类 + 小类), e.g. 0101") @QueryParam("class") String classCode,
            @Parameter(description = "完好|破损|丢失|占用") @QueryParam("state") String state) {
        return service.components(service.paging(limit, offset), region, bbox, classCode, state);
    }

    @GET
    @Path("/organizations")
    @Operation(summary = "组织: enterprises and social organisations with their credit code")
    public ElementItems.Page<ElementItems.Organization> organizations(@QueryParam("limit") String limit,
            @QueryParam("offset") String offset, @Parameter(description = REGION) @QueryParam("region") String region,
            @Parameter(description = BBOX) @QueryParam("bbox") String bbox,
            @Parameter(description = "part of the name") @QueryParam("name") String name,
            @Parameter(description = "enterprise|social") @QueryParam("kind") String kind,
            @Parameter(description = "unified social credit code") @QueryParam("creditCode") String creditCode) {
        return service.organizations(service.paging(limit, offset), region, bbox, name, kind, creditCode);
    }

    @GET
    @Path("/events")
    @Operation(summary = "事件: event records (class per GB/T 30428.2, time, place)")
    public ElementItems.Page<ElementItems.Event> events(@QueryParam("limit") String limit, @QueryParam("offset") String offset,
            @Parameter(description = REGION) @QueryParam("region") String region,
            @Parameter(description = BBOX) @QueryParam("bbox") String bbox,
            @Parameter(description = "4-digit event class, e.g. 0102") @QueryParam("class") String classCode,
            @Parameter(description = "from this date/time (inclusive)") @QueryParam("from") String from,
            @Parameter(description = "before this date/time") @QueryParam("to") String to) {
        return service.events(service.paging(limit, offset), region, bbox, classCode, from, to);
    }
}
