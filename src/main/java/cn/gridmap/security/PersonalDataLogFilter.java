package cn.gridmap.security;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Masks ID numbers and mobile phones in every console log line (its own and the frameworks'), so that personal
 * data never reaches the logs unmasked. Wired by {@code quarkus.log.console.filter=personal-data}. Never drops a
 * record.
 */
@LoggingFilter(name = "personal-data")
public final class PersonalDataLogFilter implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        String formatted = record instanceof ExtLogRecord ext ? ext.getFormattedMessage()
                : new java.util.logging.SimpleFormatter().formatMessage(record);
        if (formatted == null) {
            return true;
        }
        String masked = Masking.text(formatted);
        if (!masked.equals(formatted)) {
            if (record instanceof ExtLogRecord ext) {
                ext.setMessage(masked, ExtLogRecord.FormatStyle.NO_FORMAT);
            } else {
                record.setMessage(masked);
            }
            record.setParameters(null);
        }
        return true;
    }
}
