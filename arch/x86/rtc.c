/*
 * The CMOS RTC: registers 0x00-0x09 hold the date and time, in BCD or
 * binary and in 12- or 24-hour form as status register B says.  A read
 * may straddle the once-a-second update, so it waits for "update in
 * progress" to clear and repeats until two reads agree.
 */
#include <keel/lib.h>
#include <asm/io.h>
#include <asm/rtc.h>

#define CMOS_INDEX   0x70
#define CMOS_DATA    0x71
#define RTC_SEC      0x00
#define RTC_MIN      0x02
#define RTC_HOUR     0x04
#define RTC_MDAY     0x07
#define RTC_MON      0x08
#define RTC_YEAR     0x09
#define RTC_STATUS_A 0x0a
#define  RTC_UIP     0x80        /* update in progress */
#define RTC_STATUS_B 0x0b
#define  RTC_24H     0x02
#define  RTC_BINARY  0x04
#define RTC_PM       0x80        /* in the hour register, 12-hour mode */
#define RTC_TRIES    1000000

struct rtc_fields {
    unsigned int sec, min, hour, mday, mon, year;
};

static unsigned int cmos_read(unsigned int reg)
{
    outb(reg, CMOS_INDEX);
    return inb(CMOS_DATA);
}

static bool read_fields(struct rtc_fields *f)
{
    unsigned int tries = RTC_TRIES;

    while ( (cmos_read(RTC_STATUS_A) & RTC_UIP) && --tries )
        ;
    if ( !tries )
        return false;
    f->sec = cmos_read(RTC_SEC);
    f->min = cmos_read(RTC_MIN);
    f->hour = cmos_read(RTC_HOUR);
    f->mday = cmos_read(RTC_MDAY);
    f->mon = cmos_read(RTC_MON);
    f->year = cmos_read(RTC_YEAR);
    return true;
}

static unsigned int bcd(unsigned int v)
{
    return (v >> 4) * 10 + (v & 0xf);
}

static bool is_leap(unsigned int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static uint64_t to_seconds(const struct rtc_fields *f)
{
    static const unsigned int days_before[12] = {
        0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334,
    };
    /* The RTC has two year digits; without a century register, 70-99 are 19xx. */
    unsigned int year = f->year < 70 ? 2000 + f->year : 1900 + f->year;
    uint64_t days = 0;

    for ( unsigned int y = 1970; y < year; y++ )
        days += is_leap(y) ? 366 : 365;
    days += days_before[f->mon - 1] + f->mday - 1;
    if ( f->mon > 2 && is_leap(year) )
        days++;
    return ((days * 24 + f->hour) * 60 + f->min) * 60 + f->sec;
}

uint64_t rtc_read_seconds(void)
{
    struct rtc_fields a, b;
    unsigned int status_b, tries = 10;
    bool pm;

    do {
        if ( !read_fields(&a) || !read_fields(&b) )
            return 0;
    } while ( memcmp(&a, &b, sizeof(a)) && --tries );
    status_b = cmos_read(RTC_STATUS_B);
    pm = !(status_b & RTC_24H) && (a.hour & RTC_PM);

    a.hour &= ~RTC_PM;
    if ( !(status_b & RTC_BINARY) )
    {
        a.sec = bcd(a.sec);
        a.min = bcd(a.min);
        a.hour = bcd(a.hour);
        a.mday = bcd(a.mday);
        a.mon = bcd(a.mon);
        a.year = bcd(a.year);
    }
    if ( !(status_b & RTC_24H) )
        a.hour = a.hour % 12 + (pm ? 12 : 0);   /* 12 AM is 0, 12 PM is 12 */
    if ( a.sec > 59 || a.min > 59 || a.hour > 23 || a.mday < 1 || a.mday > 31 ||
         a.mon < 1 || a.mon > 12 || a.year > 99 )
        return 0;
    return to_seconds(&a);
}
