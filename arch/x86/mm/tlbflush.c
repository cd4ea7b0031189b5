/*
 * TLB flushes: local, remote by IPI, and the flush clock that lets a type
 * change skip CPUs that have flushed since the frame was last mapped.
 * Facts from Xen (arch/x86/flushtlb.c): a flush ticks the clock before it
 * starts and records the tick after it ends; with CR4.PGE set, clearing
 * and restoring PGE is what drops global entries (a CR3 write keeps them).
 */
#include <keel/lib.h>
#include <keel/smp.h>
#include <asm/irqflags.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>

static uint64_t tlbflush_clock = 1;          /* 0: "before any flush" */
static uint64_t tlbflush_time[NR_CPUS];      /* each CPU's last full flush */

uint64_t tlbflush_current_time(void)
{
    return __atomic_load_n(&tlbflush_clock, __ATOMIC_SEQ_CST);
}

cpumask_t tlbflush_filter(cpumask_t mask, uint64_t stamp)
{
    unsigned int cpu;

    /* A flush that ticked the clock past the stamp began after it was taken. */
    for_each_cpu(cpu, mask)
        if ( __atomic_load_n(&tlbflush_time[cpu], __ATOMIC_SEQ_CST) > stamp )
            mask &= ~cpumask_of(cpu);
    return mask;
}

/* The tick this flush will stand for; taken before the TLB is touched. */
static uint64_t pre_flush(void)
{
    return __atomic_add_fetch(&tlbflush_clock, 1, __ATOMIC_SEQ_CST);
}

static void post_flush(uint64_t t)
{
    __atomic_store_n(&tlbflush_time[smp_processor_id()], t, __ATOMIC_SEQ_CST);
}

/* Write CR3 and drop global entries too; interrupts off so no flush nests. */
static void full_flush(uint64_t cr3)
{
    unsigned long flags = local_irq_save();
    unsigned long cr4 = read_cr4();
    uint64_t t = pre_flush();

    if ( cr4 & X86_CR4_PGE )
        write_cr4(cr4 & ~X86_CR4_PGE);      /* PGE off flushes everything */
    write_cr3(cr3);
    if ( cr4 & X86_CR4_PGE )
        write_cr4(cr4);
    post_flush(t);
    local_irq_restore(flags);
}

void flush_tlb_local(void)
{
    full_flush(read_cr3());
}

void switch_cr3(uint64_t cr3)
{
    full_flush(cr3);
}

static void flush_tlb_ipi(void *va)
{
    if ( va )
        invlpg((unsigned long)va);           /* drops a global entry too */
    else
        flush_tlb_local();
}

void flush_tlb_mask(cpumask_t mask)
{
    if ( mask & cpumask_of(smp_processor_id()) )
        flush_tlb_local();
    on_selected_cpus(mask, flush_tlb_ipi, NULL);
}

void flush_tlb_one_mask(cpumask_t mask, unsigned long va)
{
    if ( mask & cpumask_of(smp_processor_id()) )
        invlpg(va);
    /* va 0 would mean "everything": the same, only slower. */
    on_selected_cpus(mask, flush_tlb_ipi, (void *)va);
}
