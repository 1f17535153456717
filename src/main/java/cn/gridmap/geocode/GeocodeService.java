package cn.gridmap.geocode;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;

import cn.gridmap.element.AddressBase;
import cn.gridmap.lookup.PointLookupService;
import cn.gridmap.region.RegionRecord.RegionRef;
import cn.gridmap.web.ApiException;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Geocoding: address → point → grid chain (the same chain as a point lookup), and point → nearest standard address.
 * The gazetteer is built at start, after the city's elements are loaded.
 */
@ApplicationScoped
public class GeocodeService {
    private static final Logger LOG = Logger.getLogger(GeocodeService.class);
    /** Largest distance at which reverse geocoding still names a building. */
    static final double REVERSE_MAX_METERS = 500;
    static final int MAX_QUERY = 200;
    static final int MAX_BATCH = 10_000;

    private final AddressBase addresses;
    private final PointLookupService lookup;
    private final AtomicReference<Geocoder> geocoder = new AtomicReference<>();

    public GeocodeService(AddressBase addresses, PointLookupService lookup) {
        this.addresses = addresses;
        this.lookup = lookup;
    }

    /** One geocoded address: {@code match} is null (with {@code reason}) when nothing or several things match. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GeocodeResult(String query, Geocoder.Match match, List<RegionRef> regions, String reason, List<String> candidates,
            ParsedAddress parsed) {
    }

    /** The nearest standard address to a point and the point's grid chain. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReverseResult(double lon, double lat, Address address, List<RegionRef> regions, String reason) {
        /** A standard address with its point and distance. */
        public record Address(String address, double lon, double lat, double distanceMeters) {
        }
    }

    void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 800) StartupEvent e) throws SQLException {
        rebuild();
    }

    /** Reads the address base into a new gazetteer and swaps it in. */
    public void rebuild() throws SQLException {
        long t0 = System.nanoTime();
        Gazetteer g = new Gazetteer();
        boolean[] cityAdded = {false};
        addresses.places(p -> {
            if (!cityAdded[0]) {
                g.city(p.cityName(), p.cityCode());
                cityAdded[0] = true;
            }
            g.place(p);
        });
        g.alias("镇江新区", Vocabulary.Kind.DISTRICT, "京口区");
        g.alias("新区", Vocabulary.Kind.DISTRICT, "京口区");
        addresses.buildings(g::building);
        geocoder.set(new Geocoder(g.seal()));
        LOG.infof("gazetteer: %d places, %d buildings in %d ms", g.placeCount(), g.buildingCount(), (System.nanoTime() - t0) / 1_000_000);
    }

    public GeocodeResult geocode(String q) {
        if (q == null || q.isBlank()) {
            throw ApiException.badRequest("q (an address) is required");
        }
        if (q.length() > MAX_QUERY) {
            throw ApiException.badRequest("q is longer than " + MAX_QUERY + " characters");
        }
        Geocoder.Result r = current().geocode(q);
        List<RegionRef> regions = r.match() == null ? null : lookup.chainAt(r.match().lon(), r.match().lat());
        return new GeocodeResult(q, r.match(), regions, r.reason(), r.candidates(), r.parsed());
    }

    public List<GeocodeResult> batch(List<String> queries) {
        if (queries == null || queries.isEmpty()) {
            throw ApiException.badRequest("send a JSON array of address strings");
        }
        if (queries.size() > MAX_BATCH) {
            throw ApiException.badRequest("at most " + MAX_BATCH + " addresses per batch, got " + queries.size());
        }
        List<GeocodeResult> out = new ArrayList<>(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            String q = queries.get(i);
            if (q == null || q.isBlank() || q.length() > MAX_QUERY) {
                out.add(new GeocodeResult(q, null, null, "item " + i + ": an address of 1 to " + MAX_QUERY + " characters is required", null, null));
            } else {
                out.add(geocode(q));
            }
        }
        return out;
    }

    public ReverseResult reverse(PointLookupService.Query q) {
        List<RegionRef> regions = lookup.chainAt(q.lon(), q.lat());
        try {
            AddressBase.Nearest n = addresses.nearest(q.lon(), q.lat(), REVERSE_MAX_METERS);
            if (n == null) {
                return new ReverseResult(q.lon(), q.lat(), null, regions, "no standard address within " + (int) REVERSE_MAX_METERS + " m");
            }
            return new ReverseResult(q.lon(), q.lat(), new ReverseResult.Address(n.address(), n.lon(), n.lat(), n.distanceMeters()), regions,
                    null);
        } catch (SQLException e) {
            throw new IllegalStateException("reverse geocoding failed: " + e.getMessage(), e);
        }
    }

    private Geocoder current() {
        Geocoder g = geocoder.get();
        if (g == null) {
            throw new ApiException(503, "the gazetteer is still loading");
        }
        return g;
    }
}
