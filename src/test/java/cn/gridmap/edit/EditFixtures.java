package cn.gridmap.edit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import cn.gridmap.security.Logins;
import cn.gridmap.security.Roles;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** What the edit tests share: a row of SQL against what is stored, and a change set moved through sign-off. */
public final class EditFixtures {
    private final DataSource owner;
    private final String planner;

    /** {@code owner}: the tables' owner (what is stored, past row-level security); {@code planner}: her token. */
    public EditFixtures(DataSource owner, String planner) {
        this.owner = owner;
        this.planner = planner;
    }

    static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    /** The first row of a query, as text. */
    public static String[] row(DataSource dataSource, String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), sql);
                String[] out = new String[rs.getMetaData().getColumnCount()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = rs.getString(i + 1);
                }
                return out;
            }
        }
    }

    String[] row(String sql, Object... args) throws SQLException {
        return row(owner, sql, args);
    }

    /**
     * A micro-grid of the district, with houses, that can move to a neighbouring grid of its community (they share
     * more than 30 m of edge) without splitting its own grid; and that grid.
     */
    public String[] movable(String district, int offset) throws SQLException {
        return row("SELECT m.code, h.code FROM region m JOIN region g ON g.code = m.parent_code AND g.generation_high IS NULL "
                + "JOIN region h ON h.parent_code = g.parent_code AND h.code <> g.code AND h.level = 'grid' AND h.generation_high IS NULL "
                + "WHERE m.level = 'microgrid' AND m.generation_high IS NULL AND m.code LIKE ? "
                + "AND EXISTS (SELECT 1 FROM house x WHERE x.microgrid_code = m.code) "
                + "AND ST_Length(ST_Intersection(ST_Boundary(m.geom), ST_Boundary(h.geom))::geography) > 30 "
                + "AND (SELECT ST_NumGeometries(ST_Union(o.geom)) FROM region o WHERE o.parent_code = g.code AND o.code <> m.code "
                + "AND o.generation_high IS NULL) = 1 ORDER BY m.code OFFSET ? LIMIT 1", district + "%", offset);
    }

    /** A new change set whose one operation moves micro-grid {@code m} to {@code toGrid} (revision 1). */
    long moveDraft(String title, String m, String toGrid) {
        long id = as(planner).body(Map.of("title", title)).post("/api/changesets").then().statusCode(201).extract().jsonPath().getLong("id");
        as(planner).body("{\"revision\":0,\"op\":\"moveMicrogrids\",\"codes\":[\"" + m + "\"],\"toGrid\":\"" + toGrid + "\"}")
                .post("/api/changesets/" + id + "/ops").then().log().ifValidationFails().statusCode(200);
        return id;
    }

    /** Submits at revision 1 and has the community (and street, when the chain has it) approver of {@code m} sign off. */
    public void signOff(long id, String m, String effectiveFrom, List<String> chain) {
        as(planner).body("{\"revision\":1,\"effectiveFrom\":\"" + effectiveFrom + "\"}").post("/api/changesets/" + id + "/submit").then()
                .log().ifValidationFails().statusCode(200).body("state", equalTo("submitted")).body("chain", equalTo(chain));
        as(communityApprover(m)).body("{\"revision\":1,\"decision\":\"approve\",\"comment\":\"社区同意\"}").post("/api/changesets/" + id + "/approvals")
                .then().log().ifValidationFails().statusCode(200).body("state", equalTo(chain.size() > 1 ? "submitted" : "approved"));
        if (chain.size() > 1) {
            as(streetApprover(m)).body("{\"revision\":1,\"decision\":\"approve\"}").post("/api/changesets/" + id + "/approvals").then()
                    .log().ifValidationFails().statusCode(200).body("state", equalTo("approved"));
        }
    }

    /** Moves a micro-grid, signs it off and publishes it today; the new generation. */
    public int publishMove(String title, String m, String toGrid, String today) {
        long id = moveDraft(title, m, toGrid);
        signOff(id, m, today, List.of("community", "street"));
        return as(planner).body("{\"revision\":1}").post("/api/changesets/" + id + "/publish").then().log().ifValidationFails().statusCode(200)
                .extract().jsonPath().getInt("generation");
    }

    static String communityApprover(String code) {
        return Logins.token("approver-" + code.substring(0, 12), List.of(Roles.APPROVER), List.of(code.substring(0, 12)), false);
    }

    static String streetApprover(String code) {
        return Logins.token("approver-" + code.substring(0, 9), List.of(Roles.APPROVER), List.of(code.substring(0, 9)), false);
    }
}
