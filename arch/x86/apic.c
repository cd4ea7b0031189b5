/*
 * Local APIC driver.  x2APIC mode is used when the CPU offers it (MSR
 * access, 32-bit IDs); otherwise the xAPIC registers are reached through
 * an uncached ioremap of the MADT's LAPIC address.
 */
#include <keel/lib.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <keel/time.h>
#include <asm/apic.h>
#include <asm/current.h>
#include <asm/io.h>
#include <asm/mm.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/traps.h>

bool x2apic_enabled;
static volatile uint8_t *xapic_regs;

uint32_t apic_read(unsigned int reg)
{
    if ( x2apic_enabled )
        return rdmsr(MSR_X2APIC_FIRST + (reg >> 4));
    return readl(xapic_regs + reg);
}

void apic_write(unsigned int reg, uint32_t v)
{
    if ( x2apic_enabled )
        wrmsr(MSR_X2APIC_FIRST + (reg >> 4), v);
    else
        writel(v, xapic_regs + reg);
}

uint32_t apic_current_id(void)
{
    uint32_t id = apic_read(APIC_ID);

    return x2apic_enabled ? id : id >> 24;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

void apic_send_icr(uint32_t apic_id, uint32_t low)
{
    if ( x2apic_enabled )
    {
        /* One 64-bit write; x2APIC has no delivery-status bit to poll. */
        wrmsr(MSR_X2APIC_FIRST + (APIC_ICR >> 4), ((uint64_t)apic_id << 32) | low);
        return;
    }
    apic_write(APIC_ICR2, apic_id << 24);
    apic_write(APIC_ICR, low);
    while ( apic_read(APIC_ICR) & APIC_ICR_BUSY )
        __builtin_ia32_pause();
}

void apic_send_ipi(uint32_t apic_id, uint8_t vector)
{
    apic_send_icr(apic_id, vector);
}

void apic_send_nmi_allbutself(void)
{
    apic_send_icr(0, APIC_DEST_ALLBUT | APIC_DM_NMI);
}

static void spurious_interrupt(struct cpu_user_regs *regs)
{
    (void)regs;     /* no EOI for a spurious interrupt, by definition */
}

static void apic_error_interrupt(struct cpu_user_regs *regs)
{
    uint32_t esr;

    (void)regs;
    apic_write(APIC_ESR, 0);           /* latch the error bits, then read them */
    esr = apic_read(APIC_ESR);
    apic_eoi();
    printk(KLOG_WARNING "CPU%u: APIC error, ESR %#x\n", smp_processor_id(), esr);
}

void apic_init_cpu(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);

    base |= APIC_BASE_ENABLE;
    if ( x2apic_enabled )
        base |= APIC_BASE_EXTD;
    wrmsr(MSR_APIC_BASE, base);
    apic_write(APIC_TPR, 0);                          /* accept every vector */
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
    apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);      /* no ExtINT from an 8259 */
    apic_write(APIC_LVT_LINT1, APIC_DM_NMI);          /* LINT1 is NMI on PCs */
    apic_write(APIC_LVT_PMC, APIC_LVT_MASKED);
    apic_write(APIC_LVT_ERROR, ERROR_APIC_VECTOR);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_APIC_VECTOR);
    apic_eoi();                                       /* drop anything in service */
}

void apic_init_bsp(uint32_t lapic_addr)
{
    x2apic_enabled = boot_cpu.x2apic;
    if ( !x2apic_enabled )
    {
        uint64_t base = rdmsr(MSR_APIC_BASE);
        paddr_t pa = lapic_addr ? lapic_addr : (base & APIC_BASE_ADDR_MASK);

        xapic_regs = ioremap(pa, PAGE_SIZE);
        if ( !xapic_regs )
            panic("cannot map the local APIC at %#lx", pa);
    }
    set_vector_handler(SPURIOUS_APIC_VECTOR, spurious_interrupt);
    set_vector_handler(ERROR_APIC_VECTOR, apic_error_interrupt);
    apic_init_cpu();
    printk("APIC: %s mode, boot CPU APIC ID %u, version %#x\n",
           x2apic_enabled ? "x2APIC" : "xAPIC", apic_current_id(),
           apic_read(APIC_VERSION) & 0xff);
}
