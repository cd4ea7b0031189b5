/*
 * pv64 time: the pvclock read of a vcpu_time_info (seqlock: retry while
 * the version is odd or changes), the wall clock from shared_info, and a
 * sleep built on set_timer_op + SCHEDOP_block.
 */
#ifndef GUEST_PV_CLOCK_H
#define GUEST_PV_CLOCK_H

#include "pv.h"

/* A consistent copy of the record. */
void pvclock_snapshot(const struct vcpu_time_info *t, struct vcpu_time_info *out);
/* ns since boot at TSC value tsc, by the record's scale. */
uint64_t pvclock_at(const struct vcpu_time_info *rec, uint64_t tsc);
/* System time now, from vCPU 0's live record (pv_events.h). */
uint64_t pv_now(void);
/* Wall clock of system time 0, seconds (wc_sec_hi included) and ns. */
void wallclock_read(uint64_t *sec, uint32_t *nsec);

static inline long hypercall_set_timer_op(uint64_t timeout)
{ return hypercall1(__HYPERVISOR_set_timer_op, timeout); }
static inline long hypercall_platform_op(void *op)
{ return hypercall1(__HYPERVISOR_platform_op, op); }

/*
 * Timer wake-ups for tests: stop Xen's default 100 Hz periodic timer, bind
 * VIRQ_TIMER on vCPU 0 and catch events.  The port, or -errno.
 */
long timer_events_setup(void);
/* Sleep at least ns by set_timer_op and SCHEDOP_block; events masked after. */
void sleep_ns(uint64_t ns);
/* Spin (events masked) for at least ns of system time. */
void spin_ns(uint64_t ns);
/* Wait (spinning, up to ms milliseconds of system time) until cond holds; true if it did. */
#define wait_ms(cond, ms) ({                                                  \
        uint64_t end_ = pv_now() + (uint64_t)(ms) * 1000000ULL;               \
        while ( !(cond) && pv_now() < end_ )                                  \
            __asm__ __volatile__("pause");                                    \
        (cond);                                                               \
    })

#endif /* GUEST_PV_CLOCK_H */
