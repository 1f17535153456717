package cn.gridmap.lookup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Up to {@link #BLOCK} rows of a batch's fast paths (CSV and NDJSON): their ids and coordinates as sent, copied out of
 * the reader's buffer, and their points. The block's points are looked up together, so that their independent reads
 * of the index overlap instead of waiting in turn, then the rows are written in order: CSV rows (id, the chain) or
 * NDJSON objects (id, x, y, lon, lat as sent or converted, the chain). Not thread-safe: one per batch.
 */
final class BatchBlock {
    /** Rows looked up together. */
    static final int BLOCK = 256;
    private static final byte[] ID = "{\"id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] X = "\",\"x\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] Y = ",\"y\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LON = ",\"lon\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAT = ",\"lat\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REGIONS = ",\"regions\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = "[]".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OUTSIDE = ",,,,".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final boolean csv;
    /** Whether the batch's coordinates were converted to WGS84 (then lon/lat are written as numbers, not echoed). */
    private final boolean converted;
    private final GridIndex index;
    private final byte[] text = new byte[BLOCK * 256];
    private int textLen;
    private final int[] spans = new int[BLOCK * 6];
    private final double[] lons = new double[BLOCK];
    private final double[] lats = new double[BLOCK];
    private final int[] micro = new int[BLOCK];
    private int n;
    private byte[] o = new byte[1 << 18];
    private int olen;

    BatchBlock(OutputStream out, boolean csv, boolean converted, GridIndex index) {
        this.out = out;
        this.csv = csv;
        this.converted = converted;
        this.index = index;
    }

    void add(byte[] buf, int idF, int idT, int xF, int xT, int yF, int yT, double lon, double lat) throws IOException {
        int len = (idT - idF) + (xT - xF) + (yT - yF);
        if (n == BLOCK || textLen + len > text.length) {
            flush();
        }
        if (len > text.length) {
            throw new IOException("a line's id and coordinates are longer than " + text.length + " bytes");
        }
        int k = n * 6;
        copy(buf, idF, idT, k);
        copy(buf, xF, xT, k + 2);
        copy(buf, yF, yT, k + 4);
        lons[n] = lon;
        lats[n] = lat;
        n++;
    }

    /** Appends [from, to) of buf to the block's text and records its span at spans[k], spans[k + 1]. */
    private void copy(byte[] buf, int from, int to, int k) {
        System.arraycopy(buf, from, text, textLen, to - from);
        spans[k] = textLen;
        textLen += to - from;
        spans[k + 1] = textLen;
    }

    /** Looks the block's points up, then writes their rows in order. */
    void flush() throws IOException {
        for (int i = 0; i < n; i++) {
            micro[i] = index.locateMicro(lons[i], lats[i]);
        }
        for (int i = 0; i < n; i++) {
            row(i);
        }
        n = 0;
        textLen = 0;
        write();
    }

    private void write() throws IOException {
        if (olen > 0) {
            out.write(o, 0, olen);
            olen = 0;
        }
    }

    private void row(int i) throws IOException {
        int m = micro[i];
        byte[] chain = csv ? m < 0 ? OUTSIDE : index.csvChainBytes(m) : m < 0 ? EMPTY : index.jsonChainBytes(m);
        byte[] lonLat = converted ? (",\"lon\":" + lons[i] + ",\"lat\":" + lats[i]).getBytes(StandardCharsets.US_ASCII) : null;
        int k = i * 6;
        int need = 2 * (spans[k + 5] - spans[k]) + chain.length + 64 + (lonLat == null ? 0 : lonLat.length);
        if (olen + need > o.length) {
            write();
            if (need > o.length) {
                o = new byte[need];
            }
        }
        if (csv) {
            olen = put(o, olen, text, spans[k], spans[k + 1]);
            o[olen++] = ',';
            olen = put(o, olen, chain, 0, chain.length);
            o[olen++] = ',';
            o[olen++] = '\n';
            return;
        }
        olen = put(o, olen, ID, 0, ID.length);
        olen = put(o, olen, text, spans[k], spans[k + 1]);
        olen = put(o, olen, X, 0, X.length);
        olen = put(o, olen, text, spans[k + 2], spans[k + 3]);
        olen = put(o, olen, Y, 0, Y.length);
        olen = put(o, olen, text, spans[k + 4], spans[k + 5]);
        if (lonLat == null) {
            olen = put(o, olen, LON, 0, LON.length);
            olen = put(o, olen, text, spans[k + 2], spans[k + 3]);
            olen = put(o, olen, LAT, 0, LAT.length);
            olen = put(o, olen, text, spans[k + 4], spans[k + 5]);
        } else {
            olen = put(o, olen, lonLat, 0, lonLat.length);
        }
        olen = put(o, olen, REGIONS, 0, REGIONS.length);
        olen = put(o, olen, chain, 0, chain.length);
        o[olen++] = '}';
        o[olen++] = '\n';
    }

    private static int put(byte[] o, int at, byte[] src, int from, int to) {
        System.arraycopy(src, from, o, at, to - from);
        return at + to - from;
    }
}
