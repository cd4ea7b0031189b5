/*
 * LAPIC priorities with self-IPIs:
 *  - with IF clear a self-IPI stays in IRR;
 *  - TPR 0x70 holds back vector 0x60 even with IF set; PPR reads 0x70;
 *  - TPR 0x50 lets it in: in the handler ISR has it, IRR not, and PPR is
 *    the in-service class 0x60;
 *  - while 0x60 is in service (no EOI yet), 0x61 (same class) waits in IRR
 *    but 0x80 (higher class) is delivered;
 *  - EOI retires the highest in-service vector; then 0x61 comes in;
 *    order seen: 0x60, 0x80, 0x61;
 *  - TPR keeps bits 7:0 only; an EOI with nothing in service is harmless.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "LAPIC TPR, PPR, ISR, IRR and EOI";

static volatile unsigned int seen[8], nseen;
static volatile bool h60_isr, h60_irr;
static volatile uint32_t h60_ppr;

static void irq(struct cpu_regs *regs)
{
    unsigned int vec = regs->entry_vector;

    if ( nseen < ARRAY_SIZE(seen) )
        seen[nseen] = vec;
    nseen++;
    if ( vec == 0x60 )
    {
        h60_isr = apic_vec_set(APIC_ISR, 0x60);
        h60_irr = apic_vec_set(APIC_IRR, 0x60);
        h60_ppr = apic_read(APIC_PPR);
        return;                         /* no EOI: 0x60 stays in service */
    }
    apic_eoi();
}

static void self_ipi(unsigned int vec)
{
    apic_send_ipi(0, APIC_ICR_SELF | vec);
}

static void spin_ms(unsigned int ms)
{
    uint64_t end = tsc_after_ms(ms);

    while ( rdtsc() < end )
        cpu_relax();
}

void test_main(void)
{
    irq_handlers[0x60] = irq;
    irq_handlers[0x61] = irq;
    irq_handlers[0x80] = irq;
    apic_enable();
    cli();

    self_ipi(0x60);
    if ( !apic_vec_set(APIC_IRR, 0x60) )
        xtf_failure("Fail: self-IPI 0x60 with IF clear is not in IRR\n");
    apic_write(APIC_TPR, 0x70);
    check_eq("PPR with TPR 0x70", apic_read(APIC_PPR) & 0xf0, 0x70);
    sti();
    spin_ms(5);
    cli();
    if ( nseen )
        return xtf_failure("Fail: vector 0x60 delivered with TPR 0x70\n");

    apic_write(APIC_TPR, 0x50);
    sti();
    wait_until(nseen >= 1, 2000);
    cli();
    if ( nseen != 1 )
        return xtf_failure("Fail: vector 0x60 not delivered with TPR 0x50\n");
    if ( !h60_isr || h60_irr )
        xtf_failure("Fail: in the 0x60 handler ISR %d IRR %d, expected 1 0\n", h60_isr, h60_irr);
    check_eq("PPR in the 0x60 handler (TPR 0x50)", h60_ppr & 0xf0, 0x60);
    if ( !apic_vec_set(APIC_ISR, 0x60) )
        xtf_failure("Fail: 0x60 left service without an EOI\n");

    self_ipi(0x61);
    sti();
    spin_ms(5);
    cli();
    if ( nseen != 1 )
        xtf_failure("Fail: 0x61 delivered while 0x60 (same class) is in service\n");
    if ( !apic_vec_set(APIC_IRR, 0x61) )
        xtf_failure("Fail: 0x61 not pending in IRR\n");

    self_ipi(0x80);
    sti();
    wait_until(nseen >= 2, 2000);
    cli();
    if ( nseen != 2 || seen[1] != 0x80 )
        xtf_failure("Fail: 0x80 (higher class) not delivered over 0x60 in service\n");

    apic_eoi();                          /* retires 0x60 */
    sti();
    wait_until(nseen >= 3, 2000);
    cli();
    if ( nseen != 3 || seen[0] != 0x60 || seen[1] != 0x80 || seen[2] != 0x61 )
        xtf_failure("Fail: order %#x %#x %#x (%u), expected 0x60 0x80 0x61\n",
                    seen[0], seen[1], seen[2], nseen);
    for ( unsigned int i = 0; i < 8; i++ )
        if ( apic_read(APIC_ISR + i * 16) || apic_read(APIC_IRR + i * 16) )
            xtf_failure("Fail: ISR/IRR word %u not clear at the end: %#x %#x\n", i,
                        apic_read(APIC_ISR + i * 16), apic_read(APIC_IRR + i * 16));

    apic_eoi();                          /* nothing in service */
    apic_write(APIC_TPR, 0x1ff);
    check_eq("TPR after writing 0x1ff", apic_read(APIC_TPR), 0xff);
    apic_write(APIC_TPR, 0);
}
