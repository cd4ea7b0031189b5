/*
 * domctl and sysctl (public/domctl.h, sysctl.h: Xen 4.17's interface
 * version 0x15) for the tests that act as the toolstack from dom0: the
 * hypercalls with the version filled in, and the look-ups most of them
 * make (a domain's info, the host's free memory).
 */
#ifndef GUEST_DOMCTL_OPS_H
#define GUEST_DOMCTL_OPS_H

#include "types.h"
#include "hypercall.h"
#include <public/domctl.h>
#include <public/sysctl.h>

static inline long domctl_op(uint32_t cmd, domid_t_abi dom, struct xen_domctl *op)
{
    op->cmd = cmd;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = dom;
    return hypercall1(__HYPERVISOR_domctl, op);
}

static inline long sysctl_op(uint32_t cmd, struct xen_sysctl *op)
{
    op->cmd = cmd;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return hypercall1(__HYPERVISOR_sysctl, op);
}

/*
 * A createdomain config as the tests' toolstack asks for a small guest:
 * PV, or HVM with HAP and the vLAPIC (what a PVH guest needs); the event
 * channel and grant limits left to the hypervisor's defaults.
 */
static inline struct xen_domctl_createdomain domain_config(bool hvm, uint32_t max_vcpus)
{
    return (struct xen_domctl_createdomain){
        .flags = hvm ? XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap : 0,
        .max_vcpus = max_vcpus, .max_evtchn_port = 1023, .max_grant_frames = -1,
        .max_maptrack_frames = -1, .grant_opts = 1,
        .arch.emulation_flags = hvm ? XEN_X86_EMU_LAPIC : 0,
    };
}

/* getdomaininfo as Xen 4.17 answers it: the first domain with an id >= dom. */
static inline long domain_info_from(domid_t_abi dom, struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl op = { 0 };
    long rc = domctl_op(XEN_DOMCTL_getdomaininfo, dom, &op);

    *info = op.u.getdomaininfo;
    return rc;
}

/* The info of domain dom itself: -ESRCH when only a later one exists. */
static inline long domain_info_exact(domid_t_abi dom, struct xen_domctl_getdomaininfo *info)
{
    long rc = domain_info_from(dom, info);

    return rc == 0 && info->domain != dom ? -ESRCH : rc;
}

/* sysctl physinfo's free_pages, 0 if the call fails. */
static inline uint64_t host_free_pages(void)
{
    struct xen_sysctl op = { 0 };

    return sysctl_op(XEN_SYSCTL_physinfo, &op) ? 0 : op.u.physinfo.free_pages;
}

#endif /* GUEST_DOMCTL_OPS_H */
