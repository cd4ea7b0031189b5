/*
 * AMD SVM: the VMCB layout (AMD APM vol. 2, appendix B) and exit codes.
 * Offsets are checked at compile time.
 */
#ifndef ASM_HVM_SVM_H
#define ASM_HVM_SVM_H

#include <keel/types.h>
#include <keel/compiler.h>

struct __packed vmcb_seg {
    uint16_t sel;
    uint16_t attr;          /* descriptor bits 40-47 and 52-55 */
    uint32_t limit;
    uint64_t base;
};

struct __packed vmcb {
    /* Control area. */
    uint32_t cr_intercepts;         /* 0x000: reads 0-15, writes 16-31 */
    uint32_t dr_intercepts;         /* 0x004 */
    uint32_t exception_intercepts;  /* 0x008 */
    uint32_t general1_intercepts;   /* 0x00c */
    uint32_t general2_intercepts;   /* 0x010 */
    uint8_t  res1[0x03c - 0x014];
    uint16_t pause_filter_thresh;   /* 0x03c */
    uint16_t pause_filter_count;    /* 0x03e */
    uint64_t iopm_base_pa;          /* 0x040 */
    uint64_t msrpm_base_pa;         /* 0x048 */
    uint64_t tsc_offset;            /* 0x050 */
    uint32_t guest_asid;            /* 0x058 */
    uint8_t  tlb_control;           /* 0x05c */
    uint8_t  res2[3];
    uint64_t vintr;                 /* 0x060: V_TPR, V_IRQ, priority, vector */
    uint64_t interrupt_shadow;      /* 0x068 */
    uint64_t exitcode;              /* 0x070 */
    uint64_t exitinfo1;             /* 0x078 */
    uint64_t exitinfo2;             /* 0x080 */
    uint64_t exitintinfo;           /* 0x088 */
    uint64_t np_enable;             /* 0x090 */
    uint8_t  res3[0x0a8 - 0x098];
    uint64_t eventinj;              /* 0x0a8 */
    uint64_t n_cr3;                 /* 0x0b0 */
    uint64_t virt_ext;              /* 0x0b8 */
    uint32_t clean_bits;            /* 0x0c0 */
    uint32_t res4;
    uint64_t nrip;                  /* 0x0c8 */
    uint8_t  insn_len;              /* 0x0d0 */
    uint8_t  insn_bytes[15];
    uint8_t  res5[0x400 - 0x0e0];
    /* State save area. */
    struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;   /* 0x400 */
    uint8_t  res6[0x4cb - 0x4a0];
    uint8_t  cpl;                   /* 0x4cb */
    uint32_t res7;
    uint64_t efer;                  /* 0x4d0 */
    uint8_t  res8[0x548 - 0x4d8];
    uint64_t cr4;                   /* 0x548 */
    uint64_t cr3;                   /* 0x550 */
    uint64_t cr0;                   /* 0x558 */
    uint64_t dr7;                   /* 0x560 */
    uint64_t dr6;                   /* 0x568 */
    uint64_t rflags;                /* 0x570 */
    uint64_t rip;                   /* 0x578 */
    uint8_t  res9[0x5d8 - 0x580];
    uint64_t rsp;                   /* 0x5d8 */
    uint8_t  res10[0x5f8 - 0x5e0];
    uint64_t rax;                   /* 0x5f8 */
    uint64_t star;                  /* 0x600 */
    uint64_t lstar;                 /* 0x608 */
    uint64_t cstar;                 /* 0x610 */
    uint64_t sfmask;                /* 0x618 */
    uint64_t kernel_gs_base;        /* 0x620 */
    uint64_t sysenter_cs;           /* 0x628 */
    uint64_t sysenter_esp;          /* 0x630 */
    uint64_t sysenter_eip;          /* 0x638 */
    uint64_t cr2;                   /* 0x640 */
    uint8_t  res11[0x668 - 0x648];
    uint64_t g_pat;                 /* 0x668 */
    uint8_t  res12[0x1000 - 0x670];
};

BUILD_BUG_ON(sizeof(struct vmcb) != 0x1000);
BUILD_BUG_ON(offsetof(struct vmcb, iopm_base_pa) != 0x40);
BUILD_BUG_ON(offsetof(struct vmcb, eventinj) != 0xa8);
BUILD_BUG_ON(offsetof(struct vmcb, nrip) != 0xc8);
BUILD_BUG_ON(offsetof(struct vmcb, es) != 0x400);
BUILD_BUG_ON(offsetof(struct vmcb, tr) != 0x490);
BUILD_BUG_ON(offsetof(struct vmcb, cpl) != 0x4cb);
BUILD_BUG_ON(offsetof(struct vmcb, efer) != 0x4d0);
BUILD_BUG_ON(offsetof(struct vmcb, cr4) != 0x548);
BUILD_BUG_ON(offsetof(struct vmcb, rip) != 0x578);
BUILD_BUG_ON(offsetof(struct vmcb, rsp) != 0x5d8);
BUILD_BUG_ON(offsetof(struct vmcb, rax) != 0x5f8);
BUILD_BUG_ON(offsetof(struct vmcb, cr2) != 0x640);
BUILD_BUG_ON(offsetof(struct vmcb, g_pat) != 0x668);

/* general1_intercepts */
#define GENERAL1_INTR        (1u << 0)
#define GENERAL1_NMI         (1u << 1)
#define GENERAL1_SMI         (1u << 2)
#define GENERAL1_INIT        (1u << 3)
#define GENERAL1_VINTR       (1u << 4)
#define GENERAL1_RDPMC       (1u << 15)
#define GENERAL1_CPUID       (1u << 18)
#define GENERAL1_INVD        (1u << 22)
#define GENERAL1_HLT         (1u << 24)
#define GENERAL1_INVLPGA     (1u << 26)
#define GENERAL1_IOIO        (1u << 27)
#define GENERAL1_MSR         (1u << 28)
#define GENERAL1_TASKSWITCH  (1u << 29)
#define GENERAL1_SHUTDOWN    (1u << 31)
/* general2_intercepts */
#define GENERAL2_VMRUN       (1u << 0)
#define GENERAL2_VMMCALL     (1u << 1)
#define GENERAL2_VMLOAD      (1u << 2)
#define GENERAL2_VMSAVE      (1u << 3)
#define GENERAL2_STGI        (1u << 4)
#define GENERAL2_CLGI        (1u << 5)
#define GENERAL2_SKINIT      (1u << 6)
#define GENERAL2_ICEBP       (1u << 8)
#define GENERAL2_WBINVD      (1u << 9)
#define GENERAL2_MONITOR     (1u << 10)
#define GENERAL2_MWAIT       (1u << 11)
#define GENERAL2_XSETBV      (1u << 13)

/* exception_intercepts: one bit per vector */
#define EXCEPTION_INTERCEPT(v) (1u << (v))
/* cr_intercepts: reads of CR0-15 in bits 0-15, writes in bits 16-31 */
#define CR_INTERCEPT_WRITE(n) (1u << (16 + (n)))
/* dr_intercepts: reads of DR0-15 in bits 0-15, writes in bits 16-31 */
#define DR_INTERCEPT_ALL     0xffffffffu

/* vintr */
#define VINTR_IRQ            (1UL << 8)
#define VINTR_IGN_TPR        (1UL << 20)
#define VINTR_MASKING        (1UL << 24)

/* eventinj / exitintinfo */
#define EVENT_VALID          (1UL << 31)
#define EVENT_ERROR_VALID    (1UL << 11)
#define EVENT_TYPE_INTR      (0UL << 8)
#define EVENT_TYPE_NMI       (2UL << 8)
#define EVENT_TYPE_EXCEPTION (3UL << 8)
#define EVENT_TYPE_SWINT     (4UL << 8)

/* Exit codes. */
#define VMEXIT_CR0_READ      0x000
#define VMEXIT_CR0_WRITE     0x010
#define VMEXIT_CR4_WRITE     0x014
#define VMEXIT_DR0_READ      0x020      /* 0x20-0x2f: MOV from DRn */
#define VMEXIT_DR0_WRITE     0x030      /* 0x30-0x3f: MOV to DRn */
#define VMEXIT_EXCEPTION_BASE 0x040
#define VMEXIT_EXCEPTION_DB  0x041
#define VMEXIT_EXCEPTION_AC  0x051
#define VMEXIT_EXCEPTION_MC  0x052
#define VMEXIT_INTR          0x060
#define VMEXIT_NMI           0x061
#define VMEXIT_SMI           0x062
#define VMEXIT_INIT          0x063
#define VMEXIT_VINTR         0x064
#define VMEXIT_RDPMC         0x06f
#define VMEXIT_CPUID         0x072
#define VMEXIT_INVD          0x076
#define VMEXIT_HLT           0x078
#define VMEXIT_INVLPGA       0x07a
#define VMEXIT_IOIO          0x07b
#define VMEXIT_MSR           0x07c
#define VMEXIT_TASKSWITCH    0x07d
#define VMEXIT_SHUTDOWN      0x07f
#define VMEXIT_VMRUN         0x080
#define VMEXIT_VMMCALL       0x081
#define VMEXIT_VMLOAD        0x082
#define VMEXIT_VMSAVE        0x083
#define VMEXIT_STGI          0x084
#define VMEXIT_CLGI          0x085
#define VMEXIT_SKINIT        0x086
#define VMEXIT_ICEBP         0x088
#define VMEXIT_WBINVD        0x089
#define VMEXIT_MONITOR       0x08a
#define VMEXIT_MWAIT         0x08b
#define VMEXIT_XSETBV        0x08d
#define VMEXIT_NPF           0x400
#define VMEXIT_INVALID       (~0UL)

/* IOIO exitinfo1 */
#define IOIO_IN              (1u << 0)
#define IOIO_STR             (1u << 2)
#define IOIO_REP             (1u << 3)
#define IOIO_SIZE(i)         (((i) >> 4) & 7)     /* 1, 2 or 4 bytes as bits */
#define IOIO_PORT(i)         ((i) >> 16)

#define MSR_VM_HSAVE_PA      0xc0010117
#define MSR_VM_CR            0xc0010114
#define  VM_CR_SVMDIS        (1u << 4)

struct vcpu;
struct hvm_gprs;
struct hvm_funcs;
/* The vendor table if this CPU has SVM with nested paging, else NULL. */
const struct hvm_funcs *svm_probe(void);
/* svm/entry.S: one VMRUN round trip. */
void svm_vmrun(struct hvm_gprs *gprs, paddr_t vmcb_pa, paddr_t host_vmcb_pa);
/* svm/vmexit.c */
void svm_vmexit_handler(struct vcpu *v);
/* Queue an exception for the next VMRUN (combined with one already queued). */
void svm_inject_exception(struct vcpu *v, unsigned int vector, bool has_error,
                          uint32_t error_code);
/* Crash the domain with the exit and the vCPU's state on the console. */
void svm_crash(struct vcpu *v, const char *why);
/* svm/intercepts.c: exceptions kept from looping or reaching the guest,
 * privileged instructions kept off the real machine. */
void svm_reflect_db(struct vcpu *v);
void svm_reflect_ac(struct vcpu *v);
void svm_handle_mc(struct vcpu *v);
void svm_handle_cache_flush(struct vcpu *v);
void svm_handle_invlpga(struct vcpu *v);
void svm_handle_rdpmc(struct vcpu *v);
/* svm/movreg.c: MOV to/from CRn or DRn decoded (no decode assist under QEMU). */
struct svm_mov_insn {
    unsigned int len;
    unsigned int opcode;                 /* 0x20 0x22: CR read/write; 0x21 0x23: DR */
    unsigned int reg;                    /* CRn/DRn, 0-15 with REX.R */
    unsigned int gpr;                    /* 0-15 with REX.B */
};
bool svm_long_mode(const struct vmcb *vmcb);
bool svm_decode_mov_reg(struct vcpu *v, struct svm_mov_insn *insn);
uint64_t svm_get_gpr(struct vcpu *v, unsigned int n);
void svm_set_gpr(struct vcpu *v, unsigned int n, uint64_t val);
/* svm/cr.c: MOV to CR4 checked against what the guest's CPUID offers. */
void svm_handle_cr4_write(struct vcpu *v);
/* svm/debugreg.c: MOV DR emulation, DR0-DR3 loaded before VMRUN. */
void svm_handle_dr_access(struct vcpu *v);
void svm_load_guest_drs(struct vcpu *v);
/* svm/asid.c: per-CPU ASID generations (see there). */
void svm_asid_cpu_init(unsigned int cpu, uint32_t nr_asids);
void svm_asid_prepare(struct vcpu *v);
void svm_asid_flush_vcpu(struct vcpu *v);

#endif /* ASM_HVM_SVM_H */
