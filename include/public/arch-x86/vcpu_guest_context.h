/* SPDX-License-Identifier: MIT */
/*
 * The register state a 64-bit PV vCPU starts from (VCPUOP_initialise, and
 * the toolstack's setvcpucontext): Xen's public vcpu_guest_context, 5168
 * bytes on x86-64, with its cpu_user_regs frame (200 bytes).  The frame is
 * named guest_user_regs here because Keel's own struct cpu_user_regs (the
 * trap frame in asm/processor.h) has a different layout.
 */
#ifndef PUBLIC_ARCH_X86_VCPU_GUEST_CONTEXT_H
#define PUBLIC_ARCH_X86_VCPU_GUEST_CONTEXT_H

#include <stdint.h>
#include "xen-x86_64.h"

struct guest_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx;
    uint64_t r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;             /* private to the hypervisor */
    uint32_t entry_vector;           /* private to the hypervisor */
    uint64_t rip;
    uint16_t cs, _pad0;
    uint8_t saved_upcall_mask, _pad1[3];
    uint64_t rflags;
    uint64_t rsp;
    uint16_t ss, _pad2[3];
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};

/* vcpu_guest_context.flags */
#define VGCF_i387_valid                (1 << 0)
#define VGCF_in_kernel                 (1 << 2)  /* start in guest kernel mode */
#define VGCF_failsafe_disables_events  (1 << 3)
#define VGCF_syscall_disables_events   (1 << 4)
#define VGCF_online                    (1 << 5)  /* up at once (no VCPUOP_up) */

struct vcpu_guest_context {
    uint8_t fpu_ctxt[512];           /* FXSAVE image, if VGCF_i387_valid */
    uint64_t flags;                  /* VGCF_* */
    struct guest_user_regs user_regs;
    struct trap_info trap_ctxt[256]; /* the virtual IDT (set_trap_table entries) */
    uint64_t ldt_base, ldt_ents;
    uint64_t gdt_frames[16], gdt_ents; /* machine frames, descriptors in use */
    uint64_t kernel_ss, kernel_sp;   /* stack_switch */
    uint64_t ctrlreg[8];             /* cr3: kernel L4, cr1: user L4 (xen_pfn_to_cr3) */
    uint64_t debugreg[8];
    uint64_t event_callback_eip;
    uint64_t failsafe_callback_eip;
    uint64_t syscall_callback_eip;
    uint64_t vm_assist;              /* VMASST_TYPE_* (vCPU 0 only) */
    uint64_t fs_base, gs_base_kernel, gs_base_user;
};

/* On x86-64 a CR3 value is the frame number shifted: no folding. */
#define xen_pfn_to_cr3(pfn) ((uint64_t)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((uint64_t)(cr3) >> 12)

#endif /* PUBLIC_ARCH_X86_VCPU_GUEST_CONTEXT_H */
