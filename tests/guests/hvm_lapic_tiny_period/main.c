/*
 * Hostile: a vLAPIC timer period of 1 ns (TDCR = 0xb, divide by 1, and
 * TMICT = 1 in periodic mode).  Before the fix Keel re-armed the timer
 * 1 ns after its previous deadline from inside its own timer loop, which
 * never caught up with the clock: the CPU spun in Keel for good and the
 * guest never ran again (no verdict line: the runner's timeout).
 *
 * Expected (Xen 4.17, xen/arch/x86/hvm/vpt.c create_periodic_time(): a
 * periodic timer below 0.1 ms runs at 0.1 ms; one-shot counts are not
 * floored): the guest keeps running, and takes at most one interrupt per
 * 100 us, i.e. at most 10 per (TSC) millisecond; TMCCT still reads within
 * 1..TMICT.  TSC milliseconds are at least real milliseconds (hvm.h), so
 * the bound only gets safer when the TSC runs faster.  Writing TMICT = 0
 * stops the interrupts.  Keel says it raised the period (as Xen's
 * "program too small period" warning), which TESTS requires: the bounded
 * timer loop of common/timer.c alone would also keep the guest alive.
 * Run with the peer domain timer_liveness on the same CPU, the same attack
 * must not delay another domain's timer.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Hostile: LAPIC timer with a 1 ns period";

#define VEC          0x42
#define WINDOW_MS    200
#define MAX_PER_MS   10             /* one per 100 us */
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
    unsigned int seen, n;
    uint32_t c;

    irq_handlers[VEC] = timer_irq;
    apic_enable();
    apic_write(APIC_TDCR, APIC_TDCR_DIV1);
    apic_write(APIC_LVT_TIMER, VEC | APIC_LVT_PERIODIC);
    printk("Programming TDCR %#x, periodic, TMICT 1 (a 1 ns period)\n", APIC_TDCR_DIV1);
    apic_write(APIC_TMICT, 1);
    sti();
    /* Getting here at all means the CPU came back to this guest. */
    spin_ms(WINDOW_MS);
    seen = ticks;
    c = apic_read(APIC_TMCCT);
    printk("Still running: %u interrupts in %u TSC-ms, TMCCT %u\n", seen, WINDOW_MS, c);
    if ( seen > WINDOW_MS * MAX_PER_MS )
        xtf_failure("Fail: %u interrupts in %u ms: the period was not floored at 100 us\n",
                    seen, WINDOW_MS);
    if ( seen == 0 )
        xtf_failure("Fail: no timer interrupt at all\n");
    if ( c < 1 || c > 1 )
        xtf_failure("Fail: TMCCT %u, expected 1 (the count of 1 reloads)\n", c);

    apic_write(APIC_TMICT, 0);
    spin_ms(5);
    n = ticks;
    spin_ms(40);
    cli();
    if ( ticks != n )
        xtf_failure("Fail: %u interrupts after TMICT = 0\n", ticks - n);
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable\n");
}
