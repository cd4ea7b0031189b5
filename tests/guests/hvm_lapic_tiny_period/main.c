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
 * 100 us, i.e. at most 10 per millisecond (the TSC calibrated against the
 * vLAPIC's 1 GHz count first); TMCCT still reads 1.  The storm lasts 5 s,
 * longer than the peer's measuring window; writing TMICT = 0 stops it.
 * Keel says it raised the period (as Xen's "program too small period"
 * warning), which TESTS requires: the bounded timer loop of common/timer.c
 * alone would also keep the guest alive.  TESTS runs it with the peer
 * timer_liveness on the same single CPU (peer=timer_liveness,smp=1): the
 * attack must not stall another domain's timer either.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Hostile: LAPIC timer with a 1 ns period";

#define VEC          0x42
#define WINDOW_MS    200
#define ATTACK_MS    5000           /* longer than timer_liveness's 4 s window */
#define MAX_PER_MS   10             /* one per 100 us */
static volatile unsigned int ticks;

static void timer_irq(struct cpu_regs *regs)
{
    (void)regs;
    ticks++;
    apic_eoi();
}

static void spin_tsc(uint64_t ticks_to_spin)
{
    uint64_t end = rdtsc() + ticks_to_spin;

    while ( rdtsc() < end )
        cpu_relax();
}

void test_main(void)
{
    unsigned int seen, n;
    uint64_t per_ms;
    uint32_t c;

    irq_handlers[VEC] = timer_irq;
    apic_enable();
    per_ms = apic_tsc_per_ms(VEC);
    if ( !per_ms )
        return xtf_error("Error: the LAPIC timer did not count down\n");
    apic_write(APIC_LVT_TIMER, VEC | APIC_LVT_PERIODIC);
    printk("Programming TDCR %#x, periodic, TMICT 1 (a 1 ns period) for %u ms\n",
           APIC_TDCR_DIV1, ATTACK_MS);
    apic_write(APIC_TMICT, 1);
    sti();
    /* Getting here at all means the CPU came back to this guest. */
    spin_tsc(WINDOW_MS * per_ms);
    seen = ticks;
    c = apic_read(APIC_TMCCT);
    printk("Still running: %u interrupts in %u ms, TMCCT %u\n", seen, WINDOW_MS, c);
    if ( seen > WINDOW_MS * MAX_PER_MS )
        xtf_failure("Fail: %u interrupts in %u ms: the period was not floored at 100 us\n",
                    seen, WINDOW_MS);
    if ( seen == 0 )
        xtf_failure("Fail: no timer interrupt at all\n");
    if ( c != 1 )
        xtf_failure("Fail: TMCCT %u, expected 1 (the count of 1 reloads)\n", c);

    /* Keep the storm up while a peer domain measures its own timer. */
    spin_tsc((ATTACK_MS - WINDOW_MS) * per_ms);
    printk("%u interrupts in %u ms\n", ticks, ATTACK_MS);
    if ( ticks > ATTACK_MS * MAX_PER_MS )
        xtf_failure("Fail: %u interrupts in %u ms\n", ticks, ATTACK_MS);

    apic_write(APIC_TMICT, 0);
    spin_tsc(5 * per_ms);
    n = ticks;
    spin_tsc(40 * per_ms);
    cli();
    if ( ticks != n )
        xtf_failure("Fail: %u interrupts after TMICT = 0\n", ticks - n);
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable\n");
}
