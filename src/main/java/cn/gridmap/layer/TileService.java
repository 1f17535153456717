package cn.gridmap.layer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import javax.sql.DataSource;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import cn.gridmap.GridmapConfig;
import cn.gridmap.geo.TileMath;
import cn.gridmap.notify.PgListener;
import cn.gridmap.region.Level;
import cn.gridmap.security.AreaScope;
import cn.gridmap.security.ScopedConnection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Renders vector tiles with PostGIS ({@code ST_AsMVT}) and keeps them in two bounded in-memory caches: each layer's
 * rendered MVT (the parts composites are made of), and every tile as it is sent, gzipped once when it is made (as
 * Martin keeps them), so a hit costs no compression; only the rare client that does not accept gzip gets it
 * inflated. When regions or elements change (a notice on {@code gridmap_tiles_changed} carries the changed extent),
 * only the cached tiles that intersect that extent are dropped, in both caches. A tile rendered while an
 * invalidation happened is served but not cached, so the caches never keep a tile older than the last change they
 * heard of.
 */
@ApplicationScoped
public class TileService {
    private static final Logger LOG = Logger.getLogger(TileService.class);
    static final String CHANNEL = "gridmap_tiles_changed";
    /** Web Mercator world width in metres. */
    private static final double WORLD = 40075016.685578488;

    private final DataSource dataSource;
    private final TileCatalog catalog;
    private final PgListener listener;
    private final Cache<String, Tile> cache;
    private final Cache<String, Sent> sent;
    private final AtomicLong epoch = new AtomicLong();
    private volatile double[] bounds;
    private volatile long appliedLsn;

    /** A rendered tile: its MVT bytes, its ETag, whether it came from the cache, and the time spent rendering it now. */
    public record Tile(byte[] bytes, String etag, boolean cached, long renderNanos) {
        boolean empty() {
            return bytes.length == 0;
        }

        Tile hit() {
            return new Tile(bytes, etag, true, 0);
        }
    }

    /**
     * A tile as it is sent: its gzip bytes (empty for an empty tile), the length of the MVT inside, its ETag, whether
     * it was made without SQL (every layer from the cache), and the time spent making it now (render and gzip).
     */
    public record Sent(byte[] gzip, int length, String etag, boolean cached, long renderNanos) {
        boolean empty() {
            return length == 0;
        }

        /** The MVT bytes, for a client that does not accept gzip. */
        byte[] inflated() {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
                return in.readNBytes(length);
            } catch (IOException e) {
                throw new IllegalStateException("a cached tile does not inflate: " + e.getMessage(), e);
            }
        }

        Sent hit() {
            return new Sent(gzip, length, etag, true, 0);
        }
    }

    public TileService(cn.gridmap.notify.ReplicaReads dataSource, TileCatalog catalog, PgListener listener, GridmapConfig config,
            MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.catalog = catalog;
        this.listener = listener;
        // half of the budget for the layers' MVT, half for the gzipped tiles as sent
        long half = (long) config.tiles().cacheMb() << 19;
        this.cache = Caffeine.newBuilder().maximumWeight(half).weigher((String k, Tile t) -> t.bytes().length + 64 + k.length())
                .recordStats().build();
        this.sent = Caffeine.newBuilder().maximumWeight(half).weigher((String k, Sent t) -> t.gzip().length + 64 + k.length())
                .recordStats().build();
        // cache_gets_total{cache, result=hit|miss}, cache_evictions_total, cache_size; and the bytes each cache holds
        CaffeineCacheMetrics.monitor(metrics, cache, "tiles_layers");
        CaffeineCacheMetrics.monitor(metrics, sent, "tiles_sent");
        Gauge.builder("gridmap.tiles.cache.bytes", cache, c -> c.policy().eviction().orElseThrow().weightedSize().orElse(0))
                .tag("cache", "tiles_layers").baseUnit("bytes").register(metrics);
        Gauge.builder("gridmap.tiles.cache.bytes", sent, c -> c.policy().eviction().orElseThrow().weightedSize().orElse(0))
                .tag("cache", "tiles_sent").baseUnit("bytes").register(metrics);
    }

    /**
     * The tile of these layers (one, or a composite) as it is sent: from the cache of sent tiles, or composed from
     * the layers' tiles (cached or rendered now) and gzipped once.
     */
    public Sent send(List<TileLayer> layers, int z, long x, long y, AreaScope scope) {
        StringBuilder k = new StringBuilder();
        for (TileLayer l : layers) {
            k.append(k.isEmpty() ? "" : ",").append(l.id());
        }
        k.append('/').append(z).append('/').append(x).append('/').append(y);
        String key = scoped(k, layers, scope);
        Sent hit = sent.getIfPresent(key);
        if (hit != null) {
            return hit.hit();
        }
        long seen = epoch.get();
        long t0 = System.nanoTime();
        Tile t = tile(layers, z, x, y, scope);
        Sent fresh = new Sent(t.empty() ? new byte[0] : gzip(t.bytes()), t.bytes().length, t.etag(), t.cached(), System.nanoTime() - t0);
        if (epoch.get() == seen) {
            sent.put(key, fresh);
        }
        return fresh;
    }

    /**
     * The cache key: element layers render only what the caller's area scope holds, so their tiles are cached per scope
     * ({@code key@scope}); region and basemap tiles are the same for everyone.
     */
    private static String scoped(CharSequence key, List<TileLayer> layers, AreaScope scope) {
        if (scope.all() || layers.stream().noneMatch(l -> l.kind() == TileLayer.Kind.ELEMENT)) {
            return key.toString();
        }
        return key + "@" + scope.setting();
    }

    /** gzip at the default level, as the HTTP layer would have done on every response. */
    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    void onStart(@Observes StartupEvent e) {
        listener.subscribe(CHANNEL, new PgListener.Subscriber() {
            @Override
            public void notified(String payload) {
                invalidate(payload);
            }

            @Override
            public void missed() {
                invalidateAll();
            }
        });
    }

    /** The tile, from the cache or rendered now. */
    public Tile tile(TileLayer layer, int z, long x, long y, AreaScope scope) {
        String key = scoped(layer.id() + "/" + z + "/" + x + "/" + y, List.of(layer), scope);
        Tile t = cache.getIfPresent(key);
        if (t != null) {
            return t.hit();
        }
        long seen = epoch.get();
        long t0 = System.nanoTime();
        byte[] raw = render(layer, z, x, y, scope);
        Tile fresh = new Tile(raw, etag(layer, raw), false, System.nanoTime() - t0);
        if (epoch.get() == seen) {
            cache.put(key, fresh);
        }
        return fresh;
    }

    /**
     * Several layers in one tile: MVT layers are repeated fields of the tile message, so the layers' tiles (each cached
     * on its own) concatenate into one valid tile that holds them all, in the order asked.
     */
    public Tile tile(List<TileLayer> layers, int z, long x, long y, AreaScope scope) {
        if (layers.size() == 1) {
            return tile(layers.get(0), z, x, y, scope);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CRC32 tags = new CRC32();
        boolean cached = true;
        long nanos = 0;
        for (TileLayer l : layers) {
            Tile t = tile(l, z, x, y, scope);
            out.writeBytes(t.bytes());
            tags.update(t.etag().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            cached &= t.cached();
            nanos += t.renderNanos();
        }
        byte[] bytes = out.toByteArray();
        return new Tile(bytes, "\"c-" + Long.toHexString(tags.getValue()) + "-" + Integer.toHexString(bytes.length) + "\"", cached, nanos);
    }

    /** Renders without the cache (what the benchmark compares with raw SQL), for the whole city. */
    byte[] render(TileLayer layer, int z, long x, long y) {
        return render(layer, z, x, y, AreaScope.CITY);
    }

    /**
     * Renders without the cache. Element layers keep to {@code scope} twice: in the query, and through the row-level
     * security policies of the transaction's scope.
     */
    byte[] render(TileLayer layer, int z, long x, long y, AreaScope scope) {
        String sql;
        Object[] params;
        List<Object> inside = new java.util.ArrayList<>();
        double tolerance = WORLD / (1L << z) / 4096;
        switch (layer.kind()) {
            case REGION -> {
                sql = TileSql.REGION;
                params = new Object[] {layer.id(), tolerance, layer.id()};
            }
            case OVERLAY -> {
                sql = TileSql.BEATS;
                params = new Object[] {layer.id(), tolerance};
            }
            case BASEMAP -> {
                sql = TileSql.BASEMAP;
                params = new Object[] {layer.id(), tolerance, layer.id().equals("water") ? new String[] {"water", "river", "canal"}
                        : new String[] {"land"}};
            }
            default -> {
                List<Object> p = new java.util.ArrayList<>();
                p.add(layer.id());
                if (z >= layer.pointZoom()) {
                    sql = TileSql.points(layer.id(), scope.condition("x", inside));
                    p.addAll(inside);
                } else {
                    Level level = countLevel(z);
                    sql = TileSql.counts(layer.id(), level, scope.condition("m", inside));
                    p.addAll(inside);
                    p.add(level.wireName());
                }
                params = p.toArray();
            }
        }
        try {
            if (layer.kind() != TileLayer.Kind.ELEMENT) { // region and basemap tables have no row-level security
                try (Connection c = dataSource.getConnection()) {
                    return query(c, sql, z, x, y, params);
                }
            }
            try (ScopedConnection sc = ScopedConnection.open(dataSource, scope)) {
                return query(sc.connection(), sql, z, x, y, params);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("tile " + layer.id() + "/" + z + "/" + x + "/" + y + " failed: " + e.getMessage(), e);
        }
    }

    private static byte[] query(Connection c, String sql, int z, long x, long y, Object[] params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (int k = 0; k < 2; k++) {
                ps.setInt(i++, z);
                ps.setInt(i++, (int) x);
                ps.setInt(i++, (int) y);
            }
            for (Object p : params) {
                if (p instanceof String[] a) {
                    ps.setArray(i++, c.createArrayOf("text", a));
                } else {
                    ps.setObject(i++, p);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                byte[] b = rs.getBytes(1);
                return b == null ? new byte[0] : b;
            }
        }
    }

    /** The regions whose counts an element layer shows at zoom z. */
    static Level countLevel(int z) {
        return z <= 9 ? Level.DISTRICT : z <= 11 ? Level.STREET : z <= 13 ? Level.COMMUNITY : Level.GRID;
    }

    /**
     * Handles a change notice {@code <what>:<minLon>,<minLat>,<maxLon>,<maxLat>} (or {@code <what>:*}). {@code what}
     * is {@code regions} (every region layer, and the element counts drawn at region points), {@code counts} (the
     * element counts only) or an element layer id (that layer at every zoom).
     */
    void invalidate(String payload) {
        int colon = payload == null ? -1 : payload.indexOf(':');
        if (colon < 0) {
            invalidateAll();
            return;
        }
        String what = payload.substring(0, colon);
        String area = payload.substring(colon + 1);
        double[] box;
        if (area.equals("*")) {
            box = new double[] {-180, -90, 180, 90};
        } else {
            String[] p = area.split(",");
            if (p.length != 4) {
                invalidateAll();
                return;
            }
            box = new double[4];
            for (int i = 0; i < 4; i++) {
                box[i] = Double.parseDouble(p[i]);
            }
        }
        Set<String> whole = new HashSet<>();
        boolean counts = what.equals("regions") || what.equals("counts");
        if (what.equals("regions")) {
            bounds = null;
            catalog.all().stream().filter(l -> l.kind() == TileLayer.Kind.REGION).forEach(l -> whole.add(l.id()));
        } else if (catalog.get(what) != null) {
            whole.add(what);
        }
        epoch.incrementAndGet();
        appliedLsn = listener.fence();
        int dropped = drop(cache, whole, counts, box) + drop(sent, whole, counts, box);
        LOG.debugf("tile cache: %s changed, %d tiles dropped", payload, dropped);
    }

    /** Drops the tiles of a cache whose key ({@code ids/z/x/y}, or {@code …@scope}) names an affected layer and whose area meets the box. */
    private int drop(Cache<String, ?> c, Set<String> whole, boolean counts, double[] box) {
        int dropped = 0;
        for (String key : List.copyOf(c.asMap().keySet())) {
            int at = key.indexOf('@'); // a scoped element tile: ids/z/x/y@scope
            String[] k = (at < 0 ? key : key.substring(0, at)).split("/");
            int z = Integer.parseInt(k[1]);
            boolean affected = false;
            for (String id : k[0].split(",")) {
                TileLayer l = catalog.get(id);
                affected |= whole.contains(id) || counts && l.kind() == TileLayer.Kind.ELEMENT && z < l.pointZoom();
            }
            if (affected && intersects(TileMath.bounds(z, Long.parseLong(k[2]), Long.parseLong(k[3])), box, z)) {
                c.invalidate(key);
                dropped++;
            }
        }
        return dropped;
    }

    /**
     * The tile cache's epoch: the primary's WAL position when the last change notice it applied arrived ({@code X/Y}; no
     * tile it serves predates a change committed before it). Replicas of one cluster that have heard the same notices
     * show nearby positions, each past that notice's commit.
     */
    public String epoch() {
        long l = Math.max(appliedLsn, listener.connectedLsn());
        return PgListener.lsnText(l);
    }

    void invalidateAll() {
        bounds = null;
        epoch.incrementAndGet();
        appliedLsn = listener.fence();
        cache.invalidateAll();
        sent.invalidateAll();
    }

    /** Tile bounds (grown by the 64/4096 buffer) against a change box. */
    private static boolean intersects(double[] tile, double[] box, int z) {
        double mx = (tile[2] - tile[0]) * 64 / 4096;
        double my = (tile[3] - tile[1]) * 64 / 4096;
        return tile[0] - mx <= box[2] && tile[2] + mx >= box[0] && tile[1] - my <= box[3] && tile[3] + my >= box[1];
    }

    /** The city's WGS84 bounds {minLon, minLat, maxLon, maxLat}, kept until a region change is heard of. */
    public double[] cityBounds() {
        double[] b = bounds;
        if (b != null) {
            return b.clone();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(TileSql.CITY_BOUNDS);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            b = new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)};
            bounds = b;
            return b.clone();
        } catch (SQLException e) {
            throw new IllegalStateException("city bounds: " + e.getMessage(), e);
        }
    }

    public long cachedTiles() {
        return cache.estimatedSize();
    }

    /** Tiles held as sent (gzip), and their bytes. */
    public long sentTiles() {
        return sent.estimatedSize();
    }

    public long sentBytes() {
        return sent.asMap().values().stream().mapToLong(t -> t.gzip().length).sum();
    }

    private static String etag(TileLayer layer, byte[] raw) {
        CRC32 crc = new CRC32();
        crc.update(raw);
        return "\"" + layer.id() + "-" + Long.toHexString(crc.getValue()) + "-" + Integer.toHexString(raw.length) + "\"";
    }
}
