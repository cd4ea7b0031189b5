/*
 * common/calendar.c: known dates both ways, every day from 1970 to 2101
 * against a day-by-day walk, the range checks, and the clamp at 9999.
 */
#include <keel/calendar.h>

#include "harness.h"

static void check_date(uint64_t secs, unsigned int y, unsigned int mo, unsigned int d,
                       unsigned int h, unsigned int mi, unsigned int s, unsigned int wd)
{
    struct calendar_time t;
    uint64_t back = 0;

    calendar_from_seconds(secs, &t);
    CHECK_UINT(t.year, y);
    CHECK_UINT(t.mon, mo);
    CHECK_UINT(t.mday, d);
    CHECK_UINT(t.hour, h);
    CHECK_UINT(t.min, mi);
    CHECK_UINT(t.sec, s);
    CHECK_UINT(t.wday, wd);
    CHECK(calendar_to_seconds(&t, &back));
    CHECK_UINT(back, secs);
}

static void test_known(void)
{
    check_date(0, 1970, 1, 1, 0, 0, 0, 4);                   /* a Thursday */
    check_date(951782400, 2000, 2, 29, 0, 0, 0, 2);          /* leap day of a 400 year */
    check_date(1234567890, 2009, 2, 13, 23, 31, 30, 5);
    check_date(2147483647, 2038, 1, 19, 3, 14, 7, 2);
    check_date(4107542399ULL, 2100, 2, 28, 23, 59, 59, 0);   /* 2100 has no 29 February */
    check_date(4107542400ULL, 2100, 3, 1, 0, 0, 0, 1);
    check_date(253402300799ULL, 9999, 12, 31, 23, 59, 59, 5);
}

static void test_every_day(void)
{
    struct calendar_time t, want = { 1970, 1, 1, 12, 34, 56, 4 };
    static const unsigned int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    unsigned int bad = 0;

    for ( uint64_t day = 0; want.year < 2102; day++ )
    {
        uint64_t secs = day * 86400 + 12 * 3600 + 34 * 60 + 56, back = 0;
        unsigned int len;

        calendar_from_seconds(secs, &t);
        bad += t.year != want.year || t.mon != want.mon || t.mday != want.mday ||
               t.wday != want.wday || t.hour != 12 || t.min != 34 || t.sec != 56;
        bad += !calendar_to_seconds(&t, &back) || back != secs;
        len = mdays[want.mon - 1] +
              (want.mon == 2 && want.year % 4 == 0 && (want.year % 100 || want.year % 400 == 0));
        want.wday = (want.wday + 1) % 7;
        if ( ++want.mday > len )
        {
            want.mday = 1;
            if ( ++want.mon > 12 )
            {
                want.mon = 1;
                want.year++;
            }
        }
    }
    CHECK_UINT(bad, 0);
}

static void test_ranges(void)
{
    struct calendar_time t = { 2023, 2, 29, 0, 0, 0, 0 };
    uint64_t secs = 77;

    CHECK(!calendar_to_seconds(&t, &secs));                  /* not a leap year */
    t.mday = 0;
    CHECK(!calendar_to_seconds(&t, &secs));
    t = (struct calendar_time){ 2023, 13, 1, 0, 0, 0, 0 };
    CHECK(!calendar_to_seconds(&t, &secs));
    t = (struct calendar_time){ 2023, 0, 1, 0, 0, 0, 0 };
    CHECK(!calendar_to_seconds(&t, &secs));
    t = (struct calendar_time){ 1969, 12, 31, 23, 59, 59, 0 };
    CHECK(!calendar_to_seconds(&t, &secs));
    t = (struct calendar_time){ 10000, 1, 1, 0, 0, 0, 0 };
    CHECK(!calendar_to_seconds(&t, &secs));
    t = (struct calendar_time){ 2023, 6, 1, 24, 0, 0, 0 };
    CHECK(!calendar_to_seconds(&t, &secs));
    t = (struct calendar_time){ 2023, 6, 1, 0, 60, 0, 0 };
    CHECK(!calendar_to_seconds(&t, &secs));
    t = (struct calendar_time){ 2023, 6, 1, 0, 0, 60, 0 };
    CHECK(!calendar_to_seconds(&t, &secs));
    CHECK_UINT(secs, 77);
    calendar_from_seconds(~0ULL, &t);                        /* clamped */
    CHECK_UINT(t.year, 9999);
    CHECK_UINT(t.sec, 59);
}

int main(void)
{
    h_run("known dates", test_known);
    h_run("every day 1970-2101", test_every_day);
    h_run("range checks", test_ranges);
    return h_finish("test_calendar");
}
