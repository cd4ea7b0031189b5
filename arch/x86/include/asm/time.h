/* x86 time sources behind NOW(). */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <keel/types.h>

void time_init(void);

/* TSC ticks to ns as pvclock has it: ((ticks << shift) or >> -shift) * mul_frac >> 32. */
struct time_scale {
    uint32_t mul_frac;
    int8_t shift;
};
const struct time_scale *tsc_time_scale(void);
/* One TSC read and the system time it stands for (what NOW() returns). */
s_time_t stime_and_tsc(uint64_t *tsc);
/* The TSC value at which system time t is reached. */
uint64_t tsc_from_stime(s_time_t t);

#endif /* ASM_TIME_H */
