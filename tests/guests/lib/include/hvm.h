/*
 * pvh / hvm64 environment services: the PVH start of day, port I/O, the
 * guest's own IDT and interrupt handlers, the local APIC, hvm_op and the
 * Xen structures an HVM guest uses.  hvm64 adds identity-mapped page tables
 * (4 GiB), user mode and secondary vCPUs.
 *
 *  pvh:   32-bit flat protected mode, paging off, CPL 0 (the PVH entry state
 *         kept as it is, but on the library's own GDT and IDT).
 *  hvm64: the same image switches to long mode at start of day: 2 MiB pages
 *         identity-map 0-4 GiB (user-accessible), CPL 0, a 64-bit IDT.
 * Both are linked at physical 1 MiB (VA = PA), console output goes to port
 * 0xE9, hypercalls use `vmmcall` (see hypercall.h).
 */
#ifndef GUEST_HVM_H
#define GUEST_HVM_H

#include "types.h"
#include "hypercall.h"
#include "x86.h"

#include "hvm_layout.h"

#ifdef __x86_64__
#define ENV_NAME "hvm64"
#else
#define ENV_NAME "pvh"
#endif

/* --- hvm_start_info (Xen's arch-x86/hvm/start_info.h, version 1) --- */
#define HVM_START_MAGIC 0x336ec578
struct hvm_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};
struct hvm_memmap_table_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};
#define HVM_MEMMAP_TYPE_RAM 1

extern const struct hvm_start_info *start_info;   /* ebx at entry */
/* State at the PHYS32_ENTRY point, saved by head.S before anything else. */
extern uint32_t entry_ebx, entry_cr0, entry_cr4, entry_eflags, entry_cs, entry_ds;
extern char _start_image[], _end_image[], __bss_start[], __bss_end[];

static inline void *phys_ptr(uint64_t pa)
{
    return (void *)(unsigned long)pa;
}

/* --- port I/O --- */
static inline void outb(uint8_t v, uint16_t port) { asm volatile ("outb %0, %1" :: "a" (v), "Nd" (port)); }
static inline void outw(uint16_t v, uint16_t port) { asm volatile ("outw %0, %1" :: "a" (v), "Nd" (port)); }
static inline void outl(uint32_t v, uint16_t port) { asm volatile ("outl %0, %1" :: "a" (v), "Nd" (port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; asm volatile ("inb %1, %0" : "=a" (v) : "Nd" (port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; asm volatile ("inw %1, %0" : "=a" (v) : "Nd" (port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; asm volatile ("inl %1, %0" : "=a" (v) : "Nd" (port)); return v; }

/* --- control registers, interrupts --- */
#define X86_CR0_PE (1UL << 0)
#define X86_CR0_ET (1UL << 4)
#define X86_CR0_PG (1UL << 31)
#define X86_CR4_PAE (1UL << 5)
#define MSR_EFER    0xc0000080U
#define EFER_SCE    (1ULL << 0)
#define EFER_LME    (1ULL << 8)
#define EFER_LMA    (1ULL << 10)
#define EFER_NXE    (1ULL << 11)
#define EFER_SVME   (1ULL << 12)
#define MSR_APIC_BASE 0x0000001bU

#define DEFINE_CR(n)                                                          \
    static inline unsigned long read_cr##n(void)                              \
    { unsigned long v; asm volatile ("mov %%cr" #n ", %0" : "=r" (v)); return v; } \
    static inline void write_cr##n(unsigned long v)                           \
    { asm volatile ("mov %0, %%cr" #n :: "r" (v) : "memory"); }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline void cli(void) { asm volatile ("cli" ::: "memory"); }
static inline void sti(void) { asm volatile ("sti" ::: "memory"); }
/* sti; hlt: the interrupt shadow of sti makes this race-free. */
static inline void safe_halt(void) { asm volatile ("sti; hlt" ::: "memory"); }
static inline void cpu_relax(void) { asm volatile ("pause" ::: "memory"); }

static inline uint64_t rdmsr(uint32_t idx)
{
    uint32_t lo, hi;

    asm volatile ("rdmsr" : "=a" (lo), "=d" (hi) : "c" (idx));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t idx, uint64_t val)
{
    asm volatile ("wrmsr" :: "c" (idx), "a" ((uint32_t)val), "d" ((uint32_t)(val >> 32)));
}

/*
 * Timeouts.  The TSC is only a bound here (QEMU TCG runs it at about the
 * host's rate, >= 1 GHz): tsc_after_ms(ms) is "at least ms milliseconds".
 */
#define TSC_PER_MS 1000000ULL
static inline uint64_t tsc_after_ms(unsigned int ms)
{
    return rdtsc() + ms * TSC_PER_MS;
}
#define wait_until(cond, ms) ({                                               \
        uint64_t end_ = tsc_after_ms(ms);                                     \
        while ( !(cond) && rdtsc() < end_ )                                   \
            cpu_relax();                                                      \
        (cond);                                                               \
    })

/* --- IDT and interrupts --- */
/*
 * Every vector has an entry stub.  Vectors 0-31 go to the exception
 * handling of traps.h (extable, hooks); vectors 32-255 call
 * irq_handlers[vec] (an unexpected one is an ERROR).  Handlers run with
 * interrupts off and must EOI the LAPIC themselves when that matters.
 */
typedef void (*irq_handler_t)(struct cpu_regs *regs);
extern irq_handler_t irq_handlers[256];
/* The stack pointer at the interruption (32-bit: no esp in a same-ring frame). */
static inline unsigned long interrupted_sp(struct cpu_regs *regs)
{
#ifdef __x86_64__
    return regs->rsp;
#else
    return (unsigned long)&regs->rsp;
#endif
}
/* Sets the DPL of a gate (3: `int $vec` allowed from user mode). */
void idt_set_dpl(unsigned int vec, unsigned int dpl);
void load_idt(void);                /* (re)loads the library's IDT on this CPU */
struct desc_ptr {
    uint16_t limit;
    unsigned long base;
} __attribute__((packed));

/* --- local APIC (xAPIC MMIO) --- */
#define APIC_MMIO       0xfee00000UL
#define APIC_ID         0x020
#define APIC_VERSION    0x030
#define APIC_TPR        0x080
#define APIC_PPR        0x0a0
#define APIC_EOI        0x0b0
#define APIC_LDR        0x0d0
#define APIC_DFR        0x0e0
#define APIC_SVR        0x0f0
#define APIC_ISR        0x100
#define APIC_TMR        0x180
#define APIC_IRR        0x200
#define APIC_ESR        0x280
#define APIC_ICR_LO     0x300
#define APIC_ICR_HI     0x310
#define APIC_LVT_TIMER  0x320
#define APIC_LVT_LINT0  0x350
#define APIC_LVT_LINT1  0x360
#define APIC_LVT_ERR    0x370
#define APIC_TMICT      0x380
#define APIC_TMCCT      0x390
#define APIC_TDCR       0x3e0
#define APIC_SVR_ENABLE (1U << 8)
#define APIC_LVT_MASKED (1U << 16)
#define APIC_LVT_PERIODIC (1U << 17)
#define APIC_TDCR_DIV1  0xb
#define APIC_ICR_SELF   (1U << 18)
#define APIC_ICR_ALL    (2U << 18)
#define APIC_ICR_OTHERS (3U << 18)

static inline uint32_t apic_read(unsigned int reg)
{
    return *(volatile uint32_t *)(APIC_MMIO + reg);
}
static inline void apic_write(unsigned int reg, uint32_t v)
{
    *(volatile uint32_t *)(APIC_MMIO + reg) = v;
}
static inline void apic_eoi(void) { apic_write(APIC_EOI, 0); }
/* Software-enables the LAPIC (SVR bit 8, spurious vector 0xff), TPR 0. */
void apic_enable(void);
/*
 * TSC ticks per millisecond, against the vLAPIC's own 1 GHz count (20 ms of
 * a masked one-shot countdown on vector vec, divide by 1); 0 if the count
 * does not run.  The timer is left stopped.
 */
uint64_t apic_tsc_per_ms(unsigned int vec);
/* Bit vec of the 256-bit ISR/IRR/TMR register at base. */
static inline bool apic_vec_set(unsigned int base, unsigned int vec)
{
    return apic_read(base + (vec / 32) * 16) & (1U << (vec % 32));
}
/* Fixed IPI to the LAPIC with ID dest (ICR high bits 31:24), or a shorthand. */
static inline void apic_send_ipi(uint32_t dest, uint32_t icr_lo)
{
    apic_write(APIC_ICR_HI, dest << 24);
    apic_write(APIC_ICR_LO, icr_lo);
}

/* --- IO-APIC --- */
#define IOAPIC_MMIO     0xfec00000UL
static inline uint32_t ioapic_read(unsigned int reg)
{
    *(volatile uint32_t *)IOAPIC_MMIO = reg;
    return *(volatile uint32_t *)(IOAPIC_MMIO + 0x10);
}
static inline void ioapic_write(unsigned int reg, uint32_t v)
{
    *(volatile uint32_t *)IOAPIC_MMIO = reg;
    *(volatile uint32_t *)(IOAPIC_MMIO + 0x10) = v;
}

/* --- hvm_op (Xen's public/hvm/hvm_op.h, params.h) --- */
#define HVMOP_set_param        0
#define HVMOP_get_param        1
#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_STORE_PFN    1
#define HVM_PARAM_STORE_EVTCHN 2
#define HVM_PARAM_CONSOLE_PFN  17
#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2
#define HVM_CALLBACK_VECTOR(v) (((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | (v))
struct xen_hvm_param {
    uint16_t domid;
    uint16_t pad;
    uint32_t index;
    uint64_t value;
};
static inline long hypercall_hvm_op(unsigned int op, void *arg)
{
    return hypercall2(__HYPERVISOR_hvm_op, op, arg);
}
long hvm_set_param(unsigned int index, uint64_t value);
long hvm_get_param(unsigned int index, uint64_t *value);

/* XENMEM_add_to_physmap (public/memory.h) */
#define XENMAPSPACE_shared_info 0
struct xen_add_to_physmap {
    uint16_t domid;
    uint16_t size;
    uint32_t space;
    uint64_t idx;
    uint64_t gpfn;
};

/* Event channel operations (public/event_channel.h). */
struct evtchn_op_bind_ipi {
    uint32_t vcpu;
    evtchn_port_t port;         /* OUT */
};
struct evtchn_op_port {         /* send, unmask, close: just the port */
    evtchn_port_t port;
};

/*
 * VCPUOP_initialise for HVM vCPUs (public/hvm/hvm_vcpu.h): 8-byte header,
 * then the register union (the 32-bit variant is 120 bytes, so is the union).
 */
#define VCPU_HVM_MODE_32B 0
#define VCPU_HVM_MODE_64B 1
struct vcpu_hvm_x86_32 {
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi, eip, eflags;
    uint32_t cr0, cr3, cr4, pad1;
    uint64_t efer;
    uint32_t cs_base, ds_base, ss_base, es_base, tr_base;
    uint32_t cs_limit, ds_limit, ss_limit, es_limit, tr_limit;
    uint16_t cs_ar, ds_ar, ss_ar, es_ar, tr_ar;
    uint16_t pad2[3];
};
struct vcpu_hvm_x86_64 {
    uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, rip, rflags;
    uint64_t cr0, cr3, cr4, efer;
};
struct vcpu_hvm_context {
    uint32_t mode;
    uint32_t pad;
    union {
        struct vcpu_hvm_x86_32 x86_32;
        struct vcpu_hvm_x86_64 x86_64;
    } cpu_regs;
};
_Static_assert(sizeof(struct vcpu_hvm_x86_32) == 120, "vcpu_hvm_x86_32 layout");
_Static_assert(sizeof(struct vcpu_hvm_context) == 128, "vcpu_hvm_context layout");

#ifdef ENV_hvm64
/* --- hvm64: paging, user mode, more vCPUs --- */
extern uint64_t pml4[512];
/* Maps the 4 KiB page at va to pa (present, RW, user); page tables from a pool. */
int map_page(unsigned long va, uint64_t pa);

/*
 * User mode: exec_user(fn, arg) iretq()s to CPL 3 (CS GDT_USER_CS) on a user
 * stack, runs fn(arg) there and returns its result; the user code comes back
 * with `int $USER_RETURN_VECTOR` (a DPL-3 gate).  The TSS gives the ring-0 stack.
 */
unsigned long exec_user(unsigned long (*fn)(unsigned long), unsigned long arg);

/*
 * Starts vCPU id (VCPUOP_initialise with a 64-bit vcpu_hvm_context, then
 * VCPUOP_up) in long mode on this CPU's page tables; it loads the GDT/IDT
 * and runs fn(id) on its own stack, then halts forever.  Returns the first
 * hypercall error, or 0.
 */
long hvm_start_vcpu(unsigned int id, void (*fn)(unsigned int id));
#endif

#endif /* GUEST_HVM_H */
