/* SPDX-License-Identifier: MIT */
/* xen_version hypercall: sub-commands and their argument buffers. */
#ifndef PUBLIC_VERSION_H
#define PUBLIC_VERSION_H

#include <stdint.h>

#define XENVER_version              0   /* returns (major << 16) | minor */
#define XENVER_extraversion         1
typedef char xen_extraversion_t[16];
#define XENVER_compile_info         2
struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
#define XENVER_capabilities         3
typedef char xen_capabilities_info_t[1024];
#define XENVER_changeset            4
typedef char xen_changeset_info_t[64];
#define XENVER_platform_parameters  5
struct xen_platform_parameters {
    uint64_t virt_start;            /* start of the hypervisor hole */
};
#define XENVER_get_features         6
struct xen_feature_info {
    uint32_t submap_idx;            /* which 32-bit word of features */
    uint32_t submap;                /* its bits (out) */
};
#define XENVER_pagesize             7
#define XENVER_guest_handle         8
typedef uint8_t xen_domain_handle_t[16];
#define XENVER_commandline          9
typedef char xen_commandline_t[1024];
#define XENVER_build_id            10

#endif /* PUBLIC_VERSION_H */
