/*
 * Secondary vCPUs for pv64 tests.  pv_vcpu_context() fills a
 * vcpu_guest_context that starts vCPU `id` in kernel mode at fn(id) on
 * the given stack, on the start-of-day L4, with Xen's flat selectors, no
 * GDT or trap table and no callbacks that can run (its upcall mask is set
 * first: the vCPU takes no events).  pv_start_vcpu() initialises and ups
 * it.  The vCPU must not fault (no handlers: the domain would crash) and
 * must not print (the console code is not reentrant); when fn returns the
 * vCPU takes itself down (VCPUOP_down), and VCPUOP_up runs fn again.
 */
#ifndef GUEST_PV_VCPU_H
#define GUEST_PV_VCPU_H

#include "pv.h"
#include <public/arch-x86/vcpu_guest_context.h>
#include <public/vcpu.h>

#define PV_VCPU_STACK 8192

typedef void (*pv_vcpu_fn)(unsigned int id);

/* The vCPU ids that VCPUOP_is_up answers (>= 0) for, among 0..limit-1. */
unsigned int pv_nr_vcpus(unsigned int limit);
void pv_vcpu_context(struct vcpu_guest_context *c, unsigned int id, pv_vcpu_fn fn,
                     void *stack_top);
/* VCPUOP_initialise with that context, then VCPUOP_up: 0 or the first error. */
long pv_start_vcpu(unsigned int id, pv_vcpu_fn fn, void *stack_top);

static inline long vcpu_is_up(unsigned int id)
{
    return hypercall_vcpu_op(VCPUOP_is_up, id, NULL);
}

/* Spin (with SCHEDOP_yield) until *flag == want or about `loops` rounds pass. */
bool wait_for_value(volatile unsigned long *flag, unsigned long want, unsigned long loops);

#endif /* GUEST_PV_VCPU_H */
