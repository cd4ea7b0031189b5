/*
 * Time for guests (Xen's pvclock ABI, public xen.h):
 *  - each vCPU's vcpu_time_info: a (TSC, system time) pair and the scale
 *    between them, rewritten whenever the vCPU is put on a CPU.  Because
 *    NOW() itself uses that scale (arch/x86/time.c), a record never goes
 *    stale: extrapolating from it gives NOW() to within a nanosecond;
 *  - each domain's wall clock in shared_info: the time of day at system
 *    time 0, from the RTC at boot, reset by dom0 with XENPF_settime.
 * Both are seqlocks: the version is odd while Keel writes, and the guest
 * retries a read that saw an odd or changed version.  x86 keeps stores in
 * order, so a compiler barrier is all the write side needs.
 *
 * TSC_STABLE is not offered: Xen 4.17 sets it only with clocksource=tsc,
 * so Linux keeps its cross-vCPU monotonicity check, as it does on Xen.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <keel/time.h>
#include <asm/guest_time.h>
#include <asm/rtc.h>
#include <asm/time.h>
#include <public/xen.h>

static DEFINE_SPINLOCK(wc_lock);
static uint64_t wc_sec;                 /* wall clock at system time 0 */
static uint32_t wc_nsec;

static uint32_t version_begin(uint32_t version)
{
    return (version + 1) | 1;
}

void update_vcpu_system_time(struct vcpu *v)
{
    struct vcpu_info *vi = v->arch.vcpu_info;
    const struct time_scale *ts = tsc_time_scale();
    struct vcpu_time_info *u;
    uint64_t tsc;
    s_time_t now;

    if ( !vi )
        return;
    u = &vi->time;
    now = stime_and_tsc(&tsc);
    u->version = version_begin(u->version);
    barrier();
    u->tsc_timestamp = tsc;
    u->system_time = now;
    u->tsc_to_system_mul = ts->mul_frac;
    u->tsc_shift = ts->shift;
    u->flags = 0;
    barrier();
    u->version++;
}

void update_domain_wallclock_time(struct domain *d)
{
    struct shared_info *si;

    spin_lock(&wc_lock);
    if ( !(si = d->arch.shared_info) )
    {
        spin_unlock(&wc_lock);          /* dying: its shared_info is on the way out */
        return;
    }
    si->wc_version = version_begin(si->wc_version);
    barrier();
    si->wc_sec = (uint32_t)wc_sec;
    si->wc_nsec = wc_nsec;
    si->wc_sec_hi = (uint32_t)(wc_sec >> 32);
    barrier();
    si->wc_version++;
    spin_unlock(&wc_lock);
}

void forget_domain_wallclock(struct domain *d)
{
    spin_lock(&wc_lock);
    d->arch.shared_info = NULL;
    spin_unlock(&wc_lock);
}

uint64_t wallclock_now_ns(void)
{
    uint64_t sec;
    uint32_t nsec;

    spin_lock(&wc_lock);
    sec = wc_sec;
    nsec = wc_nsec;
    spin_unlock(&wc_lock);
    return sec * NSEC_PER_SEC + nsec + (uint64_t)NOW();
}

static void wallclock_to_domain(struct domain *d, void *arg)
{
    (void)arg;
    update_domain_wallclock_time(d);
}

void do_settime(uint64_t secs, uint32_t nsecs, s_time_t at)
{
    /* Wrapping arithmetic, as Xen's: a time before boot is the guest's problem. */
    uint64_t ns = secs * NSEC_PER_SEC + nsecs - (uint64_t)at;

    spin_lock(&wc_lock);
    wc_sec = ns / NSEC_PER_SEC;
    wc_nsec = ns % NSEC_PER_SEC;
    spin_unlock(&wc_lock);
    domain_for_each(wallclock_to_domain, NULL);
}

void wallclock_init(void)
{
    uint64_t secs = rtc_read_seconds();

    if ( !secs )
        printk(KLOG_WARNING "Time: the RTC could not be read: wall clock starts at 1970\n");
    do_settime(secs, 0, NOW());
}
