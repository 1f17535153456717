package cn.gridmap.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.jboss.logging.Logger;

import cn.gridmap.GridmapConfig;
import cn.gridmap.region.RegionService;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * On the first start (no user at all) makes the user {@code admin} with the city as scope: with GRIDMAP_ADMIN_PASSWORD,
 * or a random password written to the admin-password file (mode 600) and printed once.
 */
@ApplicationScoped
public class FirstAdmin {
    private static final Logger LOG = Logger.getLogger(FirstAdmin.class);
    private final Accounts accounts;
    private final GridmapConfig config;
    private final RegionService regions;

    public FirstAdmin(Accounts accounts, GridmapConfig config, RegionService regions) {
        this.accounts = accounts;
        this.config = config;
        this.regions = regions;
    }

    void onStart(@Observes @Priority(3000) StartupEvent e) throws IOException {
        GridmapConfig.Security s = config.security();
        String given = s.adminPassword().filter(p -> !p.isBlank()).orElse(null);
        String password = given != null ? given : Accounts.random(15);
        String city = regions.cityCode().orElse(null);
        if (city == null) {
            LOG.warn("no city loaded: the first admin is made on the first start with a city");
            return;
        }
        if (!accounts.bootstrapAdmin("admin", password, city)) {
            return;
        }
        if (given != null) {
            LOG.info("created the user admin (scope: the city) with the password from GRIDMAP_ADMIN_PASSWORD");
            return;
        }
        if (s.adminPasswordFile().filter(f -> !f.isBlank()).isPresent()) {
            Path file = Path.of(s.adminPasswordFile().get());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
            LOG.infof("created the user admin (scope: the city); its password, shown this once, is also in %s: %s", file, password);
        } else {
            LOG.infof("created the user admin (scope: the city); its password, shown this once: %s", password);
        }
    }
}
