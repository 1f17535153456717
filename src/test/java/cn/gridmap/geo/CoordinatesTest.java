package cn.gridmap.geo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CoordinatesTest {
    @Test
    void parsesAPair() {
        assertArrayEquals(new double[] {119.45, 32.2}, Coordinates.parsePair("119.45,32.2"), 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1,2,3", "1;2", "", "1,", ",2", "NaN,1", "Infinity,1"})
    void rejectsMalformedPairsWithAReason(String text) {
        InvalidGeoInputException e = assertThrows(InvalidGeoInputException.class, () -> Coordinates.parsePair(text));
        assertTrue(e.getMessage().contains("number") || e.getMessage().contains("x,y"), e.getMessage());
    }

    @Test
    void rejectsLongitudeOutOfRange() {
        assertTrue(assertThrows(InvalidGeoInputException.class, () -> Coordinates.checkLonLat(200, 10)).getMessage().contains("longitude"));
    }

    @Test
    void parsesABboxAndRejectsAnInvertedOne() {
        assertEquals(new BBox(119, 32, 120, 33), BBox.parse("119,32,120,33"));
        assertNull(BBox.parse(""));
        assertThrows(InvalidGeoInputException.class, () -> BBox.parse("120,32,119,33"));
        assertThrows(InvalidGeoInputException.class, () -> BBox.parse("119,32,120"));
    }

    @Test
    void inputCrsConvertsGcj02AndBd09ToWgs84() {
        double[] gcj = ChinaOffsets.wgs84ToGcj02(119.455, 32.204);
        assertArrayEquals(new double[] {119.455, 32.204}, InputCrs.parse("gcj02").toWgs84(gcj[0], gcj[1]), 1e-9);
        assertEquals("4490", InputCrs.parse("EPSG:4490").id());
        assertThrows(InvalidGeoInputException.class, () -> InputCrs.parse("3857"));
    }
}
