/*
 * Calendar arithmetic for the emulated RTC.  Days are counted in 400-year
 * eras of 146097 days starting on 1 March, so that the leap day is the
 * last day of a year and every month's offset follows one formula:
 * (153 * m + 2) / 5 days before month m, counting March as 0.
 */
#include <keel/calendar.h>

#define SECS_PER_DAY   86400ULL
#define DAYS_PER_ERA   146097U
/* Days from 0000-03-01 to 1970-01-01. */
#define EPOCH_DAYS     719468U

static bool is_leap(unsigned int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned int month_days(unsigned int year, unsigned int mon)
{
    static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    return days[mon - 1] + (mon == 2 && is_leap(year));
}

/* Days since 1970-01-01 of a valid date. */
static uint64_t days_of(unsigned int year, unsigned int mon, unsigned int mday)
{
    unsigned int y = mon <= 2 ? year - 1 : year;
    unsigned int era = y / 400, yoe = y % 400;
    unsigned int m = mon > 2 ? mon - 3 : mon + 9;          /* March = 0 */
    unsigned int doy = (153 * m + 2) / 5 + mday - 1;
    unsigned int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return (uint64_t)era * DAYS_PER_ERA + doe - EPOCH_DAYS;
}

bool calendar_to_seconds(const struct calendar_time *t, uint64_t *secs)
{
    if ( t->year < 1970 || t->year > CALENDAR_MAX_YEAR || t->mon < 1 || t->mon > 12 ||
         t->mday < 1 || t->mday > month_days(t->year, t->mon) || t->hour > 23 ||
         t->min > 59 || t->sec > 59 )
        return false;
    *secs = days_of(t->year, t->mon, t->mday) * SECS_PER_DAY +
            (t->hour * 60 + t->min) * 60 + t->sec;
    return true;
}

void calendar_from_seconds(uint64_t secs, struct calendar_time *t)
{
    uint64_t last = days_of(CALENDAR_MAX_YEAR, 12, 31) * SECS_PER_DAY + SECS_PER_DAY - 1;
    uint64_t days, z;
    unsigned int era, doe, yoe, doy, mp, rem;

    if ( secs > last )
        secs = last;
    days = secs / SECS_PER_DAY;
    rem = secs % SECS_PER_DAY;
    t->hour = rem / 3600;
    t->min = rem / 60 % 60;
    t->sec = rem % 60;
    t->wday = (days + 4) % 7;                               /* 1970-01-01 was a Thursday */
    z = days + EPOCH_DAYS;
    era = z / DAYS_PER_ERA;
    doe = z % DAYS_PER_ERA;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    t->mday = doy - (153 * mp + 2) / 5 + 1;
    t->mon = mp < 10 ? mp + 3 : mp - 9;
    t->year = era * 400 + yoe + (t->mon <= 2);
}
