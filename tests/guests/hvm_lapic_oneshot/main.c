/*
 * LAPIC timer, one-shot mode, through the guest's IDT:
 *  - TMCCT starts at most at TMICT and counts down;
 *  - the interrupt arrives once, with its ISR bit set in the handler and
 *    cleared by EOI; TMCCT is 0 after expiry and nothing more arrives;
 *  - a masked LVT still counts down but raises nothing;
 *  - the divide configuration is taken into account (divide by 16: the
 *    count still runs after the undivided time has passed);
 *  - writing TMICT = 0 stops the timer.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "LAPIC timer, one-shot";

#define VEC 0x40
static volatile unsigned int ticks;
static volatile bool isr_in_handler;

static void timer_irq(struct cpu_regs *regs)
{
    (void)regs;
    ticks++;
    isr_in_handler = apic_vec_set(APIC_ISR, VEC);
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
    uint32_t c1, c2;

    irq_handlers[VEC] = timer_irq;
    apic_enable();
    apic_write(APIC_TDCR, APIC_TDCR_DIV1);
    apic_write(APIC_LVT_TIMER, VEC);
    check_eq("LVT timer read back", apic_read(APIC_LVT_TIMER), VEC);

    apic_write(APIC_TMICT, 20000000);              /* 20 ms at 1 GHz */
    c1 = apic_read(APIC_TMCCT);
    c2 = apic_read(APIC_TMCCT);
    if ( c1 == 0 || c1 > 20000000 || c2 > c1 )
        xtf_failure("Fail: TMCCT %u then %u after TMICT 20000000\n", c1, c2);
    sti();
    if ( !wait_until(ticks >= 1, 5000) )
        return xtf_failure("Fail: no one-shot timer interrupt\n");
    cli();
    if ( !isr_in_handler )
        xtf_failure("Fail: ISR bit of vector %#x not set in the handler\n", VEC);
    if ( apic_vec_set(APIC_ISR, VEC) )
        xtf_failure("Fail: ISR bit still set after EOI\n");
    check_eq("TMCCT after expiry", apic_read(APIC_TMCCT), 0);
    sti();
    spin_ms(50);
    cli();
    check_eq("interrupts of a one-shot timer", ticks, 1);

    /* Masked: counts down, no interrupt. */
    apic_write(APIC_LVT_TIMER, VEC | APIC_LVT_MASKED);
    apic_write(APIC_TMICT, 1000000);
    sti();
    spin_ms(30);
    cli();
    check_eq("interrupts with the LVT masked", ticks, 1);
    check_eq("TMCCT of the masked timer after 30 ms", apic_read(APIC_TMCCT), 0);
    if ( apic_vec_set(APIC_IRR, VEC) )
        xtf_failure("Fail: masked timer set its IRR bit\n");

    /* Divide by 16: 4,000,000 counts take 64 ms. */
    apic_write(APIC_LVT_TIMER, VEC);
    apic_write(APIC_TDCR, 0x3);
    check_eq("TDCR read back", apic_read(APIC_TDCR) & 0xb, 0x3);
    apic_write(APIC_TMICT, 4000000);
    spin_ms(8);                          /* 8 ms undivided would be 8,000,000 counts */
    c1 = apic_read(APIC_TMCCT);
    if ( c1 == 0 )
        xtf_failure("Fail: divide-by-16 timer expired within ~8 ms (4000000 counts)\n");
    apic_write(APIC_TMICT, 0);
    check_eq("TMCCT after TMICT = 0", apic_read(APIC_TMCCT), 0);
    sti();
    spin_ms(100);
    cli();
    check_eq("interrupts after stopping the timer", ticks, 1);
    apic_write(APIC_TDCR, APIC_TDCR_DIV1);
}
