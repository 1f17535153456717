package cn.gridmap.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Application-level protection of personal data (ID numbers, phones) at rest: AES-256-GCM with a random 96-bit nonce
 * per value, and a deterministic blind index (HMAC-SHA256) for exact lookup without decrypting. Both keys are
 * derived from one 256-bit master key that comes from configuration, never from the repository. Thread-safe.
 *
 * <p>Stored form: {@code v1:} + base64(nonce ‖ ciphertext ‖ tag). The version prefix lets keys rotate later.
 */
public final class PersonalDataProtector {
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** HMAC-SHA256 truncated to 128 bits: no collision expected below ~10^18 values, 22 characters stored. */
    private static final int BLIND_INDEX_BYTES = 16;
    private final SecretKeySpec encryptionKey;
    private final SecretKeySpec indexKey;
    /** Ciphers, MACs and nonce sources are per thread: bulk imports encrypt millions of values on several threads. */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });
    private final ThreadLocal<Mac> indexMac;

    /** @param masterKey 32 bytes of key material */
    public PersonalDataProtector(byte[] masterKey) {
        if (masterKey == null || masterKey.length != 32) {
            throw new IllegalArgumentException("the personal-data key must be 32 bytes (base64 of 32 random bytes)");
        }
        this.encryptionKey = new SecretKeySpec(derive(masterKey, "gridmap encryption v1"), "AES");
        this.indexKey = new SecretKeySpec(derive(masterKey, "gridmap blind index v1"), "HmacSHA256");
        this.indexMac = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(indexKey);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Reads a base64 key as configured; a clear message when it is malformed. */
    public static PersonalDataProtector fromBase64(String key) {
        try {
            return new PersonalDataProtector(Base64.getDecoder().decode(key.trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the personal-data key must be base64 of 32 random bytes: " + e.getMessage(), e);
        }
    }

    public String encrypt(String plain) {
        if (plain == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.get().nextBytes(nonce);
            Cipher c = GCM.get();
            c.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + ct.length);
            System.arraycopy(ct, 0, out, NONCE_BYTES, ct.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /** Decrypts a stored value; fails if it was altered or encrypted under another key. */
    public String decrypt(String stored) {
        if (stored == null) {
            return null;
        }
        if (!stored.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not an encrypted value of this version");
        }
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher c = GCM.get();
            c.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            return new String(c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the value cannot be decrypted with this key (altered or another key)", e);
        }
    }

    /** The blind index of an already normalised value: equal values give equal indexes; it does not reveal the value. */
    public String blindIndex(String normalized) {
        byte[] mac = indexMac.get().doFinal(normalized.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(mac, BLIND_INDEX_BYTES));
    }

    private static byte[] derive(byte[] master, String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(master, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
