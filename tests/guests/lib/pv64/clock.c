/* pvclock reads, wall clock and sleeping for pv64 tests (pv_clock.h). */
#include "pv_clock.h"
#include "pv_events.h"
#include "report.h"

static long timer_port = -1;

void pvclock_snapshot(const struct vcpu_time_info *t, struct vcpu_time_info *out)
{
    const volatile struct vcpu_time_info *vt = t;
    uint32_t v1, v2;

    do {
        v1 = vt->version;
        __asm__ __volatile__("" ::: "memory");
        out->tsc_timestamp = vt->tsc_timestamp;
        out->system_time = vt->system_time;
        out->tsc_to_system_mul = vt->tsc_to_system_mul;
        out->tsc_shift = vt->tsc_shift;
        out->flags = vt->flags;
        __asm__ __volatile__("" ::: "memory");
        v2 = vt->version;
    } while ( (v1 & 1) || v1 != v2 );
    out->version = v1;
}

uint64_t pvclock_at(const struct vcpu_time_info *rec, uint64_t tsc)
{
    uint64_t delta = tsc - rec->tsc_timestamp;

    if ( rec->tsc_shift < 0 )
        delta >>= -rec->tsc_shift;
    else
        delta <<= rec->tsc_shift;
    return rec->system_time +
           (uint64_t)(((unsigned __int128)delta * rec->tsc_to_system_mul) >> 32);
}

uint64_t pv_now(void)
{
    struct vcpu_time_info rec;

    pvclock_snapshot(&vcpu0_live()->time, &rec);
    return pvclock_at(&rec, rdtsc());
}

void wallclock_read(uint64_t *sec, uint32_t *nsec)
{
    const volatile struct shared_info *si = shared_info;
    uint32_t v1, v2;

    do {
        v1 = si->wc_version;
        __asm__ __volatile__("" ::: "memory");
        *sec = si->wc_sec | ((uint64_t)si->wc_sec_hi << 32);
        *nsec = si->wc_nsec;
        __asm__ __volatile__("" ::: "memory");
        v2 = si->wc_version;
    } while ( (v1 & 1) || v1 != v2 );
}

long timer_events_setup(void)
{
    long rc = hypercall_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);

    if ( rc )
        return rc;
    events_catch();
    timer_port = bind_virq(VIRQ_TIMER, 0);
    return timer_port;
}

void sleep_ns(uint64_t ns)
{
    uint64_t end = pv_now() + ns;

    if ( timer_port < 0 )
    {
        xtf_error("Error: sleep_ns without timer_events_setup\n");
        xtf_exit();
    }
    while ( pv_now() < end )
    {
        hypercall_set_timer_op(end);
        hypercall_sched_op(SCHEDOP_block, NULL);
        events_mask();
    }
    port_forget(timer_port);
}

void spin_ns(uint64_t ns)
{
    uint64_t end = pv_now() + ns;

    while ( pv_now() < end )
        __asm__ __volatile__("pause");
}
