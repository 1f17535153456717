package cn.gridmap.synthetic;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.sql.DataSource;

import org.jboss.logging.Logger;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKBReader;
import org.locationtech.jts.io.WKBWriter;
import org.locationtech.jts.operation.overlayng.OverlayNG;
import org.locationtech.jts.operation.overlayng.OverlayNGRobust;
import org.locationtech.jts.triangulate.VoronoiDiagramBuilder;

import cn.gridmap.GridmapConfig;
import cn.gridmap.geo.Geometries;
import cn.gridmap.geo.LocalPlane;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The synthetic city's police (警网融合), derived with a fixed seed: a station (派出所) per street, and inside each street
 * beats (警务区) of about eight grids — k-means of the grids' points, Voronoi cells of the centres clipped to the street
 * — so that beats and grids meet N:M as they do in practice (Nanjing 秦淮: 1,250 grids on 158 beats). Each beat has an
 * officer (社区民警: a liaison user "jw.&lt;beat&gt;", police duty in every grid the beat covers). Runs once, after the staff.
 */
@ApplicationScoped
public class SyntheticBeats {
    private static final Logger LOG = Logger.getLogger(SyntheticBeats.class);
    private static final long LOCK = 0x6772_6964_6265_6174L; // "gridbeat"
    /** Grids per beat (秦淮: 1,250 / 158). */
    static final double GRIDS_PER_BEAT = 8;

    private final DataSource owner;
    private final GridmapConfig config;

    public SyntheticBeats(@io.quarkus.agroal.DataSource("owner") DataSource owner, GridmapConfig config) {
        this.owner = owner;
        this.config = config;
    }

    void onStart(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 755) StartupEvent e) throws SQLException {
        if (config.city().loadOnStart()) {
            loadIfEmpty();
        }
    }

    private record Street(String code, String name, String district, Geometry geom, List<double[]> grids) {
    }

    /** @return the beats written, 0 when they were there */
    public int loadIfEmpty() throws SQLException {
        try (Connection c = owner.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
                    try (ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM police_beat) OR NOT EXISTS (SELECT 1 FROM region "
                            + "WHERE level = 'grid' AND generation_high IS NULL)")) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            c.rollback();
                            return 0;
                        }
                    }
                }
                long t0 = System.nanoTime();
                int n = write(c, streets(c));
                c.commit();
                LOG.infof("synthetic police: %d beats in their streets' stations, with their officers (%.1f s)", n, (System.nanoTime() - t0) / 1e9);
                return n;
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            }
        }
    }

    private static List<Street> streets(Connection c) throws SQLException {
        Map<String, Street> out = new LinkedHashMap<>();
        WKBReader wkb = new WKBReader(Geometries.STORAGE);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT code, name, parent_code, ST_AsBinary(geom) FROM region "
                + "WHERE level = 'street' AND generation_high IS NULL ORDER BY code")) {
            while (rs.next()) {
                out.put(rs.getString(1), new Street(rs.getString(1), rs.getString(2), rs.getString(3), wkb.read(rs.getBytes(4)), new ArrayList<>()));
            }
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT left(path_street, 9), ST_X(p), ST_Y(p) FROM (SELECT "
                + "split_part(path, '/', 3) AS path_street, ST_PointOnSurface(geom) AS p, code FROM region WHERE level = 'grid' "
                + "AND generation_high IS NULL) g ORDER BY code")) {
            while (rs.next()) {
                Street st = out.get(rs.getString(1));
                if (st != null) {
                    st.grids().add(new double[] {rs.getDouble(2), rs.getDouble(3)});
                }
            }
        }
        return List.copyOf(out.values());
    }

    private int write(Connection c, List<Street> streets) throws SQLException {
        Random rnd = new Random(config.city().seed() ^ 0x6265_6174L);
        WKBWriter wkb = new WKBWriter();
        int beats = 0;
        try (PreparedStatement st = c.prepareStatement("INSERT INTO police_station (code, name, district_code, derived) VALUES (?, ?, ?, true)");
                PreparedStatement bt = c.prepareStatement("INSERT INTO police_beat (code, name, station_code, officer, district_code, geom, derived) "
                        + "VALUES (?, ?, ?, ?, ?, ST_Multi(ST_GeomFromWKB(?, 4326)), true)");
                PreparedStatement us = c.prepareStatement("INSERT INTO app_user (username, display_name, password_hash, roles, scope, pii, enabled, "
                        + "created_by, derived) VALUES (?, ?, ?, '{liaison}', '{}', false, true, 'synthetic', true)")) {
            for (Street s : streets) {
                if (s.grids().isEmpty()) {
                    continue;
                }
                String station = s.name().replaceAll("(街道|镇|乡)$", "") + "派出所";
                st.setString(1, s.code());
                st.setString(2, station);
                st.setString(3, s.district());
                st.addBatch();
                List<Geometry> cells = cells(s, rnd);
                for (int i = 0; i < cells.size(); i++) {
                    String code = String.format("%s-%02d", s.code(), i + 1);
                    String officer = "jw." + code;
                    bt.setString(1, code);
                    bt.setString(2, station + "第" + (i + 1) + "警务区");
                    bt.setString(3, s.code());
                    bt.setString(4, officer);
                    bt.setString(5, s.district());
                    bt.setBytes(6, wkb.write(cells.get(i)));
                    bt.addBatch();
                    us.setString(1, officer);
                    us.setString(2, SyntheticNames.person(rnd, rnd.nextInt(4) != 0));
                    us.setString(3, cn.gridmap.security.Accounts.NO_PASSWORD);
                    us.addBatch();
                    beats++;
                }
            }
            st.executeBatch();
            bt.executeBatch();
            us.executeBatch();
        }
        // the officers' scope and police duty: every grid their beat covers (at least 1 % of its area)
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE beat_grid ON COMMIT DROP AS SELECT b.code AS beat, b.officer, g.code AS grid FROM police_beat b "
                    + "JOIN region g ON g.level = 'grid' AND g.generation_high IS NULL AND g.geom && b.geom AND ST_Intersects(g.geom, b.geom) "
                    + "WHERE ST_Area(ST_Intersection(g.geom, b.geom)::geography) >= 0.01 * g.area_sqm");
            s.execute("UPDATE app_user u SET scope = x.grids FROM (SELECT officer, array_agg(grid ORDER BY grid) AS grids FROM beat_grid GROUP BY officer) x "
                    + "WHERE u.username = x.officer");
            s.execute("INSERT INTO staff_assignment (username, duty, region_code, derived) SELECT officer, 'police', grid, true FROM beat_grid "
                    + "ON CONFLICT DO NOTHING");
        }
        return beats;
    }

    /** The street's beats: Voronoi cells of k-means centres of its grids' points, clipped to the street, north to south. */
    private static List<Geometry> cells(Street s, Random rnd) {
        int k = Math.max(1, (int) Math.round(s.grids().size() / GRIDS_PER_BEAT));
        if (k == 1) {
            return List.of(Geometries.toMultiPolygon(s.geom(), Geometries.STORAGE));
        }
        // the generator's own k-means, in the city's plane (metres), the centres back in WGS84
        double[][] centres = HierarchyGenerator.kMeans(s.grids().stream().map(LocalPlane::forward).toList(), k, rnd);
        List<Coordinate> sites = new ArrayList<>();
        for (double[] p : centres) {
            double[] ll = LocalPlane.inverse(p);
            sites.add(new Coordinate(ll[0], ll[1]));
        }
        VoronoiDiagramBuilder v = new VoronoiDiagramBuilder();
        v.setSites(sites);
        org.locationtech.jts.geom.Envelope env = new org.locationtech.jts.geom.Envelope(s.geom().getEnvelopeInternal());
        env.expandBy(0.05);
        v.setClipEnvelope(env);
        Geometry diagram = v.getDiagram(Geometries.STORAGE);
        List<Geometry> out = new ArrayList<>();
        for (int i = 0; i < diagram.getNumGeometries(); i++) {
            Geometry part = OverlayNGRobust.overlay(diagram.getGeometryN(i), s.geom(), OverlayNG.INTERSECTION);
            MultiPolygon m = Geometries.toMultiPolygon(part, Geometries.STORAGE);
            if (m != null && !m.isEmpty() && m.getArea() > 0) {
                out.add(m);
            }
        }
        out.sort(Comparator.comparingDouble((Geometry g) -> -Math.round(g.getInteriorPoint().getY() * 50) / 50.0)
                .thenComparingDouble(g -> g.getInteriorPoint().getX()));
        return out;
    }
}
