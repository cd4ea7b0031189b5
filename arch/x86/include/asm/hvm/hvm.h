/*
 * Vendor-neutral HVM state and the hvm_funcs table a vendor (SVM now, VMX
 * later) fills in.  Everything under arch/x86/hvm/ outside svm/ uses only
 * this interface.
 */
#ifndef ASM_HVM_HVM_H
#define ASM_HVM_HVM_H

#include <keel/types.h>
#include <keel/timer_heap.h>
#include <asm/p2m.h>
#include <asm/hvm/hpet.h>
#include <asm/hvm/irq.h>
#include <asm/hvm/pmtimer.h>
#include <asm/hvm/rtc.h>
#include <asm/hvm/vlapic.h>
#include <asm/hvm/vuart.h>
#include <asm/hvm/vpit.h>

struct vcpu;
struct domain;
struct vmcb;
struct vcpu_hvm_context;

/* Guest registers not kept in the VMCB (rax, rsp, rip, rflags are there). */
struct hvm_gprs {
    uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct hvm_vcpu {
    struct vmcb *vmcb;
    paddr_t vmcb_pa;
    struct hvm_gprs gprs;
    struct {                        /* the hypercall being run (hvm_hypercall) */
        bool active, long_mode, continued;
        unsigned long nr;
    } hc;
    uint32_t asid;
    uint64_t asid_generation;       /* of last_cpu's ASIDs; 0: take a new one */
    int last_cpu;                   /* a new ASID when the vCPU moves */
    unsigned long p2m_generation;   /* ... or when the p2m changed */
    uint64_t guest_efer;            /* EFER as the guest believes it is */
    uint64_t guest_debugctl;        /* DEBUGCTL as written: LBR/BTF, no effect */
    bool init_pending;              /* an INIT IPI arrived: a SIPI may start it */
    unsigned long nr_exits;
    unsigned long nr_db_reflected;  /* intercepted #DB / #AC given back */
    unsigned long nr_ac_reflected;
    unsigned long nr_cr4_refused;        /* CR4 writes refused: the first is logged */
    struct vlapic vlapic;
    char line[128];                 /* console output collected until '\n' */
    unsigned int line_len;
};

#define HVM_NR_PARAMS        64
#define HVM_PARAM_CALLBACK_IRQ   0
#define HVM_PARAM_STORE_PFN      1
#define HVM_PARAM_STORE_EVTCHN   2
#define HVM_PARAM_CONSOLE_PFN   17
#define HVM_PARAM_CONSOLE_EVTCHN 18

struct hvm_domain {
    bool pvh;                       /* PVH (Xen notes) or plain HVM */
    struct p2m p2m;
    uint64_t params[HVM_NR_PARAMS];
    uint8_t callback_vector;        /* from HVM_PARAM_CALLBACK_IRQ type 2 */
    uint64_t shared_info_gfn;       /* where XENMEM_add_to_physmap put it */
    struct hvm_vioapic vioapic;
    uint8_t pic_imr[2];
    struct hvm_rtc rtc;
    struct hvm_vuart vuart;         /* COM1 */
#define HVM_UNCLAIMED_RANGES 16
    uint64_t unclaimed[HVM_UNCLAIMED_RANGES];   /* ranges reported (io.c) */
    unsigned int nr_unclaimed;
    struct hvm_pit pit;
    struct hvm_pmtimer pmtimer;
    struct hvm_hpet hpet;
};

struct hvm_funcs {
    const char *name;
    int (*cpu_up)(void);                         /* enable on this CPU */
    int (*vcpu_initialise)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);
    void (*set_pvh_entry_state)(struct vcpu *v, uint64_t rip, uint64_t rbx);
    void (*set_long_mode_entry_state)(struct vcpu *v, uint64_t rip, uint64_t rsi,
                                      uint64_t cr3);
    /* Linux's 64-bit boot entry: long mode, cs 0x10, ds/ss 0x18 in the GDT at gdt. */
    void (*set_linux64_entry_state)(struct vcpu *v, uint64_t rip, uint64_t rsi,
                                    uint64_t cr3, uint64_t gdt, uint16_t gdt_limit);
    /* INIT then SIPI: real mode at cs = vector << 8, ip 0 (SDM 8.4.4.1). */
    void (*set_sipi_entry_state)(struct vcpu *v, uint8_t vector);
    void (*set_efer)(struct vcpu *v, uint64_t guest_efer);
    /* EFER as the guest sees it now: its own bits plus the CPU's LMA. */
    uint64_t (*get_efer)(struct vcpu *v);
    /* VCPUOP_initialise: 0 or -EINVAL for a state the vendor refuses. */
    int (*set_vcpu_context)(struct vcpu *v, const struct vcpu_hvm_context *ctx);
    void __noreturn (*resume)(void);             /* run current until it is switched away */
};

extern const struct hvm_funcs *hvm_funcs;
extern bool hvm_enabled;

void hvm_init(void);

/* Builders (arch/x86/hvm/pvh_build.c): PVH at PHYS32_ENTRY, plain 64-bit HVM. */
struct boot_module;
int pvh_build(struct domain *d, const struct boot_module *kernel,
              const struct boot_module *initrd, uint64_t mem_bytes, const char *cmdline);
/* A PVH domU (KEEL_DOMCTL_build): d->max_pages must allow mem_bytes; GFNs out. */
int pvh_domu_build(struct domain *d, const struct boot_module *kernel,
                   const struct boot_module *initrd, uint64_t mem_bytes,
                   const char *cmdline, uint64_t *store_gfn, uint64_t *console_gfn);
/* dom0=pvh: the host's memory map, SIF_INITDOMAIN (see pvh_build.c). */
struct boot_info;
int pvh_dom0_build(struct domain *d, const struct boot_module *kernel,
                   const struct boot_module *initrd, uint64_t mem_bytes, const char *cmdline,
                   const struct boot_info *bi);
int hvm_build_plain(struct domain *d, const struct boot_module *kernel,
                    uint64_t mem_bytes, const char *cmdline);
/* A Linux bzImage as an unmodified HVM guest (hvm/linux_boot.c): -ENOEXEC if not one. */
int hvm_build_linux(struct domain *d, const struct boot_module *kernel,
                    const struct boot_module *initrd, uint64_t mem_bytes, const char *cmdline);
/* Shared by the builders (pvh_build.c): ACPI tables (PC or PVH flavour) at gfn. */
int hvm_write_acpi_tables(struct domain *d, uint64_t gfn, bool pc);
/* Shared by the builders (pvh_build.c): RAM [0, nr_pages) and the device pages. */
int hvm_populate_ram(struct domain *d, unsigned long nr_pages);
/* Identity-mapping 4-level tables (2 MiB pages, at least 4 GiB) at gpa at: cr3 out. */
int hvm_build_identity_tables(struct domain *d, uint64_t at, unsigned long nr_pages,
                              uint64_t *cr3);
void hvm_cpu_up(void);
bool is_hvm_domain(const struct domain *d);
bool is_hvm_vcpu(const struct vcpu *v);

/* Guest memory by guest-physical address; bytes not copied. */
size_t hvm_copy_to_phys(struct domain *d, uint64_t gpa, const void *src, size_t len);
size_t hvm_copy_from_phys(struct domain *d, void *dst, uint64_t gpa, size_t len);
/*
 * A linear address through the vCPU's own paging (guest_walk.c), for an
 * access of these kinds (the bits are those of the #PF error code):
 */
#define BAD_GPA (~0UL)
#define HVM_ACC_WRITE    (1u << 1)
#define HVM_ACC_USER     (1u << 2)
#define HVM_ACC_FETCH    (1u << 4)
#define HVM_ACC_IMPLICIT (1u << 31)      /* a supervisor access SMAP always checks */
enum hvm_xlat {
    HVM_XLAT_OK,
    HVM_XLAT_PF,                         /* the access raises #PF */
    HVM_XLAT_BAD,                        /* a page table is not guest RAM */
};
enum hvm_xlat hvm_translate(struct vcpu *v, uint64_t va, uint32_t access,
                            uint64_t *gpa, uint32_t *pfec);
/* A #PF a copy ran into: what to inject (cr2 = addr). */
struct hvm_pf {
    bool valid;
    uint64_t addr;
    uint32_t pfec;
};
/*
 * By guest-virtual address through the vCPU's own paging (writes for the
 * _to_ ones); bytes not copied.  The plain ones are supervisor accesses
 * (Keel's own: hypercall buffers, areas it updates); the _pf ones are the
 * guest's, at its CPL, take extra access bits (HVM_ACC_FETCH) and say which
 * #PF stopped them.
 */
size_t hvm_copy_to_virt(struct vcpu *v, uint64_t va, const void *src, size_t len);
size_t hvm_copy_from_virt(struct vcpu *v, void *dst, uint64_t va, size_t len);
size_t hvm_copy_to_virt_pf(struct vcpu *v, uint64_t va, const void *src, size_t len,
                           uint32_t access, struct hvm_pf *pf);
size_t hvm_copy_from_virt_pf(struct vcpu *v, void *dst, uint64_t va, size_t len,
                             uint32_t access, struct hvm_pf *pf);
/* Only the translations of such an access (buf-less); bytes that would fail. */
size_t hvm_check_virt_pf(struct vcpu *v, uint64_t va, size_t len, uint32_t access,
                         struct hvm_pf *pf);
/* access plus HVM_ACC_USER when the guest runs at CPL 3. */
uint32_t hvm_cpl_access(struct vcpu *v, uint32_t access);

/* Exits a vendor hands to common HVM code.  Each returns true if handled. */
bool hvm_handle_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t out[4]);
/* The CR4 bits the guest's CPUID lets it set; a write of any other is #GP. */
uint64_t hvm_cr4_guest_valid_bits(struct vcpu *v);
bool hvm_handle_io(struct vcpu *v, uint16_t port, unsigned int bytes, bool in,
                   uint32_t *val);
/* An access nothing claims: a console line once per range (io.c). */
void hvm_note_unclaimed(struct domain *d, bool mmio, uint64_t addr, bool write);
/* A PVH dom0's port that no emulated device claims: to the machine (hwdom_io.c). */
bool hvm_hwdom_io(struct domain *d, uint16_t port, unsigned int bytes, bool in,
                  uint32_t *val);
int hvm_handle_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);
int hvm_handle_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);
/* True when the call was continued: re-issue it (rip back on the VMMCALL, rax = nr). */
bool hvm_hypercall(struct vcpu *v, uint64_t *rax, bool long_mode);
/*
 * Continuations of HVM hypercalls (the PV ones are in asm/pv.h): can the
 * running hypercall nr be continued, and do so with its first n arguments
 * replaced (the guest re-issues it with them); 0 when it cannot.
 */
bool hvm_hypercall_can_continue(unsigned long nr);
/* hvm/memory.c: decrease_reservation / populate_physmap of a translated guest. */
long hvm_memory_reservation_op(unsigned long cmd, uint64_t arg);
long hvm_hypercall_continuation(unsigned long nr, unsigned int n, const unsigned long *args);
/* An access to an emulated MMIO page (LAPIC, IO-APIC); false: not a device. */
bool hvm_mmio_access(struct vcpu *v, uint64_t gpa, void *val, unsigned int bytes,
                     bool write);
/* Which interrupt to inject next, -1 if none; acknowledge it when injected. */
int hvm_pending_vector(struct vcpu *v);
void hvm_ack_vector(struct vcpu *v, int vector);
/* The guest halted: block until an interrupt is pending. */
void hvm_halt(struct vcpu *v);

#endif /* ASM_HVM_HVM_H */
