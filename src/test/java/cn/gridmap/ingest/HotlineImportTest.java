package cn.gridmap.ingest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import cn.gridmap.security.AsAdmin;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/** The 12345 platform's work orders as an import kind: geocoded by address, the caller's phone kept as personal data, into the loop. */
@QuarkusTest
class HotlineImportTest {
    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    private List<String> row(String sql, Object... args) throws SQLException {
        try (Connection c = owner.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                if (rs.next()) {
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        out.add(rs.getString(i));
                    }
                }
                return out;
            }
        }
    }

    @Test
    void workOrdersAreGeocodedRoutedAndQueuedAndTheBadOnesReportedWithTheirReasons() throws Exception {
        List<String> a = row("SELECT b.address, h.microgrid_code, h.district_code FROM building b JOIN house h ON h.building_id = b.id "
                + "WHERE b.district_code = '321112' ORDER BY b.id LIMIT 1");
        List<String> b = row("SELECT b.address, h.microgrid_code FROM building b JOIN house h ON h.building_id = b.id "
                + "WHERE b.district_code = '321112' ORDER BY b.id DESC LIMIT 1");
        String csv = "工单编号,来电时间,诉求人,电话,诉求内容,地址,诉求分类,紧急程度\n"
                + "H2026113000001,2026-11-30 09:15:00,王建国,13912345678,小区门口垃圾堆积无人清运,\"" + a.get(0) + "\",市容环境/暴露垃圾,一般\n"
                + "H2026113000002,2026-11-30 10:00:00,李芳,13812345679,夜间施工噪音扰民 联系13812345679,\"" + b.get(0) + "\",0601,紧急\n"
                + "H2026113000003,2026-11-30 11:00:00,张三,139,路灯不亮,\"" + a.get(0) + "\",外星人入侵,一般\n"
                + "H2026113000004,2099-11-30 11:00:00,赵四,13712345678,未来的来电,\"" + a.get(0) + "\",0102,一般\n"
                + "H2026113000005,2026-11-30 12:00:00,钱五,13612345678,不存在的地址,火星市不存在路1号,0102,一般\n";
        String admin = AsAdmin.adminToken();
        JsonPath r = given().header("Authorization", "Bearer " + admin).contentType("text/csv").body(csv.getBytes(StandardCharsets.UTF_8))
                .post("/api/import?wait=true&kind=hotline").then().statusCode(200).extract().jsonPath();
        assertEquals("committed", r.getString("status"), r.prettify());
        assertEquals(2, r.getInt("rowsStored"), r.prettify());
        assertEquals(3, r.getInt("rowsFailed"), r.prettify());
        String errors = given().header("Authorization", "Bearer " + admin).get("/api/import/" + r.getLong("id") + "/errors").then().statusCode(200)
                .extract().asString();
        assertTrue(errors.contains("4,诉求分类,") && errors.contains("外星人入侵"), errors);
        assertTrue(errors.contains("4,phone,"), errors);
        assertTrue(errors.contains("5,来电时间,"), errors);
        assertTrue(errors.contains("6,address,"), errors);
        assertTrue(!errors.contains("13612345678") && !errors.contains("13712345678"), "no phone in clear in the report: " + errors);

        List<String> e = row("SELECT id, class_code, state, source, queue, assignee, department_code, urgency, caller_phone_enc, caller_phone_bidx, "
                + "caller_name_enc, left(microgrid_code, 15), reported_at FROM event WHERE external_id = 'H2026113000001'");
        assertEquals("0102", e.get(1));
        assertEquals("reported", e.get(2));
        assertEquals("hotline12345", e.get(3));
        assertEquals("new", e.get(4));
        assertEquals("wg." + e.get(11), e.get(5), "the grid's full-time worker");
        assertEquals(a.get(2) + "-hw", e.get(6));
        assertEquals("normal", e.get(7));
        assertTrue(e.get(8).startsWith("v1:") && !e.get(8).contains("13912345678"), "the phone is encrypted at rest");
        assertTrue(e.get(10).startsWith("v1:"), "so is the caller's name");
        assertEquals(a.get(1).substring(0, 15), e.get(11), "geocoded into the address's grid");
        long id = Long.parseLong(e.get(0));
        assertEquals("1", row("SELECT count(*) FROM event_stage WHERE event_id = ? AND stage = 'register' AND done_at IS NULL", id).get(0));
        assertEquals("report", row("SELECT action FROM event_log WHERE event_id = ?", id).get(0));
        assertEquals(List.of("urgent", "0601"), row("SELECT urgency, class_code FROM event WHERE external_id = 'H2026113000002'"));
        assertTrue(!row("SELECT description FROM event WHERE external_id = 'H2026113000002'").get(0).contains("13812345679"),
                "a phone in the complaint's text is masked");
        // the view masks the caller
        given().header("Authorization", "Bearer " + admin).get("/api/events/" + id).then().statusCode(200)
                .body("callerPhone", org.hamcrest.Matchers.equalTo("139****5678")).body("callerName", org.hamcrest.Matchers.equalTo("王**"));

        // the same file again: the orders are updated, not routed twice
        given().header("Authorization", "Bearer " + admin).contentType("text/csv").body(csv.getBytes(StandardCharsets.UTF_8))
                .post("/api/import?wait=true&kind=hotline").then().statusCode(200);
        assertEquals("1", row("SELECT count(*) FROM event_log WHERE event_id = ? AND action = 'report'", id).get(0));
        assertEquals("1", row("SELECT count(*) FROM event_stage WHERE event_id = ?", id).get(0));
    }
}
