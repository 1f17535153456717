package cn.gridmap.geo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChinaOffsetsTest {
    private static final double METRES_PER_DEGREE = 111_320;

    // published vectors: README of wandergis/coordtransform (the reference implementation of the formula)
    @Test
    void wgs84ToGcj02MatchesPublishedVector() {
        assertArrayEquals(new double[] {116.41024449916938, 39.91640428150164}, ChinaOffsets.wgs84ToGcj02(116.404, 39.915), 1e-12);
    }

    @Test
    void gcj02ToBd09MatchesPublishedVector() {
        assertArrayEquals(new double[] {116.41036949371029, 39.92133699351021}, ChinaOffsets.gcj02ToBd09(116.404, 39.915), 1e-12);
    }

    @Test
    void bd09ToGcj02MatchesPublishedVector() {
        assertArrayEquals(new double[] {116.39762729119315, 39.90865673957631}, ChinaOffsets.bd09ToGcj02(116.404, 39.915), 1e-12);
    }

    @Test
    void iteratedInverseIsWithinTheOneStepInversesMetreOfThePublishedVector() {
        // the one-step inverse of the reference gives 116.39775550083061, 39.91359571849836; ours is iterated
        double[] w = ChinaOffsets.gcj02ToWgs84(116.404, 39.915);
        assertTrue(distanceMetres(w, new double[] {116.39775550083061, 39.91359571849836}) < 2.0);
    }

    @ParameterizedTest(name = "round trip at {0},{1}")
    @CsvSource({"119.4550,32.2040", "119.8280,32.2370", "116.404,39.915", "121.47,31.23", "113.26,23.13",
            "87.6,43.8", "126.6,45.7", "110.3,20.0"})
    void gcj02RoundTripIsBelowOneMillimetre(double lon, double lat) {
        double[] back = ChinaOffsets.gcj02ToWgs84(ChinaOffsets.wgs84ToGcj02(lon, lat)[0], ChinaOffsets.wgs84ToGcj02(lon, lat)[1]);
        assertTrue(distanceMetres(back, new double[] {lon, lat}) < 0.001, "round trip error at " + lon + "," + lat);
    }

    @ParameterizedTest(name = "bd09 round trip at {0},{1}")
    @CsvSource({"119.4550,32.2040", "116.404,39.915", "121.47,31.23"})
    void bd09RoundTripIsBelowOneMetre(double lon, double lat) {
        double[] bd = ChinaOffsets.wgs84ToBd09(lon, lat);
        assertTrue(distanceMetres(ChinaOffsets.bd09ToWgs84(bd[0], bd[1]), new double[] {lon, lat}) < 1.0);
    }

    @Test
    void offsetInZhenjiangIsSeveralHundredMetres() {
        double[] g = ChinaOffsets.wgs84ToGcj02(119.455, 32.204);
        double d = distanceMetres(g, new double[] {119.455, 32.204});
        assertTrue(d > 300 && d < 800, "GCJ-02 offset in Zhenjiang should be a few hundred metres, was " + d);
    }

    @Test
    void pointsOutsideChinaAreNotOffset() {
        assertArrayEquals(new double[] {2.35, 48.85}, ChinaOffsets.wgs84ToGcj02(2.35, 48.85), 0);
        assertArrayEquals(new double[] {2.35, 48.85}, ChinaOffsets.gcj02ToWgs84(2.35, 48.85), 0);
    }

    static double distanceMetres(double[] a, double[] b) {
        double dx = (a[0] - b[0]) * METRES_PER_DEGREE * Math.cos(Math.toRadians(a[1]));
        double dy = (a[1] - b[1]) * METRES_PER_DEGREE;
        return Math.hypot(dx, dy);
    }
}
