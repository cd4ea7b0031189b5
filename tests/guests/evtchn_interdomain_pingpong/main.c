/*
 * Interdomain events between dom0 and a PVH domU (TESTS peer
 * evtchn_domu_peer, domain 1), as a toolstack and its backends use them.
 * Semantics are Xen 4.17's (xen/common/event_channel.c); Xen cannot boot a
 * domU beside a test dom0 without its toolstack, so this runs on Keel only
 * (the same calls on one domain are evtchn_interdomain_loopback, which
 * passes on Xen too):
 *  - dom0 binds VIRQ_DOM_EXC (a global VIRQ, to vCPU 0);
 *  - it finds the port d1 offered it by EVTCHNOP_status on d1's ports
 *    (dom0 may look at any domain's ports): unbound, for d0;
 *  - bind_interdomain(1, port): our end is pending at once; d1's port
 *    reads interdomain, to our port; binding it again -EINVAL;
 *  - 100 round trips: send, wait for d1's echo on our port;
 *  - close our end: d1's port reads unbound (for d0) again; d1 closes it,
 *    then powers off, and Keel raises VIRQ_DOM_EXC for dom0.
 */
#include "pv.h"
#include "pv_clock.h"
#include "console.h"
#include "report.h"
#include "evtchn_ops.h"

const char test_title[] = "Interdomain events between dom0 and a domU";

#define ROUND_TRIPS 100
#define MS 1000000ULL


static uint32_t remote_state(uint32_t port, struct evtchn_status_arg *st)
{
    return evtchn_status_of(1, port, st) ? 0xffffffffu : st->status;
}

/* The port d1 offers to dom0: the first unbound one for d0, or 0. */
static uint32_t find_offer(void)
{
    struct evtchn_status_arg st;

    for ( uint32_t p = 1; p < 64; p++ )
        if ( remote_state(p, &st) == EVTCHNSTAT_unbound && st.u.unbound.dom == 0 )
            return p;
    return 0;
}

void test_main(void)
{
    struct evtchn_bind_virq_arg dom_exc = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
    struct evtchn_status_arg st;
    uint32_t offer = 0, local, done = 0;
    long rc;

    rc = hypercall_event_channel_op(EVTCHNOP_bind_virq, &dom_exc);
    if ( rc )
        return xtf_failure("Fail: bind_virq(VIRQ_DOM_EXC): %ld\n", rc);
    if ( !wait_ms((offer = find_offer()) != 0, 30000) )
        return xtf_failure("Fail: d1 offered no port to dom0 in 30 s\n");
    printk("d1 offers port %u\n", offer);

    rc = evtchn_bind_to(1, offer, &local);
    if ( rc )
        return xtf_failure("Fail: bind_interdomain(1, %u): %ld\n", offer, rc);
    printk("bound: our port %u <-> d1 port %u\n", local, offer);
    check_eq("our end pending after the bind", evtchn_pending_in(shared_info, local), 1);
    check_eq("d1's port status", remote_state(offer, &st), EVTCHNSTAT_interdomain);
    check_eq("d1's port bound to domain", st.u.interdomain.dom, 0);
    check_eq("d1's port bound to our port", st.u.interdomain.port, local);
    check_rc("binding d1's port again", evtchn_bind_to(1, offer, NULL), -EINVAL);

    for ( unsigned int i = 0; i < ROUND_TRIPS; i++ )
    {
        evtchn_clear_in(shared_info, local);
        if ( (rc = evtchn_port_cmd(EVTCHNOP_send, local)) != 0 )
            return xtf_failure("Fail: send %u: %ld\n", i, rc);
        if ( !wait_ms(evtchn_pending_in(shared_info, local), 5000) )
            return xtf_failure("Fail: no echo from d1 for event %u\n", i);
        done++;
    }
    printk("%u round trips\n", done);

    check_rc("close our end", evtchn_port_cmd(EVTCHNOP_close, local), 0);
    if ( !wait_ms(remote_state(offer, &st) == EVTCHNSTAT_closed, 30000) )  /* d1 stays: dom0 is there */
        xtf_failure("Fail: d1's port still reads status %u after we closed ours\n", st.status);
    if ( !wait_ms(evtchn_pending_in(shared_info, dom_exc.port), 30000) )
        xtf_failure("Fail: no VIRQ_DOM_EXC after d1's poweroff\n");
    else
        printk("VIRQ_DOM_EXC raised on port %u\n", dom_exc.port);
}
