package cn.gridmap.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import cn.gridmap.web.ApiException;
import io.quarkus.elytron.security.common.BcryptUtil;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Users (people who log in with a password) and clients (other systems: client id + secret, or a static API key).
 * Passwords and secrets are bcrypt hashes, API keys SHA-256 digests; none is ever logged or shown twice. A principal's
 * roles and scope are read from the database (remembered for a few seconds and forgotten at once on every change), so a
 * disabled user's still-valid token stops working on its next call.
 */
@ApplicationScoped
public class Accounts {
    /** A user on the wire (never its password hash). */
    public record User(String username, String displayName, List<String> roles, List<String> scope, boolean pii, boolean enabled,
            String createdAt, String updatedAt) {
    }

    /** POST /api/users. */
    public record NewUser(String username, String password, String displayName, List<String> roles, List<String> scope, Boolean pii) {
    }

    /** PATCH /api/users/{username}: absent fields stay as they are. */
    public record UserPatch(String password, String displayName, List<String> roles, List<String> scope, Boolean pii, Boolean enabled) {
    }

    /** A client on the wire. */
    public record Client(String clientId, String name, List<String> roles, List<String> scope, boolean enabled, String createdAt) {
    }

    /** POST /api/clients. */
    public record NewClient(String name, List<String> roles, List<String> scope) {
    }

    /** The answer to POST /api/clients: the secret and the API key are shown this once. */
    public record NewClientCredentials(String clientId, String clientSecret, String apiKey, String name, List<String> roles,
            List<String> scope) {
    }

    private record Stored(String name, String hash, List<String> roles, List<String> scope, boolean pii, boolean enabled) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    /** A bcrypt hash to compare against when the user does not exist, so that timing does not tell who exists. */
    private static final String NO_USER_HASH = BcryptUtil.bcryptHash("no such user " + RANDOM.nextLong());

    private final DataSource dataSource;
    private final Scopes scopes;
    private final Audit audit;
    /** Users and clients by name (two caches, so that a lookup needs no key built per request). */
    private final Cache<String, Optional<Principal>> users = Caffeine.newBuilder().maximumSize(20_000)
            .expireAfterWrite(Duration.ofSeconds(10)).build();
    private final Cache<String, Optional<Principal>> clients = Caffeine.newBuilder().maximumSize(20_000)
            .expireAfterWrite(Duration.ofSeconds(10)).build();
    private final Cache<String, Principal> externals = Caffeine.newBuilder().maximumSize(20_000)
            .expireAfterWrite(Duration.ofSeconds(10)).build();
    private final Cache<String, Optional<String>> apiKeys = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofSeconds(10)).build();
    /** Users' rows as stored (enabled, roles), for the events' routing: no scope to resolve. */
    private final Cache<String, Optional<Stored>> rows = Caffeine.newBuilder().maximumSize(60_000)
            .expireAfterWrite(Duration.ofSeconds(10)).build();

    /** The password hash of a user who has none: login disabled (the synthetic city's staff but its demo accounts). */
    public static final String NO_PASSWORD = "!";

    public Accounts(DataSource dataSource, Scopes scopes, Audit audit) {
        this.dataSource = dataSource;
        this.scopes = scopes;
        this.audit = audit;
    }

    // ------------------------------------------------------------------ principals (authentication)

    /** The enabled principal of this name, or null (unknown or disabled). */
    public Principal principal(Principal.Kind kind, String name) {
        Cache<String, Optional<Principal>> cache = kind == Principal.Kind.CLIENT ? clients : users;
        Optional<Principal> p = cache.getIfPresent(name);
        if (p == null) {
            Stored s = kind == Principal.Kind.CLIENT ? client(name) : user(name);
            p = s == null || !s.enabled() ? Optional.empty() : Optional.of(toPrincipal(s, kind));
            cache.put(name, p);
        }
        return p.orElse(null);
    }

    /** Whether a user exists, is enabled and holds the role (remembered for 10 s, forgotten on a change). */
    public boolean active(String username, String role) {
        Optional<Stored> s = rows.get(username, u -> Optional.ofNullable(user(u)));
        return s.isPresent() && s.get().enabled() && s.get().roles().contains(role);
    }

    /** The remembered principal of this name, or null (then {@link #principal} reads the database). */
    public Principal cachedPrincipal(Principal.Kind kind, String name) {
        Optional<Principal> p = (kind == Principal.Kind.CLIENT ? clients : users).getIfPresent(name);
        return p == null ? null : p.orElse(null);
    }

    /** The remembered client of an API key, or null. */
    public Principal cachedByApiKey(String apiKey) {
        Optional<String> id = apiKeys.getIfPresent(apiKey);
        return id == null || id.isEmpty() ? null : cachedPrincipal(Principal.Kind.CLIENT, id.get());
    }

    /**
     * A principal from an external provider's token: roles and scope are the token's claims. Remembered for a few
     * seconds by name, roles and scope, so that resolving the scope (region reads) is not paid on every call.
     */
    public Principal external(String name, List<String> roles, List<String> scope) {
        return externals.get(name + "|" + roles + "|" + scope, k -> {
            Set<String> known = new TreeSet<>(roles);
            boolean pii = known.remove("pii");
            known.retainAll(Roles.ALL);
            return new Principal(name, Principal.Kind.EXTERNAL, known, scope, scopes.resolve(scope), pii);
        });
    }

    /** The remembered external principal of these claims, or null. */
    public Principal cachedExternal(String name, List<String> roles, List<String> scope) {
        return externals.getIfPresent(name + "|" + roles + "|" + scope);
    }

    /** The user whose password this is, or null. Always pays one bcrypt comparison. */
    public Principal login(String username, String password) {
        Stored s = username == null || !username.matches("[A-Za-z0-9._@-]{2,64}") ? null : user(username);
        // a user without a password (synthetic staff: NO_PASSWORD) cannot log in until an admin sets one
        boolean hasPassword = s != null && !NO_PASSWORD.equals(s.hash());
        boolean ok = BcryptUtil.matches(password == null ? "" : password, hasPassword ? s.hash() : NO_USER_HASH);
        return ok && hasPassword && s.enabled() ? toPrincipal(s, Principal.Kind.USER) : null;
    }

    /** The client of this id and secret, or null. */
    public Principal clientLogin(String clientId, String secret) {
        Stored s = clientId == null || !clientId.matches("[A-Za-z0-9_-]{4,64}") ? null : client(clientId);
        boolean ok = BcryptUtil.matches(secret == null ? "" : secret, s == null ? NO_USER_HASH : s.hash());
        return ok && s != null && s.enabled() ? toPrincipal(s, Principal.Kind.CLIENT) : null;
    }

    /** The client of an API key ({@code gm_<prefix>_<secret>}), or null. */
    public Principal byApiKey(String apiKey) {
        Optional<String> id = apiKeys.getIfPresent(apiKey);
        if (id == null) {
            id = Optional.ofNullable(clientOfKey(apiKey));
            apiKeys.put(apiKey, id);
        }
        return id.map(c -> principal(Principal.Kind.CLIENT, c)).orElse(null);
    }

    private String clientOfKey(String apiKey) {
        String[] parts = apiKey.split("_");
        if (parts.length != 3 || !"gm".equals(parts[0]) || !parts[1].matches("[a-z0-9]{8}")) {
            return null;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SecuritySql.CLIENT_BY_KEY)) {
            ps.setString(1, parts[1]);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && MessageDigest.isEqual(sha256(apiKey).getBytes(StandardCharsets.US_ASCII),
                        rs.getString(2).getBytes(StandardCharsets.US_ASCII))) {
                    return rs.getString(1);
                }
                return null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("client lookup failed: " + e.getMessage(), e);
        }
    }

    private Principal toPrincipal(Stored s, Principal.Kind kind) {
        return new Principal(s.name(), kind, Set.copyOf(s.roles()), s.scope(), scopes.resolve(s.scope()), s.pii());
    }

    // ------------------------------------------------------------------ users

    /** The first admin (city scope, every right) when there is no user at all; true if it was made now. */
    public boolean bootstrapAdmin(String username, String password, String cityCode) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(SecuritySql.USER_COUNT); ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return false;
                }
            }
            return insertUser(c, new NewUser(username, password, "管理员", List.of(Roles.ADMIN), List.of(cityCode), true), "setup") == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the first admin: " + e.getMessage(), e);
        }
    }

    /** A grid worker or liaison and the regions of hers among those asked for. */
    public record Staff(String username, String displayName, List<String> roles, List<String> regions) {
    }

    /**
     * The staff of some grids and micro-grids: every enabled grid worker and liaison whose scope names one of the
     * codes (a change set's preview shows who gains or loses households, and which new grid has nobody).
     */
    public List<Staff> staff(java.util.Collection<String> codes) {
        List<Staff> out = new ArrayList<>();
        if (codes.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SecuritySql.STAFF)) {
            ps.setArray(1, c.createArrayOf("text", codes.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> scope = List.of((String[]) rs.getArray("scope").getArray());
                    out.add(new Staff(rs.getString("username"), rs.getString("display_name"), List.of((String[]) rs.getArray("roles").getArray()),
                            scope.stream().filter(codes::contains).toList()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("staff query failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** The display names of these users (those that exist). */
    public Map<String, String> displayNames(java.util.Collection<String> usernames) {
        Map<String, String> out = new java.util.HashMap<>();
        if (usernames.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SecuritySql.DISPLAY_NAMES)) {
            ps.setArray(1, c.createArrayOf("text", usernames.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("display names failed: " + e.getMessage(), e);
        }
        return out;
    }

    public List<User> users(Caller caller) {
        List<User> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SecuritySql.USERS);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                User u = userOf(rs);
                if (manages(caller, u.scope())) {
                    out.add(u);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("user query failed: " + e.getMessage(), e);
        }
        return out;
    }

    public User createUser(Caller caller, NewUser n) {
        if (n == null) {
            throw ApiException.badRequest("a JSON body {username, password, displayName, roles, scope, pii} is required");
        }
        if (n.username() == null || !n.username().matches("[A-Za-z0-9._@-]{2,64}")) {
            throw ApiException.badRequest("username: 2 to 64 letters, digits or . _ @ -");
        }
        checkPassword(n.password(), n.username());
        List<String> roles = roles(n.roles());
        List<String> scope = grantable(caller, n.scope());
        boolean pii = Boolean.TRUE.equals(n.pii());
        grantablePii(caller, pii);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            if (insertUser(c, new NewUser(n.username(), n.password(), n.displayName(), roles, scope, pii), caller.name()) == 0) {
                throw new ApiException(409, "user " + n.username() + " exists");
            }
            audit.record(c, caller, "user.create", "user:" + n.username(), List.of(n.username()), null, "ok",
                    "roles=" + roles + " scope=" + scope + " pii=" + pii);
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("user insert failed: " + e.getMessage(), e);
        }
        return userView(n.username());
    }

    public User patchUser(Caller caller, String username, UserPatch p) {
        if (p == null) {
            throw ApiException.badRequest("a JSON body with password, displayName, roles, scope, pii or enabled is required");
        }
        Stored s = username == null ? null : user(username);
        if (s == null || !manages(caller, s.scope())) {
            throw ApiException.notFound("no user " + username);
        }
        if (p.password() != null) {
            checkPassword(p.password(), username);
        }
        List<String> roles = p.roles() == null ? s.roles() : roles(p.roles());
        List<String> scope = p.scope() == null ? s.scope() : grantable(caller, p.scope());
        boolean pii = p.pii() == null ? s.pii() : p.pii();
        if (pii && !s.pii()) {
            grantablePii(caller, true);
        }
        boolean enabled = p.enabled() == null ? s.enabled() : p.enabled();
        if (username.equals(caller.name()) && (!enabled || !roles.contains(Roles.ADMIN))) {
            throw new ApiException(409, "an admin cannot disable itself or drop its own admin role");
        }
        String hash = p.password() == null ? s.hash() : BcryptUtil.bcryptHash(p.password());
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            User before = userView(username);
            try (PreparedStatement ps = c.prepareStatement(SecuritySql.UPDATE_USER)) {
                ps.setString(1, p.displayName() == null ? before.displayName() : p.displayName());
                ps.setString(2, hash);
                ps.setArray(3, c.createArrayOf("text", roles.toArray()));
                ps.setArray(4, c.createArrayOf("text", scope.toArray()));
                ps.setBoolean(5, pii);
                ps.setBoolean(6, enabled);
                ps.setString(7, username);
                ps.executeUpdate();
            }
            audit.record(c, caller, "user.update", "user:" + username, List.of(username), null, "ok",
                    changes(before, roles, scope, pii, enabled, p.password() != null));
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("user update failed: " + e.getMessage(), e);
        }
        users.invalidate(username);
        rows.invalidate(username);
        return userView(username);
    }

    private static String changes(User before, List<String> roles, List<String> scope, boolean pii, boolean enabled, boolean password) {
        List<String> c = new ArrayList<>();
        if (!before.roles().equals(roles)) {
            c.add("roles " + before.roles() + " -> " + roles);
        }
        if (!before.scope().equals(scope)) {
            c.add("scope " + before.scope() + " -> " + scope);
        }
        if (before.pii() != pii) {
            c.add("pii " + before.pii() + " -> " + pii);
        }
        if (before.enabled() != enabled) {
            c.add("enabled " + before.enabled() + " -> " + enabled);
        }
        if (password) {
            c.add("password changed");
        }
        return String.join("; ", c);
    }

    private int insertUser(Connection c, NewUser n, String by) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SecuritySql.INSERT_USER)) {
            ps.setString(1, n.username());
            ps.setString(2, n.displayName());
            ps.setString(3, BcryptUtil.bcryptHash(n.password()));
            ps.setArray(4, c.createArrayOf("text", n.roles().toArray()));
            ps.setArray(5, c.createArrayOf("text", n.scope().toArray()));
            ps.setBoolean(6, Boolean.TRUE.equals(n.pii()));
            ps.setString(7, by);
            return ps.executeUpdate();
        }
    }

    private User userView(String username) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SecuritySql.USER)) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? userOf(rs) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("user query failed: " + e.getMessage(), e);
        }
    }

    private static User userOf(ResultSet rs) throws SQLException {
        return new User(rs.getString(1), rs.getString(2), list(rs.getArray(4)), list(rs.getArray(5)), rs.getBoolean(6), rs.getBoolean(7),
                rs.getObject(8, OffsetDateTime.class).toString(), rs.getObject(9, OffsetDateTime.class).toString());
    }

    private Stored user(String username) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SecuritySql.USER)) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Stored(rs.getString(1), rs.getString(3), list(rs.getArray(4)), list(rs.getArray(5)),
                        rs.getBoolean(6), rs.getBoolean(7)) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("user query failed: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ clients

    public List<Client> clients(Caller caller) {
        List<Client> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SecuritySql.CLIENTS);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Client k = new Client(rs.getString(1), rs.getString(2), list(rs.getArray(4)), list(rs.getArray(5)), rs.getBoolean(6),
                        rs.getObject(7, OffsetDateTime.class).toString());
                if (manages(caller, k.scope())) {
                    out.add(k);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("client query failed: " + e.getMessage(), e);
        }
        return out;
    }

    public NewClientCredentials createClient(Caller caller, NewClient n) {
        if (n == null || n.name() == null || n.name().isBlank()) {
            throw ApiException.badRequest("a JSON body {name, roles, scope} is required");
        }
        List<String> roles = roles(n.roles());
        List<String> scope = grantable(caller, n.scope());
        String clientId = "c" + random(9).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "x");
        String secret = random(32);
        String prefix = random(6).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "0").substring(0, 8);
        String apiKey = "gm_" + prefix + "_" + random(32).replace('_', 'Z');
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(SecuritySql.INSERT_CLIENT)) {
                ps.setString(1, clientId);
                ps.setString(2, n.name().trim());
                ps.setString(3, BcryptUtil.bcryptHash(secret));
                ps.setString(4, prefix);
                ps.setString(5, sha256(apiKey));
                ps.setArray(6, c.createArrayOf("text", roles.toArray()));
                ps.setArray(7, c.createArrayOf("text", scope.toArray()));
                ps.setString(8, caller.name());
                ps.executeUpdate();
            }
            audit.record(c, caller, "client.create", "client:" + clientId, List.of(clientId), null, "ok",
                    "name=" + n.name().trim() + " roles=" + roles + " scope=" + scope);
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("client insert failed: " + e.getMessage(), e);
        }
        return new NewClientCredentials(clientId, secret, apiKey, n.name().trim(), roles, scope);
    }

    private Stored client(String clientId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SecuritySql.CLIENT)) {
            ps.setString(1, clientId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Stored(rs.getString(1), rs.getString(3), list(rs.getArray(4)), list(rs.getArray(5)), false,
                        rs.getBoolean(6)) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("client query failed: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ rules

    /** Whether the caller (an admin) manages a user or client of this scope: only inside its own scope. */
    private boolean manages(Caller caller, List<String> scope) {
        return caller.scope().all() || (!scope.isEmpty() && scopes.within(caller.scope(), scope));
    }

    private List<String> grantable(Caller caller, List<String> scope) {
        List<String> codes = scopes.validate(scope);
        if (!scopes.within(caller.scope(), codes)) {
            throw new ApiException(403, "scope " + codes + " reaches outside your own scope " + caller.principal().scopeCodes());
        }
        return codes;
    }

    private static void grantablePii(Caller caller, boolean pii) {
        if (pii && !caller.principal().pii()) {
            throw new ApiException(403, "only an admin who holds pii may grant it");
        }
    }

    private static List<String> roles(List<String> roles) {
        if (roles == null || roles.isEmpty()) {
            throw ApiException.badRequest("roles must list at least one of " + Roles.ALL);
        }
        Set<String> out = new TreeSet<>();
        for (String r : roles) {
            if (r == null || !Roles.ALL.contains(r.trim())) {
                throw ApiException.badRequest("unknown role '" + r + "'; roles are " + Roles.ALL);
            }
            out.add(r.trim());
        }
        return List.copyOf(out);
    }

    private static void checkPassword(String password, String username) {
        if (password == null || password.length() < 10 || password.length() > 72) {
            throw ApiException.badRequest("password: 10 to 72 characters");
        }
        if (password.toLowerCase(java.util.Locale.ROOT).contains(username.toLowerCase(java.util.Locale.ROOT))) {
            throw ApiException.badRequest("password must not contain the username");
        }
    }

    private static List<String> list(Array a) throws SQLException {
        return a == null ? List.of() : List.of((String[]) a.getArray());
    }

    /** {@code bytes} random bytes, base64url without padding. */
    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
