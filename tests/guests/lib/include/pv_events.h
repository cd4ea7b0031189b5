/*
 * Events for the pv64 tests that want them.  The library keeps events
 * masked and treats an upcall as an error; a test that unmasks them (or
 * blocks: SCHEDOP_block unmasks) first calls events_catch(), after which
 * each upcall clears evtchn_upcall_pending, takes the pending ports out of
 * shared_info (pending and not masked, in the selected words) into
 * ports_seen[] and counts itself in upcalls.
 */
#ifndef GUEST_PV_EVENTS_H
#define GUEST_PV_EVENTS_H

#include "pv.h"
#include "traps.h"

/* NULL: an upcall is an error (the default). */
extern void (*event_hook)(struct cpu_regs *regs);

extern volatile unsigned int upcalls;
extern volatile uint64_t ports_seen[64];
/* vCPU 0's vcpu_info as the hook and the clock use it (in shared_info unless moved). */
extern struct vcpu_info *live_vcpu_info;

void events_catch(void);
/* live_vcpu_info, or vCPU 0's shared_info slot while it is unset. */
struct vcpu_info *vcpu0_live(void);
/* EVTCHNOP_bind_virq for vCPU vcpu: the port, or -errno. */
long bind_virq(unsigned int virq, unsigned int vcpu);
static inline bool port_seen(unsigned int port)
{
    return ports_seen[port / 64] & (1UL << (port % 64));
}
static inline void port_forget(unsigned int port)
{
    __atomic_and_fetch(&ports_seen[port / 64], ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
}
/* Mask events again (the vCPU's upcall mask), e.g. after SCHEDOP_block. */
static inline void events_mask(void)
{
    vcpu0_live()->evtchn_upcall_mask = 1;
    __asm__ __volatile__("" ::: "memory");
}

#endif /* GUEST_PV_EVENTS_H */
