/*
 * PV secondary vCPUs: VCPUOP_is_up / initialise / up / down, as Linux's
 * SMP bring-up, hot-unplug and stop paths use them.  Expected answers are
 * Xen 4.17's (dom0 gets one vCPU per CPU: 2 under the runner's -smp 2):
 *  - is_up: 1 for vCPU 0, 0 for the other existing one, -ENOENT past the
 *    last (Linux counts its possible CPUs this way) and for id 2^32-1;
 *  - up of a vCPU that has no state yet: -EINVAL;
 *  - initialise with a bad context pointer -EFAULT; with a non-canonical
 *    rip, kernel_sp or trap handler, more GDT entries than 14 frames hold,
 *    user mode without a user L4, an L4 frame that is not ours or is mapped
 *    writable, or a GDT frame that is writable: -EINVAL, and the vCPU
 *    stays uninitialised (up still -EINVAL); a refused L4 after a good GDT
 *    leaves no reference on the GDT frame (it can be made writable again);
 *  - a good context starts vCPU 1 at its entry with its own stack and the
 *    registers given (rdi); it counts, and sends an IPI-bound port for
 *    vCPU 0, which lands in vCPU 0's selector (not vCPU 1's);
 *  - initialise of a vCPU with a state (vCPU 0, the started vCPU 1):
 *    -EEXIST; up of an up vCPU: 0;
 *  - down of itself: 0 once a later up resumes it; is_up 0 meanwhile;
 *  - down of the other vCPU stops it (its heartbeat stands still) and up
 *    starts it again where it was.
 */
#include "pv.h"
#include "pv_vcpu.h"
#include "pv_clock.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include <public/event_channel.h>

const char test_title[] = "VCPUOP_is_up/initialise/up/down for PV vCPUs, IPI to vCPU 0";

#define LOOPS 200000UL
/* ... and at least this long: a loaded host may not run vCPU 1 for a while. */
#define WAIT_NS (10ULL * 1000000000ULL)

static uint8_t ap_stack[PV_VCPU_STACK] __attribute__((aligned(16)));
static uint8_t gdt_page[4096] __attribute__((aligned(4096)));
static struct vcpu_guest_context c;

static volatile unsigned long runs, heartbeat, stop, seen_id, seen_rsp, down_rc = 1;
static volatile unsigned long phase, hold;
static evtchn_port_t ipi_port;

struct bind_ipi { uint32_t vcpu; evtchn_port_t port; };

/* vCPU 1: a run per VCPUOP_up; phase 1 downs itself mid-run, phase 2 spins. */
static void ap_main(unsigned int id)
{
    unsigned long sp;

    __asm__ __volatile__("mov %%rsp, %0" : "=r" (sp));
    seen_id = id;
    seen_rsp = sp;
    __atomic_fetch_add(&runs, 1, __ATOMIC_SEQ_CST);
    hypercall_event_channel_op(EVTCHNOP_send, &ipi_port);
    while ( hold )
        hypercall_sched_op(SCHEDOP_yield, NULL);
    if ( phase == 1 )
        down_rc = hypercall_vcpu_op(VCPUOP_down, id, NULL);
    while ( phase == 2 && !stop )
    {
        __atomic_fetch_add(&heartbeat, 1, __ATOMIC_SEQ_CST);
        hypercall_sched_op(SCHEDOP_yield, NULL);
    }
}

static long init1(void)
{
    return hypercall_vcpu_op(VCPUOP_initialise, 1, &c);
}

static void good_context(void)
{
    pv_vcpu_context(&c, 1, ap_main, ap_stack + sizeof(ap_stack));
}

static void hostile_contexts(void)
{
    unsigned long data_mfn = virt_to_mfn(gdt_page);

    check_rc("initialise, context pointer in Xen's range",
             hypercall_vcpu_op(VCPUOP_initialise, 1, (void *)0xffff800000000000UL), -EFAULT);
    good_context();
    c.user_regs.rip = 0x0000800000000000UL;
    check_rc("initialise, non-canonical rip", init1(), -EINVAL);
    good_context();
    c.kernel_sp = 0x8000000000000000UL;
    check_rc("initialise, non-canonical kernel_sp", init1(), -EINVAL);
    good_context();
    c.trap_ctxt[3].address = 0x0001000000000000UL;
    c.trap_ctxt[3].vector = 3;
    check_rc("initialise, non-canonical trap handler", init1(), -EINVAL);
    good_context();
    c.gdt_ents = 14 * 512 + 1;
    check_rc("initialise, gdt_ents past 14 frames", init1(), -EINVAL);
    good_context();
    c.flags = 0;
    check_rc("initialise, user mode without a user L4", init1(), -EINVAL);
    good_context();
    c.ctrlreg[3] = xen_pfn_to_cr3(0xfffffffffUL);
    check_rc("initialise, L4 frame that does not exist", init1(), -EINVAL);
    good_context();
    c.ctrlreg[3] = xen_pfn_to_cr3(data_mfn);
    check_rc("initialise, L4 frame mapped writable", init1(), -EINVAL);
    good_context();
    c.gdt_frames[0] = data_mfn;
    c.gdt_ents = 16;
    check_rc("initialise, GDT frame mapped writable", init1(), -EINVAL);
    /* A good GDT, then a refused L4: the GDT frame's reference must go. */
    memset(gdt_page, 0, sizeof(gdt_page));
    check_rc("make the GDT page read-only", make_page_ro(gdt_page), 0);
    good_context();
    c.gdt_frames[0] = data_mfn;
    c.gdt_ents = 16;
    c.ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn(ap_stack));
    check_rc("initialise, good GDT, L4 mapped writable", init1(), -EINVAL);
    check_rc("the GDT page is writable again", make_page_rw(gdt_page), 0);
    check_rc("up after refused contexts", hypercall_vcpu_op(VCPUOP_up, 1, NULL), -EINVAL);
    check_rc("is_up after refused contexts", vcpu_is_up(1), 0);
}

static bool port_pending(evtchn_port_t p)
{
    return __atomic_load_n(&shared_info->evtchn_pending[p / 64], __ATOMIC_SEQ_CST) &
           (1UL << (p % 64));
}

static void clear_port(evtchn_port_t p)
{
    __atomic_and_fetch(&shared_info->evtchn_pending[p / 64], ~(1UL << (p % 64)),
                       __ATOMIC_SEQ_CST);
}

static void start_and_ipi(void)
{
    struct bind_ipi b = { .vcpu = 0 };

    check_rc("bind_ipi for vCPU 0", hypercall_event_channel_op(EVTCHNOP_bind_ipi, &b), 0);
    ipi_port = b.port;
    /* Unmasked (vCPU 0's upcall mask keeps the upcall away): the selector shows. */
    __atomic_and_fetch(&shared_info->evtchn_mask[ipi_port / 64], ~(1UL << (ipi_port % 64)),
                       __ATOMIC_SEQ_CST);
    shared_info->vcpu_info[0].evtchn_pending_sel = 0;
    shared_info->vcpu_info[1].evtchn_pending_sel = 0;
    good_context();
    c.user_regs.rflags |= 0x3000;          /* IOPL 3: virtualised, not refused */
    check_rc("initialise vCPU 1", init1(), 0);
    check_rc("is_up before up", vcpu_is_up(1), 0);
    hold = 1;                              /* run 1 waits until we have looked */
    check_rc("up vCPU 1", hypercall_vcpu_op(VCPUOP_up, 1, NULL), 0);
    if ( !wait_for_value(&runs, 1, LOOPS) )
    {
        xtf_failure("Fail: vCPU 1 never ran its entry point\n");
        return;
    }
    check_eq("vCPU 1's rdi", seen_id, 1);
    check_eq("vCPU 1's stack is its own",
             seen_rsp > (unsigned long)ap_stack &&
             seen_rsp <= (unsigned long)ap_stack + sizeof(ap_stack), 1);
    check_rc("is_up of the running vCPU 1", vcpu_is_up(1), 1);
    /* The pending bit is set before the selector: wait for both. */
    for ( unsigned long i = 0, t_ = pv_now() + WAIT_NS; (i < LOOPS || pv_now() < t_) && !(port_pending(ipi_port) &&
              (shared_info->vcpu_info[0].evtchn_pending_sel & (1UL << (ipi_port / 64)))); i++ )
        hypercall_sched_op(SCHEDOP_yield, NULL);
    check_eq("IPI port pending after vCPU 1 sent it", port_pending(ipi_port), 1);
    check_eq("selector bit in vCPU 0's vcpu_info",
             !!(shared_info->vcpu_info[0].evtchn_pending_sel & (1UL << (ipi_port / 64))), 1);
    check_eq("nothing in vCPU 1's selector", shared_info->vcpu_info[1].evtchn_pending_sel, 0);
    clear_port(ipi_port);
    check_rc("initialise vCPU 1 again", init1(), -EEXIST);
    check_rc("initialise vCPU 0", hypercall_vcpu_op(VCPUOP_initialise, 0, &c), -EEXIST);
    check_rc("up of an up vCPU", hypercall_vcpu_op(VCPUOP_up, 1, NULL), 0);
    check_eq("still one run", runs, 1);
    hold = 0;
    /* The entry returns: vCPU 1 takes itself down. */
    for ( unsigned long i = 0, t_ = pv_now() + WAIT_NS; (i < LOOPS || pv_now() < t_) && vcpu_is_up(1) != 0; i++ )
        hypercall_sched_op(SCHEDOP_yield, NULL);
    check_rc("is_up after vCPU 1 downed itself", vcpu_is_up(1), 0);
}

static void self_down(void)
{
    phase = 1;
    check_rc("up (run 2)", hypercall_vcpu_op(VCPUOP_up, 1, NULL), 0);
    if ( !wait_for_value(&runs, 2, LOOPS) )
        xtf_failure("Fail: vCPU 1 did not run again after up\n");
    for ( unsigned long i = 0, t_ = pv_now() + WAIT_NS; (i < LOOPS || pv_now() < t_) && vcpu_is_up(1) != 0; i++ )
        hypercall_sched_op(SCHEDOP_yield, NULL);
    check_rc("is_up while vCPU 1 is down in VCPUOP_down", vcpu_is_up(1), 0);
    check_eq("VCPUOP_down has not returned yet", down_rc, 1);
    phase = 0;
    check_rc("up (resume from down)", hypercall_vcpu_op(VCPUOP_up, 1, NULL), 0);
    for ( unsigned long i = 0, t_ = pv_now() + WAIT_NS; (i < LOOPS || pv_now() < t_) && down_rc == 1; i++ )
        hypercall_sched_op(SCHEDOP_yield, NULL);
    check_rc("VCPUOP_down on itself, after the up", (long)down_rc, 0);
    for ( unsigned long i = 0, t_ = pv_now() + WAIT_NS; (i < LOOPS || pv_now() < t_) && vcpu_is_up(1) != 0; i++ )
        hypercall_sched_op(SCHEDOP_yield, NULL);
}

static unsigned long beats_after_yields(unsigned int n)
{
    unsigned long before = heartbeat;

    for ( unsigned int i = 0; i < n; i++ )
        hypercall_sched_op(SCHEDOP_yield, NULL);
    return heartbeat - before;
}

static void remote_down(void)
{
    unsigned long before;

    phase = 2;
    check_rc("up (run 3: heartbeat)", hypercall_vcpu_op(VCPUOP_up, 1, NULL), 0);
    for ( unsigned long i = 0, t_ = pv_now() + WAIT_NS; (i < LOOPS || pv_now() < t_) && heartbeat < 10; i++ )
        hypercall_sched_op(SCHEDOP_yield, NULL);
    check_eq("vCPU 1's heartbeat runs", heartbeat >= 10, 1);
    check_rc("down vCPU 1 from vCPU 0", hypercall_vcpu_op(VCPUOP_down, 1, NULL), 0);
    check_rc("is_up after remote down", vcpu_is_up(1), 0);
    beats_after_yields(100);               /* let a beat in flight finish */
    check_eq("heartbeat stands still while down", beats_after_yields(2000), 0);
    before = heartbeat;
    check_rc("up vCPU 1 again", hypercall_vcpu_op(VCPUOP_up, 1, NULL), 0);
    for ( unsigned long i = 0, t_ = pv_now() + WAIT_NS; (i < LOOPS || pv_now() < t_) && heartbeat == before; i++ )
        hypercall_sched_op(SCHEDOP_yield, NULL);
    check_eq("heartbeat resumes after up", heartbeat != before, 1);
    stop = 1;
    for ( unsigned long i = 0, t_ = pv_now() + WAIT_NS; (i < LOOPS || pv_now() < t_) && vcpu_is_up(1) != 0; i++ )
        hypercall_sched_op(SCHEDOP_yield, NULL);
    check_rc("is_up after the last run", vcpu_is_up(1), 0);
}

void test_main(void)
{
    unsigned int n = pv_nr_vcpus(64);

    printk("dom0 has %u vCPU(s)\n", n);
    if ( n < 2 )
    {
        xtf_skip("Skip: needs 2 vCPUs (QEMU -smp 2)\n");
        return;
    }
    check_rc("is_up(0)", vcpu_is_up(0), 1);
    check_rc("is_up(1), never started", vcpu_is_up(1), 0);
    check_rc("is_up(first id past the last)", vcpu_is_up(n), -ENOENT);
    check_rc("is_up(2^32-1)", vcpu_is_up(0xffffffffu), -ENOENT);
    check_rc("down of a vCPU id past the last", hypercall_vcpu_op(VCPUOP_down, n, NULL), -ENOENT);
    check_rc("up of a never-started vCPU", hypercall_vcpu_op(VCPUOP_up, 1, NULL), -EINVAL);
    hostile_contexts();
    start_and_ipi();
    self_down();
    remote_down();
}
