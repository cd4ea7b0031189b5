/*
 * IPIs on a one-vCPU domain:
 *  - a self-IPI (shorthand), one to our own APIC ID and "all including
 *    self" arrive, once each;
 *  - fixed IPIs to APIC IDs no vCPU has (5, 7, 0xfe), "all excluding
 *    self", logical destination 1, INIT and STARTUP to APIC ID 5, and
 *    illegal vectors 0-15 are dropped: nothing arrives and the domain
 *    lives on.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "IPIs to self and to nobody";

#define VEC 0x50
static volatile unsigned int hits;

static void irq(struct cpu_regs *regs)
{
    (void)regs;
    hits++;
    apic_eoi();
}

static void expect_hits(const char *what, unsigned int want)
{
    sti();
    wait_until(hits >= want, want > hits ? 2000 : 20);
    cli();
    if ( hits != want )
        xtf_failure("Fail: %s: %u interrupts so far, expected %u\n", what, hits, want);
    hits = want;
}

void test_main(void)
{
    uint32_t me;

    irq_handlers[VEC] = irq;
    apic_enable();
    me = apic_read(APIC_ID) >> 24;
    cli();

    apic_send_ipi(0, APIC_ICR_SELF | VEC);
    expect_hits("self shorthand", 1);
    apic_send_ipi(me, VEC);
    expect_hits("own APIC ID", 2);
    apic_send_ipi(0, APIC_ICR_ALL | VEC);
    expect_hits("all including self", 3);

    apic_send_ipi(5, VEC);
    apic_send_ipi(7, VEC);
    apic_send_ipi(0xfe, VEC);
    apic_send_ipi(0, APIC_ICR_OTHERS | VEC);
    apic_send_ipi(1, (1U << 11) | VEC);            /* logical destination 1, LDR 0 */
    apic_send_ipi(5, (5U << 8) | (1U << 14));      /* INIT, assert */
    apic_send_ipi(5, (6U << 8) | 0x10);            /* STARTUP */
    for ( unsigned int v = 0; v < 16; v++ )
        apic_send_ipi(0, APIC_ICR_SELF | v);
    expect_hits("IPIs to nobody and illegal vectors", 3);
    if ( hits == 3 && last_exception.count )
        xtf_failure("Fail: an exception (vector %u) came in\n", last_exception.vector);
}
