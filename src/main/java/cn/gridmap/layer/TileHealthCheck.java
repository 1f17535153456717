package cn.gridmap.layer;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import jakarta.enterprise.context.ApplicationScoped;

/** Readiness data: the tile cache's epoch (how many change notices it has applied), for the cluster's status. */
@Readiness
@ApplicationScoped
public class TileHealthCheck implements HealthCheck {
    private final TileService tiles;

    public TileHealthCheck(TileService tiles) {
        this.tiles = tiles;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("tile-cache").up().withData("epoch", tiles.epoch()).build();
    }
}
