/*
 * Per-vCPU x87/SSE/AVX state (arch/x86/fpu.c).  Keel is built without
 * SSE and never uses these registers itself: at every context switch the
 * outgoing vCPU's registers are saved and the incoming one's restored
 * (eager, so nothing of one vCPU is left for another to read, the LazyFP
 * class), with XSAVE/XRSTOR where the CPU has it and FXSAVE/FXRSTOR
 * otherwise.  XCR0 is each vCPU's own, validated when it is written.
 */
#ifndef ASM_FPU_H
#define ASM_FPU_H

#include <keel/types.h>

struct vcpu;
struct cpuid_leaf;

/* XCR0 bits (Intel SDM vol. 1, 13.3). */
#define XSTATE_X87  (1ULL << 0)
#define XSTATE_SSE  (1ULL << 1)
#define XSTATE_YMM  (1ULL << 2)

struct vcpu_fpu {
    void *area;             /* XSAVE (standard form) or FXSAVE image, a page */
    uint64_t xcr0;          /* the guest's XCR0 (x87|SSE until it writes one) */
};

/* Per CPU, from cpu_init_features(): CR0/CR4 bits, Keel's XCR0. */
void fpu_init_cpu(void);
bool fpu_has_xsave(void);
/* The XCR0 bits a guest may enable (0 without XSAVE). */
uint64_t fpu_xcr0_offered(void);

int fpu_vcpu_init(struct vcpu *v);
void fpu_vcpu_destroy(struct vcpu *v);
/* Back to the state of a new vCPU (v not running). */
void fpu_vcpu_reset(struct vcpu *v);
/* VCPUOP_initialise with VGCF_i387_valid: a 512-byte FXSAVE image (v not running). */
void fpu_vcpu_load_fxsave(struct vcpu *v, const void *image);

/* Context switch: v's registers to memory, and back (v becomes current). */
void fpu_save(struct vcpu *v);
void fpu_restore(struct vcpu *v);

/* XSETBV by the current vCPU v: 0, or -EINVAL (the caller raises #GP(0)). */
int fpu_write_xcr(struct vcpu *v, uint32_t index, uint64_t val);
/* CPUID leaf 0xd sub-leaf `sub` as a guest sees it (zeros without XSAVE). */
void fpu_xstate_leaf(const struct vcpu *v, uint32_t sub, struct cpuid_leaf *r);

#endif /* ASM_FPU_H */
