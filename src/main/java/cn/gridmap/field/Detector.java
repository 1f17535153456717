package cn.gridmap.field;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * 超级大脑 预测预警, the arithmetic (pure, tested on its own): for each (unit, class) a day's count against its baseline,
 * then the Benjamini–Hochberg step-up over every pair tested that day, so that testing thousands of grids at once keeps
 * the expected share of false warnings at {@code q}. Each warning says what it saw, what it expected and how sure.
 * <ul>
 * <li>poisson: the expectation is the mean of the same weekday over the last weeks (8). The test is the exact one for
 * Poisson counts with an estimated rate: if the day and its k baseline days share one rate, then given their total T the
 * day's count is Binomial(T, 1/(k+1)), and p = P(X ≥ observed | T) (a regularised incomplete beta function, exact in
 * the far tail). Plugging the baseline's mean in as the true rate instead (P(X ≥ x | λ̂)) warned on 11 of 40 days of
 * pure noise in {@code DetectorTest}: a rate estimated from eight days is itself noisy, and low for the quietest pairs.</li>
 * <li>ears-c2 (CDC's Early Aberration Reporting System, C2): for units with a short history; the baseline is the 7 days
 * before a 2-day gap (days −9 … −3), C2 = (observed − mean) / sd (sd at least 0.5), p = 1 − Φ(C2).</li>
 * </ul>
 * Getis–Ord Gi* over an adjacency (binary weights, the unit itself included) gives the weekly hotspot z-scores.
 */
public final class Detector {
    private static final NormalDistribution NORMAL = new NormalDistribution(0, 1);
    static final double MIN_SD = 0.5;

    private Detector() {
    }

    /**
     * One (unit, class) on one day: its count, its counts on the same weekday of the weeks before (most recent first),
     * its counts on days −9 … −3, and whether its history is short (the unit is younger than the weeks looked back).
     */
    public record Series(String unit, String classCode, int observed, int[] sameWeekdays, int[] recentDays, boolean shortHistory) {
    }

    public record Warning(String unit, String classCode, int observed, double expected, double p, String method, String explanation) {
    }

    /** What a day's test found: how many pairs were tested, at which rate, the BH threshold, and the warnings (smallest p first). */
    public record Result(int tested, double q, double threshold, int minCount, List<Warning> warnings) {
    }

    private record Tested(Series s, double expected, double p, String method, String basis) {
    }

    public static Result detect(List<Series> all, double q, int minCount) {
        List<Tested> tested = new ArrayList<>(all.size());
        for (Series s : all) {
            tested.add(s.shortHistory() ? earsC2(s) : poisson(s));
        }
        tested.sort(Comparator.comparingDouble(Tested::p));
        int m = tested.size();
        int k = 0;
        for (int i = 0; i < m; i++) {
            if (tested.get(i).p() <= (i + 1) * q / m) {
                k = i + 1;
            }
        }
        double threshold = k == 0 ? 0 : tested.get(k - 1).p();
        List<Warning> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Tested t = tested.get(i);
            if (t.s().observed() < minCount) {
                continue;
            }
            out.add(new Warning(t.s().unit(), t.s().classCode(), t.s().observed(), round(t.expected()), t.p(), t.method(),
                    String.format(Locale.ROOT, "observed %d, expected %.2f (%s); p = %.2g ≤ %.2g, the Benjamini–Hochberg threshold at q = %.2f over "
                            + "%d tested", t.s().observed(), t.expected(), t.basis(), t.p(), threshold, q, m)));
        }
        return new Result(m, q, threshold, minCount, out);
    }

    static Tested poisson(Series s) {
        int weeks = s.sameWeekdays().length;
        int base = Arrays.stream(s.sameWeekdays()).sum();
        double lambda = weeks == 0 ? 0 : (double) base / weeks;
        String basis = String.format(Locale.ROOT, "mean of the same weekday over %d weeks; exact conditional test, %d of %d events on this day",
                weeks, s.observed(), s.observed() + base);
        return new Tested(s, lambda, conditionalTail(s.observed(), base, weeks), "poisson", basis);
    }

    /**
     * P(X ≥ x) for X ~ Binomial(x + base, 1/(weeks + 1)): the day's share of the events of the day and its baseline days
     * when all have one Poisson rate.
     */
    static double conditionalTail(int x, int base, int weeks) {
        if (x <= 0) {
            return 1;
        }
        return org.apache.commons.math3.special.Beta.regularizedBeta(1.0 / (weeks + 1), x, base + 1);
    }

    static Tested earsC2(Series s) {
        double[] b = Arrays.stream(s.recentDays()).asDoubleStream().toArray();
        double mean = Arrays.stream(b).average().orElse(0);
        double var = b.length < 2 ? 0 : Arrays.stream(b).map(v -> (v - mean) * (v - mean)).sum() / (b.length - 1);
        double sd = Math.max(MIN_SD, Math.sqrt(var));
        double c2 = (s.observed() - mean) / sd;
        return new Tested(s, mean, 1 - NORMAL.cumulativeProbability(c2), "ears-c2",
                String.format(Locale.ROOT, "mean of days -9..-3, sd %.2f, C2 = %.2f", sd, c2));
    }

    /**
     * Getis–Ord Gi* z-scores of {@code x} over binary weights: {@code neighbours[i]} are i's neighbours (not i itself,
     * which the statistic includes).
     */
    public static double[] giStar(double[] x, int[][] neighbours) {
        int n = x.length;
        double mean = Arrays.stream(x).average().orElse(0);
        double s = Math.sqrt(Math.max(0, Arrays.stream(x).map(v -> v * v).sum() / n - mean * mean));
        double[] z = new double[n];
        if (n < 2 || s == 0) {
            return z;
        }
        for (int i = 0; i < n; i++) {
            double sum = x[i];
            int w = 1 + neighbours[i].length;
            for (int j : neighbours[i]) {
                sum += x[j];
            }
            double den = s * Math.sqrt((n * (double) w - (double) w * w) / (n - 1));
            z[i] = den == 0 ? 0 : (sum - mean * w) / den;
        }
        return z;
    }

    /** The hotspot bin of a Gi* z-score: ±3, ±2, ±1 for 99 %, 95 %, 90 % confidence, else 0. */
    public static int bin(double z) {
        double a = Math.abs(z);
        int b = a >= 2.576 ? 3 : a >= 1.960 ? 2 : a >= 1.645 ? 1 : 0;
        return z < 0 ? -b : b;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
