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
        return get(code, null);
    }

    /** A region as it was in force on {@code asOf} (an ISO date or date-time; null: now). */
    public RegionRecord get(String code, String asOf) {
        Integer gen = generationAt(asOf);
        Region r = find(code, gen);
        return toRecord(r, chain(r, gen), descendantCounts(r, gen));
    }

    /**
     * The generation in force on {@code asOf} (ISO date, or date-time read in the city's time zone); null for now or
     * when that is the current one; 400 for anything else; 404 before the first generation.
     */
    public Integer generationAt(String asOf) {
        if (asOf == null || asOf.isBlank()) {
            return null;
        }
        java.time.LocalDate day = day(asOf);
        List<?> rows = em.createNativeQuery(RegionSql.GENERATION_AT).setParameter("day", day.toString()).getResultList();
        if (rows.isEmpty() || rows.get(0) == null) {
            throw ApiException.notFound("no generation was in force on " + day);
        }
        int g = ((Number) rows.get(0)).intValue();
        return g == currentGeneration() ? null : g;
    }

    /** An ISO date, or a date-time taken as its day in Asia/Shanghai. */
    public static java.time.LocalDate day(String asOf) {
        try {
            return java.time.LocalDate.parse(asOf.trim());
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(asOf.trim()).atZoneSameInstant(java.time.ZoneId.of("Asia/Shanghai")).toLocalDate();
            } catch (java.time.format.DateTimeParseException e2) {
                throw ApiException.badRequest("asOf must be an ISO date (2026-01-31) or date-time (2026-01-31T08:00:00+08:00), got '" + asOf + "'");
            }
        }
    }

    private static Query gen(Query q, Integer gen) {
        return gen == null ? q : q.setParameter("gen", gen);
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
        return feature(code, tolerance, null);
    }

    public String feature(String code, Double tolerance, String asOf) {
        double tol = tolerance(tolerance);
        Integer g = generationAt(asOf);
        List<?> rows = gen(em.createNativeQuery(RegionSql.at(RegionSql.feature(), g != null)), g).setParameter("code", code).setParameter("tol", tol)
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
        return collection(levelName, bboxText, parent, tolerance, null);
    }

    public String collection(String levelName, String bboxText, String parent, Double tolerance, String asOf) {
        return collection(levelName, bboxText, parent, null, tolerance, asOf);
    }

    /** {@code kind}: grids only, standard or exclusive (null: both). */
    public String collection(String levelName, String bboxText, String parent, String kind, Double tolerance, String asOf) {
        Level level = level(levelName);
        BBox bbox = BBox.parse(bboxText);
        double tol = tolerance(tolerance);
        Integer g = generationAt(asOf);
        String k = kind == null || kind.isBlank() ? null : kind.trim();
        if (k != null && (level != Level.GRID || !java.util.Set.of(RegionRecord.STANDARD, RegionRecord.EXCLUSIVE).contains(k))) {
            throw ApiException.badRequest(level != Level.GRID ? "kind filters grids only (level=grid), not " + level.wireName()
                    : "kind must be standard (综合网格) or exclusive (专属网格), got '" + kind + "'");
        }
        long matched = checkedCount(level, bbox, parent, k, g);
        Query q = gen(bind(em.createNativeQuery(RegionSql.at(RegionSql.collection(), g != null)), level, bbox, parent, k), g).setParameter("tol", tol)
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
        checkedCount(level, bbox, parent, null, null);
        return (String) bind(em.createNativeQuery(RegionSql.labels()), level, bbox, parent, null).setParameter("limit", config.api().maxFeatures())
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
    private long checkedCount(Level level, BBox bbox, String parent, String kind, Integer g) {
        Query count = gen(bind(em.createNativeQuery(RegionSql.at(RegionSql.COLLECTION_COUNT, g != null)), level, bbox, parent, kind), g);
        long matched = ((Number) count.getSingleResult()).longValue();
        int max = config.api().maxFeatures();
        if (matched > max) {
            throw ApiException.badRequest("the request matches " + matched + " " + level.wireName()
                    + " regions, more than the limit of " + max + "; use a smaller bbox, a parent, or a coarser level");
        }
        return matched;
    }

    private static Query bind(Query q, Level level, BBox b, String parent, String kind) {
        return q.setParameter("level", level.wireName()).setParameter("bbox", b != null)
                .setParameter("minx", b == null ? 0.0 : b.minLon()).setParameter("miny", b == null ? 0.0 : b.minLat())
                .setParameter("maxx", b == null ? 0.0 : b.maxLon()).setParameter("maxy", b == null ? 0.0 : b.maxLat())
                .setParameter("parent", parent == null || parent.isBlank() ? null : parent.trim()).setParameter("kind", kind);
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

    /** A current region with its geometry (400/404 for a bad or unknown code). */
    public RegionShape shape(String code) {
        Region r = find(code);
        return new RegionShape(r.code, Level.fromWire(r.level), r.name, r.parentCode, r.geom);
    }

    /** The generation in force on a day, read on a caller's connection (0 before the first). */
    public int generationAt(java.sql.Connection c, java.time.LocalDate day) throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(RegionSql.JDBC_GENERATION_AT)) {
            ps.setObject(1, day);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    /** The generation in force now, read on a caller's connection. */
    public int currentGeneration(java.sql.Connection c) throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(RegionSql.CURRENT_GENERATION); java.sql.ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    // ---- reads on a caller's connection, with geometry: a capability that holds a transaction (and a row lock)
    // reads regions without taking a second connection from the pool

    public List<RegionShape> shapes(java.sql.Connection c, java.util.Collection<String> codes) throws java.sql.SQLException {
        if (codes.isEmpty()) {
            return List.of();
        }
        try (java.sql.PreparedStatement ps = c.prepareStatement(RegionSql.JDBC_SHAPES_BY_CODES)) {
            ps.setArray(1, c.createArrayOf("text", codes.toArray()));
            return shapes(ps);
        }
    }

    public List<RegionShape> childShapes(java.sql.Connection c, String parent) throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(RegionSql.JDBC_SHAPES_CHILDREN)) {
            ps.setString(1, parent);
            return shapes(ps);
        }
    }

    /** The current child of {@code parent} nearest to a WGS84 point (the one containing it, if any), or null. */
    public String nearestChild(java.sql.Connection c, String parent, double lon, double lat) throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(RegionSql.JDBC_NEAREST_CHILD)) {
            ps.setString(1, parent);
            ps.setDouble(2, lon);
            ps.setDouble(3, lat);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    public List<RegionShape> shapesInBox(java.sql.Connection c, Level level, org.locationtech.jts.geom.Envelope box, int limit)
            throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(RegionSql.JDBC_SHAPES_IN_BOX)) {
            ps.setString(1, level.wireName());
            ps.setDouble(2, box.getMinX());
            ps.setDouble(3, box.getMinY());
            ps.setDouble(4, box.getMaxX());
            ps.setDouble(5, box.getMaxY());
            ps.setInt(6, limit);
            return shapes(ps);
        }
    }

    public java.util.Optional<String> highestChildCodeEver(java.sql.Connection c, String parent, Level childLevel) throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(RegionSql.JDBC_MAX_CODE_EVER)) {
            ps.setString(1, parent);
            ps.setInt(2, childLevel.codeLength());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.ofNullable(rs.getString(1)) : java.util.Optional.empty();
            }
        }
    }

    /** The codes from the city down to a current region (404 for an unknown one). */
    public List<String> lineage(java.sql.Connection c, String code) throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(RegionSql.JDBC_PATH)) {
            ps.setString(1, code);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw notFound(code);
                }
                return List.of(rs.getString(1).split("/"));
            }
        }
    }

    private static List<RegionShape> shapes(java.sql.PreparedStatement ps) throws java.sql.SQLException {
        org.locationtech.jts.io.WKBReader wkb = new org.locationtech.jts.io.WKBReader(cn.gridmap.geo.Geometries.STORAGE);
        List<RegionShape> out = new java.util.ArrayList<>();
        try (java.sql.ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new RegionShape(rs.getString(1), Level.fromWire(rs.getString(2)), rs.getString(3), rs.getString(4),
                        cn.gridmap.geo.Geometries.toMultiPolygon(wkb.read(rs.getBytes(5)), cn.gridmap.geo.Geometries.STORAGE)));
            }
        } catch (org.locationtech.jts.io.ParseException e) {
            throw new IllegalStateException("stored region geometry is not WKB: " + e.getMessage(), e);
        }
        return out;
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

    /** One version of a region: in force from one generation (and day) until another, or still. */
    public record Version(int generationLow, Integer generationHigh, String from, String until, String name, String parentCode, long areaSqm) {
    }

    /** One lineage row: a generation took area from one code to another (renumbered, split, merged, moved). */
    public record LineageLink(int generation, String effectiveFrom, String from, String to, String relation, Long areaSqm) {
    }

    /** A region over time: its versions and every lineage row that names it (404 for a code that never existed). */
    public record History(String code, List<Version> versions, List<LineageLink> lineage) {
    }

    public History history(String code) {
        if (code == null || !code.matches("\\d{6}|\\d{9}|\\d{12}|\\d{15}|\\d{18}")) {
            throw ApiException.badRequest("a region code is 6, 9, 12, 15 or 18 digits, got '" + code + "'");
        }
        List<Version> versions = new java.util.ArrayList<>();
        for (Object o : em.createNativeQuery(RegionSql.VERSIONS).setParameter("code", code).getResultList()) {
            Object[] r = (Object[]) o;
            versions.add(new Version(((Number) r[0]).intValue(), r[1] == null ? null : ((Number) r[1]).intValue(), (String) r[2], (String) r[3],
                    (String) r[4], (String) r[5], Math.round(((Number) r[6]).doubleValue())));
        }
        if (versions.isEmpty()) {
            throw ApiException.notFound("no region " + code + " in any generation");
        }
        List<LineageLink> links = new java.util.ArrayList<>();
        for (Object o : em.createNativeQuery(RegionSql.LINEAGE_OF_CODE).setParameter("code", code).getResultList()) {
            Object[] r = (Object[]) o;
            links.add(new LineageLink(((Number) r[0]).intValue(), (String) r[1], (String) r[2], (String) r[3], (String) r[4],
                    r[5] == null ? null : Math.round(((Number) r[5]).doubleValue())));
        }
        return new History(code, versions, links);
    }

    /** The regions of a level younger than the first load, and the day each first came into force (as-of history starts there). */
    public Map<String, java.time.LocalDate> firstDays(Level level) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(RegionSql.FIRST_DAYS).setParameter("level", level.wireName()).getResultList();
        Map<String, java.time.LocalDate> out = new java.util.HashMap<>();
        for (Object[] r : rows) {
            out.put((String) r[0], java.time.LocalDate.parse((String) r[1]));
        }
        return out;
    }

    /** A region's level and the district it lies in: its own code for a district, null for the city. */
    public record Placement(Level level, String district) {
    }

    /** Where a region sits, in one read (404 for an unknown code). */
    public Placement placement(String code) {
        Region r = find(code);
        String[] path = r.path.split("/");
        return new Placement(Level.fromWire(r.level), path.length > 1 ? path[1] : null);
    }

    /** Current districts whose outline comes within about a kilometre of the box (the element partitions to read). */
    @SuppressWarnings("unchecked")
    public List<String> districtsNear(cn.gridmap.geo.BBox b) {
        return em.createNativeQuery(RegionSql.DISTRICTS_NEAR).setParameter("minLon", b.minLon()).setParameter("minLat", b.minLat())
                .setParameter("maxLon", b.maxLon()).setParameter("maxLat", b.maxLat()).getResultList();
    }

    public Level levelOf(String code) {
        return Level.fromWire(find(code).level);
    }

    Region find(String code) {
        return find(code, null);
    }

    Region find(String code, Integer gen) {
        if (code == null || !code.matches("[0-9]{6,18}")) {
            throw ApiException.badRequest("a region code has 6 to 18 digits (city/district 6, street 9, community 12, "
                    + "grid 15, micro-grid 18), got '" + code + "'");
        }
        @SuppressWarnings("unchecked")
        List<Region> rows = gen(em.createNativeQuery(RegionSql.at(RegionSql.BY_CODE, gen != null), Region.class), gen).setParameter("code", code)
                .getResultList();
        if (rows.isEmpty()) {
            throw notFound(code);
        }
        return rows.get(0);
    }

    private static ApiException notFound(String code) {
        return ApiException.notFound("no region with code " + code);
    }

    private List<RegionRecord.RegionRef> chain(Region r) {
        return chain(r, null);
    }

    private List<RegionRecord.RegionRef> chain(Region r, Integer gen) {
        List<String> codes = Arrays.asList(r.path.split("/"));
        List<String> ancestors = codes.subList(0, codes.size() - 1);
        if (ancestors.isEmpty()) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = gen(em.createNativeQuery(RegionSql.at(RegionSql.REFS_BY_CODES, gen != null)), gen).setParameter("codes", ancestors)
                .getResultList();
        return rows.stream().map(o -> new RegionRecord.RegionRef((String) o[0], (String) o[1], (String) o[2])).toList();
    }

    private Map<String, Long> descendantCounts(Region r, Integer gen) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = gen(em.createNativeQuery(RegionSql.at(RegionSql.DESCENDANT_COUNTS, gen != null)), gen)
                .setParameter("prefix", r.path + "/%").getResultList();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Object[] o : rows) {
            counts.put((String) o[0], ((Number) o[1]).longValue());
        }
        return counts;
    }

    private static RegionRecord toRecord(Region r, List<RegionRecord.RegionRef> chain, Map<String, Long> counts) {
        return new RegionRecord(r.code, r.name, r.level, r.parentCode, chain, r.areaSqm == null ? 0 : r.areaSqm,
                r.derived, counts, r.properties, RegionRecord.kindOf(r.level, r.properties));
    }
}
