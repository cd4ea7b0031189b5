/*
 * domctl: domain management by the toolstack in dom0, at Xen 4.17's numbers
 * and layouts (interface version 0x15; layouts checked against Debian's
 * libxen-dev 4.17 headers with offsetof).  Only what Keel implements
 * is declared; the union is padded to Xen's 128 bytes.
 */
#ifndef PUBLIC_DOMCTL_H
#define PUBLIC_DOMCTL_H

#include "xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015

/* Xen's uint64_aligned_t: 8-byte aligned in 32-bit builds too (the pvh test kernels). */
typedef uint64_t domctl_u64 __attribute__((aligned(8)));

#define XEN_DOMCTL_createdomain     1
#define XEN_DOMCTL_destroydomain    2
#define XEN_DOMCTL_pausedomain      3
#define XEN_DOMCTL_unpausedomain    4
#define XEN_DOMCTL_getdomaininfo    5
#define XEN_DOMCTL_setvcpuaffinity  9
#define XEN_DOMCTL_max_mem         11
#define XEN_DOMCTL_setvcpucontext  12
#define XEN_DOMCTL_getvcpucontext  13
#define XEN_DOMCTL_getvcpuinfo     14
#define XEN_DOMCTL_max_vcpus       15
#define XEN_DOMCTL_scheduler_op    16
#define XEN_DOMCTL_getvcpuaffinity 25
#define XEN_DOMCTL_set_address_size 35
#define XEN_DOMCTL_get_address_size 36

/* createdomain flags */
#define XEN_DOMCTL_CDF_hvm          (1U << 0)
#define XEN_DOMCTL_CDF_hap          (1U << 1)
#define XEN_DOMCTL_CDF_s3_integrity (1U << 2)
#define XEN_DOMCTL_CDF_oos_off      (1U << 3)
#define XEN_DOMCTL_CDF_xs_domain    (1U << 4)
#define XEN_DOMCTL_CDF_iommu        (1U << 5)
#define XEN_DOMCTL_CDF_nested_virt  (1U << 6)
#define XEN_DOMCTL_CDF_vpmu         (1U << 7)

/* emulation_flags (Xen's arch-x86/xen.h): what Keel emulates for an HVM domain. */
#define XEN_X86_EMU_LAPIC           (1U << 0)

struct xen_arch_domainconfig {
    uint32_t emulation_flags;           /* XEN_X86_EMU_*: 0 for PV */
    uint32_t misc_flags;
};

struct xen_domctl_createdomain {
    uint32_t ssidref;
    uint8_t handle[16];
    uint32_t flags;                     /* XEN_DOMCTL_CDF_* */
    uint32_t iommu_opts;
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;
    int32_t max_grant_frames;           /* < 0: the hypervisor's default */
    int32_t max_maptrack_frames;
    uint32_t grant_opts;
    uint32_t vmtrace_size;
    uint32_t cpupool_id;
    struct xen_arch_domainconfig arch;
};

/* getdomaininfo flags; the guest's shutdown code sits in bits 16-23. */
#define XEN_DOMINF_dying        (1U << 0)
#define XEN_DOMINF_hvm_guest    (1U << 1)
#define XEN_DOMINF_shutdown     (1U << 2)
#define XEN_DOMINF_paused       (1U << 3)
#define XEN_DOMINF_blocked      (1U << 4)
#define XEN_DOMINF_running      (1U << 5)
#define XEN_DOMINF_debugged     (1U << 6)
#define XEN_DOMINF_xs_domain    (1U << 7)
#define XEN_DOMINF_hap          (1U << 8)
#define XEN_DOMINF_shutdownshift 16
#define XEN_INVALID_MAX_VCPU_ID (~0U)

struct xen_domctl_getdomaininfo {
    domid_t_abi domain;
    uint16_t pad1;
    uint32_t flags;
    uint64_t tot_pages;
    uint64_t max_pages;
    uint64_t outstanding_pages;
    uint64_t shr_pages;
    uint64_t paged_pages;
    uint64_t shared_info_frame;
    uint64_t cpu_time;
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    uint8_t handle[16];
    uint32_t cpupool;
    uint8_t gpaddr_bits;
    uint8_t pad2[7];
    struct xen_arch_domainconfig arch_config;
};

struct xen_domctl_max_mem {
    uint64_t max_memkb;
};

struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;
    uint8_t online, blocked, running;
    uint64_t cpu_time;
    uint32_t cpu;
};

struct xen_domctl_max_vcpus {
    uint32_t max;                       /* must equal createdomain's max_vcpus */
};

/* A bitmap in the caller's memory (public/xen.h's xenctl_bitmap). */
struct xenctl_bitmap {
    domctl_u64 bitmap;                    /* XEN_GUEST_HANDLE_64(uint8) */
    uint32_t nr_bits;
};

#define XEN_VCPUAFFINITY_HARD   (1U << 0)
#define XEN_VCPUAFFINITY_SOFT   (1U << 1)
#define XEN_VCPUAFFINITY_FORCE  (1U << 2)

struct xen_domctl_vcpuaffinity {
    uint32_t vcpu;
    uint32_t flags;                     /* XEN_VCPUAFFINITY_* */
    struct xenctl_bitmap cpumap_hard;   /* IN/OUT */
    struct xenctl_bitmap cpumap_soft;
};

#define XEN_DOMCTL_SCHEDOP_putinfo     0
#define XEN_DOMCTL_SCHEDOP_getinfo     1
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo 2
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo 3

struct xen_domctl_scheduler_op {
    uint32_t sched_id;                  /* XEN_SCHEDULER_*, Keel's: 0x4b52 */
    uint32_t cmd;                       /* XEN_DOMCTL_SCHEDOP_* */
    union {
        struct { uint16_t weight, cap; } credit;
        struct { uint32_t period, budget, flags; } rtds;
        struct { domctl_u64 vcpus; uint32_t nr_vcpus, padding; } v;
    } u;
};

struct xen_domctl_address_size {
    uint32_t size;
};

struct xen_domctl_vcpucontext {
    uint32_t vcpu;
    domctl_u64 ctxt;                      /* XEN_GUEST_HANDLE_64(vcpu_guest_context_t) */
};

/*
 * ---- Keel-private operations (not in Xen; numbers well clear of Xen's) ----
 *
 * KEEL_DOMCTL_build: load a guest kernel (and optional ramdisk and command
 * line) from dom0's memory into a freshly created, paused, not yet built
 * domain, as libxenguest does in Xen's toolstack.  Interface version 0x15
 * and dom0-only like every domctl.  See docs/domain-build.md.
 */
#define KEEL_DOMCTL_build           0x4b01

#define KEEL_BUILD_TYPE_PV          1
#define KEEL_BUILD_TYPE_PVH         2

#define KEEL_BUILD_KERNEL_MAX       (64ULL << 20)   /* bytes of kernel image */
#define KEEL_BUILD_RAMDISK_MAX      (512ULL << 20)  /* bytes of ramdisk */
#define KEEL_BUILD_CMDLINE_MAX      1024            /* Xen's MAX_GUEST_CMDLINE, incl. NUL */

/* keel_domctl_build.error: why a build failed (0 on success). */
#define KEEL_BUILD_EOK              0
#define KEEL_BUILD_ETYPE            1   /* type is neither PV nor PVH, or flags != 0 */
#define KEEL_BUILD_ESTATE           2   /* domain already built, running, dying or dom0 */
#define KEEL_BUILD_EKERNEL_SIZE     3   /* kernel_len 0 or above KEEL_BUILD_KERNEL_MAX */
#define KEEL_BUILD_ERAMDISK_SIZE    4   /* ramdisk_len above the limit or the memory */
#define KEEL_BUILD_ECMDLINE         5   /* cmdline_len above the limit, or no NUL at its end */
#define KEEL_BUILD_EFAULT           6   /* a handle points at memory dom0 cannot read */
#define KEEL_BUILD_EMEM             7   /* mem_kb 0, above max_mem, or no free memory */
#define KEEL_BUILD_EFORMAT          8   /* not an ELF/bzImage, or a broken one */
#define KEEL_BUILD_ENOTES           9   /* type=pv and the kernel has no Xen ELF notes */
#define KEEL_BUILD_ENOPVH           10  /* type=pvh and no PHYS32_ENTRY note, or no SVM */
#define KEEL_BUILD_ELAYOUT          11  /* the image does not fit the domain's memory */
#define KEEL_BUILD_EPORT            12  /* the console/xenstore ports could not be made */
#define KEEL_BUILD_EDOMAIN          13  /* domain kind does not match type (PV vs HVM) */

struct keel_domctl_build {
    uint32_t type;                      /* KEEL_BUILD_TYPE_* */
    uint32_t flags;                     /* 0 */
    domctl_u64 mem_kb;                    /* memory to give the domain (<= max_mem) */
    domctl_u64 kernel;                    /* XEN_GUEST_HANDLE_64(const_uint8) */
    domctl_u64 kernel_len;
    domctl_u64 ramdisk;                   /* XEN_GUEST_HANDLE_64(const_uint8) */
    domctl_u64 ramdisk_len;               /* 0: none */
    domctl_u64 cmdline;                   /* XEN_GUEST_HANDLE_64(const_char) */
    uint32_t cmdline_len;               /* incl. the NUL; 0: empty command line */
    domid_t_abi console_domid;          /* backends, normally 0 */
    domid_t_abi store_domid;
    uint32_t console_port;              /* OUT: unbound ports in the new domain */
    uint32_t store_port;
    domctl_u64 console_gfn;               /* OUT: the frames for xenconsoled/xenstored */
    domctl_u64 store_gfn;
    uint32_t error;                     /* OUT: KEEL_BUILD_E* on failure */
    uint32_t pad;
};

struct xen_domctl {
    uint32_t cmd;
    uint32_t interface_version;
    domid_t_abi domain;
    uint16_t pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_getvcpuinfo getvcpuinfo;
        struct xen_domctl_max_vcpus max_vcpus;
        struct xen_domctl_vcpuaffinity vcpuaffinity;
        struct xen_domctl_scheduler_op scheduler_op;
        struct xen_domctl_address_size address_size;
        struct xen_domctl_vcpucontext vcpucontext;
        struct keel_domctl_build keel_build;
        uint8_t pad[128];
    } u;
};

_Static_assert(sizeof(struct xen_domctl_getdomaininfo) == 112, "getdomaininfo layout");
_Static_assert(sizeof(struct xen_domctl_createdomain) == 64, "createdomain layout");
_Static_assert(sizeof(struct xen_domctl_vcpuaffinity) == 40, "vcpuaffinity layout");
_Static_assert(sizeof(struct xen_domctl_scheduler_op) == 24, "scheduler_op layout");
_Static_assert(sizeof(struct xen_domctl_vcpucontext) == 16, "vcpucontext layout");
_Static_assert(sizeof(struct keel_domctl_build) == 96, "keel_build layout");
_Static_assert(sizeof(struct xen_domctl) == 144, "domctl layout");

#endif /* PUBLIC_DOMCTL_H */
