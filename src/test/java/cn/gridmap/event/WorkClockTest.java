package cn.gridmap.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Deadline arithmetic across weekends, lunch breaks, public holidays and adjusted working days (the 2026 notice). */
class WorkClockTest {
    /** Part of the State Council's 2026 schedule: 春节 Feb 15–23 off, Feb 14 and 28 worked; 国庆 Oct 1–7 off, Sep 20 and Oct 10 worked. */
    static final WorkClock CLOCK;

    static {
        Map<LocalDate, Boolean> o = new HashMap<>();
        for (LocalDate d = LocalDate.parse("2026-02-15"); !d.isAfter(LocalDate.parse("2026-02-23")); d = d.plusDays(1)) {
            o.put(d, false);
        }
        for (LocalDate d = LocalDate.parse("2026-10-01"); !d.isAfter(LocalDate.parse("2026-10-07")); d = d.plusDays(1)) {
            o.put(d, false);
        }
        o.put(LocalDate.parse("2026-02-14"), true);
        o.put(LocalDate.parse("2026-02-28"), true);
        o.put(LocalDate.parse("2026-09-20"), true);
        o.put(LocalDate.parse("2026-10-10"), true);
        CLOCK = new WorkClock(o, WorkClock.parseHours("08:30-12:00,13:30-17:30"));
    }

    static ZonedDateTime at(String local) {
        return java.time.LocalDateTime.parse(local).atZone(WorkClock.CITY);
    }

    @Test
    void aWorkingDayIsSevenAndAHalfHoursOfWorkingTime() {
        assertEquals(Duration.ofMinutes(450), CLOCK.workingDay());
    }

    @Test
    void oneWorkingDayFromATuesdayMorningIsWednesdayMorning() {
        assertEquals(at("2026-12-02T10:00"), CLOCK.plusWorkingDays(at("2026-12-01T10:00"), 1));
    }

    @Test
    void oneWorkingDayFromFridayAfternoonIsMondayAfternoon() {
        assertEquals(at("2026-12-07T16:00"), CLOCK.plusWorkingDays(at("2026-12-04T16:00"), 1));
    }

    @Test
    void workingHoursSkipTheLunchBreak() {
        assertEquals(at("2026-12-01T14:00"), CLOCK.plusWorkingTime(at("2026-12-01T11:30"), Duration.ofHours(1)));
    }

    @Test
    void workingHoursCarryOverTheWeekend() {
        assertEquals(at("2026-12-07T09:30"), CLOCK.plusWorkingTime(at("2026-12-04T16:30"), Duration.ofHours(2)));
    }

    @Test
    void aReportOutsideWorkingTimeCountsFromTheNextWorkingHour() {
        assertEquals(at("2026-12-07T09:30"), CLOCK.plusWorkingTime(at("2026-12-06T20:00"), Duration.ofHours(1)));
        assertEquals(at("2026-12-01T13:30"), CLOCK.plusWorkingTime(at("2026-12-01T12:10"), Duration.ZERO), "the lunch break waits");
        assertEquals(at("2026-12-01T14:30"), CLOCK.plusWorkingTime(at("2026-12-01T12:10"), Duration.ofHours(1)));
    }

    @Test
    void theAdjustedSaturdayBeforeSpringFestivalIsAWorkingDayAndTheHolidayIsNot() {
        assertTrue(CLOCK.isWorkday(LocalDate.parse("2026-02-14")));
        assertFalse(CLOCK.isWorkday(LocalDate.parse("2026-02-16")));
        assertEquals(at("2026-02-14T16:00"), CLOCK.plusWorkingDays(at("2026-02-13T16:00"), 1));
        assertEquals(at("2026-02-24T16:00"), CLOCK.plusWorkingDays(at("2026-02-14T16:00"), 1));
    }

    @Test
    void nationalDayWeekIsSkippedAndItsAdjustedSaturdayWorked() {
        assertEquals(at("2026-10-08T10:00"), CLOCK.plusWorkingDays(at("2026-09-30T10:00"), 1));
        assertEquals(at("2026-10-10T10:00"), CLOCK.plusWorkingDays(at("2026-10-09T10:00"), 1));
        assertEquals(at("2026-09-21T10:00"), CLOCK.plusWorkingDays(at("2026-09-18T10:00"), 2), "Sunday Sep 20 is worked");
    }

    @Test
    void fifteenWorkingDaysOfAnIllegalBuildingCase() {
        // 违法搭建 15 工作日 (济源), dispatched on Friday 2026-09-25 at 09:00: the National Day week does not count
        assertEquals(at("2026-10-22T09:00"), CLOCK.plusWorkingDays(at("2026-09-25T09:00"), 15));
    }

    @Test
    void workingTimeBetweenTwoInstantsCountsOnlyWorkingHours() {
        assertEquals(Duration.ofHours(1), CLOCK.workingTimeBetween(at("2026-12-04T17:00"), at("2026-12-07T09:00")));
        assertEquals(Duration.ZERO, CLOCK.workingTimeBetween(at("2026-12-07T09:00"), at("2026-12-04T17:00")));
        assertEquals(Duration.ofMinutes(450 * 5), CLOCK.workingTimeBetween(at("2026-11-30T00:00"), at("2026-12-05T00:00")));
    }

    @Test
    void badHoursAndNegativeLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> WorkClock.parseHours("8-12"));
        assertThrows(IllegalArgumentException.class, () -> new WorkClock(Map.of(), WorkClock.parseHours("13:00-12:00")));
        assertThrows(IllegalArgumentException.class, () -> new WorkClock(Map.of(), WorkClock.parseHours("08:00-12:00,11:00-13:00")));
        assertThrows(IllegalArgumentException.class, () -> CLOCK.plusWorkingDays(at("2026-12-01T10:00"), -1));
        assertThrows(IllegalArgumentException.class, () -> CLOCK.plusWorkingTime(at("2026-12-01T10:00"), Duration.ofMinutes(-1)));
    }
}
