package cn.gridmap.ingest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;

import cn.gridmap.element.IdNumbers;
import cn.gridmap.element.entity.HouseEntity;
import cn.gridmap.element.entity.PersonEntity;
import cn.gridmap.geo.Geometries;
import cn.gridmap.lookup.GridIndex;
import cn.gridmap.lookup.LiveGridIndex;
import cn.gridmap.region.Level;
import cn.gridmap.security.PersonalDataProtector;
import cn.gridmap.synthetic.CityElements;
import cn.gridmap.synthetic.SyntheticNames;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * {@code ./gridmap bench import}: loads the whole synthetic city (GRIDMAP_SCALE=1) into an empty database and times
 * it, then imports generated files of people and houses through the import pipeline, and runs the same work row by
 * row through JPA (find the house, persist the entity; one INSERT a row, commits every 1,000 rows) — in one run, on
 * one machine, printing rows/s and ratios. Not a test (surefire does not pick up *Bench classes); timings are
 * printed, never asserted. Fixed seed 7 for the generated rows.
 */
@QuarkusTest
@TestProfile(ImportBench.NoLoadOnStart.class)
class ImportBench {
    static final int FILE_PEOPLE = Integer.getInteger("bench.filePeople", 300_000);
    static final int FILE_HOUSES = Integer.getInteger("bench.fileHouses", 100_000);
    static final int JPA_ROWS = Integer.getInteger("bench.jpaRows", 20_000);

    /** The city's elements are loaded by the benchmark itself, so that it can time them. */
    public static class NoLoadOnStart implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gridmap.elements.load-on-start", "false");
        }
    }

    @Inject
    CityElements cityElements;
    @Inject
    ImportService imports;
    @Inject
    @io.quarkus.agroal.DataSource("owner") // the tables' owner: tests look at what is stored, past row-level security
    DataSource dataSource;
    @Inject
    EntityManager em;
    @Inject
    LiveGridIndex index;
    @Inject
    PersonalDataProtector protector;
    @Inject
    cn.gridmap.geocode.GeocodeService geocoder;

    @Test
    void importBenchmark() throws Exception {
        StringBuilder out = new StringBuilder("\n== import benchmark (" + Runtime.getRuntime().availableProcessors() + " cores) ==\n");
        long t0 = System.nanoTime();
        Map<String, Long> counts = cityElements.loadIfEmpty();
        double cityS = (System.nanoTime() - t0) / 1e9;
        long cityRows = counts.values().stream().mapToLong(Long::longValue).sum();
        if (cityRows == 0) {
            throw new IllegalStateException("the bench database already held elements: run ./gridmap bench import (it starts from an empty one)");
        }
        geocoder.rebuild();
        out.append(String.format("synthetic city load + grid assignment: %,d rows in %.1f s = %,.0f rows/s  %s%n", cityRows, cityS,
                cityRows / cityS, counts));

        List<String> houses = houseIds(FILE_HOUSES);
        // ours: file import (validate, encrypt, place, COPY to staging, upsert, statistics)
        Path people = Files.createTempFile("bench-people", ".csv");
        Files.writeString(people, peopleCsv("BP-", FILE_PEOPLE, houses), StandardCharsets.UTF_8);
        double peopleS = timeImport(people, "people");
        Path houseFile = Files.createTempFile("bench-houses", ".csv");
        Files.writeString(houseFile, housesCsv("BH-", FILE_HOUSES), StandardCharsets.UTF_8);
        double housesS = timeImport(houseFile, "houses");
        double oursPeople = FILE_PEOPLE / peopleS;
        double oursHouses = FILE_HOUSES / housesS;
        out.append(String.format("ours, POST /api/import people CSV: %,d rows in %.2f s = %,.0f rows/s%n", FILE_PEOPLE, peopleS, oursPeople));
        out.append(String.format("ours, POST /api/import houses CSV (x,y → grid): %,d rows in %.2f s = %,.0f rows/s%n", FILE_HOUSES,
                housesS, oursHouses));

        // baseline: the same rows, one JPA persist each
        double jpaPeople = jpaPeople(JPA_ROWS, houses);
        double jpaHouses = jpaHouses(JPA_ROWS);
        out.append(String.format("JPA row by row, people: %,d rows at %,.0f rows/s → ours is %.1f× faster%n", JPA_ROWS, jpaPeople,
                oursPeople / jpaPeople));
        out.append(String.format("JPA row by row, houses: %,d rows at %,.0f rows/s → ours is %.1f× faster%n", JPA_ROWS, jpaHouses,
                oursHouses / jpaHouses));
        // the whole city row by row: people at the JPA people rate, every other row at the (faster) JPA house rate
        long cityPeople = counts.get("people");
        double jpaCityS = cityPeople / jpaPeople + (cityRows - cityPeople) / jpaHouses;
        out.append(String.format("whole city row by row through JPA (at the rates above): ≈ %.0f s, vs %.1f s ours → ours is %.0f× faster%n",
                jpaCityS, cityS, jpaCityS / cityS));
        System.out.println(out);
        Files.writeString(Path.of("target", "bench-import.txt"), out.toString(), StandardCharsets.UTF_8);
    }

    private double timeImport(Path file, String kind) throws Exception {
        long t = System.nanoTime();
        cn.gridmap.security.Caller bench = cn.gridmap.security.Caller.service("bench");
        ImportService.ImportStatus s = imports.await(bench, imports.start(bench, file, kind, "csv", file.getFileName().toString(), null).id());
        double secs = (System.nanoTime() - t) / 1e9;
        if (!"committed".equals(s.status()) || s.rowsFailed() > 0) {
            throw new IllegalStateException("bench import did not go through: " + s);
        }
        return secs;
    }

    private List<String> houseIds(int n) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT external_id FROM house WHERE households > 0 ORDER BY id LIMIT " + n)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Valid, unique synthetic ID numbers for benchmark rows (order codes 900-999, like the synthetic city's). */
    static String idNumber(int i) {
        LocalDate birth = LocalDate.of(1950, 1, 1).plusDays(i % 20_000);
        return SyntheticNames.idNumber("320102", birth, i / 20_000 % 2 == 0, i / 40_000 % 50);
    }

    static String peopleCsv(String prefix, int n, List<String> houses) {
        Random rnd = new Random(7);
        StringBuilder sb = new StringBuilder("external_id,name,id_number,phone,residence,house\n");
        for (int i = 0; i < n; i++) {
            sb.append(prefix).append(i).append(',').append(SyntheticNames.person(rnd, rnd.nextBoolean())).append(',').append(idNumber(i))
                    .append(',').append(SyntheticNames.mobile(rnd)).append(",registered,").append(houses.get(i % houses.size())).append('\n');
        }
        return sb.toString();
    }

    static String housesCsv(String prefix, int n) {
        Random rnd = new Random(7);
        StringBuilder sb = new StringBuilder("external_id,address,use,households,x,y,crs\n");
        for (int i = 0; i < n; i++) {
            sb.append(prefix).append(i).append(",江苏省镇江市京口区测试路").append(i).append("号,residential,1,")
                    .append(String.format("%.6f,%.6f", 119.40 + rnd.nextDouble() * 0.08, 32.17 + rnd.nextDouble() * 0.05)).append(",4326\n");
        }
        return sb.toString();
    }

    private double jpaPeople(int n, List<String> houses) {
        long t = System.nanoTime();
        for (int from = 0; from < n; from += 1000) {
            int start = from;
            QuarkusTransaction.requiringNew().run(() -> {
                Random rnd = new Random(start);
                for (int i = start; i < Math.min(n, start + 1000); i++) {
                    String id = idNumber(FILE_PEOPLE + i);
                    if (IdNumbers.problem(id, LocalDate.now()) != null) {
                        throw new IllegalStateException("bad id");
                    }
                    HouseEntity h = em.createQuery("FROM HouseEntity WHERE externalId = :e", HouseEntity.class)
                            .setParameter("e", houses.get(i % houses.size())).getSingleResult();
                    String phone = SyntheticNames.mobile(rnd);
                    PersonEntity p = new PersonEntity();
                    p.id = ((Number) em.createNativeQuery("SELECT nextval('element_seq')").getSingleResult()).longValue();
                    p.externalId = "JP-" + i;
                    p.name = SyntheticNames.person(rnd, true);
                    p.gender = "M";
                    p.birthDate = LocalDate.parse(id.substring(6, 10) + "-" + id.substring(10, 12) + "-" + id.substring(12, 14));
                    p.idNumberEnc = protector.encrypt(id);
                    p.idNumberBidx = protector.blindIndex(id);
                    p.phoneEnc = protector.encrypt(phone);
                    p.phoneBidx = protector.blindIndex(phone);
                    p.residence = "registered";
                    p.tags = new String[0];
                    p.houseId = h.id;
                    p.rawLocation = h.externalId;
                    p.districtCode = h.districtCode;
                    p.microgridCode = h.microgridCode;
                    p.geocodeMethod = "building_centroid";
                    p.geocodeScore = 1;
                    em.persist(p);
                }
            });
        }
        return n / ((System.nanoTime() - t) / 1e9);
    }

    private double jpaHouses(int n) {
        GridIndex idx = index.current();
        long t = System.nanoTime();
        for (int from = 0; from < n; from += 1000) {
            int start = from;
            QuarkusTransaction.requiringNew().run(() -> {
                Random rnd = new Random(start);
                for (int i = start; i < Math.min(n, start + 1000); i++) {
                    double lon = 119.40 + rnd.nextDouble() * 0.08;
                    double lat = 32.17 + rnd.nextDouble() * 0.05;
                    int m = idx.locateMicro(lon, lat);
                    int[] chain = idx.chain(m);
                    HouseEntity h = new HouseEntity();
                    h.id = ((Number) em.createNativeQuery("SELECT nextval('element_seq')").getSingleResult()).longValue();
                    h.externalId = "JH-" + i;
                    h.address = "江苏省镇江市京口区基线路" + i + "号";
                    h.use = "residential";
                    h.households = 1;
                    h.rawLocation = lon + "," + lat;
                    h.rawCrs = "4326";
                    h.geom = Geometries.STORAGE.createPoint(new Coordinate(lon, lat));
                    h.districtCode = idx.code(chain[Level.DISTRICT.ordinal()]);
                    h.microgridCode = idx.code(chain[Level.MICROGRID.ordinal()]);
                    h.geocodeMethod = "coordinate";
                    h.geocodeScore = 1;
                    em.persist(h);
                }
            });
        }
        return n / ((System.nanoTime() - t) / 1e9);
    }
}
