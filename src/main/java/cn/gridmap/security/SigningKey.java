package cn.gridmap.security;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.UUID;

import javax.sql.DataSource;

import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.lang.JoseException;

/**
 * The RSA key that signs the service's own tokens. Made once, on the first start, and kept in the database (the private
 * half encrypted with the personal-data key) so that every replica of the service signs and verifies with the same key.
 */
record SigningKey(String kid, PrivateKey privateKey, PublicKey publicKey) {

    static SigningKey loadOrCreate(DataSource dataSource, PersonalDataProtector protector) {
        try (Connection c = dataSource.getConnection()) {
            SigningKey k = load(c, protector);
            if (k != null) {
                return k;
            }
            RsaJsonWebKey jwk = RsaJwkGenerator.generateJwk(2048);
            String kid = UUID.randomUUID().toString();
            try (PreparedStatement ps = c.prepareStatement(SecuritySql.INSERT_SIGNING_KEY)) {
                ps.setString(1, kid);
                ps.setString(2, protector.encrypt(Base64.getEncoder().encodeToString(jwk.getPrivateKey().getEncoded())));
                ps.setString(3, Base64.getEncoder().encodeToString(jwk.getPublicKey().getEncoded()));
                ps.executeUpdate();
            }
            return load(c, protector); // another replica may have won the race: the oldest key counts
        } catch (SQLException | JoseException e) {
            throw new IllegalStateException("could not load or create the token signing key: " + e.getMessage(), e);
        }
    }

    private static SigningKey load(Connection c, PersonalDataProtector protector) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SecuritySql.SIGNING_KEY); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            try {
                KeyFactory rsa = KeyFactory.getInstance("RSA");
                PrivateKey priv = rsa.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(protector.decrypt(rs.getString(2)))));
                PublicKey pub = rsa.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(rs.getString(3))));
                return new SigningKey(rs.getString(1), priv, pub);
            } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalStateException("the stored token signing key cannot be read (a different personal-data key?)", e);
            }
        }
    }
}
