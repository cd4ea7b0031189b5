/*
 * HLT blocks the vCPU until an interrupt: 20 times, a one-shot LAPIC timer
 * (2 ms) is armed and `sti; hlt` executed; each time HLT must return only
 * after the timer interrupt was handled (TMCCT is 0, the tick counted).
 * Also: an interrupt already pending when HLT runs (a self-IPI sent with
 * interrupts off) wakes it at once.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "HLT wakes on interrupts";

#define VEC_TIMER 0x42
#define VEC_IPI   0x43
static volatile unsigned int ticks, ipis;

static void timer_irq(struct cpu_regs *regs)
{
    (void)regs;
    ticks++;
    apic_eoi();
}

static void ipi_irq(struct cpu_regs *regs)
{
    (void)regs;
    ipis++;
    apic_eoi();
}

void test_main(void)
{
    irq_handlers[VEC_TIMER] = timer_irq;
    irq_handlers[VEC_IPI] = ipi_irq;
    apic_enable();
    apic_write(APIC_TDCR, APIC_TDCR_DIV1);
    apic_write(APIC_LVT_TIMER, VEC_TIMER);

    for ( unsigned int i = 0; i < 20; i++ )
    {
        cli();
        apic_write(APIC_TMICT, 2000000);
        safe_halt();
        cli();
        if ( ticks != i + 1 )
            return xtf_failure("Fail: HLT %u returned with %u timer interrupts\n", i, ticks);
        if ( apic_read(APIC_TMCCT) != 0 )
            return xtf_failure("Fail: HLT %u returned before the timer expired\n", i);
    }

    apic_send_ipi(0, APIC_ICR_SELF | VEC_IPI);
    safe_halt();
    cli();
    check_eq("self-IPI pending at HLT", ipis, 1);
}
