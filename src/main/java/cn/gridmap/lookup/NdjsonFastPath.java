package cn.gridmap.lookup;

import java.io.IOException;
import java.io.OutputStream;

import cn.gridmap.geo.InputCrs;

/**
 * The NDJSON batch at byte level. A line that is a flat object of the keys {@code id}, {@code x}/{@code lon}/
 * {@code lng} and {@code y}/{@code lat}, with JSON numbers and an id that is a number or a string without escapes,
 * is read without a JSON parser, looked up, and written from bytes: the id and the coordinates as they were sent
 * (for WGS84 numbers the longitude and latitude are the same text), then the micro-grid's precomputed chain; rows
 * are looked up in blocks ({@link BatchBlock}). Every other line (other keys, escapes, nesting, a bad number, a point
 * outside the valid range) is handed to the general path of {@link BatchLookup}, which parses it with Jackson and
 * writes its answer or its error. Not thread-safe.
 */
final class NdjsonFastPath {
    /** One line the fast path hands over: its bytes and its 1-based line number. */
    interface GeneralLine {
        void line(byte[] buf, int from, int to, long lineNo) throws IOException;
    }

    private final CsvFastPath lines;
    private final byte[] buf;
    // the spans of the last line read: id (text inside the quotes, or the number), x and y
    private int idFrom;
    private int idTo;
    private int xFrom;
    private int xTo;
    private int yFrom;
    private int yTo;

    NdjsonFastPath(CsvFastPath lines) {
        this.lines = lines;
        this.buf = lines.buffer();
    }

    /** Streams every line; {@code csv} chooses CSV rows (id + chain) over NDJSON objects. */
    void run(OutputStream out, boolean csv, InputCrs crs, GridIndex index, GeneralLine general) throws IOException {
        InputCrs.Converter conv = crs.isWgs84Numbers() ? null : crs.converter();
        BatchBlock b = new BatchBlock(out, csv, conv != null, index);
        long lineNo = 0;
        int[] line;
        while ((line = lines.nextLine()) != null) {
            lineNo++;
            int from = line[0];
            int to = line[1];
            double x = Double.NaN;
            double y = Double.NaN;
            if (flat(from, to) && (!csv || plainCsv(idFrom, idTo))) {
                x = lines.parse(xFrom, xTo);
                y = Double.isNaN(x) ? Double.NaN : lines.parse(yFrom, yTo);
            }
            double lon = x;
            double lat = y;
            if (conv != null && !Double.isNaN(y)) {
                double[] ll = conv.toWgs84(x, y);
                lon = ll[0];
                lat = ll[1];
            }
            if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) {
                if (from == to) {
                    continue;
                }
                b.flush(); // the answers keep the order of the lines
                general.line(buf, from, to, lineNo);
                continue;
            }
            b.add(buf, idFrom, idTo, xFrom, xTo, yFrom, yTo, lon, lat);
        }
        b.flush();
    }

    /** An id the CSV output can carry without quoting. */
    private boolean plainCsv(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == ',' || buf[i] == '"') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether [from, to) is a flat object of id, x/lon/lng and y/lat only, with JSON numbers and a plain string or
     * number id; sets the spans. Anything else is for the general path.
     */
    boolean flat(int from, int to) {
        idFrom = idTo = xFrom = xTo = yFrom = yTo = -1;
        int i = skip(from, to);
        if (i >= to || buf[i] != '{') {
            return false;
        }
        i = skip(i + 1, to);
        while (true) {
            if (i >= to || buf[i] != '"') {
                return false;
            }
            int k = i + 1;
            int ke = k;
            while (ke < to && buf[ke] != '"' && buf[ke] != '\\') {
                ke++;
            }
            if (ke >= to || buf[ke] != '"') {
                return false;
            }
            int key = key(k, ke);
            i = skip(ke + 1, to);
            if (key < 0 || i >= to || buf[i] != ':') {
                return false;
            }
            i = skip(i + 1, to);
            if (i >= to) {
                return false;
            }
            int vf;
            int vt;
            if (buf[i] == '"') {
                if (key != 0) {
                    return false; // a coordinate in quotes: the general path explains it
                }
                vf = i + 1;
                vt = vf;
                while (vt < to && buf[vt] != '"') {
                    if (buf[vt] == '\\' || (buf[vt] & 0xff) < 0x20) {
                        return false;
                    }
                    vt++;
                }
                if (vt >= to) {
                    return false;
                }
                i = vt + 1;
            } else {
                vf = i;
                vt = number(i, to);
                if (vt < 0) {
                    return false;
                }
                i = vt;
            }
            switch (key) {
                case 0 -> {
                    idFrom = vf;
                    idTo = vt;
                }
                case 1 -> {
                    xFrom = vf;
                    xTo = vt;
                }
                default -> {
                    yFrom = vf;
                    yTo = vt;
                }
            }
            i = skip(i, to);
            if (i >= to) {
                return false;
            }
            if (buf[i] == '}') {
                return skip(i + 1, to) == to && idFrom >= 0 && xFrom >= 0 && yFrom >= 0;
            }
            if (buf[i] != ',') {
                return false;
            }
            i = skip(i + 1, to);
        }
    }

    private int skip(int i, int to) {
        while (i < to && (buf[i] == ' ' || buf[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** 0 = id, 1 = x (x, lon, lng), 2 = y (y, lat); -1 = any other key. */
    private int key(int from, int to) {
        int n = to - from;
        if (n == 1) {
            return buf[from] == 'x' ? 1 : buf[from] == 'y' ? 2 : -1;
        }
        if (n == 2) {
            return buf[from] == 'i' && buf[from + 1] == 'd' ? 0 : -1;
        }
        if (n == 3) {
            if (buf[from] == 'l' && buf[from + 1] == 'o' && buf[from + 2] == 'n' || buf[from] == 'l' && buf[from + 1] == 'n' && buf[from + 2] == 'g') {
                return 1;
            }
            if (buf[from] == 'l' && buf[from + 1] == 'a' && buf[from + 2] == 't') {
                return 2;
            }
        }
        return -1;
    }

    /** The end of a JSON number starting at i (-?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?), or -1. */
    private int number(int i, int to) {
        if (i < to && buf[i] == '-') {
            i++;
        }
        if (i >= to || buf[i] < '0' || buf[i] > '9') {
            return -1;
        }
        if (buf[i] == '0') {
            i++;
        } else {
            while (i < to && buf[i] >= '0' && buf[i] <= '9') {
                i++;
            }
        }
        if (i < to && buf[i] == '.') {
            int d = ++i;
            while (i < to && buf[i] >= '0' && buf[i] <= '9') {
                i++;
            }
            if (i == d) {
                return -1;
            }
        }
        if (i < to && (buf[i] == 'e' || buf[i] == 'E')) {
            i++;
            if (i < to && (buf[i] == '+' || buf[i] == '-')) {
                i++;
            }
            int d = i;
            while (i < to && buf[i] >= '0' && buf[i] <= '9') {
                i++;
            }
            if (i == d) {
                return -1;
            }
        }
        return i;
    }
}
