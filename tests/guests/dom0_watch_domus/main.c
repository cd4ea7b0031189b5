/*
 * The PV dom0 of tests/linux/boot-domu.sh's "mixed" case: Keel has started
 * Debian's Linux at boot as d1 (PVH) and d2 (unmodified HVM, nopv) beside
 * this dom0.  From dom0, as a toolstack would, it watches them through
 * getdomaininfo (sleeping between looks, so that the domUs get the CPUs):
 *  - both exist with 2 vCPUs and 256 MiB each, as their modules asked;
 *  - each shuts down on its own with reason poweroff (its init's
 *    poweroff -f through ACPI S5) within WATCH_S, never crashes;
 *  - destroyed, all their pages come back.
 * Keel-only (Xen 4.17 starts no domUs at boot).  Alone, with no domUs,
 * it fails: "no domain 1".
 */
#include "pv.h"
#include "pv_clock.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include "domctl_ops.h"
#include <public/sched.h>

const char test_title[] = "dom0 watches boot-time PVH and HVM Linux domUs";

#define MS       1000000ULL
#define WATCH_S  600
#define NR_DOMUS 2
#define DOMU_PAGES (256UL << 8)

/* The shutdown code of a domain that has shut down, or -1 while it runs. */
static int shutdown_code(const struct xen_domctl_getdomaininfo *info)
{
    if ( !(info->flags & XEN_DOMINF_shutdown) )
        return -1;
    return (info->flags >> XEN_DOMINF_shutdownshift) & 0xff;
}

static bool check_shape(domid_t_abi dom)
{
    struct xen_domctl_getdomaininfo info;

    if ( domain_info_exact(dom, &info) )
    {
        xtf_failure("Fail: no domain %u\n", dom);
        return false;
    }
    printk("d%u: %lu pages, %u vCPUs, flags %#x\n", dom, (unsigned long)info.tot_pages,
           info.max_vcpu_id + 1, info.flags);
    if ( info.max_vcpu_id != 1 )
        xtf_failure("Fail: d%u has %u vCPUs, expected 2\n", dom, info.max_vcpu_id + 1);
    if ( info.tot_pages < DOMU_PAGES - 16 || info.tot_pages > DOMU_PAGES + 64 )
        xtf_failure("Fail: d%u has %lu pages, expected about %lu\n", dom,
                    (unsigned long)info.tot_pages, DOMU_PAGES);
    return true;
}

/* Wait until every domU has shut down; false on a crash or the timeout. */
static bool watch(void)
{
    uint64_t end = pv_now() + WATCH_S * 1000 * MS;
    unsigned int done = 0;

    while ( done != (1u << NR_DOMUS) - 1 && pv_now() < end )
    {
        for ( domid_t_abi dom = 1; dom <= NR_DOMUS; dom++ )
        {
            struct xen_domctl_getdomaininfo info;
            int code;

            if ( done & (1u << (dom - 1)) )
                continue;
            if ( domain_info_exact(dom, &info) )
                return xtf_failure("Fail: d%u vanished while running\n", dom), false;
            if ( (code = shutdown_code(&info)) < 0 )
                continue;
            printk("d%u shut down with code %d after %lu ms\n", dom, code,
                   (unsigned long)(pv_now() / MS));
            if ( code != SHUTDOWN_poweroff )
                return xtf_failure("Fail: d%u shut down with code %d, not poweroff\n",
                                   dom, code), false;
            done |= 1u << (dom - 1);
        }
        sleep_ns(200 * MS);
    }
    if ( done != (1u << NR_DOMUS) - 1 )
        return xtf_failure("Fail: domUs still running after %u s (done mask %#x)\n",
                           WATCH_S, done), false;
    return true;
}

void test_main(void)
{
    uint64_t free0 = host_free_pages(), free1 = 0, end;
    struct xen_domctl op = { 0 };
    long port = timer_events_setup();     /* sleep_ns blocks on VIRQ_TIMER */

    if ( port < 0 )
        return xtf_error("Error: timer_events_setup: %ld\n", port);
    for ( domid_t_abi dom = 1; dom <= NR_DOMUS; dom++ )
        if ( !check_shape(dom) )
            return;
    if ( !watch() )
        return;
    for ( domid_t_abi dom = 1; dom <= NR_DOMUS; dom++ )
    {
        memset(&op, 0, sizeof(op));
        check_rc("destroydomain", domctl_op(XEN_DOMCTL_destroydomain, dom, &op), 0);
    }
    end = pv_now() + 5000 * MS;
    while ( (free1 = host_free_pages()) < free0 + NR_DOMUS * DOMU_PAGES && pv_now() < end )
        sleep_ns(50 * MS);
    printk("free pages: %lu before the destroys, %lu after\n", (unsigned long)free0,
           (unsigned long)free1);
    if ( free1 < free0 + NR_DOMUS * DOMU_PAGES )
        xtf_failure("Fail: %lu pages came back, expected at least %lu\n",
                    (unsigned long)(free1 - free0), NR_DOMUS * DOMU_PAGES);
}
