package cn.gridmap.event;

import static io.restassured.RestAssured.given;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** What the event tests share: places in grids, the synthetic staff logged in, reports and actions through the API. */
public final class EventFixtures {
    /** 丹徒区: the district the event tests work in (the edit tests draw elsewhere). */
    public static final String DISTRICT = "321112";

    private EventFixtures() {
    }

    /** A standard grid of the district and a point inside it more than {@code margin} metres from its edge ({@code n}: which one). */
    public record Place(String grid, double lon, double lat) {
        public String street() {
            return grid.substring(0, 9);
        }

        public String worker() {
            return "wg." + grid;
        }
    }

    public static Place place(DataSource owner, int n, double margin) throws SQLException {
        String[] r = row(owner, "SELECT g.code, ST_X(q.p), ST_Y(q.p) FROM region g CROSS JOIN LATERAL (SELECT ST_PointOnSurface(m.geom) AS p "
                + "FROM region m WHERE m.parent_code = g.code AND m.generation_high IS NULL ORDER BY m.code LIMIT 1) q "
                + "WHERE g.level = 'grid' AND g.generation_high IS NULL AND g.code LIKE ? AND coalesce(g.properties ->> 'kind', 'standard') = 'standard' "
                + "AND ST_Distance(ST_Boundary(g.geom)::geography, q.p::geography) > ? ORDER BY g.code OFFSET ? LIMIT 1", DISTRICT + "%", margin, n);
        return new Place(r[0], Double.parseDouble(r[1]), Double.parseDouble(r[2]));
    }

    /** A place of the district in another street than {@code street}. */
    public static Place placeOutside(DataSource owner, String street) throws SQLException {
        String[] r = row(owner, "SELECT g.code, ST_X(ST_PointOnSurface(g.geom)), ST_Y(ST_PointOnSurface(g.geom)) FROM region g "
                + "WHERE g.level = 'grid' AND g.generation_high IS NULL AND g.code LIKE ? AND g.code NOT LIKE ? "
                + "AND coalesce(g.properties ->> 'kind', 'standard') = 'standard' ORDER BY g.code DESC LIMIT 1",
                DISTRICT + "%", street + "%");
        return new Place(r[0], Double.parseDouble(r[1]), Double.parseDouble(r[2]));
    }

    /** The first row of a query, as text (the edit tests' helper). */
    public static String[] row(DataSource dataSource, String sql, Object... args) throws SQLException {
        return cn.gridmap.edit.EditFixtures.row(dataSource, sql, args);
    }

    public static long count(DataSource dataSource, String sql, Object... args) throws SQLException {
        return Long.parseLong(row(dataSource, sql, args)[0]);
    }

    public static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    /** The 12345 platform's client (a system user of the whole city). */
    public static String hotline() {
        return Logins.token("hotline-12345", List.of(Roles.SYSTEM), List.of("321100"), false);
    }

    public static String dispatcherOf(Place p) {
        return Logins.staff("pq." + p.street());
    }

    public static String department(String kind) {
        return Logins.staff("bm." + DISTRICT + "-" + kind);
    }

    public static String workerOf(Place p) {
        return Logins.staff(p.worker());
    }

    /** Reports an event at a place (201): its response. */
    public static Response report(String token, String classCode, Place p, String description) {
        return as(token).body(Map.of("classCode", classCode, "lon", p.lon(), "lat", p.lat(), "description", description, "source", "hotline12345"))
                .post("/api/events").then().log().ifValidationFails().statusCode(201).extract().response();
    }

    public static Response act(String token, long id, Map<String, Object> body) {
        return as(token).body(body).post("/api/events/" + id + "/transitions").then().extract().response();
    }

    /** Takes an action that must succeed; the event after it. */
    public static Response ok(String token, long id, Map<String, Object> body) {
        return as(token).body(body).post("/api/events/" + id + "/transitions").then().log().ifValidationFails().statusCode(200).extract().response();
    }
}
