package cn.gridmap.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/** Log lines never carry an unmasked ID number or phone, whatever the message format. */
class PersonalDataLogFilterTest {
    private final PersonalDataLogFilter filter = new PersonalDataLogFilter();

    private static String formatted(ExtLogRecord r) {
        return r.getFormattedMessage();
    }

    @Test
    void printfStyleParametersAreMasked() {
        ExtLogRecord r = new ExtLogRecord(Level.INFO, "person %s called from %s", ExtLogRecord.FormatStyle.PRINTF, getClass().getName());
        r.setParameters(new Object[] {"11010519491231002X", "13812345678"});
        assertTrue(filter.isLoggable(r));
        assertEquals("person 1101**********002X called from 138****5678", formatted(r));
    }

    @Test
    void messageFormatStyleAndPlainMessagesAreMasked() {
        ExtLogRecord r = new ExtLogRecord(Level.WARNING, "bad row {0}", ExtLogRecord.FormatStyle.MESSAGE_FORMAT, getClass().getName());
        r.setParameters(new Object[] {"id=32110219900101123X"});
        filter.isLoggable(r);
        assertEquals("bad row id=3211**********123X", formatted(r));
        ExtLogRecord plain = new ExtLogRecord(Level.INFO, "grid 321102001004001003 ok", ExtLogRecord.FormatStyle.NO_FORMAT, getClass().getName());
        filter.isLoggable(plain);
        assertEquals("grid 321102001004001003 ok", formatted(plain), "region codes stay readable");
    }
}
