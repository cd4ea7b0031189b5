/* vcpu_op: per-vCPU operations (the subset before event channels land). */
#include <keel/lib.h>
#include <keel/domain.h>
#include <asm/current.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>
#include <public/vcpu.h>

long do_vcpu_op(unsigned long cmd, unsigned long vcpuid, uint64_t arg)
{
    struct domain *d = current->domain;
    struct vcpu *v;

    (void)arg;
    if ( vcpuid >= d->max_vcpus || !(v = d->vcpu[vcpuid]) )
        return -ENOENT;
    switch ( cmd )
    {
    case VCPUOP_is_up:
        return v->runnable || v->is_running;
    case VCPUOP_stop_periodic_timer:
    case VCPUOP_stop_singleshot_timer:
        return 0;                       /* no timers run yet: already stopped */
    }
    return -ENOSYS;
}
