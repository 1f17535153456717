package cn.gridmap.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The early warning's arithmetic on its own: surges found and explained, pure noise quiet at the stated rate, Gi* on a lattice. */
class DetectorTest {
    /** Knuth's Poisson sampler (fine for the small means of a grid's day). */
    private static int poisson(Random rnd, double lambda) {
        double l = Math.exp(-lambda);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= rnd.nextDouble();
        } while (p > l);
        return k - 1;
    }

    /** Pure noise: units whose every day is Poisson of their own mean, stable over the weeks. */
    private static List<Detector.Series> noise(Random rnd, int units) {
        List<Detector.Series> out = new ArrayList<>();
        for (int u = 0; u < units; u++) {
            double lambda = 0.2 + 2.8 * rnd.nextDouble();
            int[] weeks = new int[8];
            for (int w = 0; w < 8; w++) {
                weeks[w] = poisson(rnd, lambda);
            }
            int[] recent = new int[7];
            for (int d = 0; d < 7; d++) {
                recent[d] = poisson(rnd, lambda);
            }
            out.add(new Detector.Series("u" + u, "0102", poisson(rnd, lambda), weeks, recent, false));
        }
        return out;
    }

    @Test
    void aSurgeOverAQuietBaselineIsWarnedWithItsArithmetic() {
        List<Detector.Series> s = noise(new Random(1), 3000);
        s.add(new Detector.Series("hot", "0601", 9, new int[] {1, 0, 1, 1, 0, 1, 0, 1}, new int[7], false));
        Detector.Result r = Detector.detect(s, 0.05, 3);
        Detector.Warning w = r.warnings().stream().filter(x -> x.unit().equals("hot")).findFirst().orElseThrow();
        assertEquals(9, w.observed());
        assertEquals(0.625, w.expected(), 1e-9);
        assertEquals("poisson", w.method());
        assertEquals(Detector.conditionalTail(9, 5, 8), w.p(), 1e-15);
        // 9 of the 14 events of the nine days on this one: P(Binomial(14, 1/9) ≥ 9), summed by hand
        double byHand = 0;
        for (int k = 9; k <= 14; k++) {
            byHand += org.apache.commons.math3.util.CombinatoricsUtils.binomialCoefficientDouble(14, k) * Math.pow(1.0 / 9, k) * Math.pow(8.0 / 9, 14 - k);
        }
        assertEquals(byHand, w.p(), byHand * 1e-9);
        assertTrue(w.p() < 1e-5, "p " + w.p());
        assertTrue(w.explanation().contains("observed 9, expected 0.63") && w.explanation().contains("3001 tested"), w.explanation());
        assertEquals(3001, r.tested());
    }

    @Test
    void pureNoiseRaisesAWarningOnFewDaysAtMostTheStatedRate() {
        Random rnd = new Random(20261202);
        int days = 40;
        int alarmed = 0;
        int warnings = 0;
        for (int d = 0; d < days; d++) {
            Detector.Result r = Detector.detect(noise(rnd, 2000), 0.05, 3);
            warnings += r.warnings().size();
            alarmed += r.warnings().isEmpty() ? 0 : 1;
        }
        System.out.printf("early warning on pure noise: %d of %d days warned, %d warnings among %d pairs a day%n", alarmed, days, warnings, 2000);
        // under the global null BH keeps P(any warning on a day) ≤ q = 0.05: 2 days of 40 expected; 7 is past the 99.9th percentile
        assertTrue(alarmed <= 6, alarmed + " of " + days + " days of pure noise warned (" + warnings + " warnings)");
    }

    @Test
    void theCorrectionAsksMoreOfAPValueTheMorePairsAreTested() {
        Detector.Series hot = new Detector.Series("hot", "0102", 6, new int[] {1, 1, 0, 1, 1, 0, 1, 1}, new int[7], false);
        double p = Detector.conditionalTail(6, 6, 8);
        List<Detector.Series> few = new ArrayList<>(List.of(hot));
        List<Detector.Series> many = new ArrayList<>(List.of(hot));
        for (int i = 0; i < 9; i++) {
            few.add(new Detector.Series("q" + i, "0102", 0, new int[] {1, 1, 1, 1, 1, 1, 1, 1}, new int[7], false));
        }
        int n = (int) Math.ceil(0.05 / p) * 2;
        for (int i = 0; i < n; i++) {
            many.add(new Detector.Series("q" + i, "0102", 0, new int[] {1, 1, 1, 1, 1, 1, 1, 1}, new int[7], false));
        }
        assertEquals(1, Detector.detect(few, 0.05, 3).warnings().size());
        assertEquals(0, Detector.detect(many, 0.05, 3).warnings().size(), "p = " + p + " among " + many.size());
    }

    @Test
    void aYoungUnitIsJudgedByEarsC2OnTheDaysBeforeAGap() {
        Detector.Series young = new Detector.Series("new", "0102", 8, new int[8], new int[] {1, 0, 2, 1, 0, 1, 1}, true);
        Detector.Result r = Detector.detect(List.of(young), 0.05, 3);
        assertEquals("ears-c2", r.warnings().get(0).method());
        assertEquals(6.0 / 7, r.warnings().get(0).expected(), 1e-3);
        assertTrue(r.warnings().get(0).explanation().contains("C2 = "));
        // at its mean nothing is unusual
        assertTrue(Detector.detect(List.of(new Detector.Series("new", "0102", 1, new int[8], new int[] {1, 0, 2, 1, 0, 1, 1}, true)), 0.05, 3)
                .warnings().isEmpty());
    }

    @Test
    void giStarFindsTheHotBlockOfALatticeAndNothingInAnEvenOne() {
        int size = 9;
        int[][] nb = new int[size * size][];
        double[] x = new double[size * size];
        for (int r = 0; r < size; r++) {
            for (int c = 0; c < size; c++) {
                List<Integer> n = new ArrayList<>();
                if (r > 0) {
                    n.add((r - 1) * size + c);
                }
                if (r < size - 1) {
                    n.add((r + 1) * size + c);
                }
                if (c > 0) {
                    n.add(r * size + c - 1);
                }
                if (c < size - 1) {
                    n.add(r * size + c + 1);
                }
                nb[r * size + c] = n.stream().mapToInt(Integer::intValue).toArray();
                x[r * size + c] = Math.abs(r - 4) <= 1 && Math.abs(c - 4) <= 1 ? 10 : 1;
            }
        }
        double[] z = Detector.giStar(x, nb);
        assertEquals(3, Detector.bin(z[4 * size + 4]), "the centre: z " + z[4 * size + 4]);
        assertTrue(z[0] < 0, "a far corner is cold-ish: " + z[0]);
        double[] even = new double[size * size];
        java.util.Arrays.fill(even, 2);
        assertTrue(java.util.Arrays.stream(Detector.giStar(even, nb)).allMatch(v -> v == 0));
    }
}
