/* x86 time sources behind NOW(). */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <keel/types.h>

void time_init(void);
/* The TSC value at which system time t is reached. */
uint64_t tsc_from_stime(s_time_t t);

#endif /* ASM_TIME_H */
