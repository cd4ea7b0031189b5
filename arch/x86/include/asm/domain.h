/* x86 state of domains and vCPUs (PV for now; HVM joins later). */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <keel/types.h>
#include <asm/processor.h>
#include <asm/fpu.h>
#include <asm/hvm/hvm.h>
#include <asm/iomem.h>
#include <public/xen.h>

struct domain_pirqs;

#define PV_GDT_MAX_FRAMES  FIRST_RESERVED_GDT_PAGE   /* 14 pages of guest descriptors */
#define PV_GDT_MAX_ENTRIES (PV_GDT_MAX_FRAMES * 512)

struct pv_callback {
    uint64_t address;
    bool mask_events;
};

struct arch_vcpu {
    struct cpu_user_regs user_regs;    /* guest state while not on a CPU */
    struct trap_info trap_ctxt[256];   /* set_trap_table */
    bool kernel_mode;                  /* PV: guest kernel (true) or user mode */
    uint64_t kernel_ss, kernel_sp;     /* stack_switch: stack for user->kernel bounces */
    struct pv_callback event_cb, failsafe_cb, syscall_cb, syscall32_cb, nmi_cb, sysenter_cb;
    uint64_t fs_base, gs_base_kernel, gs_base_user;
    mfn_t guest_table;                 /* L4 for kernel mode */
    mfn_t guest_table_user;            /* L4 for user mode (0: none) */
    mfn_t gdt_frames[PV_GDT_MAX_FRAMES];
    unsigned int gdt_ents;             /* guest descriptors in use (set_gdt) */
    uint64_t *gdt_shadow;              /* validated copy of the guest's GDT */
    unsigned long debugreg[8];
    bool fpu_ts;                       /* the guest's virtual CR0.TS */
    struct vcpu_fpu fpu;               /* x87/SSE/AVX registers and XCR0 (asm/fpu.h) */
    unsigned long cr4_guest;           /* PV: the CR4 bits the guest set (TSD, DE) */
    uint64_t tsc_aux;                  /* PV: MSR TSC_AUX as the guest wrote it */
    uint64_t mcg_status;               /* PV: virtual MCG_STATUS */
    unsigned int iopl;                 /* physdev_op set_iopl */
    struct vcpu_info *vcpu_info;       /* shared_info slot, or the registered place */
    mfn_t vcpu_info_mfn;               /* frame of the registered place (INVALID_MFN: none) */
    mfn_t pending_put;                 /* PV: table whose preempted teardown is unfinished (0: none) */
    struct pv_mc_state {               /* PV: the multicall entry being run */
        bool active, preempted;        /* preempted: continue it with args */
        unsigned long op, args[6];
    } mc;
    struct hvm_vcpu hvm;               /* HVM vCPUs only */
};

struct arch_domain {
    struct shared_info *shared_info;   /* Keel's view (direct map) */
    mfn_t shared_info_mfn;
    unsigned long vm_assist;           /* VMASST_TYPE_* bits enabled */
    uint64_t hypercall_page_va;        /* 0 when the guest asked for none */
    bool is_hvm;
    struct iomem_ranges iomem;         /* I/O frames it may map (asm/iomem.h) */
    struct domain_pirqs *pirqs;        /* physical interrupts (asm/irq_pirq.h) */
    uint32_t pci_cf8;                  /* PV: the emulated 0xcf8 latch */
    struct hvm_domain hvm;             /* HVM domains only */
};

#endif /* ASM_DOMAIN_H */
