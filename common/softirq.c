/*
 * Softirqs: interrupt handlers only mark work pending; the CPU runs it when
 * it is about to idle (and, later, before returning to a guest).
 */
#include <keel/lib.h>
#include <keel/smp.h>
#include <keel/softirq.h>

static softirq_handler softirq_handlers[NR_SOFTIRQS];
static unsigned long pending[NR_CPUS];

void open_softirq(enum softirq_nr nr, softirq_handler handler)
{
    ASSERT(nr < NR_SOFTIRQS);
    softirq_handlers[nr] = handler;
}

void cpu_raise_softirq(unsigned int cpu, enum softirq_nr nr)
{
    unsigned long old = __atomic_fetch_or(&pending[cpu], 1UL << nr,
                                          __ATOMIC_SEQ_CST);

    /* A remote CPU may be in hlt: kick it, unless someone already did. */
    if ( !(old & (1UL << nr)) )
        cpu_raise_softirq_ipi(cpu);
}

void raise_softirq(enum softirq_nr nr)
{
    __atomic_fetch_or(&pending[smp_processor_id()], 1UL << nr, __ATOMIC_SEQ_CST);
}

bool softirq_pending(unsigned int cpu)
{
    return __atomic_load_n(&pending[cpu], __ATOMIC_SEQ_CST) != 0;
}

/*
 * One softirq at a time, lowest number first, each bit cleared just before
 * its handler runs: SCHEDULE_SOFTIRQ may switch to another vCPU and never
 * return here, and whatever is still pending must survive that.
 */
void do_softirq(void)
{
    unsigned int cpu = smp_processor_id();
    unsigned long work;

    while ( (work = __atomic_load_n(&pending[cpu], __ATOMIC_SEQ_CST)) )
    {
        unsigned int nr = __builtin_ctzl(work);

        __atomic_fetch_and(&pending[cpu], ~(1UL << nr), __ATOMIC_SEQ_CST);
        if ( softirq_handlers[nr] )
            softirq_handlers[nr]();
    }
}
