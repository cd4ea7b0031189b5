/*
 * Guest time (pvclock): vCPU 0's vcpu_time_info, the wall clock in
 * shared_info, set_timer_op with VIRQ_TIMER, the periodic timer and
 * XENPF_settime64/32.  Expected answers are Xen 4.17's:
 *  - the record's version is even between updates, the scale is sane,
 *    and extrapolating an old record to a newer one's TSC agrees with it;
 *  - the clock never goes back over many reads;
 *  - the wall clock (wc_sec | wc_sec_hi << 32 + system time) is after 2020;
 *  - set_timer_op(t) wakes SCHEDOP_block with VIRQ_TIMER no earlier than
 *    t; set_timer_op(0) cancels; a negative timeout returns 0 and fires in
 *    about 100 ms (Xen's "huge timeout" rule), not at once;
 *  - VCPUOP_set_periodic_timer: below 1 ms -EINVAL, bad pointer -EFAULT;
 *    5 ms ticks while the vCPU runs; stop_periodic_timer returns 0;
 *  - platform_op: bad pointer -EFAULT, wrong interface version -EACCES,
 *    settime64 with mbz set -EINVAL, unknown command -ENOSYS; settime64
 *    and settime32 move wc_sec so that the wall clock reads what was set.
 */
#include "pv.h"
#include "pv_clock.h"
#include "pv_events.h"
#include "console.h"
#include "report.h"
#include <public/platform.h>

const char test_title[] = "pvclock, wall clock, set_timer_op, periodic timer, settime";

#define YEAR_2020 1577836800UL
#define YEAR_2100 4102444800UL

static long timer_port;

static bool timer_pending(void)
{
    return shared_info->evtchn_pending[timer_port / 64] & (1UL << (timer_port % 64));
}

static void timer_clear(void)
{
    __atomic_and_fetch(&shared_info->evtchn_pending[timer_port / 64],
                       ~(1UL << (timer_port % 64)), __ATOMIC_SEQ_CST);
    vcpu0_live()->evtchn_pending_sel = 0;
    vcpu0_live()->evtchn_upcall_pending = 0;
    port_forget(timer_port);
}

static void check_record(void)
{
    const struct vcpu_time_info *t = &vcpu0_live()->time;
    struct vcpu_time_info a, b;
    uint64_t start, last = 0;

    pvclock_snapshot(t, &a);
    if ( a.version & 1 )
        xtf_failure("Fail: version %u is odd outside an update\n", a.version);
    if ( a.tsc_to_system_mul == 0 || a.tsc_shift < -8 || a.tsc_shift > 8 )
        xtf_failure("Fail: scale mul %#x shift %d\n", a.tsc_to_system_mul, a.tsc_shift);
    if ( a.flags & ~(XEN_PVCLOCK_TSC_STABLE_BIT | XEN_PVCLOCK_GUEST_STOPPED) )
        xtf_failure("Fail: unknown flags %#x\n", a.flags);
    if ( a.system_time == 0 )
        xtf_failure("Fail: system_time 0\n");

    for ( unsigned int i = 0; i < 20000; i++ )
    {
        uint64_t now = pv_now();

        if ( now < last )
        {
            xtf_failure("Fail: clock went back: %lu after %lu (read %u)\n", now, last, i);
            break;
        }
        last = now;
    }

    /* Sleep until the record is renewed (Xen: at least once a second). */
    start = pv_now();
    do {
        sleep_ns(20000000);
        pvclock_snapshot(t, &b);
    } while ( b.tsc_timestamp == a.tsc_timestamp && pv_now() - start < 3000000000UL );
    if ( b.tsc_timestamp == a.tsc_timestamp )
        xtf_failure("Fail: time record not renewed in 3 s\n");
    else
    {
        uint64_t predicted = pvclock_at(&a, b.tsc_timestamp);
        uint64_t span = b.system_time - a.system_time;
        int64_t diff = (int64_t)(predicted - b.system_time);

        if ( b.system_time <= a.system_time )
            xtf_failure("Fail: system_time %lu then %lu\n", a.system_time, b.system_time);
        /* The scale must describe the TSC: within 1% of the span, plus 100 us. */
        if ( diff > (int64_t)(span / 100 + 100000) || -diff > (int64_t)(span / 100 + 100000) )
            xtf_failure("Fail: old record predicts %lu at the new TSC, new says %lu\n",
                        predicted, b.system_time);
    }
}

static void check_wallclock(void)
{
    uint64_t sec, now_sec;
    uint32_t nsec;

    wallclock_read(&sec, &nsec);
    if ( shared_info->wc_version & 1 )
        xtf_failure("Fail: wc_version odd\n");
    if ( nsec >= 1000000000 )
        xtf_failure("Fail: wc_nsec %u\n", nsec);
    now_sec = sec + (pv_now() + nsec) / 1000000000UL;
    if ( now_sec < YEAR_2020 || now_sec > YEAR_2100 )
        xtf_failure("Fail: wall clock %lu s is not between 2020 and 2100\n", now_sec);
}

static void check_set_timer_op(void)
{
    uint64_t deadline, t;

    /* 100 us ahead, then block: the VIRQ_TIMER upcall wakes us, not early. */
    deadline = pv_now() + 100000;
    check_rc("set_timer_op +100us", hypercall_set_timer_op(deadline), 0);
    t = pv_now();
    while ( !port_seen(timer_port) && pv_now() - t < 2000000000UL )
    {
        hypercall_sched_op(SCHEDOP_block, NULL);
        events_mask();
    }
    if ( !port_seen(timer_port) )
        xtf_failure("Fail: no VIRQ_TIMER within 2 s of set_timer_op\n");
    else if ( (t = pv_now()) < deadline )
        xtf_failure("Fail: woken at %lu, before the deadline %lu\n", t, deadline);
    timer_clear();

    /* 0 cancels (events masked: only the pending bit would show it). */
    check_rc("set_timer_op +2ms", hypercall_set_timer_op(pv_now() + 2000000), 0);
    check_rc("set_timer_op(0)", hypercall_set_timer_op(0), 0);
    spin_ns(20000000);
    if ( timer_pending() )
        xtf_failure("Fail: set_timer_op(0) did not cancel the timer\n");
    /* ... and the same without the cancel does fire. */
    check_rc("set_timer_op +1ms", hypercall_set_timer_op(pv_now() + 1000000), 0);
    spin_ns(20000000);
    if ( !timer_pending() )
        xtf_failure("Fail: set_timer_op +1ms never fired while spinning\n");
    timer_clear();

    /* Negative: accepted, fires in about 100 ms rather than now. */
    t = pv_now();
    check_rc("set_timer_op(negative)", hypercall_set_timer_op(1UL << 63), 0);
    spin_ns(30000000);
    if ( timer_pending() )
        xtf_failure("Fail: negative timeout fired within 30 ms\n");
    while ( !timer_pending() && pv_now() - t < 2000000000UL )
        ;
    if ( !timer_pending() )
        xtf_failure("Fail: negative timeout never fired\n");
    timer_clear();
    hypercall_set_timer_op(0);
}

static void check_periodic(void)
{
    struct vcpu_set_periodic_timer p = { .period_ns = 999999 };

    check_rc("set_periodic_timer < 1 ms", hypercall_vcpu_op(VCPUOP_set_periodic_timer, 0, &p), -EINVAL);
    check_rc("set_periodic_timer bad pointer",
             hypercall_vcpu_op(VCPUOP_set_periodic_timer, 0, (void *)0x1000), -EFAULT);
    check_rc("set_periodic_timer bad vcpu", hypercall_vcpu_op(VCPUOP_set_periodic_timer, 1000, &p), -ENOENT);
    p.period_ns = 5000000;
    check_rc("set_periodic_timer 5 ms", hypercall_vcpu_op(VCPUOP_set_periodic_timer, 0, &p), 0);
    spin_ns(40000000);
    if ( !timer_pending() )
        xtf_failure("Fail: no periodic tick in 40 ms\n");
    check_rc("stop_periodic_timer", hypercall_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    timer_clear();
    spin_ns(40000000);
    if ( timer_pending() )
        xtf_failure("Fail: periodic tick after stop_periodic_timer\n");
    timer_clear();
}

static long settime64(uint64_t secs, uint32_t mbz)
{
    struct xen_platform_op op = {
        .cmd = XENPF_settime64, .interface_version = XENPF_INTERFACE_VERSION,
    };

    op.u.settime64.secs = secs;
    op.u.settime64.mbz = mbz;
    op.u.settime64.system_time = pv_now();
    return hypercall_platform_op(&op);
}

static void check_wall_now(const char *what, uint64_t want)
{
    uint64_t sec;
    uint32_t nsec;
    uint64_t now;

    wallclock_read(&sec, &nsec);
    now = sec + (pv_now() + nsec) / 1000000000UL;
    if ( now < want || now > want + 2 )
        xtf_failure("Fail: %s: wall clock %lu, expected about %lu\n", what, now, want);
}

static void check_settime(void)
{
    struct xen_platform_op op = { .cmd = XENPF_settime64, .interface_version = 0x03000000 };
    uint64_t sec, target;
    uint32_t nsec;

    check_rc("platform_op bad pointer", hypercall_platform_op((void *)0x1000), -EFAULT);
    check_rc("platform_op old interface", hypercall_platform_op(&op), -EACCES);
    op.interface_version = XENPF_INTERFACE_VERSION;
    op.cmd = 0xffff;
    check_rc("platform_op unknown cmd", hypercall_platform_op(&op), -ENOSYS);

    wallclock_read(&sec, &nsec);
    target = sec + pv_now() / 1000000000UL + 1000000;
    check_rc("settime64 mbz", settime64(target, 1), -EINVAL);
    check_wall_now("after a refused settime64", target - 1000000);
    check_rc("settime64", settime64(target, 0), 0);
    check_wall_now("settime64", target);
    if ( shared_info->wc_version & 1 )
        xtf_failure("Fail: wc_version odd after settime64\n");

    op.cmd = XENPF_settime32;
    op.u.settime32.secs = (uint32_t)(target - 1000000);
    op.u.settime32.nsecs = 0;
    op.u.settime32.system_time = pv_now();
    check_rc("settime32", hypercall_platform_op(&op), 0);
    check_wall_now("settime32", target - 1000000);
}

void test_main(void)
{
    timer_port = timer_events_setup();
    if ( timer_port < 0 )
        return xtf_error("Error: timer setup: %ld\n", timer_port);
    check_record();
    check_wallclock();
    check_set_timer_op();
    check_periodic();
    check_settime();
    if ( upcalls == 0 )
        xtf_failure("Fail: no upcall ever delivered\n");
}
