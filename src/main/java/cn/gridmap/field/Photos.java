package cn.gridmap.field;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonInclude;

import cn.gridmap.GridmapConfig;
import cn.gridmap.event.EventService;
import cn.gridmap.geo.Coordinates;
import cn.gridmap.lookup.PointLookupService;
import cn.gridmap.region.Level;
import cn.gridmap.region.RegionRecord.RegionRef;
import cn.gridmap.security.Caller;
import cn.gridmap.security.ScopedConnection;
import cn.gridmap.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Photos from the field (a site before and after handling, a volunteer's tip): JPEG or PNG, checked by their bytes
 * (not by what the client calls them) and by decoding their header, at most {@code gridmap.field.max-photo-bytes}.
 * Each is placed where it was taken, and the area-scope policy decides who may see it. An event's log refers to one
 * as {@code file:<id>}; the same picture sent twice by the same person is the same file.
 */
@ApplicationScoped
public class Photos implements cn.gridmap.event.Attachments {
    public static final String REF = "file:";
    private final DataSource dataSource;
    private final PointLookupService lookup;
    private final GridmapConfig config;

    public Photos(DataSource dataSource, PointLookupService lookup, GridmapConfig config) {
        this.dataSource = dataSource;
        this.lookup = lookup;
        this.config = config;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Photo(long id, String ref, String url, String contentType, int sizeBytes, int width, int height, String sha256,
            String uploadedBy, String uploadedAt, String microgridCode, boolean created) {
    }

    /** A photo's bytes and type, to send back. */
    public record Content(Photo photo, byte[] bytes) {
    }

    /** POST /api/files?lon=&lat=: the body is the picture. */
    public Photo upload(Caller caller, String contentType, Long contentLength, InputStream body, String lonText, String latText) {
        int max = config.field().maxPhotoBytes();
        if (contentLength != null && contentLength > max) {
            throw new ApiException(413, "a photo may have at most " + max + " bytes, this one has " + contentLength);
        }
        double[] at = where(lonText, latText);
        byte[] bytes = read(body, max);
        if (bytes.length == 0) {
            throw ApiException.badRequest("the body is empty: send the picture's bytes (image/jpeg or image/png)");
        }
        String type = sniff(bytes);
        if (type == null) {
            throw new ApiException(415, "a photo is a JPEG or PNG image; these bytes are neither (they start with " + head(bytes) + ")");
        }
        String declared = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!declared.isEmpty() && !declared.equals(type) && !declared.equals("application/octet-stream")) {
            throw new ApiException(415, "the body is " + type + " but Content-Type says " + declared);
        }
        int[] size = dimensions(bytes, type);
        java.util.List<RegionRef> chain = lookup.chainAt(at[0], at[1]);
        if (chain.isEmpty()) {
            throw ApiException.badRequest(String.format("the point %.6f,%.6f where the photo was taken lies outside the city", at[0], at[1]));
        }
        String district = chain.get(Level.DISTRICT.ordinal()).code();
        String micro = chain.get(Level.MICROGRID.ordinal()).code();
        if (!caller.scope().covers(district, micro)) {
            throw new ApiException(403, "the photo was taken in micro-grid " + micro + ", outside your scope " + caller.scope().codes());
        }
        String sha = sha256(bytes);
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope())) {
            Connection c = sc.connection();
            Long id = null;
            try (PreparedStatement ps = c.prepareStatement(FieldSql.INSERT_FILE)) {
                int i = 1;
                ps.setString(i++, sha);
                ps.setString(i++, type);
                ps.setInt(i++, bytes.length);
                ps.setInt(i++, size[0]);
                ps.setInt(i++, size[1]);
                ps.setBytes(i++, bytes);
                ps.setDouble(i++, at[0]);
                ps.setDouble(i++, at[1]);
                ps.setString(i++, district);
                ps.setString(i++, micro);
                ps.setString(i, caller.name());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        id = rs.getLong(1);
                    }
                }
            }
            Photo p = byHash(c, caller.name(), sha, id != null);
            sc.commit();
            return p;
        } catch (SQLException e) {
            throw new IllegalStateException("photo upload failed: " + e.getMessage(), e);
        }
    }

    /** GET /api/files/{id}: 404 when unknown or outside the caller's scope. */
    public Content get(Caller caller, long id) {
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope());
                PreparedStatement ps = sc.connection().prepareStatement(FieldSql.FILE)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("no photo " + id + " in your scope");
                }
                return new Content(photo(rs, false), rs.getBytes(10));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("photo " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** Whether a reference names a photo this caller may see (what an event's log may carry). */
    @Override
    public boolean visible(Caller caller, String ref) {
        Long id = idOf(ref);
        if (id == null) {
            return false;
        }
        try (ScopedConnection sc = ScopedConnection.open(dataSource, caller.scope());
                PreparedStatement ps = sc.connection().prepareStatement("SELECT 1 FROM field_file WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("photo " + ref + " failed: " + e.getMessage(), e);
        }
    }

    /** The id in {@code file:<id>}, or null when the text is no photo reference. */
    public static Long idOf(String ref) {
        if (ref == null || !ref.startsWith(REF)) {
            return null;
        }
        try {
            return Long.parseLong(ref.substring(REF.length()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Photo byHash(Connection c, String user, String sha, boolean created) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FieldSql.FILE_OF)) {
            ps.setString(1, user);
            ps.setString(2, sha);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("the photo " + sha + " was neither stored nor found");
                }
                return photo(rs, created);
            }
        }
    }

    private static Photo photo(ResultSet rs, boolean created) throws SQLException {
        long id = rs.getLong(1);
        return new Photo(id, REF + id, "api/files/" + id, rs.getString(3), rs.getInt(4), rs.getInt(5), rs.getInt(6), rs.getString(2),
                rs.getString(7), EventService.iso(rs.getTimestamp(8)), rs.getString(9), created);
    }

    private static double[] where(String lonText, String latText) {
        if (lonText == null || latText == null || lonText.isBlank() || latText.isBlank()) {
            throw ApiException.badRequest("say where the photo was taken: ?lon=…&lat=… (WGS84)");
        }
        double lon;
        double lat;
        try {
            lon = Double.parseDouble(lonText.trim());
            lat = Double.parseDouble(latText.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("lon and lat are numbers, got '" + lonText + "', '" + latText + "'");
        }
        Coordinates.checkLonLat(lon, lat);
        return new double[] {lon, lat};
    }

    private static byte[] read(InputStream in, int max) {
        if (in == null) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > max) {
                    throw new ApiException(413, "a photo may have at most " + max + " bytes; this one has more");
                }
            }
        } catch (IOException e) {
            throw ApiException.badRequest("the photo could not be read: " + e.getMessage());
        }
        return out.toByteArray();
    }

    /** The type the bytes are, by their signature: JPEG (FF D8 FF), PNG (89 50 4E 47 0D 0A 1A 0A); else null. */
    static String sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return "image/jpeg";
        }
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
        if (b.length >= png.length && java.util.Arrays.equals(java.util.Arrays.copyOf(b, png.length), png)) {
            return "image/png";
        }
        return null;
    }

    /** Width and height from the image's header; a picture whose header does not decode is refused. */
    private static int[] dimensions(byte[] bytes, String type) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(type);
            if (!readers.hasNext()) {
                throw new IllegalStateException("no image reader for " + type);
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                int w = r.getWidth(0);
                int h = r.getHeight(0);
                if (w <= 0 || h <= 0 || (long) w * h > 100_000_000L) {
                    throw ApiException.badRequest("the image is " + w + " × " + h + " pixels: not a photo");
                }
                return new int[] {w, h};
            } finally {
                r.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException a) {
                throw a;
            }
            throw ApiException.badRequest("the " + type + " image is damaged: " + e.getMessage());
        }
    }

    private static String head(byte[] b) {
        return HexFormat.ofDelimiter(" ").formatHex(b, 0, Math.min(8, b.length));
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
