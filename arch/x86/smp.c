/*
 * Cross-CPU calls.  One call is in flight at a time (call_lock); the
 * target CPUs run the function from the CALL_FUNCTION IPI and count down.
 */
#include <keel/lib.h>
#include <keel/console.h>
#include <keel/softirq.h>
#include <keel/smp.h>
#include <keel/spinlock.h>
#include <keel/time.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/irqflags.h>
#include <asm/processor.h>
#include <asm/traps.h>

static DEFINE_SPINLOCK(call_lock);
static struct {
    void (*fn)(void *);
    void *info;
    cpumask_t pending;        /* CPUs that have not run fn yet */
} call_data;

/* Run the call in flight if it is for this CPU and not run yet here. */
static void run_pending_call(unsigned int cpu)
{
    void (*fn)(void *);
    void *info;

    if ( !(__atomic_load_n(&call_data.pending, __ATOMIC_SEQ_CST) & cpumask_of(cpu)) )
        return;
    fn = call_data.fn;
    info = call_data.info;
    fn(info);
    __atomic_and_fetch(&call_data.pending, ~cpumask_of(cpu), __ATOMIC_SEQ_CST);
}

static void call_function_interrupt(struct cpu_user_regs *regs)
{
    (void)regs;
    apic_eoi();
    run_pending_call(smp_processor_id());
}

static void event_check_interrupt(struct cpu_user_regs *regs)
{
    (void)regs;
    apic_eoi();                   /* the wake-up is the point: softirqs run in idle */
}

void on_selected_cpus(cpumask_t mask, void (*fn)(void *), void *info)
{
    unsigned int cpu;

    mask &= cpu_online_map & ~cpumask_of(smp_processor_id());
    if ( !mask )
        return;
    /*
     * A CPU waiting here with interrupts off (a type change from an
     * exception path) still answers the call that holds the lock.
     */
    while ( !spin_trylock(&call_lock) )
    {
        unsigned long flags = local_irq_save();   /* not twice, by the IPI too */

        run_pending_call(smp_processor_id());
        local_irq_restore(flags);
        cpu_relax();
    }
    call_data.fn = fn;
    call_data.info = info;
    __atomic_store_n(&call_data.pending, mask, __ATOMIC_SEQ_CST);
    for_each_cpu(cpu, mask)
        apic_send_ipi(cpu_to_apicid[cpu], CALL_FUNCTION_VECTOR);
    while ( __atomic_load_n(&call_data.pending, __ATOMIC_SEQ_CST) )
        cpu_relax();
    spin_unlock(&call_lock);
}

void cpu_raise_softirq_ipi(unsigned int cpu)
{
    if ( cpu != smp_processor_id() && cpu_online(cpu) )
        apic_send_ipi(cpu_to_apicid[cpu], EVENT_CHECK_VECTOR);
}

static void stop_this_cpu(struct cpu_user_regs *regs)
{
    (void)regs;
    for ( ;; )
    {
        __asm__ __volatile__("cli" ::: "memory");
        halt();
    }
}

/* NMI, not a normal IPI: a CPU spinning with interrupts off must stop too. */
void smp_stop_other_cpus(void)
{
    if ( num_online_cpus() <= 1 )
        return;
    set_vector_handler(TRAP_nmi, stop_this_cpu);
    apic_send_nmi_allbutself();
}

void smp_ipi_init(void)
{
    set_vector_handler(CALL_FUNCTION_VECTOR, call_function_interrupt);
    set_vector_handler(EVENT_CHECK_VECTOR, event_check_interrupt);
}

void machine_restart(unsigned int delay_ms)
{
    struct __packed { uint16_t limit; uint64_t base; } no_idt = { 0, 0 };

    console_flush();
    udelay(delay_ms * 1000UL);
    outb(0xfe, 0x64);             /* keyboard controller: pulse the reset line */
    udelay(50000);
    /* Still here: an empty IDT turns the next exception into a triple fault. */
    __asm__ __volatile__("lidt %0; int3" :: "m" (no_idt));
    for ( ;; )
        halt();
}
