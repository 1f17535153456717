package cn.gridmap.ingest;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

import com.fasterxml.jackson.annotation.JsonInclude;

import cn.gridmap.GridmapConfig;
import cn.gridmap.element.CopyWriter;
import cn.gridmap.element.ElementSql;
import cn.gridmap.geocode.GeocodeService;
import cn.gridmap.lookup.LiveGridIndex;
import cn.gridmap.security.AreaScope;
import cn.gridmap.security.Audit;
import cn.gridmap.security.Caller;
import cn.gridmap.security.Masking;
import cn.gridmap.security.PersonalDataProtector;
import cn.gridmap.security.Roles;
import cn.gridmap.web.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Bulk import of one element kind from CSV, GeoJSON or GeoPackage: every row is validated and placed
 * ({@link ImportRows}), valid rows are COPYed into a staging table, duplicates and unknown houses are found in SQL,
 * and the rows are upserted by external id — all in one transaction with the job's final status, so an import is
 * stored whole or not at all (a killed service or connection leaves nothing; re-running the same file changes
 * nothing). Rejected rows go to an error report (line, field, reason). Imports run one at a time.
 */
@ApplicationScoped
public class ImportService {
    private static final Logger LOG = Logger.getLogger(ImportService.class);
    static final double MIN_GEOCODE_SCORE = 0.6;
    /** How the message of an import that failed for a reason other than its input begins. */
    static final String INTERNAL = "internal error, nothing was stored: ";

    private final DataSource dataSource;
    private final LiveGridIndex index;
    private final GeocodeService geocoder;
    /** 12345 orders enter the events loop in the import's transaction. */
    private final cn.gridmap.event.LoopEntry loop;
    private final PersonalDataProtector protector;
    private final GridmapConfig config;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gridmap-import");
        t.setDaemon(true);
        return t;
    });
    private final Map<Long, Running> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService janitor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gridmap-import-janitor");
        t.setDaemon(true);
        return t;
    });

    private final MeterRegistry metrics;
    private final Audit audit;

    /**
     * Writes as the tables' owner (COPY is refused on tables with row-level security), so the importer's area scope is
     * checked here, row by row: a row outside it, or one that would change an element outside it, is a per-row error.
     */
    public ImportService(@io.quarkus.agroal.DataSource("owner") DataSource dataSource, LiveGridIndex index, GeocodeService geocoder,
            PersonalDataProtector protector, GridmapConfig config, MeterRegistry metrics, Audit audit, cn.gridmap.event.LoopEntry loop) {
        this.audit = audit;
        this.loop = loop;
        this.dataSource = dataSource;
        this.index = index;
        this.geocoder = geocoder;
        this.protector = protector;
        this.config = config;
        this.metrics = metrics;
    }

    /** gridmap_import_rows_total{kind, outcome=stored|rejected} and gridmap_imports_total{kind, status}: kinds, never values. */
    private void count(ImportKind kind, String status, long stored, long rejected) {
        metrics.counter("gridmap.imports", "kind", kind.wire, "status", status).increment();
        metrics.counter("gridmap.import.rows", "kind", kind.wire, "outcome", "stored").increment(stored);
        metrics.counter("gridmap.import.rows", "kind", kind.wire, "outcome", "rejected").increment(rejected);
    }

    /** The state of an import as the API shows it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ImportStatus(long id, String kind, String source, String status, long rowsRead, long rowsStored, long rowsFailed,
            Double percent, String phase, String message, List<ImportRows.RowError> errors, String errorsUrl) {
    }

    private static final class Running {
        final Progress progress;
        final Path file;
        volatile Future<?> future;
        volatile long rowsRead;
        volatile long rowsFailed;

        Running(Progress progress, Path file) {
            this.progress = progress;
            this.file = file;
        }
    }

    /**
     * Jobs left 'running' by a service that died mid-import stored nothing: say so. Then clean the work folder now
     * and every hour.
     */
    void onStart(@Observes StartupEvent e) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            int n = s.executeUpdate("UPDATE import_job SET status = 'aborted', finished_at = now(), message = "
                    + "'the service stopped during the import; nothing of it was stored' WHERE status = 'running'");
            if (n > 0) {
                LOG.warnf("%d import(s) were interrupted by a stop; nothing of them was stored", n);
            }
        }
        janitor.scheduleWithFixedDelay(() -> {
            try {
                cleanWorkDir(Instant.now());
            } catch (IOException | RuntimeException x) {
                LOG.warnf("import work folder not cleaned: %s", x.getMessage());
            }
        }, 0, 1, TimeUnit.HOURS);
    }

    void onStop(@Observes ShutdownEvent e) {
        worker.shutdownNow();
        janitor.shutdownNow();
    }

    /**
     * Deletes error reports older than the retention, and uploads older than a day that no running import reads (a
     * stopped service leaves its upload behind). Returns how many files went.
     */
    int cleanWorkDir(Instant now) throws IOException {
        Instant reports = now.minus(config.elements().reportRetention());
        Instant uploads = now.minus(Duration.ofDays(1));
        int deleted = 0;
        try (var files = Files.list(workDir())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                Instant modified;
                try {
                    modified = Files.getLastModifiedTime(p).toInstant();
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue; // an import that just ended removed its upload
                }
                boolean old = name.startsWith("import-") && name.endsWith(".errors.csv") && modified.isBefore(reports)
                        || name.startsWith("upload-") && modified.isBefore(uploads) && running.values().stream().noneMatch(r -> p.equals(r.file));
                if (old && Files.deleteIfExists(p)) {
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            LOG.infof("import work folder: %d old file(s) deleted", deleted);
        }
        return deleted;
    }

    public Path workDir() throws IOException {
        Path dir = config.elements().workDir().map(Path::of).orElse(Path.of(System.getProperty("java.io.tmpdir"), "gridmap-imports"));
        Files.createDirectories(dir);
        return dir;
    }

    /** Registers a job for an uploaded file (already written to {@code file}) and starts it. */
    public ImportStatus start(Caller caller, Path file, String kindParam, String formatParam, String fileName, String crs)
            throws SQLException {
        ImportKind kind;
        String format;
        try {
            kind = ImportKind.of(kindParam, fileName);
            format = ImportReader.formatOf(formatParam, fileName);
            if (crs != null && !crs.isBlank()) {
                cn.gridmap.geo.InputCrs.parse(crs);
            }
        } catch (RuntimeException e) {
            deleteQuietly(file);
            throw e;
        }
        long id;
        try (Connection c = dataSource.getConnection()) {
            id = ImportJobs.start(c, kind.wire, fileName == null || fileName.isBlank() ? "upload" : fileName, caller.name());
        }
        Running run = new Running(new Progress("import " + id + " (" + kind.wire + ")"), file);
        running.put(id, run);
        String defaultCrs = crs == null || crs.isBlank() ? "4326" : crs;
        run.future = worker.submit(() -> execute(id, kind, format, file, defaultCrs, run, caller));
        return status(caller, id);
    }

    /** Blocks until the job has ended. */
    public ImportStatus await(Caller caller, long id) throws Exception {
        Running r = running.get(id);
        if (r != null && r.future != null) {
            try {
                r.future.get();
            } catch (java.util.concurrent.ExecutionException e) {
                // the job's status says what went wrong
            }
        }
        return status(caller, id);
    }

    /** A job's state: for the principal who started it and for city-wide admins; 404 for anyone else. */
    public ImportStatus status(Caller caller, long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT kind, source, status, rows_read, rows_stored, rows_failed, message, started_by "
                     + "FROM import_job WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !(caller.name().equals(rs.getString(8)) || caller.scope().all() && caller.principal().has(Roles.ADMIN))) {
                    throw ApiException.notFound("no import " + id);
                }
                Running r = running.get(id);
                String status = rs.getString(3);
                boolean live = r != null && "running".equals(status);
                Double percent = live ? (r.progress.expected() > 0 ? Math.min(100.0, Math.round(1000.0 * r.progress.done() / r.progress.expected()) / 10.0)
                        : 0.0) : "running".equals(status) ? null : 100.0;
                List<ImportRows.RowError> first = firstErrors(id);
                return new ImportStatus(id, rs.getString(1), rs.getString(2), status, live ? r.rowsRead : rs.getLong(4),
                        rs.getLong(5), live ? r.rowsFailed : rs.getLong(6), percent, live ? r.progress.phase() : null, rs.getString(7),
                        first.isEmpty() ? null : first, first.isEmpty() ? null : "/api/import/" + id + "/errors");
            }
        }
    }

    /** How long error reports are kept. */
    public Duration reportRetention() {
        return config.elements().reportRetention();
    }

    /** The error report (CSV: line,field,reason), or null when there is none. */
    public Path errorReport(long id) throws IOException {
        Path p = workDir().resolve("import-" + id + ".errors.csv");
        return Files.exists(p) ? p : null;
    }

    private List<ImportRows.RowError> firstErrors(long id) {
        try {
            Path p = errorReport(id);
            if (p == null) {
                return List.of();
            }
            List<ImportRows.RowError> out = new ArrayList<>();
            try (var lines = Files.lines(p, StandardCharsets.UTF_8)) {
                lines.skip(1).limit(20).forEach(l -> {
                    String[] f = l.split(",", 3);
                    out.add(new ImportRows.RowError(Long.parseLong(f[0]), f[1], f[2].startsWith("\"") ? f[2].substring(1, f[2].length() - 1)
                            .replace("\"\"", "\"") : f[2]));
                });
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private void execute(long id, ImportKind kind, String format, Path file, String defaultCrs, Running run, Caller caller) {
        Progress progress = run.progress;
        Path report;
        try {
            report = workDir().resolve("import-" + id + ".errors.csv");
        } catch (IOException e) {
            fail(id, kind, "cannot write the error report: " + e.getMessage(), run);
            return;
        }
        try (Connection c = dataSource.getConnection();
             BufferedWriter errors = Files.newBufferedWriter(report, StandardCharsets.UTF_8)) {
            errors.write("line,field,reason\n");
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET application_name = 'gridmap-import-" + id + "'");
                s.execute("CREATE TEMP TABLE stage ON COMMIT DROP AS SELECT " + kind.columns + " FROM " + kind.table + " WITH NO DATA");
                s.execute("ALTER TABLE stage ADD COLUMN line BIGINT" + (kind == ImportKind.PEOPLE
                        ? ", ADD COLUMN house_ext TEXT, ADD COLUMN house_address TEXT, ADD COLUMN house_id BIGINT, "
                                + "ADD COLUMN district_code TEXT COLLATE \"C\", ADD COLUMN microgrid_code TEXT COLLATE \"C\"" : ""));
            }
            ImportRows rows = new ImportRows(kind, index.current(), geocoder, protector, classes(c, "component_class"),
                    classes(c, "event_class"), defaultCrs, MIN_GEOCODE_SCORE);
            ImportReader reader = new ImportReader();
            progress.expect(Files.size(file));
            progress.phase("reading and placing rows");
            long[] failed = {0};
            String copy = "COPY stage (line, " + kind.columns + (kind == ImportKind.PEOPLE ? ", house_ext, house_address" : "")
                    + ") FROM STDIN (FORMAT csv)";
            try (CopyWriter w = new CopyWriter(c.unwrap(PGConnection.class).getCopyAPI(), copy)) {
                CopyWriter.Rows scratch = new CopyWriter.Rows();
                long[] lastBytes = {0};
                reader.read(file, format, row -> {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException("the service is stopping");
                    }
                    run.rowsRead++;
                    scratch.clear();
                    List<ImportRows.RowError> problems = rows.map(row, scratch);
                    if (problems.isEmpty()) {
                        w.add(scratch);
                    } else {
                        failed[0]++;
                        run.rowsFailed = failed[0];
                        for (ImportRows.RowError e : problems) {
                            errors.write(e.line() + "," + csv(e.field()) + "," + csv(Masking.text(e.reason())) + "\n");
                        }
                    }
                    long b = reader.bytesRead.get();
                    progress.tick(b - lastBytes[0]);
                    lastBytes[0] = b;
                });
                w.finish();
            }
            long[] t = new long[4];
            t[0] = System.nanoTime();
            progress.phase("checking duplicates and references");
            lock(c, kind);
            failed[0] += sqlChecks(c, kind, errors);
            failed[0] += scopeChecks(c, kind, caller.scope(), errors);
            t[1] = System.nanoTime();
            progress.phase("storing");
            String oldExtent = noteOldPlaces(c, kind);
            long stored = upsert(c, kind, id);
            if (kind == ImportKind.HOTLINE) {
                progress.phase("routing the orders into the loop");
                loop.enter(c, id, caller);
            }
            t[2] = System.nanoTime();
            progress.phase("statistics");
            refreshStats(c, kind);
            announce(c, kind, oldExtent);
            t[3] = System.nanoTime();
            ImportJobs.finish(c, id, "committed", run.rowsRead, stored, failed[0], null);
            audit.record(c, caller, "import", "import:" + id, List.of(), null, "ok",
                    kind.wire + ": " + run.rowsRead + " read, " + stored + " stored, " + failed[0] + " rejected");
            errors.close();
            sortByLine(report);
            c.commit();
            count(kind, "committed", stored, failed[0]);
            LOG.infof("import %d (%s): %,d rows read, %,d stored, %,d rejected in %.1f s (SQL checks %.1f s, upsert %.1f s, statistics %.1f s)",
                    id, kind.wire, run.rowsRead, stored, failed[0], progress.seconds(), (t[1] - t[0]) / 1e9, (t[2] - t[1]) / 1e9,
                    (t[3] - t[2]) / 1e9);
        } catch (ApiException e) {
            fail(id, kind, e.getMessage(), run);
        } catch (Exception e) {
            LOG.errorf("import %d failed: %s", id, Masking.text(String.valueOf(e.getMessage())));
            fail(id, kind, INTERNAL + Masking.text(String.valueOf(e.getMessage())), run);
        } finally {
            running.remove(id);
            deleteQuietly(file);
        }
    }

    /** The report in input order (rows judged in SQL were appended after those judged while reading). */
    private static void sortByLine(Path report) throws IOException {
        List<String> lines = Files.readAllLines(report, StandardCharsets.UTF_8);
        if (lines.size() > 2) {
            List<String> body = new ArrayList<>(lines.subList(1, lines.size()));
            body.sort(java.util.Comparator.comparingLong(l -> Long.parseLong(l.substring(0, l.indexOf(',')))));
            body.add(0, lines.get(0));
            Files.write(report, body, StandardCharsets.UTF_8);
        }
    }

    /** Rows the database must judge: repeated external ids in the file, unknown houses, codes owned by another element. */
    private static long sqlChecks(Connection c, ImportKind kind, BufferedWriter errors) throws SQLException, IOException {
        long n = 0;
        n += reject(c, errors, "external_id", "DELETE FROM stage s USING stage t WHERE s.external_id = t.external_id AND s.line > t.line "
                + "RETURNING s.line, 'repeats external_id ' || s.external_id || ' of line ' || t.line");
        switch (kind) {
            case PEOPLE -> {
                try (Statement s = c.createStatement()) {
                    s.execute("UPDATE stage s SET house_id = h.id, district_code = h.district_code, microgrid_code = h.microgrid_code "
                            + "FROM house h WHERE s.house_ext IS NOT NULL AND h.external_id = s.house_ext");
                    s.execute("UPDATE stage s SET house_id = h.id, district_code = h.district_code, microgrid_code = h.microgrid_code "
                            + "FROM house h WHERE s.house_ext IS NULL AND h.address = s.house_address");
                }
                n += reject(c, errors, "house", "DELETE FROM stage WHERE house_id IS NULL RETURNING line, CASE WHEN house_ext IS NOT NULL "
                        + "THEN 'no house with external_id ' || house_ext ELSE 'no house at ' || house_address END");
            }
            case ORGANIZATIONS -> {
                n += reject(c, errors, "credit_code", "DELETE FROM stage s USING stage t WHERE s.credit_code = t.credit_code AND s.line > t.line "
                        + "RETURNING s.line, 'repeats the credit code of line ' || t.line");
                n += reject(c, errors, "credit_code", "DELETE FROM stage s USING organization o WHERE o.credit_code = s.credit_code "
                        + "AND o.external_id <> s.external_id RETURNING s.line, 'belongs to organization ' || o.external_id");
            }
            case COMPONENTS -> {
                try (Statement s = c.createStatement()) {
                    s.execute("UPDATE stage s SET code = k.code FROM component k WHERE s.code IS NULL AND k.external_id = s.external_id");
                    s.execute("""
                            WITH need AS (SELECT line, district_code, class_code,
                                                 row_number() OVER (PARTITION BY district_code, class_code ORDER BY line) rn
                                          FROM stage WHERE code IS NULL),
                                 top AS (SELECT left(code, 6) d, substr(code, 7, 4) k, max(right(code, 6)::int) m
                                         FROM (SELECT code FROM component UNION ALL SELECT code FROM stage WHERE code IS NOT NULL) x
                                         GROUP BY 1, 2)
                            UPDATE stage s SET code = n.district_code || n.class_code || lpad((COALESCE(t.m, 0) + n.rn)::text, 6, '0')
                            FROM need n LEFT JOIN top t ON t.d = n.district_code AND t.k = n.class_code WHERE s.line = n.line""");
                }
                n += reject(c, errors, "code", "DELETE FROM stage s USING stage t WHERE s.code = t.code AND s.line > t.line "
                        + "RETURNING s.line, 'repeats the component code of line ' || t.line");
                n += reject(c, errors, "code", "DELETE FROM stage s USING component k WHERE k.code = s.code AND k.external_id <> s.external_id "
                        + "RETURNING s.line, 'belongs to component ' || k.external_id");
            }
            default -> {
            }
        }
        return n;
    }

    /**
     * Rows outside the importer's area scope, and rows that would change an element now outside it (moving another
     * grid's person into yours is a change of that grid too).
     */
    private static long scopeChecks(Connection c, ImportKind kind, AreaScope scope, BufferedWriter errors) throws SQLException, IOException {
        if (scope.all()) {
            return 0;
        }
        long n = 0;
        List<Object> values = new ArrayList<>();
        String inside = scope.condition("s", values);
        n += reject(c, errors, "location", "DELETE FROM stage s WHERE NOT " + inside
                + " RETURNING s.line, 'lies in micro-grid ' || s.microgrid_code || ', outside your area scope'", values);
        values.clear();
        String stays = scope.condition("t", values);
        n += reject(c, errors, "external_id", "DELETE FROM stage s USING " + kind.table + " t WHERE t.external_id = s.external_id AND NOT "
                + stays + " RETURNING s.line, 'changes ' || s.external_id || ', an element outside your area scope'", values);
        return n;
    }

    private static long reject(Connection c, BufferedWriter errors, String field, String sql, List<Object> values)
            throws SQLException, IOException {
        long n = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                ps.setObject(i + 1, values.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    errors.write(rs.getLong(1) + "," + field + "," + csv(rs.getString(2)) + "\n");
                    n++;
                }
            }
        }
        return n;
    }

    private static long reject(Connection c, BufferedWriter errors, String field, String sql) throws SQLException, IOException {
        return reject(c, errors, field, sql, List.of());
    }

    /**
     * Inserts new and updates known elements (by external id); @return rows written. The element tables are
     * partitioned by district with their keys on the partitions (V20), so there is no city-wide unique index for an
     * ON CONFLICT: known elements now placed in another district move first, then the other known ones are updated,
     * then the new ones inserted, under the table's import lock ({@link #lock}) so that no other import adds the same
     * id. A move is a delete and an insert of the whole row (same id, every column kept) by gridmap_move_district, not
     * an UPDATE of its district: a district's partition may be a foreign table on another server (README, District
     * partitions), and PostgreSQL neither moves a row out of a foreign partition (postgres_fdw updates it in place,
     * outside its partition's values) nor into one that the same UPDATE may also update.
     */
    static long upsert(Connection c, ImportKind kind, long job) throws SQLException {
        String cols = kind.columns + (kind == ImportKind.PEOPLE ? ", house_id, district_code, microgrid_code" : "");
        StringBuilder set = new StringBuilder();
        for (String col : cols.split(",\\s*")) {
            if (!col.equals("external_id")) {
                set.append(col).append(" = s.").append(col).append(", ");
            }
        }
        String update = "UPDATE " + kind.table + " t SET " + set + "derived = FALSE, import_id = ? FROM stage s WHERE t.external_id = s.external_id";
        String insert = "INSERT INTO " + kind.table + " (id, " + cols + ", derived, import_id) SELECT nextval('element_seq'), " + cols
                + ", FALSE, ? FROM stage s WHERE NOT EXISTS (SELECT 1 FROM " + kind.table + " t WHERE t.external_id = s.external_id) ORDER BY line";
        // (gridmap_move_district, V21: the row whole, with its id; the update below then writes what the import carries)
        String move = "SELECT gridmap_move_district('" + kind.table + "', t.id, s.district_code) FROM " + kind.table + " t "
                + "JOIN stage s ON s.external_id = t.external_id WHERE t.district_code IS DISTINCT FROM s.district_code";
        try (Statement st = c.createStatement()) {
            st.execute(move);
        }
        long n = 0;
        for (String sql : List.of(update, insert)) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, job);
                n += ps.executeUpdate();
            }
        }
        return n;
    }

    /**
     * Imports into one element table take turns from their checks to their commit: external ids, component codes and
     * credit codes are unique city-wide by these checks (the partitions' keys hold within a district).
     */
    private static void lock(Connection c, ImportKind kind) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            ps.setString(1, "gridmap-import-" + kind.table);
            ps.execute();
        }
    }

    /**
     * Before the upsert, in one pass over the rows about to be updated: the micro-grids they leave (their counts go
     * down) and, for kinds with points, the extent they leave (its tiles are redrawn).
     */
    private static String noteOldPlaces(Connection c, ImportKind kind) throws SQLException {
        boolean points = kind != ImportKind.PEOPLE;
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE leaving ON COMMIT DROP AS SELECT t.microgrid_code" + (points ? ", t.geom" : "") + " FROM "
                    + kind.table + " t JOIN stage s ON s.external_id = t.external_id");
            s.execute("CREATE TEMP TABLE touched ON COMMIT DROP AS SELECT DISTINCT microgrid_code AS code FROM leaving");
        }
        return points ? extent(c, "SELECT ST_Extent(geom) FROM leaving") : null;
    }

    /** After the upsert: recomputes the statistics this kind feeds for the micro-grids left and entered. */
    private static void refreshStats(Connection c, ImportKind kind) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO touched SELECT DISTINCT microgrid_code FROM stage");
            ElementSql.refreshStats(c, "touched", kind.table);
        }
    }

    /**
     * Tells every replica's tile cache what changed (delivered at commit): the element layer over the old and new
     * points, and the element counts over the districts whose micro-grids were touched.
     */
    private static void announce(Connection c, ImportKind kind, String oldExtent) throws SQLException {
        List<String> notices = new ArrayList<>();
        if (kind != ImportKind.PEOPLE) {
            String fresh = extent(c, "SELECT ST_Extent(geom) FROM stage");
            String both = union(oldExtent, fresh);
            if (both != null) {
                notices.add((kind == ImportKind.HOTLINE ? ImportKind.EVENTS.wire : kind.wire) + ":" + both); // the tile layer's name
            }
            String districts = extent(c, "SELECT ST_Extent(r.geom) FROM region r WHERE r.level = 'district' AND r.generation_high IS NULL "
                    + "AND r.code IN (SELECT DISTINCT m.district_code FROM microgrid_stats m JOIN touched t ON t.code = m.microgrid_code)");
            if (districts != null) {
                notices.add("counts:" + districts);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify('gridmap_tiles_changed', ?)")) {
            for (String n : notices) {
                ps.setString(1, n);
                ps.executeQuery().close();
            }
        }
    }

    /** The union of two "minLon,minLat,maxLon,maxLat" boxes (either may be null). */
    static String union(String a, String b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        String[] p = a.split(",");
        String[] q = b.split(",");
        double[] u = new double[4];
        for (int i = 0; i < 4; i++) {
            double x = Double.parseDouble(p[i]);
            double y = Double.parseDouble(q[i]);
            u[i] = i < 2 ? Math.min(x, y) : Math.max(x, y);
        }
        return u[0] + "," + u[1] + "," + u[2] + "," + u[3];
    }

    /** An extent query's box as "minLon,minLat,maxLon,maxLat", or null when empty. */
    private static String extent(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT ST_XMin(b) || ',' || ST_YMin(b) || ',' || ST_XMax(b) "
                + "|| ',' || ST_YMax(b) FROM (" + sql + ") x(b)")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static Map<String, String> classes(Connection c, String table) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT code, name FROM " + table)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private void fail(long id, ImportKind kind, String message, Running run) {
        count(kind, "failed", 0, run.rowsFailed);
        try (Connection c = dataSource.getConnection()) {
            ImportJobs.finish(c, id, "failed", run.rowsRead, 0, run.rowsFailed, message);
        } catch (SQLException e) {
            LOG.errorf("could not record the failure of import %d: %s", id, e.getMessage());
        }
    }

    private static String csv(String s) {
        if (s == null) {
            return "";
        }
        return s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debugf("could not delete %s", p);
        }
    }
}
