package cn.gridmap.security;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import cn.gridmap.GridmapConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Per-caller limits (Bucket4j token buckets, one per key, forgotten after ten idle minutes): failed logins per username
 * and client address, requests per principal (or per address when anonymous), and point lookups of {@code system}
 * clients, which get their own, higher limit. One replica's memory: behind a load balancer each replica counts its own.
 */
@ApplicationScoped
public class RateLimits {
    /** The answer of a check: allowed, or how many seconds until it would be. */
    public record Verdict(boolean allowed, long retryAfterSeconds) {
        static final Verdict OK = new Verdict(true, 0);
    }

    private final GridmapConfig.Security config;
    /** One cache per kind of limit, keyed by a name or an address: a check builds no key. */
    private final Cache<String, Bucket> logins = cache();
    private final Cache<String, Bucket> addresses = cache();
    private final Cache<String, Bucket> users = cache();
    private final Cache<String, Bucket> clients = cache();
    private final Cache<String, Bucket> lookups = cache();

    private static Cache<String, Bucket> cache() {
        return Caffeine.newBuilder().maximumSize(200_000).expireAfterAccess(Duration.ofMinutes(10)).build();
    }

    public RateLimits(GridmapConfig config) {
        this.config = config.security();
    }

    /** Whether a login for this username from this address may be tried (without using a token). */
    public Verdict loginAllowed(String username, String address) {
        Bucket b = bucket(logins, username + "@" + address, config.loginFailuresPerMinute());
        long available = b.getAvailableTokens();
        if (available > 0) {
            return Verdict.OK;
        }
        return new Verdict(false, Math.max(1, (b.estimateAbilityToConsume(1).getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L));
    }

    /** Counts one failed login. */
    public void loginFailed(String username, String address) {
        bucket(logins, username + "@" + address, config.loginFailuresPerMinute()).tryConsume(1);
    }

    /** Counts one request of a principal (or of an address when {@code principal} is null). */
    public Verdict request(Principal principal, String address, boolean lookup) {
        Bucket b;
        if (principal == null) {
            b = bucket(addresses, address == null ? "?" : address, config.requestsPerMinute());
        } else if (lookup && principal.has(Roles.SYSTEM)) {
            b = bucket(lookups, principal.name(), config.systemLookupsPerMinute());
        } else {
            b = bucket(principal.kind() == Principal.Kind.CLIENT ? clients : users, principal.name(), config.requestsPerMinute());
        }
        if (b.tryConsume(1)) {
            return Verdict.OK;
        }
        EstimationProbe probe = b.estimateAbilityToConsume(1);
        return new Verdict(false, Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L));
    }

    private static Bucket bucket(Cache<String, Bucket> cache, String key, long perMinute) {
        Bucket b = cache.getIfPresent(key);
        return b != null ? b : cache.get(key, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build()).build());
    }
}
