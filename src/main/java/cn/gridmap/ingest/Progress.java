package cn.gridmap.ingest;

import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * Progress of one bulk load or import: rows done of rows expected, the current phase, and a text bar logged about
 * every 5 % (what a terminal shows while {@code ./gridmap up} loads the city). Read by the progress endpoint.
 */
public final class Progress {
    private static final Logger LOG = Logger.getLogger(Progress.class);
    private final String label;
    private final long startNanos = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private volatile long expected;
    private volatile String phase = "starting";
    private volatile int lastLoggedStep = -1;

    public Progress(String label) {
        this.label = label;
    }

    public void expect(long rows) {
        this.expected = rows;
    }

    public void phase(String phase) {
        this.phase = phase;
    }

    public void tick(long rows) {
        long d = done.addAndGet(rows);
        long e = expected;
        if (e > 0) {
            int step = (int) Math.min(20, d * 20 / e);
            if (step > lastLoggedStep) {
                lastLoggedStep = step;
                LOG.infof("%s [%s%s] %3d%% %,d rows %.0f s (%s)", label, "#".repeat(step), ".".repeat(20 - step),
                        Math.min(100, d * 100 / e), d, seconds(), phase);
            }
        }
    }

    /** Records that a phase finished with {@code rows} rows; @return rows */
    public long add(String what, long rows) {
        LOG.infof("%s: %,d %s stored (%.1f s)", label, rows, what, seconds());
        return rows;
    }

    public long done() {
        return done.get();
    }

    public long expected() {
        return expected;
    }

    public String phase() {
        return phase;
    }

    public double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
