package cn.gridmap.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/** The synthetic city in PostGIS (GRIDMAP_SCALE=0.01 in tests) is loaded once and is what its seed generates. */
@QuarkusTest
class SyntheticCityTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner") // the tables' owner: tests look at what is stored, past row-level security
    DataSource dataSource;

    @Inject
    CityElements cityElements;

    @Inject
    cn.gridmap.GridmapConfig config;

    @Test
    void theSyntheticCityIsLoadedOnceAndRegeneratesIdentically() throws Exception {
        assertTrue(cityElements.loadIfEmpty().isEmpty(), "a second load finds the elements and does nothing");
        try (Connection c = dataSource.getConnection()) {
            SyntheticCity city = SyntheticCity.read(c, config.city().seed(), config.elements().scale());
            java.security.MessageDigest regenerated = java.security.MessageDigest.getInstance("SHA-256");
            long n = 0;
            java.util.List<SyntheticCity.Building> all = new java.util.ArrayList<>();
            for (SyntheticCity.Structure s : city.structures()) {
                all.addAll(s.buildings);
            }
            all.sort(java.util.Comparator.comparingLong(b -> b.id));
            for (SyntheticCity.Building b : all) {
                regenerated.update((b.id + "|" + b.address + "|" + b.lon + "|" + b.lat + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                n++;
            }
            java.security.MessageDigest stored = java.security.MessageDigest.getInstance("SHA-256");
            long m = 0;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, address, ST_X(geom), ST_Y(geom) FROM building WHERE derived ORDER BY id")) {
                while (rs.next()) {
                    stored.update((rs.getLong(1) + "|" + rs.getString(2) + "|" + rs.getDouble(3) + "|" + rs.getDouble(4) + "\n")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    m++;
                }
            }
            assertEquals(m, n);
            assertTrue(java.security.MessageDigest.isEqual(stored.digest(), regenerated.digest()),
                    "every stored building equals a fresh generation from the same seed");
        }
    }
}
