package cn.gridmap.lookup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import cn.gridmap.geo.InputCrs;

/**
 * The CSV → CSV batch at byte level (its line cutting also serves NDJSON): lines are cut in a reused buffer, numbers are parsed without making Strings
 * (Clinger's fast path, correctly rounded; anything else goes to {@link Double#parseDouble}), rows are looked up in
 * blocks ({@link BatchBlock}), and each output row is the id's bytes plus the micro-grid's precomputed chain. Rows with quotes or errors take the general path of
 * {@link BatchLookup}. Not thread-safe: one instance per batch.
 */
final class CsvFastPath {
    private static final double[] POW10 = new double[23];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int start;
    private int end;
    private boolean eof;

    CsvFastPath(InputStream in) {
        this.in = in;
    }

    /** The next line as [from, to) in {@link #buf} (without \r\n), or null at the end. Lines longer than the buffer are an error. */
    int[] nextLine() throws IOException {
        while (true) {
            for (int i = start; i < end; i++) {
                if (buf[i] == '\n') {
                    int from = start;
                    int to = i > from && buf[i - 1] == '\r' ? i - 1 : i;
                    start = i + 1;
                    return new int[] {from, to};
                }
            }
            if (eof) {
                if (start < end) {
                    int from = start;
                    start = end;
                    return new int[] {from, end};
                }
                return null;
            }
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buf.length) {
                throw new IOException("a CSV line is longer than " + buf.length + " bytes");
            }
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                eof = true;
            } else {
                end += n;
            }
        }
    }

    /** The buffer the offsets of {@link #nextLine} refer to (valid until the next call). */
    byte[] buffer() {
        return buf;
    }

    String text(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.UTF_8);
    }

    /**
     * Streams all remaining rows. Columns by index; {@code general} handles rows the fast path does not (quotes,
     * bad numbers, wrong width) and must write one output row for each.
     */
    void run(OutputStream out, BatchLookup.CsvColumns columns, InputCrs crs, GridIndex index, GeneralRow general)
            throws IOException {
        int idCol = columns.id();
        int xCol = columns.x();
        int yCol = columns.y();
        int width = columns.width();
        InputCrs.Converter conv = crs.isWgs84Numbers() ? null : crs.converter();
        BatchBlock block = new BatchBlock(out, true, conv != null, index);
        int[] fs = new int[width + 1];
        int[] fe = new int[width + 1];
        long lineNo = 1;
        int[] line;
        while ((line = nextLine()) != null) {
            lineNo++;
            int from = line[0];
            int to = line[1];
            if (from == to) {
                continue;
            }
            // cut fields; a quote sends the row to the general path
            int nf = 0;
            boolean quoted = false;
            int s = from;
            for (int i = from; i <= to && nf <= width; i++) {
                if (i == to || buf[i] == ',') {
                    fs[nf] = s;
                    fe[nf] = i;
                    nf++;
                    s = i + 1;
                } else if (buf[i] == '"') {
                    quoted = true;
                    break;
                }
            }
            double x = quoted || nf != width ? Double.NaN : parse(fs[xCol], fe[xCol]);
            double y = Double.isNaN(x) ? Double.NaN : parse(fs[yCol], fe[yCol]);
            if (Double.isNaN(x) || Double.isNaN(y)) {
                block.flush(); // the answers keep the order of the lines
                general.row(text(from, to), lineNo);
                continue;
            }
            double lon = x;
            double lat = y;
            if (conv != null) {
                double[] ll = conv.toWgs84(x, y);
                lon = ll[0];
                lat = ll[1];
            }
            if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) {
                block.flush();
                general.row(text(from, to), lineNo);
                continue;
            }
            if (idCol >= 0) {
                block.add(buf, fs[idCol], fe[idCol], 0, 0, 0, 0, lon, lat);
            } else {
                byte[] n = Long.toString(lineNo - 1).getBytes(StandardCharsets.US_ASCII);
                block.add(n, 0, n.length, 0, 0, 0, 0, lon, lat);
            }
        }
        block.flush();
    }

    /** One row the fast path hands over (the line's text and its 1-based line number). */
    interface GeneralRow {
        void row(String line, long lineNo) throws IOException;
    }

    /**
     * Parses [from, to) as a decimal number: exact for up to 15 significant digits and no exponent (one correctly
     * rounded division); otherwise Double.parseDouble. NaN for anything that is not a finite number.
     */
    double parse(int from, int to) {
        int i = from;
        while (i < to && buf[i] == ' ') {
            i++;
        }
        while (to > i && buf[to - 1] == ' ') {
            to--;
        }
        if (i == to) {
            return Double.NaN;
        }
        boolean neg = false;
        if (buf[i] == '-' || buf[i] == '+') {
            neg = buf[i] == '-';
            i++;
        }
        long mant = 0;
        int digits = 0;
        int frac = 0;
        boolean dot = false;
        boolean any = false;
        for (; i < to; i++) {
            byte c = buf[i];
            if (c >= '0' && c <= '9') {
                any = true;
                if (mant == 0 && c == '0' && !dot) {
                    continue;
                }
                if (digits >= 15) {
                    return slow(from, to);
                }
                mant = mant * 10 + (c - '0');
                if (mant != 0) {
                    digits++;
                }
                if (dot) {
                    frac++;
                }
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                return slow(from, to);
            }
        }
        if (!any || frac >= POW10.length) {
            return slow(from, to);
        }
        double v = frac == 0 ? (double) mant : mant / POW10[frac];
        return neg ? -v : v;
    }

    private double slow(int from, int to) {
        try {
            double v = Double.parseDouble(text(from, to).trim());
            return Double.isFinite(v) ? v : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
