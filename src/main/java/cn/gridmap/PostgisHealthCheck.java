package cn.gridmap;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.DataSource;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import jakarta.enterprise.context.ApplicationScoped;

/** Readiness: PostGIS answers and the city is loaded. */
@Readiness
@ApplicationScoped
public class PostgisHealthCheck implements HealthCheck {
    private final DataSource dataSource;

    public PostgisHealthCheck(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("postgis");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT postgis_lib_version(), (SELECT count(*) FROM region WHERE generation_high IS NULL)")) {
            rs.next();
            long regions = rs.getLong(2);
            return b.status(regions > 0).withData("postgis", rs.getString(1)).withData("regions", regions).build();
        } catch (Exception e) {
            return b.down().withData("error", e.getMessage()).build();
        }
    }
}
