package cn.gridmap.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import cn.gridmap.GridmapConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one {@link PersonalDataProtector} of the service, keyed from configuration (key or key file). */
@ApplicationScoped
public class ProtectorProducer {

    @Produces
    @Singleton
    PersonalDataProtector protector(GridmapConfig config) throws IOException {
        GridmapConfig.PersonalData pd = config.personalData();
        if (pd.key().filter(k -> !k.isBlank()).isPresent()) {
            return PersonalDataProtector.fromBase64(pd.key().get());
        }
        if (pd.keyFile().filter(k -> !k.isBlank()).isPresent()) {
            Path file = Path.of(pd.keyFile().get());
            if (!Files.isReadable(file)) {
                throw new IllegalStateException("personal-data key file " + file + " is not readable");
            }
            return PersonalDataProtector.fromBase64(Files.readString(file, StandardCharsets.US_ASCII));
        }
        throw new IllegalStateException("no personal-data key: set GRIDMAP_PERSONAL_DATA_KEY (base64 of 32 random bytes) or "
                + "GRIDMAP_PERSONAL_DATA_KEY_FILE; ./gridmap creates one per checkout in .gridmap/personal-data.key");
    }
}
