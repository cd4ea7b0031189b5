/* sched_op: a guest yields, blocks or shuts itself down. */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/sched.h>
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
        return -ENOSYS;               /* needs event channels */
    }
    return -ENOSYS;
}
