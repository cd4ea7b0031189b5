/*
 * event_channel_op: ports bound to IPIs, VIRQs and PIRQs, and channels
 * between domains (alloc_unbound, bind_interdomain), with status, bind_vcpu,
 * reset and close, answering as Xen 4.17 does.  Delivery follows the
 * 2-level ABI: set the pending bit; if the port is not masked, set the
 * selector bit in the target vCPU's vcpu_info; if that was clear, set
 * evtchn_upcall_pending and kick the vCPU so the upcall is delivered.
 *
 * Locking: each domain's evtchn_lock covers its ports.  Changing an
 * interdomain binding (bind, close, a domain's teardown) also takes
 * interdomain_lock first and then both domains' locks, lower domain id
 * first; so while a domain holds its own lock, the far end of each of its
 * interdomain ports stays bound and that domain stays alive (it closes its
 * ports, which needs this lock, before anything of it is freed).
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/sched.h>
#include <keel/xmalloc.h>
#include <keel/xsm.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/hvm/hvm.h>
#include <asm/irq_pirq.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/xen.h>

struct evtchn_bind_ipi { uint32_t vcpu; evtchn_port_t port; };
struct evtchn_bind_virq { uint32_t virq; uint32_t vcpu; evtchn_port_t port; };
struct evtchn_port_arg { evtchn_port_t port; };
struct evtchn_bind_pirq { uint32_t pirq; uint32_t flags; evtchn_port_t port; };
#define BIND_PIRQ__WILL_SHARE 1
struct evtchn_alloc_unbound { domid_t dom, remote_dom; evtchn_port_t port; };
struct evtchn_bind_interdomain { domid_t remote_dom; evtchn_port_t remote_port, local_port; };
struct evtchn_bind_vcpu { evtchn_port_t port; uint32_t vcpu; };
struct evtchn_reset { domid_t dom; };
struct evtchn_status {
    domid_t dom;
    evtchn_port_t port;
    uint32_t status;
    uint32_t vcpu;
    union {
        struct { domid_t dom; } unbound;
        struct { domid_t dom; evtchn_port_t port; } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};
enum { EVTCHNSTAT_closed, EVTCHNSTAT_unbound, EVTCHNSTAT_interdomain, EVTCHNSTAT_pirq,
       EVTCHNSTAT_virq, EVTCHNSTAT_ipi };

static DEFINE_SPINLOCK(interdomain_lock);

int evtchn_init(struct domain *d)
{
    d->evtchn = xzalloc_array(struct evtchn, EVTCHN_MAX_PORTS);
    if ( !d->evtchn )
        return -ENOMEM;
    d->evtchn[0].state = ECS_RESERVED;       /* port 0 is never valid */
    spin_lock_init(&d->evtchn_lock);
    return 0;
}

void evtchn_destroy(struct domain *d)
{
    xfree(d->evtchn);
    d->evtchn = NULL;
}

static bool test_and_set(uint64_t *word, unsigned int bit)
{
    return __atomic_fetch_or(word, 1UL << bit, __ATOMIC_SEQ_CST) & (1UL << bit);
}

/* Selector and upcall for a pending, unmasked port. */
static void mark_upcall(struct vcpu *v, unsigned int port)
{
    struct vcpu_info *vi = v->arch.vcpu_info;

    if ( test_and_set(&vi->evtchn_pending_sel, port / 64) )
        return;
    __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    vcpu_kick(v);                     /* ends a SCHEDOP_block or a HLT */
}

/*
 * SCHEDOP_poll waiters: a port that becomes pending wakes the vCPUs polling
 * it (or any port), masked or not: Linux's PV spinlocks poll a masked port.
 */
static void wake_pollers(struct domain *d, unsigned int port)
{
    struct vcpu *v;

    if ( !__atomic_load_n(&d->poll_mask, __ATOMIC_SEQ_CST) )
        return;
    for_each_vcpu(d, v)
    {
        uint64_t bit = 1ULL << v->vcpu_id;

        if ( !(__atomic_load_n(&d->poll_mask, __ATOMIC_SEQ_CST) & bit) ||
             (v->poll_evtchn > 0 && (unsigned int)v->poll_evtchn != port) )
            continue;
        if ( __atomic_fetch_and(&d->poll_mask, ~bit, __ATOMIC_SEQ_CST) & bit )
        {
            v->poll_evtchn = 0;
            vcpu_unblock(v);
        }
    }
}

void evtchn_set_pending(struct vcpu *v, unsigned int port)
{
    struct shared_info *si = v->domain->arch.shared_info;

    if ( test_and_set(&si->evtchn_pending[port / 64], port % 64) )
        return;
    if ( !(__atomic_load_n(&si->evtchn_mask[port / 64], __ATOMIC_SEQ_CST) &
           (1UL << (port % 64))) )
        mark_upcall(v, port);
    wake_pollers(v->domain, port);
}

int evtchn_port_poll(struct domain *d, unsigned int port)
{
    struct shared_info *si = d->arch.shared_info;

    if ( !d->evtchn || port == 0 || port >= EVTCHN_MAX_PORTS ||
         d->evtchn[port].state == ECS_FREE || d->evtchn[port].state == ECS_RESERVED )
        return -EINVAL;
    return !!(__atomic_load_n(&si->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) &
              (1UL << (port % 64)));
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
    struct domain *d = v->domain;
    unsigned int port = virq < NR_VIRQS ? v->virq_to_port[virq] : 0;

    if ( port && d->evtchn && d->evtchn[port].state == ECS_VIRQ )
        evtchn_set_pending(d->vcpu[d->evtchn[port].notify_vcpu], port);
}

static int alloc_port(struct domain *d)
{
    /* A dying domain takes no new ports (Xen: get_free_port). */
    if ( d->state == DOMAIN_dying )
        return -EINVAL;
    for ( unsigned int p = 1; p < EVTCHN_MAX_PORTS; p++ )
        if ( d->evtchn[p].state == ECS_FREE )
            return p;
    return -ENOSPC;
}

static bool port_valid(unsigned int port)
{
    return port != 0 && port < EVTCHN_MAX_PORTS;
}

/* Xen's virq_is_global(): per-vCPU VIRQs are the timer, debug and PMU ones. */
static bool virq_is_global(unsigned int virq)
{
    return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != VIRQ_XENOPROF &&
           virq != VIRQ_XENPMU;
}

static long bind_ipi(struct domain *d, uint64_t arg)
{
    struct evtchn_bind_ipi b;
    int port;

    if ( copy_from_guest(&b, arg, sizeof(b)) )
        return -EFAULT;
    if ( b.vcpu >= d->max_vcpus || !d->vcpu[b.vcpu] )
        return -ENOENT;
    if ( (port = alloc_port(d)) < 0 )
        return port;
    d->evtchn[port] = (struct evtchn){ .state = ECS_IPI, .notify_vcpu = b.vcpu };
    b.port = port;
    return copy_to_guest(arg, &b, sizeof(b));
}

static long bind_virq(struct domain *d, uint64_t arg)
{
    struct evtchn_bind_virq b;
    struct vcpu *v;
    int port;

    if ( copy_from_guest(&b, arg, sizeof(b)) )
        return -EFAULT;
    if ( b.virq >= NR_VIRQS )
        return -EINVAL;
    /* Global VIRQs are bound on vCPU 0 and moved with bind_vcpu (Xen). */
    if ( virq_is_global(b.virq) && b.vcpu != 0 )
        return -EINVAL;
    if ( b.vcpu >= d->max_vcpus || !(v = d->vcpu[b.vcpu]) )
        return -ENOENT;
    if ( v->virq_to_port[b.virq] )
        return -EEXIST;
    if ( (port = alloc_port(d)) < 0 )
        return port;
    d->evtchn[port] = (struct evtchn){ .state = ECS_VIRQ, .notify_vcpu = b.vcpu,
                                       .virq = b.virq };
    v->virq_to_port[b.virq] = port;
    b.port = port;
    return copy_to_guest(arg, &b, sizeof(b));
}

/*
 * A physical interrupt mapped by PHYSDEVOP_map_pirq, to vCPU 0 (Xen's
 * order of checks: range, access, already bound, then a free port).
 */
static long bind_pirq(struct domain *d, uint64_t arg)
{
    struct evtchn_bind_pirq b;
    int port, rc;

    if ( copy_from_guest(&b, arg, sizeof(b)) )
        return -EFAULT;
    if ( (rc = pirq_bind_check(d, b.pirq)) != 0 )
        return rc;
    if ( (port = alloc_port(d)) < 0 )
        return port;
    /* The port first: the interrupt may arrive as soon as pirq_bind() returns. */
    d->evtchn[port] = (struct evtchn){ .state = ECS_PIRQ, .notify_vcpu = 0, .pirq = b.pirq };
    if ( (rc = pirq_bind(d, b.pirq, port, b.flags & BIND_PIRQ__WILL_SHARE)) != 0 )
    {
        d->evtchn[port].state = ECS_FREE;
        return rc;
    }
    b.port = port;
    return copy_to_guest(arg, &b, sizeof(b));
}

void evtchn_unmask_port(struct domain *d, unsigned int port)
{
    struct shared_info *si = d->arch.shared_info;

    if ( !d->evtchn || port == 0 || port >= EVTCHN_MAX_PORTS )
        return;
    __atomic_and_fetch(&si->evtchn_mask[port / 64], ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
    if ( __atomic_load_n(&si->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) &
         (1UL << (port % 64)) )
        mark_upcall(d->vcpu[d->evtchn[port].notify_vcpu], port);
}

/* Both domains' port locks, lower id first (interdomain_lock held). */
static void lock_pair(struct domain *a, struct domain *b)
{
    if ( a == b )
    {
        spin_lock(&a->evtchn_lock);
        return;
    }
    if ( a->domain_id > b->domain_id )
    {
        struct domain *t = a;

        a = b;
        b = t;
    }
    spin_lock(&a->evtchn_lock);
    spin_lock(&b->evtchn_lock);
}

static void unlock_pair(struct domain *a, struct domain *b)
{
    if ( a != b )
        spin_unlock(&b->evtchn_lock);
    spin_unlock(&a->evtchn_lock);
}

/* "dom" of an argument: DOMID_SELF or an id, for the calling domain. */
/* A dying domain has no ports left (evtchn_destroy): as if it were gone. */
static struct domain *domain_of_arg(struct domain *self, domid_t dom)
{
    struct domain *d = dom == DOMID_SELF || dom == self->domain_id ? self : get_domain_by_id(dom);

    return d && __atomic_load_n(&d->state, __ATOMIC_SEQ_CST) != DOMAIN_dying ? d : NULL;
}

static void clear_pending(struct domain *d, unsigned int port)
{
    __atomic_and_fetch(&d->arch.shared_info->evtchn_pending[port / 64],
                       ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
}

/*
 * Close one port of d (d's lock held; for an interdomain port the far
 * domain's lock and interdomain_lock too).  As on Xen, the far end of an
 * interdomain channel becomes unbound for d, and the port's pending bit
 * and vCPU binding are cleared for whoever takes it next.
 */
static long close_port_locked(struct domain *d, unsigned int port)
{
    struct evtchn *chn = &d->evtchn[port];

    switch ( chn->state )
    {
    case ECS_FREE:
    case ECS_RESERVED:
        return -EINVAL;
    case ECS_VIRQ:
        if ( d->vcpu[chn->notify_vcpu] &&
             d->vcpu[chn->notify_vcpu]->virq_to_port[chn->virq] == port )
            d->vcpu[chn->notify_vcpu]->virq_to_port[chn->virq] = 0;
        else if ( d->vcpu[0] && d->vcpu[0]->virq_to_port[chn->virq] == port )
            d->vcpu[0]->virq_to_port[chn->virq] = 0;
        break;
    case ECS_PIRQ:
        pirq_unbind(d, chn->pirq);
        break;
    case ECS_INTERDOMAIN:
    {
        struct evtchn *far = &chn->remote_dom->evtchn[chn->remote_port];

        far->state = ECS_UNBOUND;
        far->remote_domid = d->domain_id;
        far->remote_dom = NULL;
        break;
    }
    default:
        break;
    }
    clear_pending(d, port);
    *chn = (struct evtchn){ .state = ECS_FREE };
    return 0;
}

/* EVTCHNOP_close: an interdomain port needs both ends locked. */
static long close_port(struct domain *d, unsigned int port)
{
    struct domain *far = NULL;
    long rc;

    if ( !port_valid(port) )
        return -EINVAL;
    spin_lock(&interdomain_lock);
    spin_lock(&d->evtchn_lock);
    if ( d->evtchn[port].state == ECS_INTERDOMAIN )
        far = d->evtchn[port].remote_dom;
    if ( far && far != d )
    {
        /* The binding cannot change under interdomain_lock: relock in order. */
        spin_unlock(&d->evtchn_lock);
        lock_pair(d, far);
    }
    rc = close_port_locked(d, port);
    if ( far && far != d )
        unlock_pair(d, far);
    else
        spin_unlock(&d->evtchn_lock);
    spin_unlock(&interdomain_lock);
    return rc;
}

void evtchn_close_all(struct domain *d)
{
    if ( !d->evtchn )
        return;
    for ( unsigned int port = 1; port < EVTCHN_MAX_PORTS; port++ )
        if ( d->evtchn[port].state != ECS_FREE && d->evtchn[port].state != ECS_RESERVED )
            close_port(d, port);
}

/*
 * EVTCHNOP_alloc_unbound: a port of dom (itself, or any for dom0: Xen's
 * XSM_TARGET) that remote_dom may bind.  As on Xen, remote_dom need not
 * exist yet.
 */
static long alloc_unbound(struct domain *cur, uint64_t arg)
{
    struct evtchn_alloc_unbound a;
    struct domain *d;
    int port;

    if ( copy_from_guest(&a, arg, sizeof(a)) )
        return -EFAULT;
    if ( !(d = domain_of_arg(cur, a.dom)) )
        return -ESRCH;
    spin_lock(&d->evtchn_lock);
    if ( (port = alloc_port(d)) < 0 )
    {
        spin_unlock(&d->evtchn_lock);
        return port;
    }
    if ( xsm_target_op(cur, d, XSM_evtchn_unbound) )
    {
        spin_unlock(&d->evtchn_lock);
        return -EPERM;
    }
    d->evtchn[port] = (struct evtchn){
        .state = ECS_UNBOUND,
        .remote_domid = a.remote_dom == DOMID_SELF ? cur->domain_id : a.remote_dom,
    };
    spin_unlock(&d->evtchn_lock);
    a.port = port;
    return copy_to_guest(arg, &a, sizeof(a));
}

/* EVTCHNOP_bind_interdomain: the caller's new port to remote_dom's unbound one. */
static long bind_interdomain(struct domain *ld, uint64_t arg)
{
    struct evtchn_bind_interdomain b;
    struct domain *rd;
    struct evtchn *rchn;
    int lport;
    long rc = 0;

    if ( copy_from_guest(&b, arg, sizeof(b)) )
        return -EFAULT;
    spin_lock(&interdomain_lock);
    if ( !(rd = domain_of_arg(ld, b.remote_dom)) || rd->state == DOMAIN_dying )
    {
        spin_unlock(&interdomain_lock);
        return -ESRCH;
    }
    lock_pair(ld, rd);
    /* Xen's order: a free local port, then the remote port's state. */
    if ( (lport = alloc_port(ld)) < 0 )
        rc = lport;
    else if ( !port_valid(b.remote_port) ||
              (rchn = &rd->evtchn[b.remote_port])->state != ECS_UNBOUND ||
              rchn->remote_domid != ld->domain_id )
        rc = -EINVAL;
    else
    {
        ld->evtchn[lport] = (struct evtchn){ .state = ECS_INTERDOMAIN, .remote_dom = rd,
                                             .remote_port = b.remote_port };
        rchn->state = ECS_INTERDOMAIN;
        rchn->remote_dom = ld;
        rchn->remote_port = lport;
        /* Notifications sent while the far end was unbound were dropped. */
        evtchn_set_pending(ld->vcpu[0], lport);
    }
    unlock_pair(ld, rd);
    spin_unlock(&interdomain_lock);
    if ( rc )
        return rc;
    b.local_port = lport;
    return copy_to_guest(arg, &b, sizeof(b));
}

/* EVTCHNOP_send (d's lock held). */
static long send_port(struct domain *d, unsigned int port)
{
    struct evtchn *chn = &d->evtchn[port];

    switch ( chn->state )
    {
    case ECS_IPI:
        evtchn_set_pending(d->vcpu[chn->notify_vcpu], port);
        return 0;
    case ECS_INTERDOMAIN:
    {
        struct domain *rd = chn->remote_dom;
        unsigned int rport = chn->remote_port;
        struct vcpu *rv = rd->vcpu[rd->evtchn[rport].notify_vcpu];

        if ( rv )
            evtchn_set_pending(rv, rport);
        return 0;
    }
    case ECS_UNBOUND:
        return 0;                       /* nobody there yet: dropped, as on Xen */
    default:
        return -EINVAL;
    }
}

/* EVTCHNOP_status of a port of dom (itself, or any for dom0). */
static long port_status(struct domain *cur, uint64_t arg)
{
    struct evtchn_status st;
    struct domain *d;
    const struct evtchn *chn;
    static const uint8_t stat_of[] = {
        [ECS_FREE] = EVTCHNSTAT_closed, [ECS_RESERVED] = EVTCHNSTAT_closed,
        [ECS_IPI] = EVTCHNSTAT_ipi, [ECS_VIRQ] = EVTCHNSTAT_virq,
        [ECS_PIRQ] = EVTCHNSTAT_pirq, [ECS_UNBOUND] = EVTCHNSTAT_unbound,
        [ECS_INTERDOMAIN] = EVTCHNSTAT_interdomain,
    };

    if ( copy_from_guest(&st, arg, sizeof(st)) )
        return -EFAULT;
    if ( !(d = domain_of_arg(cur, st.dom)) )
        return -ESRCH;
    if ( st.port >= EVTCHN_MAX_PORTS )
        return -EINVAL;
    if ( xsm_target_op(cur, d, XSM_evtchn_status) )
        return -EPERM;
    spin_lock(&d->evtchn_lock);
    chn = &d->evtchn[st.port];
    memset(&st.u, 0, sizeof(st.u));
    st.status = stat_of[chn->state];
    st.vcpu = chn->notify_vcpu;
    switch ( chn->state )
    {
    case ECS_UNBOUND:
        st.u.unbound.dom = chn->remote_domid;
        break;
    case ECS_INTERDOMAIN:
        st.u.interdomain.dom = chn->remote_dom->domain_id;
        st.u.interdomain.port = chn->remote_port;
        break;
    case ECS_PIRQ:
        st.u.pirq = chn->pirq;
        break;
    case ECS_VIRQ:
        st.u.virq = chn->virq;
        break;
    }
    spin_unlock(&d->evtchn_lock);
    return copy_to_guest(arg, &st, sizeof(st));
}

/* EVTCHNOP_bind_vcpu: which vCPU a port notifies (d's lock held). */
static long bind_vcpu(struct domain *d, uint64_t arg)
{
    struct evtchn_bind_vcpu b;
    struct evtchn *chn;

    if ( copy_from_guest(&b, arg, sizeof(b)) )
        return -EFAULT;
    if ( b.vcpu >= d->max_vcpus || !d->vcpu[b.vcpu] )
        return -ENOENT;
    if ( !port_valid(b.port) )
        return -EINVAL;
    chn = &d->evtchn[b.port];
    switch ( chn->state )
    {
    case ECS_VIRQ:
        if ( !virq_is_global(chn->virq) )
            return -EINVAL;
        break;
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
    case ECS_PIRQ:
        break;
    default:
        return -EINVAL;
    }
    chn->notify_vcpu = b.vcpu;
    return 0;
}

/* EVTCHNOP_reset: every port of dom (itself, or any for dom0) closed. */
static long reset_ports(struct domain *cur, uint64_t arg)
{
    struct evtchn_reset r;
    struct domain *d;

    if ( copy_from_guest(&r, arg, sizeof(r)) )
        return -EFAULT;
    if ( !(d = domain_of_arg(cur, r.dom)) )
        return -ESRCH;
    if ( xsm_target_op(cur, d, XSM_evtchn_reset) )
        return -EPERM;
    evtchn_close_all(d);
    return 0;
}

/* Operations on the caller's own ports, under its lock. */
static long local_op(struct domain *d, unsigned int cmd, uint64_t arg)
{
    struct evtchn_port_arg a;
    struct shared_info *si = d->arch.shared_info;

    switch ( cmd )
    {
    case EVTCHNOP_bind_ipi:
        return bind_ipi(d, arg);
    case EVTCHNOP_bind_virq:
        return bind_virq(d, arg);
    case EVTCHNOP_bind_pirq:
        return bind_pirq(d, arg);
    case EVTCHNOP_bind_vcpu:
        return bind_vcpu(d, arg);
    }
    if ( copy_from_guest(&a, arg, sizeof(a)) )
        return -EFAULT;
    if ( !port_valid(a.port) || d->evtchn[a.port].state == ECS_FREE )
        return -EINVAL;
    if ( cmd == EVTCHNOP_send )
        return send_port(d, a.port);
    /* EVTCHNOP_unmask: unmasking a pending port raises it, as the ABI says. */
    __atomic_and_fetch(&si->evtchn_mask[a.port / 64], ~(1UL << (a.port % 64)),
                       __ATOMIC_SEQ_CST);
    if ( __atomic_load_n(&si->evtchn_pending[a.port / 64], __ATOMIC_SEQ_CST) &
         (1UL << (a.port % 64)) )
        mark_upcall(d->vcpu[d->evtchn[a.port].notify_vcpu], a.port);
    return 0;
}

long do_event_channel_op(unsigned long cmd, uint64_t arg)
{
    struct domain *d = current->domain;
    struct evtchn_port_arg a;
    long rc;

    if ( !d->evtchn )
        return -ENOSYS;
    switch ( cmd )
    {
    case EVTCHNOP_bind_ipi:
    case EVTCHNOP_bind_virq:
    case EVTCHNOP_bind_pirq:
    case EVTCHNOP_bind_vcpu:
    case EVTCHNOP_send:
    case EVTCHNOP_unmask:
        spin_lock(&d->evtchn_lock);
        rc = local_op(d, cmd, arg);
        spin_unlock(&d->evtchn_lock);
        return rc;
    case EVTCHNOP_close:
        if ( copy_from_guest(&a, arg, sizeof(a)) )
            return -EFAULT;
        return close_port(d, a.port);
    case EVTCHNOP_alloc_unbound:
        return alloc_unbound(d, arg);
    case EVTCHNOP_bind_interdomain:
        return bind_interdomain(d, arg);
    case EVTCHNOP_status:
        return port_status(d, arg);
    case EVTCHNOP_reset:
        return reset_ports(d, arg);
    }
    return -ENOSYS;                     /* FIFO (init_control, expand_array...) */
}

void send_global_virq(unsigned int virq)
{
    struct domain *hw = get_domain_by_id(0);
    unsigned int port;

    if ( !hw || !hw->evtchn || !hw->vcpu[0] || virq >= NR_VIRQS )
        return;
    spin_lock(&hw->evtchn_lock);
    port = hw->vcpu[0]->virq_to_port[virq];
    if ( port && hw->evtchn[port].state == ECS_VIRQ )
        evtchn_set_pending(hw->vcpu[hw->evtchn[port].notify_vcpu], port);
    spin_unlock(&hw->evtchn_lock);
}
