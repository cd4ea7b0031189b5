/*
 * LAPIC timer, periodic mode: interrupts keep coming (20 of them at 2 ms),
 * TMCCT reloads (non-zero across periods), masking the LVT stops delivery
 * and unmasking resumes it, and TMICT = 0 stops the timer for good.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "LAPIC timer, periodic";

#define VEC 0x41
static volatile unsigned int ticks;

static void timer_irq(struct cpu_regs *regs)
{
    (void)regs;
    ticks++;
    apic_eoi();
}

static void spin_ms(unsigned int ms)
{
    uint64_t end = tsc_after_ms(ms);

    while ( rdtsc() < end )
        cpu_relax();
}

void test_main(void)
{
    unsigned int n, nonzero = 0;

    irq_handlers[VEC] = timer_irq;
    apic_enable();
    apic_write(APIC_TDCR, APIC_TDCR_DIV1);
    apic_write(APIC_LVT_TIMER, VEC | APIC_LVT_PERIODIC);
    apic_write(APIC_TMICT, 2000000);                /* 2 ms */
    sti();
    if ( !wait_until(ticks >= 20, 10000) )
        return xtf_failure("Fail: %u periodic interrupts, expected 20\n", ticks);
    for ( unsigned int i = 0; i < 50; i++ )
    {
        uint32_t c = apic_read(APIC_TMCCT);

        if ( c > 2000000 )
            xtf_failure("Fail: TMCCT %u > TMICT\n", c);
        nonzero += c != 0;
        spin_ms(1);
    }
    if ( nonzero < 25 )
        xtf_failure("Fail: periodic TMCCT was 0 in %u of 50 samples\n", 50 - nonzero);

    /* Masked: no more interrupts (one may be in flight). */
    apic_write(APIC_LVT_TIMER, VEC | APIC_LVT_PERIODIC | APIC_LVT_MASKED);
    spin_ms(5);
    n = ticks;
    spin_ms(40);
    if ( ticks != n )
        xtf_failure("Fail: %u interrupts with the LVT masked\n", ticks - n);
    apic_write(APIC_LVT_TIMER, VEC | APIC_LVT_PERIODIC);
    if ( !wait_until(ticks >= n + 5, 10000) )
        xtf_failure("Fail: unmasking did not resume the periodic timer (%u)\n", ticks - n);

    apic_write(APIC_TMICT, 0);
    spin_ms(5);
    n = ticks;
    spin_ms(40);
    cli();
    if ( ticks != n )
        xtf_failure("Fail: %u interrupts after TMICT = 0\n", ticks - n);
    check_eq("TMCCT after TMICT = 0", apic_read(APIC_TMCCT), 0);
    printk("%u periodic interrupts\n", ticks);
}
