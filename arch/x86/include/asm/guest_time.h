/*
 * Time as guests see it: each vCPU's vcpu_time_info (pvclock) and each
 * domain's wall clock in shared_info (arch/x86/guest_time.c).
 */
#ifndef ASM_GUEST_TIME_H
#define ASM_GUEST_TIME_H

#include <keel/types.h>

struct vcpu;
struct domain;

/* Rewrite v's time record from this CPU's TSC (v runs here next, or is v itself). */
void update_vcpu_system_time(struct vcpu *v);
/* Copy the wall clock into d's shared_info. */
void update_domain_wallclock_time(struct domain *d);
/* A dying domain: its shared_info is no longer written (it may soon be freed). */
void forget_domain_wallclock(struct domain *d);
/* The wall clock was secs.nsecs at system time `at`: every domain learns it. */
void do_settime(uint64_t secs, uint32_t nsecs, s_time_t at);
/* The time of day now, in ns since 1970 (the wall clock plus system time). */
uint64_t wallclock_now_ns(void);
/* At boot: the RTC's time, as the wall clock of system time 0. */
void wallclock_init(void);

#endif /* ASM_GUEST_TIME_H */
