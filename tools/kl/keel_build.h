/*
 * KEEL_DOMCTL_build as the toolstack issues it.  Keel's own
 * include/public/domctl.h cannot be included next to Debian's Xen headers
 * (both define struct xen_domctl), so the Keel-private operation is
 * restated here under kl_ names; the numbers and the layout are those of
 * include/public/domctl.h and docs/domain-build.md, checked below.
 */
#ifndef KL_KEEL_BUILD_H
#define KL_KEEL_BUILD_H

#include <stddef.h>
#include <stdint.h>

#define KL_DOMCTL_INTERFACE_VERSION 0x15
#define KL_KEEL_DOMCTL_build        0x4b01
#define KL_BUILD_TYPE_PV            1
#define KL_BUILD_TYPE_PVH           2
#define KL_BUILD_KERNEL_MAX         (64ULL << 20)
#define KL_BUILD_RAMDISK_MAX        (512ULL << 20)

/* The reasons (KEEL_BUILD_E*). */
enum {
    KL_BUILD_EOK, KL_BUILD_ETYPE, KL_BUILD_ESTATE, KL_BUILD_EKERNEL_SIZE,
    KL_BUILD_ERAMDISK_SIZE, KL_BUILD_ECMDLINE, KL_BUILD_EFAULT, KL_BUILD_EMEM,
    KL_BUILD_EFORMAT, KL_BUILD_ENOTES, KL_BUILD_ENOPVH, KL_BUILD_ELAYOUT, KL_BUILD_EPORT,
    KL_BUILD_EDOMAIN,
};

struct kl_keel_build {
    uint32_t type;
    uint32_t flags;
    uint64_t mem_kb;
    uint64_t kernel, kernel_len;
    uint64_t ramdisk, ramdisk_len;
    uint64_t cmdline;
    uint32_t cmdline_len;
    uint16_t console_domid, store_domid;
    uint32_t console_port, store_port;      /* OUT */
    uint64_t console_gfn, store_gfn;        /* OUT */
    uint32_t error;                         /* OUT */
    uint32_t pad;
};

/* struct xen_domctl with only the member kl fills; the union is Xen's 128 bytes. */
struct kl_domctl {
    uint32_t cmd;
    uint32_t interface_version;
    uint16_t domain;
    uint16_t pad[3];
    union {
        struct kl_keel_build keel_build;
        uint8_t pad[128];
    } u;
};

_Static_assert(sizeof(struct kl_keel_build) == 96, "keel_build is 96 bytes");
_Static_assert(offsetof(struct kl_keel_build, mem_kb) == 8, "mem_kb");
_Static_assert(offsetof(struct kl_keel_build, kernel) == 16, "kernel");
_Static_assert(offsetof(struct kl_keel_build, kernel_len) == 24, "kernel_len");
_Static_assert(offsetof(struct kl_keel_build, ramdisk) == 32, "ramdisk");
_Static_assert(offsetof(struct kl_keel_build, ramdisk_len) == 40, "ramdisk_len");
_Static_assert(offsetof(struct kl_keel_build, cmdline) == 48, "cmdline");
_Static_assert(offsetof(struct kl_keel_build, cmdline_len) == 56, "cmdline_len");
_Static_assert(offsetof(struct kl_keel_build, console_domid) == 60, "console_domid");
_Static_assert(offsetof(struct kl_keel_build, store_domid) == 62, "store_domid");
_Static_assert(offsetof(struct kl_keel_build, console_port) == 64, "console_port");
_Static_assert(offsetof(struct kl_keel_build, store_port) == 68, "store_port");
_Static_assert(offsetof(struct kl_keel_build, console_gfn) == 72, "console_gfn");
_Static_assert(offsetof(struct kl_keel_build, store_gfn) == 80, "store_gfn");
_Static_assert(offsetof(struct kl_keel_build, error) == 88, "error");
_Static_assert(sizeof(struct kl_domctl) == 144, "xen_domctl is 144 bytes");
_Static_assert(offsetof(struct kl_domctl, u) == 16, "xen_domctl.u");

#endif /* KL_KEEL_BUILD_H */
