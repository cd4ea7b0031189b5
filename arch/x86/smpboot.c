/*
 * SMP bring-up: each CPU the MADT lists gets a stack, then INIT-SIPI-SIPI
 * through the trampoline below 1 MiB, and reports in from
 * start_secondary().  CPUs are started one at a time; the trampoline's
 * stack slot is shared.
 */
#include <keel/lib.h>
#include <keel/acpi.h>
#include <keel/mm.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/smp.h>
#include <keel/time.h>
#include <asm/apic.h>
#include <asm/hvm/hvm.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/traps.h>

extern char trampoline_start[], trampoline_end[], tramp_cr3[], tramp_stack[];

cpumask_t cpu_online_map;
uint32_t cpu_to_apicid[NR_CPUS];
static volatile bool ap_started;

static void *trampoline_slot(const char *sym)
{
    return maddr_to_virt(TRAMPOLINE_PHYS + (sym - trampoline_start));
}

void __noreturn start_secondary(void);
void __noreturn start_secondary(void)
{
    unsigned int cpu = smp_processor_id();

    gdt_init_cpu(cpu);
    idt_load();
    cpu_init_features();
    apic_init_cpu();
    apic_timer_init_cpu();
    hvm_cpu_up();
    __atomic_or_fetch(&cpu_online_map, cpumask_of(cpu), __ATOMIC_SEQ_CST);
    ap_started = true;
    printk("CPU%u: APIC ID %u online\n", cpu, get_cpu_info()->apic_id);
    idle_loop();
}

static void send_init_sipi(uint32_t apic_id)
{
    uint8_t vector = TRAMPOLINE_PHYS >> PAGE_SHIFT;   /* SIPI vector = start page */

    apic_send_icr(apic_id, APIC_DM_INIT | APIC_ICR_LEVEL | APIC_ICR_ASSERT);
    udelay(10000);
    apic_send_icr(apic_id, APIC_DM_INIT | APIC_ICR_LEVEL);
    for ( unsigned int i = 0; i < 2; i++ )
    {
        apic_send_icr(apic_id, APIC_DM_STARTUP | vector);
        udelay(200);
    }
}

static bool boot_one_cpu(unsigned int cpu, uint32_t apic_id)
{
    void *stack = alloc_xenheap_pages(STACK_ORDER, 0);
    struct cpu_info *ci;
    s_time_t deadline;

    if ( !stack )
        return false;
    ci = stack_cpu_info(stack);
    memset(ci, 0, CPU_INFO_SIZE);
    ci->processor_id = cpu;
    ci->apic_id = apic_id;
    *(uint64_t *)trampoline_slot(tramp_stack) = (uint64_t)ci;
    ap_started = false;
    send_init_sipi(apic_id);
    deadline = NOW() + SECONDS(2);
    while ( !ap_started && NOW() < deadline )
        __builtin_ia32_pause();
    if ( ap_started )
        return true;
    printk(KLOG_ERR "CPU%u (APIC ID %u) did not start\n", cpu, apic_id);
    free_xenheap_pages(stack, STACK_ORDER);
    return false;
}

unsigned int smp_boot_cpus(unsigned int max)
{
    unsigned int cpu = 1;

    memcpy(maddr_to_virt(TRAMPOLINE_PHYS), trampoline_start,
           trampoline_end - trampoline_start);
    *(uint32_t *)trampoline_slot(tramp_cr3) = virt_to_maddr(idle_pg_table);
    for ( unsigned int i = 1; i < acpi_platform.nr_cpus && cpu < max; i++ )
    {
        uint32_t apic_id = acpi_platform.apic_ids[i];

        cpu_to_apicid[cpu] = apic_id;
        if ( boot_one_cpu(cpu, apic_id) )
            cpu++;
    }
    printk("SMP: %u CPU(s) online\n", num_online_cpus());
    return num_online_cpus();
}
