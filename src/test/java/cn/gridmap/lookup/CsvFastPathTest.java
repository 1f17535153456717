package cn.gridmap.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The batch CSV reader's number parser gives exactly Double.parseDouble's doubles, and NaN for non-numbers. */
class CsvFastPathTest {

    private static double parse(String s) throws Exception {
        CsvFastPath p = new CsvFastPath(new ByteArrayInputStream((s + "\n").getBytes(StandardCharsets.UTF_8)));
        int[] line = p.nextLine();
        return p.parse(line[0], line[1]);
    }

    @Test
    void randomCoordinatesParseToTheSameDoublesAsTheJdk() throws Exception {
        Random rnd = new Random(3);
        for (int i = 0; i < 200_000; i++) {
            double v = (rnd.nextDouble() - 0.5) * 400;
            for (String s : new String[] {Double.toString(v), String.format("%.7f", v), String.format("%.12f", v),
                    String.format("%.3f", v), Long.toString((long) v)}) {
                assertEquals(Double.doubleToLongBits(Double.parseDouble(s)), Double.doubleToLongBits(parse(s)), s);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"119.4550", "-0.0", "0", "000.5", " 32.204 ", "1e3", "1.5E-7", "12345678901234567890.5", ".5", "5."})
    void edgeCasesAgreeWithTheJdk(String s) throws Exception {
        assertEquals(Double.parseDouble(s.trim()), parse(s));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "1.2.3", "-", ".", "NaN", "Infinity", "1,5", "0x10"})
    void nonNumbersAreNaN(String s) throws Exception {
        assertTrue(Double.isNaN(parse(s)), s);
    }
}
