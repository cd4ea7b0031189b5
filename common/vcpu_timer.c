/*
 * Guest timers, both delivered as VIRQ_TIMER to their vCPU:
 *  - the one-shot timer, armed by set_timer_op (absolute system time, 0
 *    cancels) or VCPUOP_set_singleshot_timer;
 *  - the periodic timer (VCPUOP_set/stop_periodic_timer; PV vCPUs start
 *    with Xen's 100 Hz).  As on Xen it ticks only while its vCPU is on a
 *    CPU: stopped when the vCPU is switched out, and on the way back in a
 *    tick that fell due meanwhile is sent at once.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/event.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/time.h>
#include <keel/timer.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/hvm/hvm.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>
#include <public/vcpu.h>
#include <public/xen.h>

#define PV_DEFAULT_PERIOD  MILLISECS(10)
/* Xen's limit: timeouts 2^50 ns (13 days) or more ahead are taken as bogus. */
#define HUGE_TIMEOUT_SHIFT 50
#define HUGE_TIMEOUT_RETRY MILLISECS(100)

/*
 * Linux's jiffies arithmetic sometimes asks for a negative or absurdly far
 * timeout.  Xen answers those with a tick in 100 ms: soon enough for
 * pending work, rare enough not to spin a guest that has none.
 */
long do_set_timer_op(uint64_t timeout)
{
    struct vcpu *v = current;
    s_time_t t = (s_time_t)timeout;
    s_time_t offset = t - NOW();

    if ( t == 0 )
        stop_timer(&v->singleshot_timer);
    else if ( t < 0 || (offset > 0 && (offset >> HUGE_TIMEOUT_SHIFT) != 0) )
    {
        printk(KLOG_INFO "d%uv%u: huge timeout set: %#lx\n",
               v->domain->domain_id, v->vcpu_id, timeout);
        set_timer(&v->singleshot_timer, NOW() + HUGE_TIMEOUT_RETRY);
    }
    else
        set_timer(&v->singleshot_timer, t);
    return 0;
}

/* A timeout already passed sends the event now (VCPU_SSHOTTMR_future is ignored, as on Xen 4.17). */
long vcpu_set_singleshot_timer(struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_singleshot_timer t;

    if ( copy_from_guest(&t, arg, sizeof(t)) )
        return -EFAULT;
    if ( (s_time_t)t.timeout_abs_ns < NOW() )
    {
        stop_timer(&v->singleshot_timer);
        send_guest_vcpu_virq(v, VIRQ_TIMER);
        return 0;
    }
    set_timer(&v->singleshot_timer, t.timeout_abs_ns);
    return 0;
}

/* Send the tick if it is due and arm the next one. */
static void periodic_tick(struct vcpu *v)
{
    s_time_t now = NOW();
    s_time_t next = v->periodic_last_event + v->periodic_period;

    if ( now >= next )
    {
        send_guest_vcpu_virq(v, VIRQ_TIMER);
        v->periodic_last_event = now;
        next = now + v->periodic_period;
    }
    set_timer(&v->periodic_timer, next);
}

static void periodic_timer_fn(void *data)
{
    struct vcpu *v = data;

    if ( v->periodic_period )
        periodic_tick(v);
}

void vcpu_periodic_timer_init(struct vcpu *v)
{
    init_timer(&v->periodic_timer, periodic_timer_fn, v, v->processor);
    v->periodic_period = v->domain->arch.is_hvm ? 0 : PV_DEFAULT_PERIOD;
}

void vcpu_set_periodic_timer(struct vcpu *v, s_time_t period)
{
    stop_timer(&v->periodic_timer);
    v->periodic_period = period;
    if ( period && v->is_running )
        periodic_tick(v);
}

void vcpu_periodic_timer_switch(struct vcpu *prev, struct vcpu *next)
{
    if ( !is_idle_vcpu(prev) )
        stop_timer(&prev->periodic_timer);
    if ( !is_idle_vcpu(next) && next->periodic_period )
        periodic_tick(next);
}
