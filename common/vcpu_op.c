/* vcpu_op: per-vCPU operations (the subset before event channels land). */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/time.h>
#include <keel/timer.h>
#include <keel/sched.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>
#include <public/vcpu.h>

static long set_singleshot_timer(struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_singleshot_timer t;

    if ( copy_from_guest(&t, arg, sizeof(t)) )
        return -EFAULT;
    if ( (t.flags & VCPU_SSHOTTMR_future) && (s_time_t)t.timeout_abs_ns < NOW() )
        return -ETIME;
    set_timer(&v->singleshot_timer, t.timeout_abs_ns);
    return 0;
}

long do_vcpu_op(unsigned long cmd, unsigned long vcpuid, uint64_t arg)
{
    struct domain *d = current->domain;
    struct vcpu *v;

    if ( vcpuid >= d->max_vcpus || !(v = d->vcpu[vcpuid]) )
        return -ENOENT;
    switch ( cmd )
    {
    case VCPUOP_is_up:
        return v->up;                   /* up even while halted or blocked */
    case VCPUOP_initialise:
        return arch_vcpu_initialise_context(v, arg);
    case VCPUOP_up:
        if ( !v->context_set )
            return -EINVAL;
        if ( !v->up )
        {
            v->up = true;
            vcpu_wake(v);
        }
        return 0;
    case VCPUOP_set_singleshot_timer:
        if ( v != current )
            return -EINVAL;
        return set_singleshot_timer(v, arg);
    case VCPUOP_stop_singleshot_timer:
        if ( v != current )
            return -EINVAL;
        stop_timer(&v->singleshot_timer);
        return 0;
    case VCPUOP_stop_periodic_timer:
        return 0;                       /* no periodic timer ever runs */
    }
    return -ENOSYS;
}
