/*
 * event_channel_op for ports a domain binds for itself: bind_ipi,
 * bind_virq, send, unmask, close, status-less.  Delivery follows the
 * 2-level ABI: set the pending bit; if the port is not masked, set the
 * selector bit in the target vCPU's vcpu_info; if that was clear, set
 * evtchn_upcall_pending and kick the vCPU so the upcall is delivered.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/sched.h>
#include <keel/xmalloc.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/hvm/hvm.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/xen.h>

struct evtchn_bind_ipi { uint32_t vcpu; evtchn_port_t port; };
struct evtchn_bind_virq { uint32_t virq; uint32_t vcpu; evtchn_port_t port; };
struct evtchn_port_arg { evtchn_port_t port; };

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
    for ( unsigned int p = 1; p < EVTCHN_MAX_PORTS; p++ )
        if ( d->evtchn[p].state == ECS_FREE )
            return p;
    return -ENOSPC;
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

static long port_op(struct domain *d, unsigned int cmd, uint64_t arg)
{
    struct evtchn_port_arg a;
    struct evtchn *chn;
    struct shared_info *si = d->arch.shared_info;

    if ( copy_from_guest(&a, arg, sizeof(a)) )
        return -EFAULT;
    if ( a.port == 0 || a.port >= EVTCHN_MAX_PORTS ||
         (chn = &d->evtchn[a.port])->state == ECS_FREE )
        return -EINVAL;
    switch ( cmd )
    {
    case EVTCHNOP_send:
        if ( chn->state != ECS_IPI )
            return -EINVAL;
        evtchn_set_pending(d->vcpu[chn->notify_vcpu], a.port);
        return 0;
    case EVTCHNOP_unmask:
        /* Unmasking a pending port raises it, as the ABI says. */
        __atomic_and_fetch(&si->evtchn_mask[a.port / 64], ~(1UL << (a.port % 64)),
                           __ATOMIC_SEQ_CST);
        if ( __atomic_load_n(&si->evtchn_pending[a.port / 64], __ATOMIC_SEQ_CST) &
             (1UL << (a.port % 64)) )
            mark_upcall(d->vcpu[chn->notify_vcpu], a.port);
        return 0;
    case EVTCHNOP_close:
        if ( chn->state == ECS_VIRQ )
            d->vcpu[chn->notify_vcpu]->virq_to_port[chn->virq] = 0;
        chn->state = ECS_FREE;
        return 0;
    }
    return -ENOSYS;
}

long do_event_channel_op(unsigned long cmd, uint64_t arg)
{
    struct domain *d = current->domain;
    long rc;

    if ( !d->evtchn )
        return -ENOSYS;
    spin_lock(&d->evtchn_lock);
    switch ( cmd )
    {
    case EVTCHNOP_bind_ipi:
        rc = bind_ipi(d, arg);
        break;
    case EVTCHNOP_bind_virq:
        rc = bind_virq(d, arg);
        break;
    case EVTCHNOP_send:
    case EVTCHNOP_unmask:
    case EVTCHNOP_close:
        rc = port_op(d, cmd, arg);
        break;
    default:
        rc = -ENOSYS;                 /* interdomain, FIFO: with the events work */
    }
    spin_unlock(&d->evtchn_lock);
    return rc;
}
