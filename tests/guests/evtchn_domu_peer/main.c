/*
 * The domU end of evtchn_interdomain_pingpong (its TESTS peer), and on its
 * own a check of what a domU may not do to another domain's ports.
 * Expected answers are Xen 4.17's (xen/common/event_channel.c: the domain
 * is looked up first, -ESRCH, then XSM_TARGET refuses a domU, -EPERM):
 *  - status of dom0's port 1: -ESRCH when there is no dom0 (alone: the
 *    test ends after the refusals below), -EPERM beside one;
 *  - alloc_unbound in dom0 and reset of dom0: -EPERM (or -ESRCH alone);
 *  - beside dom0: alloc_unbound(SELF, 0) offers a port to dom0; once dom0
 *    has bound it (our status reads interdomain, to d0), every event from
 *    dom0 is echoed back with EVTCHNOP_send; when dom0 closes its end our
 *    port reads unbound (for d0) again, and we close it.  At least 100
 *    round trips must have happened.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "evtchn_ops.h"

const char test_title[] = "Interdomain events: the domU end";

#define ROUND_TRIPS 100

static uint8_t shinfo_page[4096] __page_aligned __section(".bss.page_aligned");
static volatile struct shared_info *si = (volatile struct shared_info *)shinfo_page;

static long refusal(long alone_rc, long beside_rc, bool alone)
{
    return alone ? alone_rc : beside_rc;
}

static uint32_t port_state(uint32_t port, struct evtchn_status_arg *st)
{
    long rc = evtchn_status_of(DOMID_SELF, port, st);

    return rc ? 0xffffffffu : st->status;
}

void test_main(void)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
        .gpfn = (unsigned long)shinfo_page >> PAGE_SHIFT,
    };
    struct evtchn_status_arg st;
    struct evtchn_alloc_unbound_arg in_dom0 = { .dom = 0, .remote_dom = DOMID_SELF };
    domid_t_abi dom0 = 0;
    unsigned int echoed = 0;
    uint32_t port;
    long rc;
    bool alone;

    rc = hypercall_memory_op(XENMEM_add_to_physmap, &x);
    if ( rc )
        return xtf_error("Error: mapping shared_info: %ld\n", rc);
    rc = evtchn_status_of(0, 1, &st);
    printk("status of dom0's port 1: %ld\n", rc);
    if ( rc != -ESRCH && rc != -EPERM )
        return xtf_failure("Fail: status of dom0's port 1: rc %ld, expected -ESRCH or -EPERM\n", rc);
    alone = rc == -ESRCH;
    check_rc("alloc_unbound in dom0", hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &in_dom0),
             refusal(-ESRCH, -EPERM, alone));
    check_rc("reset of dom0", hypercall_event_channel_op(EVTCHNOP_reset, &dom0),
             refusal(-ESRCH, -EPERM, alone));
    if ( alone )
    {
        printk("No dom0: the refusals only\n");
        return;
    }

    rc = evtchn_alloc_for(DOMID_SELF, 0, &port);
    if ( rc )
        return xtf_failure("Fail: alloc_unbound(SELF, 0): %ld\n", rc);
    printk("port %u offered to d0\n", port);
    if ( !wait_until(port_state(port, &st) == EVTCHNSTAT_interdomain, 30000) )
        return xtf_failure("Fail: dom0 never bound port %u (status %u)\n", port, st.status);
    printk("bound by d0 (its port %u)\n", st.u.interdomain.port);
    check_eq("remote domain of the binding", st.u.interdomain.dom, 0);

    /* Echo until dom0 closes its end. */
    while ( port_state(port, &st) == EVTCHNSTAT_interdomain )
    {
        if ( !evtchn_pending_in(si, port) )
        {
            cpu_relax();
            continue;
        }
        evtchn_clear_in(si, port);
        if ( (rc = evtchn_port_cmd(EVTCHNOP_send, port)) != 0 )
            return xtf_failure("Fail: send back: %ld\n", rc);
        echoed++;
    }
    printk("%u events echoed; our port now reads status %u (for d%u)\n", echoed, st.status,
           st.u.unbound.dom);
    check_eq("status after dom0 closed", st.status, EVTCHNSTAT_unbound);
    check_eq("unbound for", st.u.unbound.dom, 0);
    if ( echoed < ROUND_TRIPS )
        xtf_failure("Fail: only %u events echoed, expected at least %u\n", echoed, ROUND_TRIPS);
    check_rc("close our end", evtchn_port_cmd(EVTCHNOP_close, port), 0);
}
