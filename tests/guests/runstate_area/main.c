/*
 * Runstates: VCPUOP_register_runstate_memory_area and
 * VCPUOP_get_runstate_info.  Expected answers are Xen 4.17's:
 *  - bad argument pointer -EFAULT; an area in the hypervisor's hole or in
 *    the non-canonical gap -EFAULT; an unmapped (but guest) address is
 *    accepted (0): the copies just fail; unknown vCPU -ENOENT;
 *  - at registration the area is written at once: state running;
 *  - across set_timer_op + SCHEDOP_block the area is rewritten: still
 *    running when we look, entered later, blocked time grown, no time
 *    ever going back; get_runstate_info is at least the area's figures
 *    and its times add up to no more than the system time;
 *  - with VMASST_TYPE_runstate_update_flag on, XEN_RUNSTATE_UPDATE is
 *    never left set in the area or in get_runstate_info.
 */
#include "pv.h"
#include "pv_clock.h"
#include "pv_events.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Runstate area and get_runstate_info";

static struct vcpu_runstate_info area __attribute__((aligned(64)));

static long reg(uint64_t addr)
{
    struct vcpu_register_runstate_memory_area a = { .addr = addr };

    return hypercall_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a);
}

static void snapshot(struct vcpu_runstate_info *out)
{
    /* Only this vCPU's switches write it, and never while we run. */
    *out = *(volatile struct vcpu_runstate_info *)&area;
}

static void check_monotonic(const char *what, const struct vcpu_runstate_info *a,
                            const struct vcpu_runstate_info *b)
{
    for ( unsigned int i = 0; i < 4; i++ )
        if ( b->time[i] < a->time[i] )
            xtf_failure("Fail: %s: time[%u] went back: %lu -> %lu\n", what, i,
                        a->time[i], b->time[i]);
    if ( (b->state_entry_time & ~XEN_RUNSTATE_UPDATE) < (a->state_entry_time & ~XEN_RUNSTATE_UPDATE) )
        xtf_failure("Fail: %s: state_entry_time went back\n", what);
}

static void check_hostile(void)
{
    struct vcpu_runstate_info rs;

    check_rc("register: bad pointer",
             hypercall_vcpu_op(VCPUOP_register_runstate_memory_area, 0, (void *)0x1000), -EFAULT);
    check_rc("register: hypervisor hole", reg(0xffff830000000000UL), -EFAULT);
    check_rc("register: non-canonical", reg(0x0000800000000000UL), -EFAULT);
    check_rc("register: bad vcpu",
             hypercall_vcpu_op(VCPUOP_register_runstate_memory_area, 1000, &area), -ENOENT);
    check_rc("register: unmapped guest address", reg(0x2000), 0);
    check_rc("get_runstate_info: bad pointer",
             hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, (void *)0x1000), -EFAULT);
    check_rc("get_runstate_info: bad vcpu",
             hypercall_vcpu_op(VCPUOP_get_runstate_info, 1000, &rs), -ENOENT);
    /* The unmapped area is rewritten at every switch: it must not hurt. */
    sleep_ns(1000000);
}

static void check_area(const char *what)
{
    struct vcpu_runstate_info a, b, g;
    uint64_t now;

    snapshot(&a);
    for ( unsigned int i = 0; i < 5; i++ )
    {
        hypercall_sched_op(SCHEDOP_yield, NULL);
        sleep_ns(2000000);
    }
    snapshot(&b);
    check_rc("get_runstate_info", hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, &g), 0);
    now = pv_now();

    if ( b.state != RUNSTATE_running )
        xtf_failure("Fail: %s: area state %d while running\n", what, b.state);
    if ( b.state_entry_time & XEN_RUNSTATE_UPDATE )
        xtf_failure("Fail: %s: XEN_RUNSTATE_UPDATE left set\n", what);
    if ( b.state_entry_time <= a.state_entry_time )
        xtf_failure("Fail: %s: the area was not rewritten by the blocks\n", what);
    if ( b.time[RUNSTATE_blocked] <= a.time[RUNSTATE_blocked] )
        xtf_failure("Fail: %s: blocked time did not grow (%lu -> %lu)\n", what,
                    a.time[RUNSTATE_blocked], b.time[RUNSTATE_blocked]);
    check_monotonic(what, &a, &b);

    if ( g.state != RUNSTATE_running )
        xtf_failure("Fail: %s: get_runstate_info state %d\n", what, g.state);
    if ( g.state_entry_time & XEN_RUNSTATE_UPDATE )
        xtf_failure("Fail: %s: get_runstate_info has XEN_RUNSTATE_UPDATE\n", what);
    check_monotonic(what, &b, &g);
    if ( g.time[0] + g.time[1] + g.time[2] + g.time[3] > now )
        xtf_failure("Fail: %s: times add up to more than the system time\n", what);
    if ( g.state_entry_time > now )
        xtf_failure("Fail: %s: state entered in the future\n", what);
}

void test_main(void)
{
    long port = timer_events_setup();

    if ( port < 0 )
        return xtf_error("Error: timer setup: %ld\n", port);
    check_hostile();

    memset(&area, 0xff, sizeof(area));
    check_rc("register", reg((unsigned long)&area), 0);
    if ( area.state != RUNSTATE_running )
        xtf_failure("Fail: area not written at registration: state %d\n", area.state);
    if ( area.state_entry_time > pv_now() )
        xtf_failure("Fail: state_entry_time %lu is in the future\n", area.state_entry_time);
    check_area("no update flag");

    check_rc("vm_assist runstate_update_flag",
             hypercall_vm_assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag), 0);
    check_area("update flag");
    check_rc("vm_assist off",
             hypercall_vm_assist(VMASST_CMD_disable, VMASST_TYPE_runstate_update_flag), 0);
}
