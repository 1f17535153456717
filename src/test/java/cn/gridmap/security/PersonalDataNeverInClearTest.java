package cn.gridmap.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import cn.gridmap.element.IdNumbers;
import io.quarkus.test.junit.QuarkusTest;

/**
 * End to end: ID numbers and phones that pass through the service (an import, its error report, the lists, the
 * log) never come back or get written in clear. The test profile writes the log to target/gridmap-test.log through
 * the same masking filter as the console.
 */
@QuarkusTest
class PersonalDataNeverInClearTest {
    private static final Logger LOG = Logger.getLogger(PersonalDataNeverInClearTest.class);

    @Test
    void importedPersonalDataIsMaskedInResponsesReportsAndLogs() throws Exception {
        String house = given().get("/api/houses?limit=1&use=residential").then().extract().path("items[0].externalId");
        String id = "32110219751111" + "235";
        id = id + IdNumbers.checkCharacter(id);
        String badId = id.substring(0, 17) + (id.charAt(17) == '1' ? '2' : '1');
        String phone = "13912345678";
        String csv = "external_id,name,id_number,phone,house\n"
                + "PD-1,测试甲," + id + "," + phone + "," + house + "\n"
                + "PD-2,测试乙," + badId + ",13987654321," + house + "\n";
        String job = given().contentType("text/csv").body(csv.getBytes(StandardCharsets.UTF_8)).post("/api/import?kind=people&wait=true")
                .then().statusCode(200).extract().asString();
        long jobId = Long.parseLong(job.replaceAll(".*\"id\":(\\d+).*", "$1"));
        String report = given().get("/api/import/" + jobId + "/errors").then().statusCode(200).extract().asString();
        String list = given().get("/api/people?house=" + house + "&limit=200").then().statusCode(200).extract().asString();
        String found = given().queryParam("idNumber", id).get("/api/people").then().statusCode(200).extract().asString();
        assertTrue(found.contains("PD-1"), "exact search by ID number finds the person");
        LOG.infof("a careless log line with citizen %s and phone %s", id, phone);

        Path log = Path.of("target", "gridmap-test.log");
        assertTrue(Files.exists(log), "the test profile writes the log file");
        String logged = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(logged.contains("a careless log line with citizen " + IdNumbers.mask(id)), "the log line is there, masked");
        for (String text : new String[] {job, report, list, found, logged}) {
            for (String secret : new String[] {id, badId, phone, "13987654321"}) {
                assertFalse(text.contains(secret), "no personal value in clear");
            }
            assertEquals(text, Masking.text(text), "nothing that looks like an ID number or mobile in clear");
        }
    }
}
