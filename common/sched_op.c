/* sched_op: a guest yields, blocks or shuts itself down; dom0 shuts down others. */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/xsm.h>
#include <keel/event.h>
#include <keel/sched.h>
#include <keel/timer.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>
#include <public/sched.h>

static long sched_shutdown(uint64_t arg)
{
    struct sched_shutdown s;

    if ( copy_from_guest(&s, arg, sizeof(s)) )
        return -EFAULT;
    if ( s.reason > SHUTDOWN_MAX )
        return -EINVAL;
    domain_shutdown(current->domain, s.reason);
    return 0;
}

/*
 * SCHEDOP_remote_shutdown, as Xen 4.17: the domain by id (DOMID_SELF is
 * -ESRCH), then XSM (the toolstack's: dom0), and the reason is passed on
 * unchecked.  Under the domctl lock, so that the domain cannot be
 * destroyed meanwhile.
 */
static long sched_remote_shutdown(uint64_t arg)
{
    struct sched_remote_shutdown s;
    struct domain *d;
    long rc;

    if ( copy_from_guest(&s, arg, sizeof(s)) )
        return -EFAULT;
    domctl_lock();
    if ( !(d = get_domain_by_id(s.domain_id)) )
        rc = -ESRCH;
    else if ( (rc = xsm_domctl(current->domain, d, 0)) == 0 )
        domain_shutdown(d, s.reason);
    domctl_unlock();
    return rc;
}

/* Block until an event is pending; events are unmasked atomically first. */
static long sched_block(void)
{
    struct vcpu *v = current;

    v->arch.vcpu_info->evtchn_upcall_mask = 0;
    if ( v->arch.vcpu_info->evtchn_upcall_pending )
        return 0;
    vcpu_block(v);
    if ( v->arch.vcpu_info->evtchn_upcall_pending )
        vcpu_unblock(v);
    return 0;
}

/* Xen 4.17's (fairly arbitrary) limit on the ports one poll may name. */
#define POLL_MAX_PORTS 128

static bool events_need_delivery(const struct vcpu *v)
{
    return v->arch.vcpu_info->evtchn_upcall_pending &&
           !v->arch.vcpu_info->evtchn_upcall_mask;
}

/* 0 to block, or the result (0 pending, -EFAULT, -EINVAL) to return now. */
static long poll_ports(struct vcpu *v, const struct sched_poll *p, bool *block)
{
    uint32_t port = 0;
    int rc;

    *block = false;
    if ( events_need_delivery(v) )
        return 0;
    for ( uint32_t i = 0; i < p->nr_ports; i++ )
    {
        if ( copy_from_guest(&port, p->ports + i * sizeof(port), sizeof(port)) )
            return -EFAULT;
        if ( (rc = evtchn_port_poll(v->domain, port)) != 0 )
            return rc < 0 ? rc : 0;
    }
    if ( p->nr_ports == 1 )
        v->poll_evtchn = port;
    *block = true;
    return 0;
}

/*
 * SCHEDOP_poll (Linux's PV spinlocks): block until one of the ports is
 * pending, an event is due for upcall, or the absolute timeout (0: none)
 * passes; Xen 4.17's checks and codes.  The vCPU is marked polling before
 * the ports are looked at, so a port raised meanwhile wakes it.
 */
static long sched_poll(uint64_t arg)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    struct sched_poll p;
    bool block;
    long rc;

    if ( copy_from_guest(&p, arg, sizeof(p)) )
        return -EFAULT;
    if ( p.nr_ports > POLL_MAX_PORTS )
        return -EINVAL;
    if ( !guest_range_ok(p.ports, p.nr_ports * sizeof(uint32_t)) )
        return -EFAULT;
    v->poll_evtchn = -1;
    __atomic_fetch_or(&d->poll_mask, 1ULL << v->vcpu_id, __ATOMIC_SEQ_CST);
    vcpu_block(v);
    rc = poll_ports(v, &p, &block);
    if ( !block )
    {
        v->poll_evtchn = 0;
        __atomic_fetch_and(&d->poll_mask, ~(1ULL << v->vcpu_id), __ATOMIC_SEQ_CST);
        vcpu_unblock(v);
        return rc;
    }
    if ( p.timeout )
        set_timer(&v->poll_timer, p.timeout);
    return 0;                           /* the scheduler runs on the way out */
}

/* The poll timed out: wake the vCPU if it still polls. */
void vcpu_poll_timeout(void *data)
{
    struct vcpu *v = data;
    uint64_t bit = 1ULL << v->vcpu_id;

    if ( __atomic_fetch_and(&v->domain->poll_mask, ~bit, __ATOMIC_SEQ_CST) & bit )
    {
        v->poll_evtchn = 0;
        vcpu_unblock(v);
    }
}

long do_sched_op(unsigned long cmd, uint64_t arg)
{
    switch ( cmd )
    {
    case SCHEDOP_yield:
        sched_kick(current->processor);
        return 0;
    case SCHEDOP_block:
        return sched_block();
    case SCHEDOP_shutdown:
        return sched_shutdown(arg);
    case SCHEDOP_poll:
        return sched_poll(arg);
    case SCHEDOP_remote_shutdown:
        return sched_remote_shutdown(arg);
    }
    return -ENOSYS;
}
