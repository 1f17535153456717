package cn.gridmap.element;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Rows for one PostgreSQL {@code COPY … FROM STDIN (FORMAT csv)}, built in a reusable buffer and sent in blocks of
 * about 1 MB. Also formats rows into a detached {@link Rows} buffer, so several threads can prepare rows that one
 * connection sends in order.
 */
public final class CopyWriter implements AutoCloseable {
    private static final int FLUSH_AT = 1 << 20;
    private final CopyIn copy;
    private final Rows rows = new Rows();
    private long count;

    public CopyWriter(CopyManager manager, String copySql) throws SQLException {
        this.copy = manager.copyIn(copySql);
    }

    public Rows row() throws SQLException {
        if (rows.sb.length() >= FLUSH_AT) {
            flush();
        }
        count++;
        return rows;
    }

    /** Adds one row prepared elsewhere to the buffer. */
    public void add(Rows prepared) throws SQLException {
        rows.sb.append(prepared.sb);
        count++;
        if (rows.sb.length() >= FLUSH_AT) {
            flush();
        }
    }

    /** Sends rows prepared elsewhere (in order). */
    public void append(Rows prepared) throws SQLException {
        if (rows.sb.length() > 0) {
            flush();
        }
        byte[] b = prepared.sb.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(b, 0, b.length);
        count += prepared.rows;
    }

    private void flush() throws SQLException {
        byte[] b = rows.sb.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(b, 0, b.length);
        rows.sb.setLength(0);
    }

    public long count() {
        return count;
    }

    /** Ends the COPY; @return the rows the server took. */
    public long finish() throws SQLException {
        flush();
        return copy.endCopy();
    }

    @Override
    public void close() throws SQLException {
        if (copy.isActive()) {
            copy.cancelCopy();
        }
    }

    /** A CSV row builder: fields separated by commas, rows ended with {@link #end()}. */
    public static final class Rows {
        final StringBuilder sb = new StringBuilder(1 << 16);
        long rows;
        private boolean first = true;

        public Rows field(String s) {
            sep();
            if (s != null) {
                boolean quote = s.isEmpty() || s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0
                        || s.indexOf('\r') >= 0 || s.indexOf('\\') >= 0;
                if (quote) {
                    sb.append('"').append(s.replace("\"", "\"\"")).append('"');
                } else {
                    sb.append(s);
                }
            }
            return this;
        }

        public Rows field(long v) {
            sep();
            sb.append(v);
            return this;
        }

        public Rows field(double v) {
            sep();
            sb.append(v);
            return this;
        }

        public Rows field(boolean v) {
            sep();
            sb.append(v ? 't' : 'f');
            return this;
        }

        public Rows nul() {
            sep();
            return this;
        }

        /** A point as hex EWKB with SRID 4326 (PostGIS reads it without parsing text numbers). */
        public Rows point(double lon, double lat) {
            sep();
            sb.append("0101000020E6100000");
            hex(Double.doubleToRawLongBits(lon));
            hex(Double.doubleToRawLongBits(lat));
            return this;
        }

        private void hex(long bits) {
            for (int i = 0; i < 8; i++) {
                int b = (int) (bits >>> (8 * i)) & 0xff;
                sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 15, 16));
            }
        }

        /** Empties the buffer for reuse. */
        public void clear() {
            sb.setLength(0);
            rows = 0;
        }

        public Rows end() {
            sb.append('\n');
            first = true;
            rows++;
            return this;
        }

        private void sep() {
            if (!first) {
                sb.append(',');
            }
            first = false;
        }
    }
}
