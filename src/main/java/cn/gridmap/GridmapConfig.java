package cn.gridmap;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Typed configuration of gridmap ({@code gridmap.*} in application.properties; env GRIDMAP_* overrides). */
@ConfigMapping(prefix = "gridmap")
public interface GridmapConfig {

    City city();

    Api api();

    Map map();

    Lookup lookup();

    Elements elements();

    PersonalData personalData();

    Tiles tiles();

    Security security();

    Edit edit();

    Events events();

    Field field();

    /** The grid worker's phone and the programmes run on the grids (cn.gridmap.field). */
    interface Field {
        /** The largest photo accepted (bytes); the phone page shrinks pictures to 1600 px before sending. */
        @WithDefault("5242880")
        int maxPhotoBytes();

        /** The most track points one patrol batch may carry. */
        @WithDefault("2000")
        int maxPatrolPoints();
    }

    /** The events loop (数字城管 closed loop): its clock. */
    interface Events {
        /**
         * The working hours of a working day, in the city's time (Asia/Shanghai), as intervals "HH:mm-HH:mm" separated
         * by commas; deadlines in 工作时 count only these hours, those in 工作日 only working days.
         */
        @WithDefault("08:30-12:00,13:30-17:30")
        String workingHours();

        /** Open events of the same class within this distance of a new one are offered as likely duplicates (FixMyStreet: 250 m). */
        @WithDefault("250")
        double duplicateMeters();

        /** How often the deadline scheduler looks for overdue stages (督办). */
        @WithDefault("30")
        int escalationSeconds();

        /** Where the synthetic city's demo accounts and their generated passwords are written (mode 600); unset: nowhere. */
        Optional<String> demoUsersFile();
    }

    /** Guidelines that boundary edits are checked against (warnings, not errors). */
    interface Edit {
        /** Households a micro-grid should have (微网格 30–50). */
        @WithDefault("30")
        int microgridHouseholdsMin();

        @WithDefault("50")
        int microgridHouseholdsMax();

        /** Households a grid should have (网格 ≈ 300). */
        @WithDefault("200")
        int gridHouseholdsMin();

        @WithDefault("400")
        int gridHouseholdsMax();

        /** A region whose largest inscribed circle has a smaller radius (metres) is a sliver. */
        @WithDefault("5")
        double sliverMetres();

        /** How often (seconds) each replica looks for scheduled change sets whose effective date has come. */
        @WithDefault("60")
        int scheduleCheckSeconds();

        /**
         * Fault injection for the crash drill (R3, {@code cn.gridmap.edit.CrashDrill}): a pause (ms) inside the
         * publishing transaction, after the regions are written and before the elements move. 0 (the default) in
         * service.
         */
        @WithDefault("0")
        long publishPauseMillis();

        /** How often (ms) each replica looks for due webhook deliveries (a publish also wakes it at once). */
        @WithDefault("5000")
        long webhookPollMillis();

        /** A comment on every open Server-Sent Events stream this often (seconds), so that proxies keep it open. */
        @WithDefault("25")
        long streamHeartbeatSeconds();

        /** The first retry of a failed webhook delivery waits this long (seconds); each further one twice as long. */
        @WithDefault("2")
        double webhookBackoffSeconds();
    }

    /** How the city is loaded and the derived levels generated. */
    interface City {
        /** Load the city on start when the region table is empty. */
        @WithDefault("true")
        boolean loadOnStart();

        /** A geodata folder to read instead of the copy inside the jar. */
        Optional<String> geodataDir();

        /** Seed of every random choice of the derived levels: the same seed gives the same city. */
        @WithDefault("20260101")
        long seed();

        /** Synthetic households of the whole city (≈ 3.2 M residents / 2.7 per household). */
        @WithDefault("1200000")
        int households();

        /** Target households per grid (网格). */
        @WithDefault("300")
        int gridHouseholds();

        /** Target households per micro-grid (微网格); 40 keeps them within 30–50. */
        @WithDefault("40")
        int microgridHouseholds();
    }

    /** Limits of the public API. */
    interface Api {
        /** Most features one GeoJSON region request may return; larger requests get a 400. */
        @WithDefault("5000")
        int maxFeatures();

        /** Largest simplification tolerance accepted, in degrees. */
        @WithDefault("0.01")
        double maxTolerance();
    }

    /** Web map settings. */
    interface Map {
        /** Optional online tile URL template (e.g. 天地图 CGCS2000 tiles); off by default: the map is offline. */
        Optional<String> onlineTileUrl();

        /** Attribution shown with the online tile layer. */
        Optional<String> onlineTileAttribution();
    }

    /** The point lookup. */
    interface Lookup {
        /** Raster cell size of the in-memory index, in degrees (0.0002 ≈ 20 m). Smaller: faster lookups, more memory. */
        @WithDefault("0.0002")
        double cellSizeDegrees();

        /** Distance to the grid's edge below which a lookup says nearBoundary and lists the neighbouring grids, in metres. */
        @WithDefault("10")
        double nearBoundaryMeters();

        /** Cache-Control max-age of GET lookups, in seconds. */
        @WithDefault("60")
        int maxAgeSeconds();

        /**
         * Threads (and so database connections at once) answering {@code engine=postgis}: a few per core keep the
         * queries from fighting over the cores; more only add context switches. 0 = twice the cores.
         */
        @WithDefault("0")
        int postgisThreads();
    }

    /** 人地物事组织: the synthetic city and the element APIs. */
    interface Elements {
        /** Load the synthetic city's elements on start when there are none. */
        @WithDefault("true")
        boolean loadOnStart();

        /** Share of the full synthetic city to generate (GRIDMAP_SCALE; 0.01 = a 1 % city for tests). */
        @WithDefault("1")
        double scale();

        /** Largest page of an element list. */
        @WithDefault("1000")
        int maxLimit();

        /** Folder where import uploads and error reports are kept (default: the system temp folder). */
        Optional<String> workDir();

        /** How long an import's error report is kept; uploads a stopped service left behind go after a day. */
        @WithDefault("30d")
        java.time.Duration reportRetention();
    }

    /** Protection of ID numbers and phones. */
    interface PersonalData {
        /** Base64 of 32 random bytes (GRIDMAP_PERSONAL_DATA_KEY); never committed. */
        Optional<String> key();

        /** A file holding that key (the launcher writes one per checkout, outside git). */
        Optional<String> keyFile();
    }

    /** Vector tiles. */
    interface Tiles {
        /** Memory for cached tiles (gzip bytes), in MiB. */
        @WithDefault("256")
        int cacheMb();

        /** Cache-Control max-age of tiles, in seconds. */
        @WithDefault("60")
        int maxAgeSeconds();

        /** From this zoom events, components and organisations are points; below it, counts per region. */
        @WithDefault("15")
        int pointZoom();

        /** From this zoom houses are points (there are 1.2 M of them); below it, counts per region. */
        @WithDefault("17")
        int housePointZoom();
    }

    /** Identity, tokens, area scope and rate limits (cn.gridmap.security). */
    interface Security {
        /**
         * Off only for the benchmark that measures what security costs: every request then acts as a city-wide admin.
         * Never in production.
         */
        @WithDefault("true")
        boolean enabled();

        /** Issuer ({@code iss}) of the service's own tokens. */
        @WithDefault("gridmap")
        String issuer();

        /** Lifetime of an access token. */
        @WithDefault("15m")
        java.time.Duration accessTokenLifetime();

        /** Lifetime of a refresh token (a working day). */
        @WithDefault("10h")
        java.time.Duration refreshTokenLifetime();

        /** Password of the first admin (GRIDMAP_ADMIN_PASSWORD); otherwise a random one is made and written to the file below. */
        Optional<String> adminPassword();

        /** Where the first admin's random password is written (mode 600); the launcher says .gridmap/admin-password. */
        Optional<String> adminPasswordFile();

        /** Token endpoint failures per minute per username and client address before 429. */
        @WithDefault("10")
        int loginFailuresPerMinute();

        /** Requests per minute per principal (or per client address for anonymous calls). */
        @WithDefault("6000")
        long requestsPerMinute();

        /** Point lookups per minute per {@code system} client: their own, higher limit. */
        @WithDefault("600000")
        long systemLookupsPerMinute();

        Oidc oidc();
    }

    /** An external OIDC provider (a 政务 unified identity platform, Keycloak): set url to accept its tokens. */
    interface Oidc {
        /** The provider's issuer URL (GRIDMAP_OIDC_URL); its /.well-known/openid-configuration names the JWKS. */
        Optional<String> url();

        /** The client id gridmap is registered under: tokens must name it in aud or azp (GRIDMAP_OIDC_CLIENT_ID). */
        Optional<String> clientId();

        /** The issuer the tokens carry when it differs from the discovery document's. */
        Optional<String> issuer();

        /** Claim path (a/b) of the roles list. */
        @WithDefault("realm_access/roles")
        String rolesClaim();

        /** Claim with the area scope: a list of region codes, or one string of codes separated by commas. */
        @WithDefault("gridmap_scope")
        String scopeClaim();

        /** Claim with the user name. */
        @WithDefault("preferred_username")
        String usernameClaim();
    }
}
