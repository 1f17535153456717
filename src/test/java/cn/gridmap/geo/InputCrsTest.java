package cn.gridmap.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.locationtech.proj4j.BasicCoordinateTransform;
import org.locationtech.proj4j.CRSFactory;
import org.locationtech.proj4j.ProjCoordinate;

/** CGCS2000 Gauss-Krüger input through proj4j's EPSG definitions. */
public class InputCrsTest {

    /** lon/lat (CGCS2000) → easting/northing in the given EPSG projection (test helper). */
    public static double[] forward(int epsg, double lon, double lat) {
        CRSFactory f = new CRSFactory();
        BasicCoordinateTransform t = new BasicCoordinateTransform(f.createFromName("EPSG:4490"), f.createFromName("EPSG:" + epsg));
        ProjCoordinate out = new ProjCoordinate();
        t.transform(new ProjCoordinate(lon, lat), out);
        return new double[] {out.x, out.y};
    }

    // published: 117E 35N is on the central meridian of 3-degree zone 39 (EPSG:4527, FE 39 500 000) and of the
    // CM-117E form (EPSG:4548, FE 500 000); northing 3 874 592.902 m (verified with Apache SIS and proj4j, STACK.md)
    @ParameterizedTest(name = "EPSG:{0}")
    @CsvSource({"4527, 39500000.0, 3874592.902", "4548, 500000.0, 3874592.902"})
    void gaussKrugerPublishedVectorsInvertToTheirLonLat(int epsg, double easting, double northing) {
        double[] ll = InputCrs.parse(String.valueOf(epsg)).toWgs84(easting, northing);
        assertEquals(117.0, ll[0], 1e-8);
        assertEquals(35.0, ll[1], 1e-7);
    }

    @ParameterizedTest(name = "round trip in EPSG:{0}")
    @CsvSource({"4549", "4528", "4498", "4509"})
    void zhenjiangRoundTripsThroughEveryKindOfZone(int epsg) {
        double[] en = forward(epsg, 119.455, 32.204);
        double[] ll = InputCrs.parse("EPSG:" + epsg).toWgs84(en[0], en[1]);
        assertEquals(119.455, ll[0], 1e-7);
        assertEquals(32.204, ll[1], 1e-7);
    }

    @Test
    void codesOutsideTheCgcs2000GaussKrugerRangeAreRejected() {
        assertTrue(assertThrows(InvalidGeoInputException.class, () -> InputCrs.parse("4490x")).getMessage().contains("4491–4554"));
        assertThrows(InvalidGeoInputException.class, () -> InputCrs.parse("4555"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PROJCS[\"CGCS2000_3_Degree_GK_CM_120E\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\"]]|4549",
        "PROJCS[\"CGCS2000_3_Degree_GK_Zone_40\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\"]]|4528",
        "PROJCS[\"CGCS2000_GK_CM_117E\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\"]]|4509",
        "PROJCS[\"CGCS2000_GK_Zone_20\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\"]]|4498",
        "GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\",DATUM[\"D_China_2000\"]]|4490",
        "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\"]]|4326",
        "PROJCS[\"CGCS2000 / 3-degree Gauss-Kruger CM 120E\",GEOGCS[\"China Geodetic Coordinate System 2000\",AUTHORITY[\"EPSG\",\"4490\"]],AUTHORITY[\"EPSG\",\"4549\"]]|4549",
        "PROJCS[\"WGS_84_Pseudo_Mercator\",GEOGCS[\"GCS_WGS_1984\"]]|-1",
        "not a prj|-1"})
    void aShapefilesPrjNamesItsEpsgCodeByAuthorityOrByTheEsriNamesOfCgcs2000(String prj, int epsg) {
        assertEquals(epsg, InputCrs.epsgOfPrj(prj));
    }
}
