package cn.gridmap.layer;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import cn.gridmap.GridmapConfig;
import io.quarkus.security.Authenticated;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The offline basemap (context land, water areas, rivers and canals) and the web map's settings. */
@Path("/api")
@Tag(name = "basemap", description = "Offline basemap layers and map settings")
@Authenticated
public class BasemapResource {
    private static final String BASEMAP = """
            SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                     'type', 'Feature', 'id', id, 'properties', json_build_object('kind', kind, 'name', name, 'source', source),
                     'geometry', ST_AsGeoJSON(geom, 6)::json) ORDER BY id), '[]'))::text
            FROM basemap_feature""";

    private final EntityManager em;
    private final GridmapConfig config;

    public BasemapResource(EntityManager em, GridmapConfig config) {
        this.em = em;
        this.config = config;
    }

    @GET
    @Path("/basemap")
    @Produces({"application/geo+json", MediaType.APPLICATION_JSON})
    @Operation(summary = "Offline basemap features: kind = land | water | river | canal (real data, see geodata/README.md)")
    public String basemap() {
        return (String) em.createNativeQuery(BASEMAP).getSingleResult();
    }

    /** Settings of the web map. */
    public record MapConfig(String onlineTileUrl, String onlineTileAttribution) {
    }

    @GET
    @Path("/map-config")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Web map settings: the optional online tile layer (off unless configured)")
    public MapConfig mapConfig() {
        return new MapConfig(config.map().onlineTileUrl().orElse(null), config.map().onlineTileAttribution().orElse(null));
    }
}
