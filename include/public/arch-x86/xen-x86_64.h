/* SPDX-License-Identifier: MIT */
/* x86-64 specifics of Xen's guest ABI: selectors, register frames, traps. */
#ifndef PUBLIC_ARCH_X86_XEN_X86_64_H
#define PUBLIC_ARCH_X86_XEN_X86_64_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

/*
 * Selectors of the hypervisor-owned GDT entries (the last two of the 16
 * GDT pages, from entry 7168).  64-bit PV kernels and their user space both
 * run in ring 3 on these.
 */
#define FIRST_RESERVED_GDT_PAGE   14
#define FIRST_RESERVED_GDT_BYTE   (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY  (FIRST_RESERVED_GDT_BYTE / 8)

#define FLAT_RING3_CS32  0xe023
#define FLAT_RING3_CS64  0xe033
#define FLAT_RING3_DS32  0xe02b
#define FLAT_RING3_DS64  0x0000
#define FLAT_RING3_SS32  0xe02b
#define FLAT_RING3_SS64  0xe02b
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64
#define FLAT_USER_CS64   FLAT_RING3_CS64
#define FLAT_USER_DS64   FLAT_RING3_DS64
#define FLAT_USER_SS64   FLAT_RING3_SS64
#define FLAT_USER_CS     FLAT_USER_CS64
#define FLAT_USER_DS     FLAT_USER_DS64
#define FLAT_USER_SS     FLAT_USER_SS64

/* The hypervisor's part of the address space (L4 slots 256..271). */
#define HYPERVISOR_VIRT_START_ABI 0xffff800000000000UL
#define HYPERVISOR_VIRT_END_ABI   0xffff880000000000UL
#define MACH2PHYS_VIRT_START      0xffff800000000000UL
#define MACH2PHYS_VIRT_END        0xffff804000000000UL

#ifndef __ASSEMBLER__
/* set_segment_base selectors. */
#define SEGBASE_FS          0
#define SEGBASE_GS_USER     1
#define SEGBASE_GS_KERNEL   2
#define SEGBASE_GS_USER_SEL 3

/* iret hypercall: the frame the guest pushes before `syscall`. */
#define VGCF_in_syscall     (1 << 8)
struct iret_context {
    uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};

/* set_trap_table entry; the array ends at address == 0. */
struct trap_info {
    uint8_t vector;
    uint8_t flags;      /* bits 0-1: lowest DPL allowed to `int` it; bit 2: mask events */
    uint16_t cs;
    uint32_t pad;
    uint64_t address;
};
#define TI_GET_DPL(t)  ((t)->flags & 3)
#define TI_GET_IF(t)   ((t)->flags & 4)

struct arch_vcpu_info {
    uint64_t cr2;       /* faulting address of the last #PF bounced */
    uint64_t pad;
};

struct arch_shared_info {
    uint64_t max_pfn;
    uint64_t pfn_to_mfn_frame_list_list;
    uint64_t nmi_reason;
    uint64_t p2m_cr3;
    uint64_t p2m_vaddr;
    uint64_t p2m_generation;
};

#endif /* __ASSEMBLER__ */

#endif /* PUBLIC_ARCH_X86_XEN_X86_64_H */
