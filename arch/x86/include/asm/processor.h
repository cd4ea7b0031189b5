/* CPU registers, CPUID and the saved-register frame of an interrupt. */
#ifndef ASM_PROCESSOR_H
#define ASM_PROCESSOR_H

#include <keel/types.h>

/* Exception vectors. */
#define TRAP_divide_error      0
#define TRAP_debug             1
#define TRAP_nmi               2
#define TRAP_int3              3
#define TRAP_overflow          4
#define TRAP_bounds            5
#define TRAP_invalid_op        6
#define TRAP_no_device         7
#define TRAP_double_fault      8
#define TRAP_copro_seg         9
#define TRAP_invalid_tss      10
#define TRAP_no_segment       11
#define TRAP_stack_error      12
#define TRAP_gp_fault         13
#define TRAP_page_fault       14
#define TRAP_spurious_int     15
#define TRAP_copro_error      16
#define TRAP_alignment_check  17
#define TRAP_machine_check    18
#define TRAP_simd_error       19
#define TRAP_virtualisation   20
#define TRAP_control_prot     21
#define NR_EXCEPTIONS         32

#define X86_CR0_PE  (1UL << 0)
#define X86_CR0_MP  (1UL << 1)
#define X86_CR0_EM  (1UL << 2)
#define X86_CR0_TS  (1UL << 3)
#define X86_CR0_NE  (1UL << 5)
#define X86_CR0_WP  (1UL << 16)
#define X86_CR0_PG  (1UL << 31)
#define X86_CR4_VME (1UL << 0)
#define X86_CR4_PVI (1UL << 1)
#define X86_CR4_TSD (1UL << 2)
#define X86_CR4_DE  (1UL << 3)
#define X86_CR4_PSE (1UL << 4)
#define X86_CR4_PAE (1UL << 5)
#define X86_CR4_MCE (1UL << 6)
#define X86_CR4_PGE (1UL << 7)
#define X86_CR4_OSFXSR (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
#define X86_CR4_PCE (1UL << 8)
#define X86_CR4_UMIP (1UL << 11)
#define X86_CR4_VMXE (1UL << 13)
#define X86_CR4_FSGSBASE (1UL << 16)
#define X86_CR4_PCIDE (1UL << 17)
#define X86_CR4_OSXSAVE (1UL << 18)
#define X86_CR4_SMEP (1UL << 20)
#define X86_CR4_SMAP (1UL << 21)
#define X86_CR4_PKE (1UL << 22)
#define X86_CR4_CET (1UL << 23)

/*
 * Registers saved on entry to Keel from an interrupt or exception.  The
 * order is fixed by arch/x86/entry.S; the last five are the CPU's frame.
 */
struct cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx;
    uint64_t r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;     /* CPU's error code, or 0 */
    uint32_t entry_vector;   /* vector that brought us here */
    uint64_t rip, cs, rflags, rsp, ss;
};

struct cpuid_leaf {
    uint32_t a, b, c, d;
};

static inline void cpuid_count(uint32_t leaf, uint32_t sub, struct cpuid_leaf *r)
{
    __asm__ __volatile__("cpuid"
                         : "=a" (r->a), "=b" (r->b), "=c" (r->c), "=d" (r->d)
                         : "a" (leaf), "c" (sub));
}

static inline void cpuid(uint32_t leaf, struct cpuid_leaf *r)
{
    cpuid_count(leaf, 0, r);
}

#define DEFINE_CR_ACCESSORS(n)                                              \
static inline unsigned long read_cr##n(void)                                \
{                                                                           \
    unsigned long v;                                                        \
    __asm__ __volatile__("mov %%cr" #n ", %0" : "=r" (v) :: "memory");      \
    return v;                                                               \
}                                                                           \
static inline void write_cr##n(unsigned long v)                             \
{                                                                           \
    __asm__ __volatile__("mov %0, %%cr" #n :: "r" (v) : "memory");          \
}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline void halt(void)
{
    __asm__ __volatile__("hlt" ::: "memory");
}

/* Enable interrupts and halt atomically: no wake-up can be lost in between. */
static inline void safe_halt(void)
{
    __asm__ __volatile__("sti; hlt" ::: "memory");
}

static inline void invlpg(unsigned long va)
{
    __asm__ __volatile__("invlpg (%0)" :: "r" (va) : "memory");
}

/* CPU features Keel looks at (filled by arch/x86/cpu.c on the boot CPU). */
struct cpu_features {
    uint32_t max_leaf, max_ext_leaf;
    char vendor[13];
    char brand[49];
    unsigned int family, model, stepping;
    bool x2apic, tsc_deadline, invariant_tsc, pdpe1gb, svm, vmx, hypervisor;
    bool nx, smep, smap, fsgsbase, xsave;
};
extern struct cpu_features boot_cpu;
/* 1 once CR4.SMAP is on (all CPUs, or none): entry.S clears AC by it. */
extern uint8_t smap_enabled;

void cpu_identify(struct cpu_features *c);
void cpu_init_features(void);
uint32_t cpu_initial_apic_id(void);

#endif /* ASM_PROCESSOR_H */
