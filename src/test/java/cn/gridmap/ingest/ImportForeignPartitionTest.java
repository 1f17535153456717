package cn.gridmap.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import cn.gridmap.element.ForeignPartition;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The importer's writes when a district's partition is a postgres_fdw foreign table on another server (README,
 * District partitions): an element placed into that district moves there, one placed out of it comes back, a new one
 * is inserted there, each keeping its id, in the rolled-back transaction of the move.
 */
@QuarkusTest
class ImportForeignPartitionTest {
    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    DataSource owner;

    @Test
    void componentsMoveIntoAndOutOfAForeignDistrictAndNewOnesAreInsertedThere() throws SQLException {
        String remote;
        String other;
        try (Connection c = owner.getConnection(); Statement s = c.createStatement()) {
            remote = text(s, "SELECT district_code FROM component GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1");
            other = text(s, "SELECT district_code FROM component WHERE district_code <> '" + remote + "' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1");
        }
        try (ForeignPartition shard = new ForeignPartition(owner, url, "component", remote); Connection c = owner.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                String into = text(s, "SELECT external_id FROM component WHERE district_code = '" + other + "' ORDER BY id LIMIT 1");
                String outOf = text(s, "SELECT external_id FROM component WHERE district_code = '" + remote + "' ORDER BY id LIMIT 1");
                String intoId = text(s, "SELECT id FROM component WHERE external_id = '" + into + "'");
                String outOfId = text(s, "SELECT id FROM component WHERE external_id = '" + outOf + "'");
                String intoPlace = "(SELECT geom, district_code, microgrid_code FROM component WHERE external_id = '" + outOf + "')";
                String outOfPlace = "(SELECT geom, district_code, microgrid_code FROM component WHERE external_id = '" + into + "')";
                shard.move(s);
                String cols = ImportKind.COMPONENTS.columns;
                s.execute("CREATE TEMP TABLE stage ON COMMIT DROP AS SELECT " + cols + " FROM component WITH NO DATA");
                s.execute("ALTER TABLE stage ADD COLUMN line BIGINT");
                // each re-imported at the other's place; a new one beside them in the remote district
                s.execute("INSERT INTO stage SELECT " + cols + ", 1 FROM component WHERE external_id = '" + into + "'");
                s.execute("INSERT INTO stage SELECT " + cols + ", 2 FROM component WHERE external_id = '" + outOf + "'");
                s.execute("UPDATE stage t SET geom = p.geom, district_code = p.district_code, microgrid_code = p.microgrid_code, state = '破损' "
                        + "FROM " + intoPlace + " p WHERE t.line = 1");
                s.execute("UPDATE stage t SET geom = p.geom, district_code = p.district_code, microgrid_code = p.microgrid_code, state = '破损' "
                        + "FROM " + outOfPlace + " p WHERE t.line = 2");
                s.execute("INSERT INTO stage SELECT " + cols.replace("external_id, code,", "'IMP-FDW-NEW', district_code || class_code || '999999',") + ", 3 FROM component "
                        + "WHERE external_id = '" + outOf + "'");

                assertEquals(3, ImportService.upsert(c, ImportKind.COMPONENTS, -16));

                assertEquals(remote + " " + intoId + " 破损", text(s, "SELECT district_code || ' ' || id || ' ' || state FROM " + shard.remote()
                        + " WHERE external_id = '" + into + "'"), "moved to the other server, same id");
                assertEquals(other + " " + outOfId + " 破损", text(s, "SELECT district_code || ' ' || id || ' ' || state FROM component_" + other
                        + " WHERE external_id = '" + outOf + "'"), "back from the other server, same id");
                assertEquals("0", text(s, "SELECT count(*) FROM " + shard.remote() + " WHERE external_id = '" + outOf + "'"));
                assertEquals("0", text(s, "SELECT count(*) FROM component_" + other + " WHERE external_id = '" + into + "'"));
                assertEquals(remote, text(s, "SELECT district_code FROM " + shard.remote() + " WHERE external_id = 'IMP-FDW-NEW'"));
                assertEquals("1 1 1", text(s, "SELECT string_agg(n::text, ' ' ORDER BY e) FROM (SELECT external_id e, count(*) n FROM component "
                        + "WHERE external_id IN ('" + into + "', '" + outOf + "', 'IMP-FDW-NEW') GROUP BY 1) x"), "each once, city-wide");
            } finally {
                c.rollback();
            }
        }
    }

    private static String text(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
