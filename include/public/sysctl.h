/*
 * sysctl: host-wide operations for the toolstack in dom0, at Xen 4.17's
 * numbers and layouts (interface version 0x15, checked against Debian's
 * libxen-dev 4.17 headers).  Only what Keel implements is declared.
 */
#ifndef PUBLIC_SYSCTL_H
#define PUBLIC_SYSCTL_H

#include "xen.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015

#define XEN_SYSCTL_readconsole          1
#define XEN_SYSCTL_physinfo             3
#define XEN_SYSCTL_sched_id             4
#define XEN_SYSCTL_getdomaininfolist    6

struct xen_sysctl_readconsole {
    uint8_t clear;                      /* IN: empty the ring after reading */
    uint8_t incremental;                /* IN: start at index, not the oldest byte */
    uint8_t pad0, pad1;
    uint32_t index;                     /* IN/OUT: where the next read starts */
    uint64_t buffer;                    /* IN: guest buffer */
    uint32_t count;                     /* IN: its size; OUT: bytes written */
};

#define XEN_SYSCTL_PHYSCAP_hvm      (1U << 0)
#define XEN_SYSCTL_PHYSCAP_pv       (1U << 1)
#define XEN_SYSCTL_PHYSCAP_directio (1U << 2)
#define XEN_SYSCTL_PHYSCAP_hap      (1U << 3)
#define XEN_SYSCTL_PHYSCAP_shadow   (1U << 4)

struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;
    uint32_t max_cpu_id;
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities;
    uint32_t arch_capabilities;
    uint32_t pad;
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t scrub_pages;
    uint64_t outstanding_pages;
    uint64_t max_mfn;
    uint32_t hw_cap[8];
};

struct xen_sysctl_sched_id {
    uint32_t sched_id;
};

struct xen_sysctl_getdomaininfolist {
    domid_t_abi first_domain;
    uint32_t max_domains;
    uint64_t buffer;                    /* struct xen_domctl_getdomaininfo[] */
    uint32_t num_domains;
};

struct xen_sysctl {
    uint32_t cmd;
    uint32_t interface_version;
    union {
        struct xen_sysctl_readconsole readconsole;
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_sched_id sched_id;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        uint8_t pad[128];
    } u;
};

_Static_assert(sizeof(struct xen_sysctl_physinfo) == 112, "physinfo layout");
_Static_assert(sizeof(struct xen_sysctl) == 136, "sysctl layout");

#endif /* PUBLIC_SYSCTL_H */
