package cn.gridmap.lookup;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import jakarta.enterprise.context.ApplicationScoped;

/** Readiness: the in-memory lookup index is built (a replica takes traffic only then). */
@Readiness
@ApplicationScoped
public class LookupHealthCheck implements HealthCheck {
    private final LiveGridIndex index;

    public LookupHealthCheck(LiveGridIndex index) {
        this.index = index;
    }

    @Override
    public HealthCheckResponse call() {
        if (!index.isReady()) {
            return HealthCheckResponse.down("lookup-index");
        }
        GridIndex i = index.current();
        return HealthCheckResponse.named("lookup-index").up().withData("version", i.version())
                .withData("microgrids", i.microgridCount()).build();
    }
}
