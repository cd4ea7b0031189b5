/*
 * domctl and sysctl from dom0, as a toolstack uses them (interface 0x15).
 * Expected answers are Xen 4.17's (xen/common/domctl.c, sysctl.c,
 * domain.c), checked on Xen with `run.sh build xen domctl_sysctl`:
 *  - a wrong interface version: -EACCES, for both;
 *  - physinfo: our 2 CPUs, free <= total pages, a CPU clock, PV capable;
 *  - getdomaininfo(0): ourselves, running, not paused, max_vcpu_id 1 (two
 *    vCPUs); getdomaininfo(1) with no such domain or any above: -ESRCH;
 *  - createdomain (PV, 1 vCPU, id 0 = pick one): a new id; it is paused
 *    by the controller, has no pages and no vCPU (max_vcpu_id ~0), and
 *    getdomaininfo(1) finds it as the next domain up; creating it again
 *    under its id -EEXIST; 0 vCPUs or an unknown flag -EINVAL;
 *  - max_mem sets max_pages; pausedomain/unpausedomain count, one unpause
 *    too many -EINVAL, pausing ourselves -EINVAL; destroying ourselves
 *    -EINVAL;
 *  - getdomaininfolist from 0: dom0 then the new domain, in id order;
 *  - getvcpuinfo: our vCPU 0 online and running, vCPU 99 -EINVAL;
 *  - SCHEDOP_remote_shutdown(new, poweroff): 0, and the domain reads shut
 *    down with code 0; of domain 42 or DOMID_SELF -ESRCH;
 *  - destroydomain: gone (getdomaininfo -ESRCH) within a second;
 *  - 100 create/max_mem/destroy rounds give every page back (physinfo
 *    free_pages not below what it was, within 2 s for Xen's deferred frees;
 *    Xen's background scrubbing may raise it);
 *  - dom0's flags carry Xen's SHUTDOWN_CODE_INVALID in the code bits;
 *  - readconsole gives the console's bytes and an index past them.
 */
#include "pv.h"
#include "pv_clock.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include "domctl_ops.h"
#include <public/sysctl.h>
#include <public/sched.h>

const char test_title[] = "domctl and sysctl: domain lifecycle, info, host info, console";

#define MS 1000000ULL
#define ROUNDS 100

static long create_pv(domid_t_abi want, uint32_t vcpus, uint32_t flags, domid_t_abi *id)
{
    struct xen_domctl op = { 0 };
    long rc;

    op.u.createdomain = (struct xen_domctl_createdomain){
        .flags = flags, .max_vcpus = vcpus, .max_evtchn_port = 1023,
        .max_grant_frames = -1, .max_maptrack_frames = -1, .grant_opts = 1,
    };
    rc = domctl_op(XEN_DOMCTL_createdomain, want, &op);
    if ( id )
        *id = op.domain;
    return rc;
}

static long simple(uint32_t cmd, domid_t_abi dom)
{
    struct xen_domctl op = { 0 };

    return domctl_op(cmd, dom, &op);
}

static long max_mem(domid_t_abi dom, uint64_t kib)
{
    struct xen_domctl op = { 0 };

    op.u.max_mem.max_memkb = kib;
    return domctl_op(XEN_DOMCTL_max_mem, dom, &op);
}

static bool gone(domid_t_abi id)
{
    struct xen_domctl_getdomaininfo info;
    long rc = domain_info_from(id, &info);

    return rc == -ESRCH || (rc == 0 && info.domain != id);
}

static void wait_gone(domid_t_abi id)
{
    uint64_t end = pv_now() + 1000 * MS;

    while ( !gone(id) && pv_now() < end )
        spin_ns(MS);
}

static void check_versions(void)
{
    struct xen_domctl d = { .cmd = XEN_DOMCTL_getdomaininfo, .interface_version = 0x14 };
    struct xen_sysctl s = { .cmd = XEN_SYSCTL_physinfo, .interface_version = 0x14 };

    check_rc("domctl with interface 0x14", hypercall1(__HYPERVISOR_domctl, &d), -EACCES);
    check_rc("sysctl with interface 0x14", hypercall1(__HYPERVISOR_sysctl, &s), -EACCES);
}

static void check_host(void)
{
    struct xen_sysctl op = { 0 };
    const struct xen_sysctl_physinfo *pi = &op.u.physinfo;

    check_rc("physinfo", sysctl_op(XEN_SYSCTL_physinfo, &op), 0);
    printk("physinfo: %u CPUs, %u kHz, caps %#x, %llu of %llu pages free, max_mfn %#llx\n",
           pi->nr_cpus, pi->cpu_khz, pi->capabilities, (unsigned long long)pi->free_pages,
           (unsigned long long)pi->total_pages, (unsigned long long)pi->max_mfn);
    check_eq("physinfo nr_cpus", pi->nr_cpus, 2);
    if ( !pi->total_pages || pi->free_pages > pi->total_pages || !pi->cpu_khz )
        xtf_failure("Fail: physinfo pages/clock implausible\n");
    check_eq("physinfo PV capability", !!(pi->capabilities & XEN_SYSCTL_PHYSCAP_pv), 1);
    memset(&op, 0, sizeof(op));
    check_rc("sched_id", sysctl_op(XEN_SYSCTL_sched_id, &op), 0);
    printk("sched_id %#x\n", op.u.sched_id.sched_id);
}

static void check_self(void)
{
    struct xen_domctl_getdomaininfo info;
    struct xen_domctl op = { 0 };

    check_rc("getdomaininfo(0)", domain_info_from(0, &info), 0);
    printk("d0: flags %#x, %llu of %llu pages, %u vCPUs online, max id %u\n", info.flags,
           (unsigned long long)info.tot_pages, (unsigned long long)info.max_pages,
           info.nr_online_vcpus, info.max_vcpu_id);
    check_eq("d0 domain", info.domain, 0);
    check_eq("d0 running", !!(info.flags & XEN_DOMINF_running), 1);
    check_eq("d0 paused/dying/shutdown/hvm",
             info.flags & (XEN_DOMINF_paused | XEN_DOMINF_dying | XEN_DOMINF_shutdown |
                           XEN_DOMINF_hvm_guest), 0);
    check_eq("d0 max_vcpu_id", info.max_vcpu_id, 1);
    /* No shutdown yet: Xen's SHUTDOWN_CODE_INVALID (~0) fills the code bits. */
    check_eq("d0 shutdown code bits", info.flags >> XEN_DOMINF_shutdownshift, 0xffff);
    if ( !info.tot_pages || info.max_pages < info.tot_pages )
        xtf_failure("Fail: d0 pages %llu of %llu\n", (unsigned long long)info.tot_pages,
                    (unsigned long long)info.max_pages);
    check_rc("getdomaininfo(1), no domain above 0", domain_info_from(1, &info), -ESRCH);

    op.u.getvcpuinfo.vcpu = 0;
    check_rc("getvcpuinfo(0, 0)", domctl_op(XEN_DOMCTL_getvcpuinfo, 0, &op), 0);
    check_eq("our vCPU 0 online", op.u.getvcpuinfo.online, 1);
    check_eq("our vCPU 0 running", op.u.getvcpuinfo.running, 1);
    op.u.getvcpuinfo.vcpu = 99;
    check_rc("getvcpuinfo(0, 99)", domctl_op(XEN_DOMCTL_getvcpuinfo, 0, &op), -EINVAL);
    check_rc("pausedomain(self)", simple(XEN_DOMCTL_pausedomain, 0), -EINVAL);
    check_rc("destroydomain(self)", simple(XEN_DOMCTL_destroydomain, 0), -EINVAL);
}

static void check_lifecycle(void)
{
    struct xen_domctl_getdomaininfo info, list[4];
    struct xen_sysctl op = { 0 };
    domid_t_abi id = 0;

    check_rc("createdomain", create_pv(0, 1, 0, &id), 0);
    printk("created d%u\n", id);
    if ( id == 0 || id >= DOMID_FIRST_RESERVED )
        return xtf_failure("Fail: createdomain gave id %u\n", id);
    check_rc("getdomaininfo(new)", domain_info_from(id, &info), 0);
    printk("d%u: flags %#x, %llu pages, %u vCPUs online, max id %#x\n", id, info.flags,
           (unsigned long long)info.tot_pages, info.nr_online_vcpus, info.max_vcpu_id);
    check_eq("new domain paused", !!(info.flags & XEN_DOMINF_paused), 1);
    check_eq("new domain running/dying", info.flags & (XEN_DOMINF_running | XEN_DOMINF_dying), 0);
    check_eq("new domain pages", info.tot_pages, 0);
    check_eq("new domain vCPUs online", info.nr_online_vcpus, 0);
    check_eq("new domain max_vcpu_id", info.max_vcpu_id, XEN_INVALID_MAX_VCPU_ID);
    check_rc("getdomaininfo(1): the next one up", domain_info_from(1, &info), 0);
    check_eq("getdomaininfo(1) domain", info.domain, id);
    check_rc("createdomain under a taken id", create_pv(id, 1, 0, NULL), -EEXIST);
    check_rc("createdomain with 0 vCPUs", create_pv(0, 0, 0, NULL), -EINVAL);
    check_rc("createdomain with flag 0x100", create_pv(0, 1, 0x100, NULL), -EINVAL);

    check_rc("max_mem 64 MiB", max_mem(id, 65536), 0);
    check_rc("getdomaininfo after max_mem", domain_info_from(id, &info), 0);
    check_eq("max_pages", info.max_pages, 16384);
    check_rc("pausedomain", simple(XEN_DOMCTL_pausedomain, id), 0);
    check_rc("unpausedomain 1", simple(XEN_DOMCTL_unpausedomain, id), 0);
    check_rc("unpausedomain 2", simple(XEN_DOMCTL_unpausedomain, id), 0);
    check_rc("unpausedomain 3 (one too many)", simple(XEN_DOMCTL_unpausedomain, id), -EINVAL);
    check_rc("getdomaininfo after unpause", domain_info_from(id, &info), 0);
    check_eq("unpaused", !!(info.flags & XEN_DOMINF_paused), 0);

    op.u.getdomaininfolist.first_domain = 0;
    op.u.getdomaininfolist.max_domains = 4;
    op.u.getdomaininfolist.buffer = (unsigned long)list;
    check_rc("getdomaininfolist", sysctl_op(XEN_SYSCTL_getdomaininfolist, &op), 0);
    check_eq("getdomaininfolist count", op.u.getdomaininfolist.num_domains, 2);
    check_eq("list[0]", list[0].domain, 0);
    check_eq("list[1]", list[1].domain, id);

    {
        struct sched_remote_shutdown rs = { .domain_id = id, .reason = SHUTDOWN_poweroff };

        check_rc("remote_shutdown(new)", hypercall_sched_op(SCHEDOP_remote_shutdown, &rs), 0);
        check_rc("getdomaininfo after remote_shutdown", domain_info_from(id, &info), 0);
        printk("d%u after remote_shutdown: flags %#x\n", id, info.flags);
        check_eq("shut down", !!(info.flags & XEN_DOMINF_shutdown), 1);
        check_eq("shutdown code", info.flags >> XEN_DOMINF_shutdownshift, SHUTDOWN_poweroff);
        rs.domain_id = 42;
        check_rc("remote_shutdown(42)", hypercall_sched_op(SCHEDOP_remote_shutdown, &rs), -ESRCH);
        rs.domain_id = DOMID_SELF;
        check_rc("remote_shutdown(SELF)", hypercall_sched_op(SCHEDOP_remote_shutdown, &rs), -ESRCH);
    }
    check_rc("destroydomain", simple(XEN_DOMCTL_destroydomain, id), 0);
    wait_gone(id);
    check_eq("destroyed domain gone", gone(id), 1);
    check_rc("destroydomain again", simple(XEN_DOMCTL_destroydomain, id), -ESRCH);
}

static void check_rounds(void)
{
    uint64_t before = host_free_pages(), after = 0, end;
    unsigned int made = 0;

    for ( unsigned int i = 0; i < ROUNDS; i++ )
    {
        domid_t_abi id;

        if ( create_pv(0, 1, 0, &id) || max_mem(id, 4096) ||
             simple(XEN_DOMCTL_destroydomain, id) )
            return xtf_failure("Fail: round %u of create/max_mem/destroy\n", i);
        made++;
    }
    end = pv_now() + 2000 * MS;
    /* Xen scrubs in the background: free memory may grow, never shrink. */
    while ( (after = host_free_pages()) < before && pv_now() < end )
        spin_ns(10 * MS);
    printk("%u domains created and destroyed: free pages %llu before, %llu after\n", made,
           (unsigned long long)before, (unsigned long long)after);
    if ( after < before )
        xtf_failure("Fail: %llu pages lost in %u create/destroy rounds\n",
                    (unsigned long long)(before - after), made);
}

static void check_console(void)
{
    static char buf[256];
    struct xen_sysctl op = { 0 };

    op.u.readconsole.buffer = (unsigned long)buf;
    op.u.readconsole.count = sizeof(buf) - 1;
    check_rc("readconsole", sysctl_op(XEN_SYSCTL_readconsole, &op), 0);
    buf[op.u.readconsole.count < sizeof(buf) ? op.u.readconsole.count : 0] = 0;
    printk("readconsole: %u bytes, index %u\n", op.u.readconsole.count, op.u.readconsole.index);
    if ( op.u.readconsole.count == 0 || op.u.readconsole.index < op.u.readconsole.count )
        xtf_failure("Fail: readconsole count %u index %u\n", op.u.readconsole.count,
                    op.u.readconsole.index);
}

void test_main(void)
{
    check_versions();
    check_host();
    check_self();
    check_lifecycle();
    check_rounds();
    check_console();
}
