/*
 * VCPUOP_register_vcpu_info: vCPU 0's vcpu_info moves into a data page.
 * Expected answers are Xen 4.17's (map_vcpu_info):
 *  - unknown vCPU -ENOENT; bad argument pointer -EFAULT;
 *  - an offset whose vcpu_info would cross the page end, or one not
 *    8-byte aligned: -ENXIO;
 *  - a frame that is not ours (mfn 0, a huge mfn) or that is a page
 *    table (our L4): -EINVAL;
 *  - success copies the old vcpu_info (mask, time) and marks everything
 *    pending (evtchn_upcall_pending 1, evtchn_pending_sel all ones);
 *  - a second registration, same or other offset: -EINVAL;
 *  - afterwards events and time go to the new place only: a VIRQ_TIMER
 *    sets the new selector and upcall flag, not the old ones; the new
 *    upcall mask gates delivery; the new time record is renewed while the
 *    old one stays as it was.
 */
#include "pv.h"
#include "pv_clock.h"
#include "pv_events.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "VCPUOP_register_vcpu_info";

#define NEW_OFFSET 192

static uint8_t vi_page[4096] __page_aligned __section(".bss.page_aligned");

static long reg(unsigned int vcpu, uint64_t mfn, uint32_t offset)
{
    struct vcpu_register_vcpu_info info = { .mfn = mfn, .offset = offset };

    return hypercall_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &info);
}

static void check_hostile(void)
{
    unsigned long mfn = virt_to_mfn(vi_page);

    check_rc("bad vcpu", reg(1000, mfn, 0), -ENOENT);
    check_rc("bad pointer", hypercall_vcpu_op(VCPUOP_register_vcpu_info, 0, (void *)0x1000), -EFAULT);
    check_rc("crosses the page end", reg(0, mfn, 4096 - 56), -ENXIO);
    check_rc("beyond the page", reg(0, mfn, 8192), -ENXIO);
    check_rc("misaligned", reg(0, mfn, 4), -ENXIO);
    check_rc("mfn 0 (not ours)", reg(0, 0, 0), -EINVAL);
    check_rc("huge mfn", reg(0, 1UL << 40, 0), -EINVAL);
    check_rc("our L4 page table", reg(0, virt_to_mfn((void *)start_info->pt_base), 0), -EINVAL);
}

void test_main(void)
{
    struct vcpu_info *old = vcpu0_info();
    struct vcpu_info *new = (struct vcpu_info *)(vi_page + NEW_OFFSET);
    struct vcpu_time_info old_time, t0, t1;
    uint64_t start;
    long port;

    check_hostile();

    old->evtchn_pending_sel = 0;
    old->evtchn_upcall_pending = 0;
    pvclock_snapshot(&old->time, &old_time);
    check_rc("register", reg(0, virt_to_mfn(vi_page), NEW_OFFSET), 0);
    if ( new->evtchn_upcall_mask != 1 )
        xtf_failure("Fail: upcall mask not copied: %u\n", new->evtchn_upcall_mask);
    check_eq("evtchn_upcall_pending after the move", new->evtchn_upcall_pending, 1);
    check_eq("evtchn_pending_sel after the move", new->evtchn_pending_sel, ~0UL);
    if ( new->time.version & 1 )
        xtf_failure("Fail: new time record version odd\n");
    check_eq("tsc_to_system_mul at the new place", new->time.tsc_to_system_mul,
             old_time.tsc_to_system_mul);
    if ( new->time.system_time < old_time.system_time )
        xtf_failure("Fail: new time record older than the old one\n");
    live_vcpu_info = new;
    new->evtchn_pending_sel = 0;
    new->evtchn_upcall_pending = 0;

    check_rc("second registration", reg(0, virt_to_mfn(vi_page), NEW_OFFSET), -EINVAL);
    check_rc("second registration elsewhere", reg(0, virt_to_mfn(vi_page), 0), -EINVAL);

    /* Events land at the new place. */
    port = timer_events_setup();
    if ( port < 0 )
        return xtf_error("Error: timer setup: %ld\n", port);
    pvclock_snapshot(&old->time, &old_time);
    check_rc("set_timer_op", hypercall_set_timer_op(pv_now() + 1000000), 0);
    spin_ns(20000000);
    check_eq("new evtchn_upcall_pending after VIRQ_TIMER", new->evtchn_upcall_pending, 1);
    check_eq("new evtchn_pending_sel after VIRQ_TIMER",
             new->evtchn_pending_sel & (1UL << (port / 64)), 1UL << (port / 64));
    check_eq("old evtchn_pending_sel", old->evtchn_pending_sel, 0);
    check_eq("old evtchn_upcall_pending", old->evtchn_upcall_pending, 0);
    if ( upcalls )
        xtf_failure("Fail: upcall delivered with the new mask set\n");
    new->evtchn_upcall_mask = 0;
    hypercall_xen_version(XENVER_version, NULL);   /* events are looked at on the way out */
    events_mask();
    if ( !upcalls || !port_seen(port) )
        xtf_failure("Fail: clearing the new mask delivered no upcall (%u)\n", upcalls);
    port_forget(port);

    /* Time is renewed at the new place only. */
    pvclock_snapshot(&new->time, &t0);
    start = pv_now();
    do {
        sleep_ns(20000000);
        pvclock_snapshot(&new->time, &t1);
    } while ( t1.tsc_timestamp == t0.tsc_timestamp && pv_now() - start < 3000000000UL );
    if ( t1.tsc_timestamp == t0.tsc_timestamp )
        xtf_failure("Fail: new time record not renewed in 3 s\n");
    if ( old->time.version != old_time.version || old->time.tsc_timestamp != old_time.tsc_timestamp )
        xtf_failure("Fail: the old time record is still being written\n");
}
