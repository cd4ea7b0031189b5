/*
 * Per-CPU GDT (16 pages, as the PV ABI lays it out) and TSS.  Entries from
 * 7168 hold Keel's and the PV guests' flat segments and the TSS; the
 * entries below are the running PV guest's own descriptors.  The TSS gives
 * each CPU known-good stacks (IST) for NMI, double fault, machine check and
 * debug: vectors that can arrive where rsp is not Keel's (the SYSCALL
 * entry runs its first instructions on the guest's rsp).  They sit in the
 * CPU's stack block, below the primary stack (asm/config.h).
 */
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/panic.h>
#include <asm/current.h>
#include <asm/gdt.h>
#include <asm/irqflags.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/traps.h>
#include <public/arch-x86/xen-x86_64.h>

#define GDT_ORDER    4                 /* 16 pages */

struct __packed tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

static uint64_t *cpu_gdt[NR_CPUS];
static struct tss64 cpu_tss[NR_CPUS] __aligned(64);

uint64_t *gdt_of_cpu(unsigned int cpu)
{
    return cpu_gdt[cpu];
}

static void set_tss_descriptor(uint64_t *gdt, unsigned int index,
                               const struct tss64 *tss)
{
    uint64_t base = (uint64_t)tss;
    uint64_t limit = sizeof(*tss) - 1;

    /* 16-byte system descriptor: type 9 (available 64-bit TSS), present. */
    gdt[index] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                 (0x89UL << 40) | ((limit >> 16 & 0xf) << 48) |
                 ((base >> 24 & 0xff) << 56);
    gdt[index + 1] = base >> 32;
}

/* Top of IST stack `ist` (1-based) in the stack block that holds ci. */
static uint64_t ist_stack_top(const struct cpu_info *ci, unsigned int ist)
{
    uint64_t base = (uint64_t)ci & ~(STACK_SIZE - 1);

    BUILD_BUG_ON(IST_MAX * IST_STACK_SIZE > STACK_SIZE / 2);
    return base + ist * IST_STACK_SIZE;
}

static uint64_t *build_gdt(unsigned int cpu)
{
    uint64_t *gdt = alloc_xenheap_pages(GDT_ORDER, 0);

    if ( !gdt )
        panic("no memory for the GDT of CPU%u", cpu);
    memset(gdt, 0, PAGE_SIZE << GDT_ORDER);
    gdt[KEEL_CS64 >> 3] = 0x00af9a000000ffffUL;        /* 64-bit code, DPL 0 */
    gdt[KEEL_DS >> 3] = 0x00cf92000000ffffUL;          /* flat data, DPL 0 */
    gdt[KEEL_CS32 >> 3] = 0x00cf9a000000ffffUL;        /* 32-bit code, DPL 0 */
    gdt[FLAT_RING3_CS32 >> 3] = 0x00cffa000000ffffUL;  /* guest 32-bit code, DPL 3 */
    gdt[FLAT_RING3_DS32 >> 3] = 0x00cff2000000ffffUL;  /* guest flat data, DPL 3 */
    gdt[FLAT_RING3_CS64 >> 3] = 0x00affa000000ffffUL;  /* guest 64-bit code, DPL 3 */
    set_tss_descriptor(gdt, KEEL_TSS >> 3, &cpu_tss[cpu]);
    return gdt;
}

/* Reload CS and the data segments after switching to the full GDT. */
static void load_keel_segments(void)
{
    __asm__ __volatile__("pushq %0\n\t"
                         "leaq 1f(%%rip), %%rax\n\t"
                         "pushq %%rax\n\t"
                         "lretq\n"
                         "1:\n\t"
                         "mov %1, %%ds\n\t"
                         "mov %1, %%es\n\t"
                         "mov %1, %%ss\n\t"
                         :: "i" (KEEL_CS64), "r" (KEEL_DS) : "rax", "memory");
}

/* SYSCALL from a PV guest enters Keel at syscall_entry on KEEL_CS64. */
static void init_syscall_msrs(void)
{
    extern char lstar_entry[], cstar_entry[];

    wrmsr(MSR_STAR, ((uint64_t)FLAT_RING3_CS32 << 48) | ((uint64_t)KEEL_CS64 << 32));
    wrmsr(MSR_LSTAR, (uint64_t)lstar_entry);
    wrmsr(MSR_CSTAR, (uint64_t)cstar_entry);
    /* Entered with interrupts, single-step, direction and alignment checks off. */
    wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF |
                            X86_EFLAGS_NT | X86_EFLAGS_AC);
    wrmsr(MSR_SHADOW_GS_BASE, (uint64_t)get_cpu_info());
}

void gdt_init_cpu(unsigned int cpu)
{
    struct tss64 *tss = &cpu_tss[cpu];
    struct cpu_info *ci = get_cpu_info();
    struct __packed { uint16_t limit; uint64_t base; } gdtr;

    cpu_gdt[cpu] = build_gdt(cpu);
    memset(tss, 0, sizeof(*tss));
    ci->rsp0 = (unsigned long)ci;
    tss->rsp[0] = (uint64_t)ci;          /* guest frames end at cpu_info */
    for ( unsigned int ist = 1; ist <= IST_MAX; ist++ )
        tss->ist[ist - 1] = ist_stack_top(ci, ist);
    tss->iomap_base = sizeof(*tss);      /* no I/O bitmap: guest port I/O faults */
    set_tss_descriptor(cpu_gdt[cpu], KEEL_TSS >> 3, tss);

    gdtr.limit = (PAGE_SIZE << GDT_ORDER) - 1;
    gdtr.base = (uint64_t)cpu_gdt[cpu];
    __asm__ __volatile__("lgdt %0" :: "m" (gdtr) : "memory");
    load_keel_segments();
    __asm__ __volatile__("ltr %w0" :: "r" (KEEL_TSS) : "memory");
    /* No LDT: a guest's LDT selector must fault with #GP, not find leftovers. */
    __asm__ __volatile__("lldt %w0" :: "r" (0) : "memory");
    init_syscall_msrs();
}
