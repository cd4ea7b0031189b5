/* The CMOS real-time clock, read once at boot for the wall clock. */
#ifndef ASM_RTC_H
#define ASM_RTC_H

#include <keel/types.h>

/* Seconds since 1970-01-01 00:00 UTC (the RTC is taken to run in UTC); 0 if unreadable. */
uint64_t rtc_read_seconds(void);

#endif /* ASM_RTC_H */
