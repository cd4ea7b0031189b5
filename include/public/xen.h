/* SPDX-License-Identifier: MIT */
/*
 * Xen's guest ABI as Keel implements it: hypercall numbers, the shared
 * pages (start_info, shared_info, vcpu_info) and the common argument
 * structures.  Numbers and layouts are the ABI's; the text is Keel's.
 * Guest test kernels include these headers too, so nothing here may
 * depend on Keel's internal headers.
 */
#ifndef PUBLIC_XEN_H
#define PUBLIC_XEN_H

#include <stdint.h>

#include "arch-x86/xen-x86_64.h"

typedef uint64_t xen_pfn_t;
typedef uint64_t xen_ulong_t;
typedef uint16_t domid_t_abi;

/* Hypercall numbers (rax on entry). */
#define __HYPERVISOR_set_trap_table            0
#define __HYPERVISOR_mmu_update                1
#define __HYPERVISOR_set_gdt                   2
#define __HYPERVISOR_stack_switch              3
#define __HYPERVISOR_set_callbacks             4
#define __HYPERVISOR_fpu_taskswitch            5
#define __HYPERVISOR_sched_op_compat           6
#define __HYPERVISOR_platform_op               7
#define __HYPERVISOR_set_debugreg              8
#define __HYPERVISOR_get_debugreg              9
#define __HYPERVISOR_update_descriptor        10
#define __HYPERVISOR_memory_op                12
#define __HYPERVISOR_multicall                13
#define __HYPERVISOR_update_va_mapping        14
#define __HYPERVISOR_set_timer_op             15
#define __HYPERVISOR_event_channel_op_compat  16
#define __HYPERVISOR_xen_version              17
#define __HYPERVISOR_console_io               18
#define __HYPERVISOR_physdev_op_compat        19
#define __HYPERVISOR_grant_table_op           20
#define __HYPERVISOR_vm_assist                21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                     23
#define __HYPERVISOR_vcpu_op                  24
#define __HYPERVISOR_set_segment_base         25
#define __HYPERVISOR_mmuext_op                26
#define __HYPERVISOR_xsm_op                   27
#define __HYPERVISOR_nmi_op                   28
#define __HYPERVISOR_sched_op                 29
#define __HYPERVISOR_callback_op              30
#define __HYPERVISOR_xenoprof_op              31
#define __HYPERVISOR_event_channel_op         32
#define __HYPERVISOR_physdev_op               33
#define __HYPERVISOR_hvm_op                   34
#define __HYPERVISOR_sysctl                   35
#define __HYPERVISOR_domctl                   36
#define __HYPERVISOR_kexec_op                 37
#define __HYPERVISOR_tmem_op                  38
#define __HYPERVISOR_argo_op                  39
#define __HYPERVISOR_xenpmu_op                40
#define __HYPERVISOR_dm_op                    41
#define __HYPERVISOR_hypfs_op                 42
#define NR_HYPERCALLS                         64

/* Virtual IRQs, bound to event channels with EVTCHNOP_bind_virq. */
#define VIRQ_TIMER      0
#define VIRQ_DEBUG      1
#define VIRQ_CONSOLE    2
#define VIRQ_DOM_EXC    3
#define VIRQ_DEBUGGER   6
#define VIRQ_XENOPROF   7
#define VIRQ_CON_RING   8
#define VIRQ_XENPMU     13
#define NR_VIRQS       24

/* mmu_update: the low two bits of ptr select the request. */
#define MMU_NORMAL_PT_UPDATE       0
#define MMU_MACHPHYS_UPDATE        1
#define MMU_PT_UPDATE_PRESERVE_AD  2
#define MMU_PT_UPDATE_NO_TRANSLATE 3

struct mmu_update {
    uint64_t ptr;       /* machine address of the PTE | request type */
    uint64_t val;       /* new contents */
};

/* mmuext_op commands. */
#define MMUEXT_PIN_L1_TABLE      0
#define MMUEXT_PIN_L2_TABLE      1
#define MMUEXT_PIN_L3_TABLE      2
#define MMUEXT_PIN_L4_TABLE      3
#define MMUEXT_UNPIN_TABLE       4
#define MMUEXT_NEW_BASEPTR       5
#define MMUEXT_TLB_FLUSH_LOCAL   6
#define MMUEXT_INVLPG_LOCAL      7
#define MMUEXT_TLB_FLUSH_MULTI   8
#define MMUEXT_INVLPG_MULTI      9
#define MMUEXT_TLB_FLUSH_ALL    10
#define MMUEXT_INVLPG_ALL       11
#define MMUEXT_FLUSH_CACHE      12
#define MMUEXT_SET_LDT          13
#define MMUEXT_NEW_USER_BASEPTR 15
#define MMUEXT_CLEAR_PAGE       16
#define MMUEXT_COPY_PAGE        17

struct mmuext_op {
    uint32_t cmd;
    uint32_t pad;
    union {
        xen_pfn_t mfn;              /* pin, unpin, baseptr, clear/copy page */
        uint64_t linear_addr;       /* invlpg, set_ldt */
    } arg1;
    union {
        uint32_t nr_ents;           /* set_ldt */
        uint64_t vcpumask;          /* tlb_flush_multi, invlpg_multi (guest pointer) */
        xen_pfn_t src_mfn;          /* copy_page */
    } arg2;
};

/* update_va_mapping flags: which TLB flush to do after the update. */
#define UVMF_NONE            0UL
#define UVMF_TLB_FLUSH       1UL
#define UVMF_INVLPG          2UL
#define UVMF_FLUSHTYPE_MASK  3UL
#define UVMF_MULTI           0UL
#define UVMF_LOCAL           0UL
#define UVMF_ALL             4UL

/* console_io commands. */
#define CONSOLEIO_write  0
#define CONSOLEIO_read   1

/* vm_assist commands and types. */
#define VMASST_CMD_enable                0
#define VMASST_CMD_disable               1
#define VMASST_TYPE_4gb_segments         0
#define VMASST_TYPE_4gb_segments_notify  1
#define VMASST_TYPE_writable_pagetables  2
#define VMASST_TYPE_pae_extended_cr3     3
#define VMASST_TYPE_architectural_iopl   4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict          32

/* Special domain identifiers. */
#define DOMID_FIRST_RESERVED 0x7ff0U
#define DOMID_SELF           0x7ff0U
#define DOMID_IO             0x7ff1U
#define DOMID_XEN            0x7ff2U
#define DOMID_COW            0x7ff3U
#define DOMID_INVALID        0x7ff4U
#define DOMID_IDLE           0x7fffU

/* One entry of a multicall batch: 64 bytes on x86-64. */
struct multicall_entry {
    xen_ulong_t op;
    xen_ulong_t result;
    xen_ulong_t args[6];
};

#define XEN_LEGACY_MAX_VCPUS 32

/* Per-vCPU part of shared_info (64 bytes). */
struct vcpu_time_info {
    uint32_t version;           /* odd while an update is in progress */
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* TSC at the last update */
    uint64_t system_time;       /* ns since boot at that TSC */
    uint32_t tsc_to_system_mul; /* ns = (tsc delta << shift) * mul >> 32 */
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};

#define XEN_PVCLOCK_TSC_STABLE_BIT  (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED   (1 << 1)

struct vcpu_info {
    uint8_t evtchn_upcall_pending;   /* set when an event is waiting */
    uint8_t evtchn_upcall_mask;      /* the guest's virtual interrupt flag (1 = off) */
    uint8_t pad0[6];
    xen_ulong_t evtchn_pending_sel;  /* which words of evtchn_pending to scan */
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};

/* The page every domain shares with the hypervisor (3136 bytes used). */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[64];
    xen_ulong_t evtchn_mask[64];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    struct arch_shared_info arch;
};

/* start_info flags. */
#define SIF_PRIVILEGED      (1 << 0)   /* may use privileged operations */
#define SIF_INITDOMAIN      (1 << 1)   /* this is dom0 */
#define SIF_MULTIBOOT_MOD   (1 << 2)
#define SIF_MOD_START_PFN   (1 << 3)   /* mod_start is a PFN, not a VA */
#define SIF_VIRT_P2M_4TOOLS (1 << 4)

#define MAX_GUEST_CMDLINE 1024

/* Start-of-day information for a PV guest; rsi points at it on entry. */
struct start_info {
    char magic[32];             /* "xen-3.0-x86_64" */
    uint64_t nr_pages;
    uint64_t shared_info;       /* machine address of shared_info */
    uint32_t flags;             /* SIF_* */
    uint32_t pad0;
    xen_pfn_t store_mfn;
    uint32_t store_evtchn;
    uint32_t pad1;
    union {
        struct {
            xen_pfn_t mfn;
            uint32_t evtchn;
        } domU;
        struct {
            uint32_t info_off;  /* offset of dom0_vga_console_info in this page */
            uint32_t info_size;
        } dom0;
    } console;
    uint64_t pt_base;           /* VA of the bootstrap L4 */
    uint64_t nr_pt_frames;
    uint64_t mfn_list;          /* VA of the p2m array */
    uint64_t mod_start;         /* VA (or PFN, with SIF_MOD_START_PFN) of the initrd */
    uint64_t mod_len;
    int8_t cmd_line[MAX_GUEST_CMDLINE];
    uint64_t first_p2m_pfn;
    uint64_t nr_p2m_frames;
};

#define XEN_START_INFO_MAGIC "xen-3.0-x86_64"

#endif /* PUBLIC_XEN_H */
