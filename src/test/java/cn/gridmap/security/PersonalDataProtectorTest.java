package cn.gridmap.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;

/** Encryption at rest, the blind index, and masking of personal data. */
class PersonalDataProtectorTest {
    private static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    private final PersonalDataProtector protector = new PersonalDataProtector(key());

    @Test
    void encryptedValuesRoundTripAndNeverShowThePlainText() {
        String id = "11010519491231002X";
        String a = protector.encrypt(id);
        String b = protector.encrypt(id);
        assertEquals(id, protector.decrypt(a));
        assertNotEquals(a, b, "a fresh nonce per value: equal values do not look equal at rest");
        assertFalse(a.contains("1101") || a.contains("002X"));
    }

    @Test
    void alteredValuesAndOtherKeysAreRejected() {
        String stored = protector.encrypt("13812345678");
        char[] c = stored.toCharArray();
        c[10] = c[10] == 'A' ? 'B' : 'A';
        assertThrows(IllegalStateException.class, () -> protector.decrypt(new String(c)));
        assertThrows(IllegalStateException.class, () -> new PersonalDataProtector(key()).decrypt(stored));
    }

    @Test
    void blindIndexIsDeterministicPerKeyAndHidesTheValue() {
        assertEquals(protector.blindIndex("13812345678"), protector.blindIndex("13812345678"));
        assertNotEquals(protector.blindIndex("13812345678"), protector.blindIndex("13812345679"));
        assertNotEquals(protector.blindIndex("13812345678"), new PersonalDataProtector(key()).blindIndex("13812345678"));
        assertFalse(protector.blindIndex("13812345678").contains("5678"));
    }

    @Test
    void keysMustBe32BytesOfBase64() {
        assertThrows(IllegalArgumentException.class, () -> new PersonalDataProtector(new byte[16]));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PersonalDataProtector.fromBase64("not base64!"))
                .getMessage().contains("base64"));
        PersonalDataProtector.fromBase64(Base64.getEncoder().encodeToString(key()));
    }

    @Test
    void phonesAndIdNumbersAreMaskedInValuesAndFreeText() {
        assertEquals("138****5678", Masking.phone("13812345678"));
        assertEquals("138****5678", Masking.phone("+86 138-1234-5678"));
        assertEquals("3211**********123X", Masking.idNumber("32110219900101123X"));
        assertEquals("caller 138****5678 with id 1101**********002X at 119.455,32.204",
                Masking.text("caller 13812345678 with id 11010519491231002X at 119.455,32.204"));
        assertEquals("grid 321102001004001003", Masking.text("grid 321102001004001003"), "18-digit micro-grid codes are not ID numbers");
    }
}
