package cn.gridmap.element;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Check characters of citizen ID numbers (GB 11643) and unified social credit codes (GB 32100). */
class IdentifiersTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 25);

    // 11010519491231002X is the example of GB 11643-1999; 440524188001010014 a widely cited one
    @ParameterizedTest
    @ValueSource(strings = {"11010519491231002X", "440524188001010014", "11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ"})
    void validIdNumbersPass(String id) {
        assertNull(IdNumbers.problem(id, TODAY));
    }

    @Test
    void idNumberProblemsSayWhatIsWrong() {
        assertTrue(IdNumbers.problem("110105194912310021", TODAY).contains("should be X"));
        assertTrue(IdNumbers.problem("11010519491331002X", TODAY).contains("not a date"));
        assertTrue(IdNumbers.problem("110105203012310024", TODAY).contains("out of range"));
        assertTrue(IdNumbers.problem("91010519491231002X", TODAY).contains("address code"));
        assertTrue(IdNumbers.problem("1101051949123100", TODAY).contains("17 digits"));
        assertNotNull(IdNumbers.problem(null, TODAY));
    }

    @Test
    void everySeventeenDigitPrefixHasExactlyOneCheckCharacter() {
        String prefix = "32110219900101123";
        char c = IdNumbers.checkCharacter(prefix);
        for (char other : "0123456789X".toCharArray()) {
            assertEquals(other == c, IdNumbers.problem(prefix + other, TODAY) == null, "check " + other);
        }
    }

    @Test
    void idNumbersAreMaskedToTheFirstAndLastFour() {
        assertEquals("1101**********002X", IdNumbers.mask("11010519491231002X"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"91350100M000100Y43", "91110000802100433B", "91310000775785552L"})
    void validCreditCodesPass(String code) {
        assertNull(CreditCodes.problem(code));
    }

    @Test
    void creditCodeProblemsSayWhatIsWrong() {
        assertTrue(CreditCodes.problem("91350100M000100Y44").contains("should be 3"));
        assertTrue(CreditCodes.problem("91350100M000100I43").contains("not allowed"));
        assertTrue(CreditCodes.problem("9135010").contains("18 characters"));
        assertTrue(CreditCodes.problem("91ABCDEFM000100Y43").contains("address code"));
    }
}
