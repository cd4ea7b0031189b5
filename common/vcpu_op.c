/*
 * vcpu_op: per-vCPU operations.  The vCPU is named by id within the
 * caller's own domain (-ENOENT otherwise); each case checks in Xen 4.17's
 * order and returns its codes.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/time.h>
#include <keel/timer.h>
#include <keel/sched.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/hvm/hvm.h>
#include <asm/pv.h>
#include <asm/pv_hypercalls.h>
#include <asm/vcpu_info.h>
#include <public/errno.h>
#include <public/sched.h>
#include <public/vcpu.h>

/* Xen's bounds: at least 1 ms, at most 2^62 ns. */
#define PERIOD_MIN MILLISECS(1)
#define PERIOD_MAX ((s_time_t)(~0ULL >> 2))

static long set_periodic_timer(struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_periodic_timer p;

    if ( copy_from_guest(&p, arg, sizeof(p)) )
        return -EFAULT;
    if ( (s_time_t)p.period_ns < PERIOD_MIN || (s_time_t)p.period_ns > PERIOD_MAX )
        return -EINVAL;
    vcpu_set_periodic_timer(v, p.period_ns);
    return 0;
}

static long get_runstate_info(struct vcpu *v, uint64_t arg)
{
    struct vcpu_runstate_info rs;

    vcpu_runstate_get(v, &rs);
    return copy_to_guest(arg, &rs, sizeof(rs));
}

static long register_vcpu_info(struct vcpu *v, uint64_t arg)
{
    struct vcpu_register_vcpu_info info;

    if ( copy_from_guest(&info, arg, sizeof(info)) )
        return -EFAULT;
    return map_vcpu_info(v, info.mfn, info.offset);
}

static long vcpu_initialise(struct vcpu *v, uint64_t arg)
{
    /* Xen: a vCPU beyond the shared_info slots needs its vcpu_info registered first. */
    if ( !v->arch.vcpu_info )
        return -EINVAL;
    return is_hvm_vcpu(v) ? arch_vcpu_initialise_context(v, arg)
                          : pv_vcpu_initialise(v, arg);
}

static long vcpu_up(struct vcpu *v)
{
    if ( !v->context_set )
        return -EINVAL;
    if ( !v->up )
    {
        v->up = true;
        vcpu_wake(v);
    }
    return 0;
}

/*
 * As Xen: the last vCPU going down powers the domain off; otherwise the
 * vCPU stops being scheduled (itself too: the hypercall returns 0 when a
 * later VCPUOP_up resumes it) and only VCPUOP_up brings it back, not events.
 */
static long vcpu_down(struct vcpu *v)
{
    struct domain *d = v->domain;
    struct vcpu *o;
    bool others_up = false;

    for_each_vcpu(d, o)
        if ( o != v && o->up )
            others_up = true;
    if ( !others_up )
    {
        domain_shutdown(d, SHUTDOWN_poweroff);
        return 0;
    }
    if ( v->up )
    {
        v->up = false;
        v->blocked = false;             /* an event kick must not wake it */
        vcpu_sleep(v);
    }
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
        return vcpu_initialise(v, arg);
    case VCPUOP_up:
        return vcpu_up(v);
    case VCPUOP_down:
        return vcpu_down(v);
    case VCPUOP_get_runstate_info:
        return get_runstate_info(v, arg);
    case VCPUOP_register_runstate_memory_area:
        return vcpu_register_runstate_area(v, arg);
    case VCPUOP_set_periodic_timer:
        return set_periodic_timer(v, arg);
    case VCPUOP_stop_periodic_timer:
        vcpu_set_periodic_timer(v, 0);
        return 0;
    case VCPUOP_set_singleshot_timer:
        if ( v != current )
            return -EINVAL;
        return vcpu_set_singleshot_timer(v, arg);
    case VCPUOP_stop_singleshot_timer:
        if ( v != current )
            return -EINVAL;
        stop_timer(&v->singleshot_timer);
        return 0;
    case VCPUOP_register_vcpu_info:
        return register_vcpu_info(v, arg);
    }
    return -ENOSYS;
}
