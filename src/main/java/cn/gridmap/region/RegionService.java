package cn.gridmap.region;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import cn.gridmap.GridmapConfig;
import cn.gridmap.geo.BBox;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;

/** Reads of the region hierarchy (current generation). Validates input; owns the transactions. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class RegionService {
    private final EntityManager em;
    private final GridmapConfig config;

    public RegionService(EntityManager em, GridmapConfig config) {
        this.em = em;
        this.config = config;
    }

    public RegionRecord get(String code) {
        Region r = find(code);
        return toRecord(r, chain(r), descendantCounts(r));
    }

    public List<RegionRecord> children(String code) {
        find(code);
        @SuppressWarnings("unchecked")
        List<Region> rows = em.createNativeQuery(RegionSql.CHILDREN, Region.class).setParameter("code", code).getResultList();
        return rows.stream().map(r -> toRecord(r, null, null)).toList();
    }

    /** Regions whose code starts with, or whose name contains, {@code q}; exact matches first. */
    public List<RegionRecord> search(String q, int limit) {
        if (q == null || q.isBlank()) {
            throw ApiException.badRequest("q (a code or part of a name) is required");
        }
        if (limit < 1 || limit > 100) {
            throw ApiException.badRequest("limit must be between 1 and 100");
        }
        String t = q.trim();
        @SuppressWarnings("unchecked")
        List<Region> rows = em.createNativeQuery(RegionSql.SEARCH, Region.class).setParameter("prefix", t + "%")
                .setParameter("contains", "%" + t.replace("%", "").replace("_", "") + "%").setParameter("exact", t)
                .setParameter("limit", limit).getResultList();
        return rows.stream().map(r -> toRecord(r, chain(r), null)).toList();
    }

    /** The region as a GeoJSON Feature (text), simplified by {@code tolerance} degrees when positive. */
    public String feature(String code, Double tolerance) {
        double tol = tolerance(tolerance);
        List<?> rows = em.createNativeQuery(RegionSql.feature()).setParameter("code", code).setParameter("tol", tol)
                .getResultList();
        if (rows.isEmpty()) {
            throw notFound(code);
        }
        return (String) rows.get(0);
    }

    /**
     * Regions of one level as a GeoJSON FeatureCollection (text), optionally within a bbox and/or under a parent.
     * Requests matching more than {@code gridmap.api.max-features} regions get a 400 saying by how much.
     */
    public String collection(String levelName, String bboxText, String parent, Double tolerance) {
        Level level = level(levelName);
        BBox bbox = BBox.parse(bboxText);
        double tol = tolerance(tolerance);
        long matched = checkedCount(level, bbox, parent);
        Query q = bind(em.createNativeQuery(RegionSql.collection()), level, bbox, parent).setParameter("tol", tol)
                .setParameter("limit", config.api().maxFeatures());
        String features = (String) q.getSingleResult();
        return "{\"type\":\"FeatureCollection\",\"numberMatched\":" + matched + ",\"features\":" + features + "}";
    }

    /**
     * Label points of one level (JSON array of code, name, level, lon, lat), by bbox and/or parent, under the same
     * limit as {@link #collection}.
     */
    public String labels(String levelName, String bboxText, String parent) {
        Level level = level(levelName);
        BBox bbox = BBox.parse(bboxText);
        checkedCount(level, bbox, parent);
        return (String) bind(em.createNativeQuery(RegionSql.labels()), level, bbox, parent).setParameter("limit", config.api().maxFeatures())
                .getSingleResult();
    }

    private static Level level(String levelName) {
        Level level = Level.fromWire(levelName);
        if (level == null) {
            throw ApiException.badRequest("level must be one of " + Arrays.stream(Level.values()).map(Level::wireName).toList()
                    + ", got '" + levelName + "'");
        }
        return level;
    }

    /** How many regions match; 400 when more than {@code gridmap.api.max-features}. */
    private long checkedCount(Level level, BBox bbox, String parent) {
        Query count = bind(em.createNativeQuery(RegionSql.COLLECTION_COUNT), level, bbox, parent);
        long matched = ((Number) count.getSingleResult()).longValue();
        int max = config.api().maxFeatures();
        if (matched > max) {
            throw ApiException.badRequest("the request matches " + matched + " " + level.wireName()
                    + " regions, more than the limit of " + max + "; use a smaller bbox, a parent, or a coarser level");
        }
        return matched;
    }

    private static Query bind(Query q, Level level, BBox b, String parent) {
        return q.setParameter("level", level.wireName()).setParameter("bbox", b != null)
                .setParameter("minx", b == null ? 0.0 : b.minLon()).setParameter("miny", b == null ? 0.0 : b.minLat())
                .setParameter("maxx", b == null ? 0.0 : b.maxLon()).setParameter("maxy", b == null ? 0.0 : b.maxLat())
                .setParameter("parent", parent == null || parent.isBlank() ? null : parent.trim());
    }

    private double tolerance(Double tolerance) {
        if (tolerance == null) {
            return 0;
        }
        if (!Double.isFinite(tolerance) || tolerance < 0 || tolerance > config.api().maxTolerance()) {
            throw ApiException.badRequest("tolerance must be between 0 and " + config.api().maxTolerance()
                    + " degrees, got " + tolerance);
        }
        return tolerance;
    }

    /** The level of a current region; 400 for a malformed code, 404 for an unknown one. */
    /** A current region with its geometry (400/404 for a bad or unknown code). */
    public RegionShape shape(String code) {
        Region r = find(code);
        return new RegionShape(r.code, Level.fromWire(r.level), r.name, r.parentCode, r.geom);
    }

    /** The generation in force now (the newest active one); 0 before the city is loaded. */
    public int currentGeneration() {
        List<?> rows = em.createNativeQuery(RegionSql.CURRENT_GENERATION).getResultList();
        return rows.isEmpty() || rows.get(0) == null ? 0 : ((Number) rows.get(0)).intValue();
    }

    /** The code of the city (the top of the hierarchy); empty before the city is loaded. */
    public java.util.Optional<String> cityCode() {
        List<?> rows = em.createNativeQuery(RegionSql.CITY_CODE).getResultList();
        return rows.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of((String) rows.get(0));
    }

    /** The codes from the city down to {@code code} itself, from the region's path (400/404 for a bad or unknown code). */
    public List<String> lineage(String code) {
        return List.of(find(code).path.split("/"));
    }

    public Level levelOf(String code) {
        return Level.fromWire(find(code).level);
    }

    Region find(String code) {
        if (code == null || !code.matches("[0-9]{6,18}")) {
            throw ApiException.badRequest("a region code has 6 to 18 digits (city/district 6, street 9, community 12, "
                    + "grid 15, micro-grid 18), got '" + code + "'");
        }
        @SuppressWarnings("unchecked")
        List<Region> rows = em.createNativeQuery(RegionSql.BY_CODE, Region.class).setParameter("code", code).getResultList();
        if (rows.isEmpty()) {
            throw notFound(code);
        }
        return rows.get(0);
    }

    private static ApiException notFound(String code) {
        return ApiException.notFound("no region with code " + code);
    }

    private List<RegionRecord.RegionRef> chain(Region r) {
        List<String> codes = Arrays.asList(r.path.split("/"));
        List<String> ancestors = codes.subList(0, codes.size() - 1);
        if (ancestors.isEmpty()) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(RegionSql.REFS_BY_CODES).setParameter("codes", ancestors).getResultList();
        return rows.stream().map(o -> new RegionRecord.RegionRef((String) o[0], (String) o[1], (String) o[2])).toList();
    }

    private Map<String, Long> descendantCounts(Region r) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(RegionSql.DESCENDANT_COUNTS).setParameter("prefix", r.path + "/%")
                .getResultList();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Object[] o : rows) {
            counts.put((String) o[0], ((Number) o[1]).longValue());
        }
        return counts;
    }

    private static RegionRecord toRecord(Region r, List<RegionRecord.RegionRef> chain, Map<String, Long> counts) {
        return new RegionRecord(r.code, r.name, r.level, r.parentCode, chain, r.areaSqm == null ? 0 : r.areaSqm,
                r.derived, counts, r.properties);
    }
}
