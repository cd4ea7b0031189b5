/*
 * event_channel_op arguments (public/event_channel.h) and small wrappers,
 * for any environment: the caller gives the shared_info whose pending bits
 * it reads (pv64: the library's mapping; pvh/hvm64: a page it mapped with
 * XENMAPSPACE_shared_info).
 */
#ifndef GUEST_EVTCHN_OPS_H
#define GUEST_EVTCHN_OPS_H

#include "types.h"
#include "hypercall.h"
#include <public/event_channel.h>
#include <public/xen.h>

struct evtchn_alloc_unbound_arg { domid_t_abi dom, remote_dom; uint32_t port; };
struct evtchn_bind_interdomain_arg { domid_t_abi remote_dom; uint32_t remote_port, local_port; };
struct evtchn_bind_vcpu_arg { uint32_t port, vcpu; };
struct evtchn_port_only { uint32_t port; };
struct evtchn_bind_ipi_arg { uint32_t vcpu, port; };
struct evtchn_bind_virq_arg { uint32_t virq, vcpu, port; };
struct evtchn_status_arg {
    domid_t_abi dom;
    uint32_t port, status, vcpu;
    union {
        struct { domid_t_abi dom; } unbound;
        struct { domid_t_abi dom; uint32_t port; } interdomain;
        uint32_t pirq, virq;
    } u;
};
enum { EVTCHNSTAT_closed, EVTCHNSTAT_unbound, EVTCHNSTAT_interdomain, EVTCHNSTAT_pirq,
       EVTCHNSTAT_virq, EVTCHNSTAT_ipi };

static inline long evtchn_status_of(domid_t_abi dom, uint32_t port, struct evtchn_status_arg *st)
{
    *st = (struct evtchn_status_arg){ .dom = dom, .port = port };
    return hypercall_event_channel_op(EVTCHNOP_status, st);
}

static inline long evtchn_port_cmd(unsigned int cmd, uint32_t port)
{
    struct evtchn_port_only a = { port };

    return hypercall_event_channel_op(cmd, &a);
}

static inline long evtchn_bind_to(domid_t_abi dom, uint32_t port, uint32_t *local)
{
    struct evtchn_bind_interdomain_arg b = { .remote_dom = dom, .remote_port = port };
    long rc = hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &b);

    if ( local )
        *local = b.local_port;
    return rc;
}

static inline long evtchn_alloc_for(domid_t_abi dom, domid_t_abi remote, uint32_t *port)
{
    struct evtchn_alloc_unbound_arg a = { .dom = dom, .remote_dom = remote };
    long rc = hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    if ( port )
        *port = a.port;
    return rc;
}

/*
 * The pending bit of port p, through the 32-bit word that holds it (the
 * ABI's words are 64-bit, little-endian; pvh has no 64-bit atomics).
 */
static inline volatile uint32_t *evtchn_pending_word(volatile struct shared_info *si, uint32_t p)
{
    return (volatile uint32_t *)(unsigned long)&si->evtchn_pending[0] + p / 32;
}

static inline bool evtchn_pending_in(volatile struct shared_info *si, uint32_t p)
{
    return __atomic_load_n(evtchn_pending_word(si, p), __ATOMIC_SEQ_CST) & (1u << (p % 32));
}

static inline void evtchn_clear_in(volatile struct shared_info *si, uint32_t p)
{
    __atomic_and_fetch(evtchn_pending_word(si, p), ~(1u << (p % 32)), __ATOMIC_SEQ_CST);
}

#endif /* GUEST_EVTCHN_OPS_H */
