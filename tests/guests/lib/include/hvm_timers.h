/*
 * Keel's emulated HVM timers as the tests see them: the ACPI PM timer
 * (port 0xb00c, 24 bits at 3.579545 MHz), the PM1a blocks, the 8254 PIT
 * and the HPET at 0xfed00000.  Arithmetic stays in multiplications: the
 * pvh build is 32-bit and has no 64-bit division.
 */
#ifndef GUEST_HVM_TIMERS_H
#define GUEST_HVM_TIMERS_H

#include "hvm.h"

#define PM1A_EVT_PORT  0xb004
#define PM1A_CNT_PORT  0xb008
#define PM_TMR_PORT    0xb00c
#define PM_TMR_HZ      3579545U
#define PIT_HZ         1193182U
#define HPET_MMIO      0xfed00000UL
#define HPET_HZ        100000000U

static inline uint32_t pm_tmr(void)
{
    return inl(PM_TMR_PORT) & 0xffffff;
}

/* PM timer ticks from a to b (the count wraps every 4.7 s). */
static inline uint32_t pm_ticks(uint32_t a, uint32_t b)
{
    return (b - a) & 0xffffff;
}

/* Spin until us microseconds of PM timer have gone (us < 4,000,000). */
static inline void pm_wait_us(uint32_t us)
{
    uint32_t start = pm_tmr(), want = (uint32_t)((uint64_t)us * PM_TMR_HZ / 1000000U);

    while ( pm_ticks(start, pm_tmr()) < want )
        cpu_relax();
}

static inline uint32_t hpet_read32(unsigned int off)
{
    return *(volatile uint32_t *)(HPET_MMIO + off);
}

static inline void hpet_write32(unsigned int off, uint32_t v)
{
    *(volatile uint32_t *)(HPET_MMIO + off) = v;
}

/* a and b within pct percent of each other (both rates times the same time). */
static inline bool within_pct(uint64_t a, uint64_t b, unsigned int pct)
{
    uint64_t d = a > b ? a - b : b - a;

    return d * 100 <= b * pct;
}

/* An IO-APIC pin to vector vec of the LAPIC with ID 0: edge or level, unmasked. */
static inline void ioapic_route(unsigned int pin, unsigned int vec, bool level)
{
    ioapic_write(0x11 + 2 * pin, 0);
    ioapic_write(0x10 + 2 * pin, vec | (level ? 1U << 15 : 0));
}

static inline void ioapic_mask(unsigned int pin)
{
    ioapic_write(0x10 + 2 * pin, ioapic_read(0x10 + 2 * pin) | APIC_LVT_MASKED);
}

#endif /* GUEST_HVM_TIMERS_H */
