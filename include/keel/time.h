/* System time: nanoseconds since boot, from the TSC. */
#ifndef KEEL_TIME_H
#define KEEL_TIME_H

#include <keel/types.h>

/* 0 until the TSC has been calibrated. */
s_time_t get_s_time(void);
#define NOW() get_s_time()

uint64_t cpu_khz_get(void);
void udelay(unsigned long usecs);

#endif /* KEEL_TIME_H */
