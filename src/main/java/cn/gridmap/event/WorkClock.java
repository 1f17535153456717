package cn.gridmap.event;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Deadline arithmetic on the city's working time: Monday to Friday are working days unless the calendar says
 * otherwise for a day (a public holiday, or an adjusted working Saturday or Sunday); a working day has the
 * configured working hours. A limit in 工作时 adds working time; a limit in 工作日 adds whole working days of it, so
 * that a report at 10:00 on a Tuesday with one working day is due at 10:00 on the next working day.
 */
public final class WorkClock {
    public static final ZoneId CITY = ZoneId.of("Asia/Shanghai");
    /** A working interval of a day, [start, end). */
    public record Interval(LocalTime start, LocalTime end) {
    }

    private final Map<LocalDate, Boolean> overrides;
    private final List<Interval> hours;
    private final Duration day;

    public WorkClock(Map<LocalDate, Boolean> overrides, List<Interval> hours) {
        if (hours.isEmpty()) {
            throw new IllegalArgumentException("a working day needs working hours");
        }
        for (int i = 0; i < hours.size(); i++) {
            Interval h = hours.get(i);
            if (!h.start().isBefore(h.end()) || (i > 0 && h.start().isBefore(hours.get(i - 1).end()))) {
                throw new IllegalArgumentException("working hours must be increasing, non-overlapping intervals: " + hours);
            }
        }
        this.overrides = Map.copyOf(overrides);
        this.hours = List.copyOf(hours);
        Duration d = Duration.ZERO;
        for (Interval h : hours) {
            d = d.plus(Duration.between(h.start(), h.end()));
        }
        this.day = d;
    }

    /** "08:30-12:00,13:30-17:30" → the intervals (an IllegalArgumentException says what is wrong). */
    public static List<Interval> parseHours(String text) {
        List<Interval> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] se = part.trim().split("-");
            if (se.length != 2) {
                throw new IllegalArgumentException("working hours are HH:mm-HH:mm[,HH:mm-HH:mm…], got '" + text + "'");
            }
            try {
                out.add(new Interval(LocalTime.parse(se[0].trim()), LocalTime.parse(se[1].trim())));
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("working hours are HH:mm-HH:mm[,HH:mm-HH:mm…], got '" + text + "'", e);
            }
        }
        return out;
    }

    /** The working time of one working day. */
    public Duration workingDay() {
        return day;
    }

    public boolean isWorkday(LocalDate d) {
        Boolean o = overrides.get(d);
        if (o != null) {
            return o;
        }
        return d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY;
    }

    /** {@code days} working days after {@code from} (as working time: the same place in the working day). */
    public ZonedDateTime plusWorkingDays(ZonedDateTime from, int days) {
        if (days < 0) {
            throw new IllegalArgumentException("days must not be negative: " + days);
        }
        return plusWorkingTime(from, day.multipliedBy(days));
    }

    /**
     * The instant at which {@code amount} of working time has passed since {@code from}; time outside working hours
     * and on days off does not count. A start outside working time counts from the next working hour.
     */
    public ZonedDateTime plusWorkingTime(ZonedDateTime from, Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("a working time must not be negative: " + amount);
        }
        LocalDateTime t = from.withZoneSameInstant(CITY).toLocalDateTime();
        Duration left = amount;
        LocalDate d = t.toLocalDate();
        for (int guard = 0; guard < 366 * 20; guard++) {
            if (isWorkday(d)) {
                for (Interval h : hours) {
                    LocalDateTime start = d.atTime(h.start());
                    LocalDateTime end = d.atTime(h.end());
                    if (!end.isAfter(t)) {
                        continue;
                    }
                    LocalDateTime s = start.isAfter(t) ? start : t;
                    Duration here = Duration.between(s, end);
                    if (left.compareTo(here) <= 0) {
                        return s.plus(left).atZone(CITY).withZoneSameInstant(from.getZone());
                    }
                    left = left.minus(here);
                    t = end;
                }
            }
            d = d.plusDays(1);
            t = d.atStartOfDay();
        }
        throw new IllegalArgumentException("a working time of " + amount + " reaches past twenty years");
    }

    /** The working time between two instants (0 when {@code to} is not after {@code from}): how late, in 工作时. */
    public Duration workingTimeBetween(ZonedDateTime from, ZonedDateTime to) {
        LocalDateTime a = from.withZoneSameInstant(CITY).toLocalDateTime();
        LocalDateTime b = to.withZoneSameInstant(CITY).toLocalDateTime();
        Duration out = Duration.ZERO;
        for (LocalDate d = a.toLocalDate(); !d.isAfter(b.toLocalDate()); d = d.plusDays(1)) {
            if (!isWorkday(d)) {
                continue;
            }
            for (Interval h : hours) {
                LocalDateTime s = max(d.atTime(h.start()), a);
                LocalDateTime e = min(d.atTime(h.end()), b);
                if (e.isAfter(s)) {
                    out = out.plus(Duration.between(s, e));
                }
            }
        }
        return out;
    }

    private static LocalDateTime max(LocalDateTime x, LocalDateTime y) {
        return x.isAfter(y) ? x : y;
    }

    private static LocalDateTime min(LocalDateTime x, LocalDateTime y) {
        return x.isBefore(y) ? x : y;
    }
}
