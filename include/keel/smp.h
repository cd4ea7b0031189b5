/* CPUs: which are online, and how to make another CPU do something. */
#ifndef KEEL_SMP_H
#define KEEL_SMP_H

#include <keel/types.h>
#include <keel/compiler.h>
#include <asm/config.h>
#include <asm/current.h>

typedef uint64_t cpumask_t;            /* NR_CPUS <= 64 */
BUILD_BUG_ON(NR_CPUS > 64);

extern cpumask_t cpu_online_map;
extern uint32_t cpu_to_apicid[NR_CPUS];

#define cpumask_of(c)        (1ULL << (c))
#define cpu_online(c)        ((c) < NR_CPUS && (cpu_online_map & cpumask_of(c)))
#define for_each_cpu(c, m)   for ( (c) = 0; (c) < NR_CPUS; (c)++ ) if ( (m) & cpumask_of(c) )
#define for_each_online_cpu(c) for_each_cpu(c, cpu_online_map)

static inline unsigned int num_online_cpus(void)
{
    cpumask_t m = cpu_online_map;
    unsigned int n = 0;

    /* No popcnt instruction assumed, and no libgcc to call. */
    for ( ; m; m &= m - 1 )
        n++;
    return n;
}

/* Bring up every CPU the MADT lists (up to `max`); returns how many are online. */
unsigned int smp_boot_cpus(unsigned int max);
/* Run fn(info) on every online CPU in mask except this one and wait for all. */
void on_selected_cpus(cpumask_t mask, void (*fn)(void *), void *info);
/* Flush guest TLB entries (all, or one address) on the CPUs in mask, this one too. */
void flush_tlb_mask(cpumask_t mask);
void flush_tlb_one_mask(cpumask_t mask, unsigned long va);
/* Kick a CPU out of hlt so that it looks at its softirqs. */
void cpu_raise_softirq_ipi(unsigned int cpu);
void smp_stop_other_cpus(void);
void __noreturn machine_restart(unsigned int delay_ms);
void smp_ipi_init(void);

#endif /* KEEL_SMP_H */
