/*
 * Calendar arithmetic: seconds since 1970-01-01 00:00 UTC <-> the date and
 * time of the proleptic Gregorian calendar, years 1970-9999.  Pure
 * functions, no locale, no leap seconds (as the RTC and Xen's wall clock).
 */
#ifndef KEEL_CALENDAR_H
#define KEEL_CALENDAR_H

#include <keel/types.h>

struct calendar_time {
    unsigned int year;              /* 1970-9999 */
    unsigned int mon;               /* 1-12 */
    unsigned int mday;              /* 1-31 */
    unsigned int hour, min, sec;    /* 0-23, 0-59, 0-59 */
    unsigned int wday;              /* 0 = Sunday .. 6 */
};

#define CALENDAR_MAX_YEAR 9999

/* Seconds past CALENDAR_MAX_YEAR's end are clamped to its last second. */
void calendar_from_seconds(uint64_t secs, struct calendar_time *t);
/* False (and *secs untouched) if a field is out of range; wday is ignored. */
bool calendar_to_seconds(const struct calendar_time *t, uint64_t *secs);

#endif /* KEEL_CALENDAR_H */
