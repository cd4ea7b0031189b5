/* The emulated local APIC of an HVM vCPU (xAPIC, MMIO at 0xfee00000). */
#ifndef ASM_HVM_VLAPIC_H
#define ASM_HVM_VLAPIC_H

#include <keel/types.h>
#include <keel/timer_heap.h>

#define VLAPIC_BASE   0xfee00000UL

struct vlapic {
    uint32_t regs[1024];            /* the 4 KiB register page, as 32-bit words */
    struct timer timer;
    s_time_t timer_start;           /* when the current count was loaded */
    uint64_t timer_period_ns;       /* one period of the count, in ns (floored if periodic) */
    uint64_t timer_missed;          /* periodic ticks skipped because they came too late */
    uint32_t timer_initial;
    bool timer_initialised;
    bool warned_period;             /* the period floor was reported */
};

struct vcpu;

void vlapic_init(struct vcpu *v);
void vlapic_destroy(struct vcpu *v);
uint32_t vlapic_read(struct vcpu *v, unsigned int offset);
void vlapic_write(struct vcpu *v, unsigned int offset, uint32_t val);
/* Raise a vector in this vCPU's IRR (from a timer, an IPI or a device). */
void vlapic_set_irq(struct vcpu *v, uint8_t vector);
/* Would v's LAPIC take an interrupt for dest (physical or logical mode)? */
bool vlapic_match_dest(struct vcpu *v, uint8_t dest, bool logical);
/* Highest deliverable vector or -1; moving it IRR -> ISR. */
int vlapic_pending(struct vcpu *v);
void vlapic_accept(struct vcpu *v, int vector);

#endif /* ASM_HVM_VLAPIC_H */
