/*
 * SCHEDOP_poll, as Linux's PV spinlocks use it (one masked port, often a
 * timeout).  Expected answers are Xen 4.17's (do_poll):
 *  - a pending port (masked: no upcall needed) returns 0 at once;
 *  - a timeout 10 ms ahead returns 0 no earlier than that; a timeout in
 *    the past returns 0 promptly;
 *  - more than 128 ports -EINVAL; a port array in Xen's range -EFAULT; an
 *    unmapped one -EFAULT; a bad argument pointer -EFAULT;
 *  - port 0, a port never bound and one past the ABI's 4096 are -EINVAL;
 *    the ports are looked at in order: a pending one ahead of a bad one
 *    returns 0, a bad one ahead of a pending one -EINVAL;
 *  - with a second vCPU (the runner's -smp 2): a poll with a 2 s timeout on
 *    a masked port wakes as soon as the other vCPU raises that port.
 */
#include "pv.h"
#include "pv_clock.h"
#include "pv_vcpu.h"
#include "console.h"
#include "report.h"
#include <public/event_channel.h>

const char test_title[] = "SCHEDOP_poll: pending ports, timeouts, bad input, wake by another vCPU";

#define MS 1000000UL

struct bind_ipi { uint32_t vcpu; evtchn_port_t port; };

static evtchn_port_t port;
static uint8_t ap_stack[PV_VCPU_STACK] __attribute__((aligned(16)));
static volatile unsigned long ap_go, ap_sent;

static long poll(evtchn_port_t *ports, unsigned int nr, uint64_t timeout)
{
    struct sched_poll p = { .ports = (uint64_t)(unsigned long)ports, .nr_ports = nr,
                            .timeout = timeout };

    return hypercall_sched_op(SCHEDOP_poll, &p);
}

static bool pending(void)
{
    return __atomic_load_n(&shared_info->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) &
           (1UL << (port % 64));
}

static void clear_pending(void)
{
    __atomic_and_fetch(&shared_info->evtchn_pending[port / 64], ~(1UL << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

static void send(void)
{
    hypercall_event_channel_op(EVTCHNOP_send, &port);
}

static void basic(void)
{
    evtchn_port_t ports[130];
    uint64_t t0, dt;

    send();
    check_eq("port pending after send", pending(), 1);
    check_rc("poll on a pending port", poll(&port, 1, 0), 0);
    check_rc("poll on a pending port, timeout", poll(&port, 1, pv_now() + 1000 * MS), 0);
    clear_pending();

    t0 = pv_now();
    check_rc("poll with a 10 ms timeout", poll(&port, 1, t0 + 10 * MS), 0);
    dt = pv_now() - t0;
    printk("poll with a 10 ms timeout returned after %lu us\n", dt / 1000);
    check_eq("no earlier than the timeout", dt >= 9 * MS, 1);
    check_eq("not much later than the timeout", dt < 2000 * MS, 1);
    t0 = pv_now();
    check_rc("poll with a timeout in the past", poll(&port, 1, t0 - MS), 0);
    check_eq("promptly", pv_now() - t0 < 500 * MS, 1);

    for ( unsigned int i = 0; i < 130; i++ )
        ports[i] = port;
    check_rc("129 ports", poll(ports, 129, 1), -EINVAL);
    check_rc("ports in Xen's range", poll((evtchn_port_t *)0xffff800000000000UL, 1, 1), -EFAULT);
    check_rc("unmapped ports", poll((evtchn_port_t *)0x1000UL, 1, 1), -EFAULT);
    check_rc("argument in Xen's range",
             hypercall_sched_op(SCHEDOP_poll, (void *)0xffff800000000000UL), -EFAULT);
    ports[0] = 0;
    check_rc("port 0", poll(ports, 1, 1), -EINVAL);
    ports[0] = port + 7;
    check_rc("a port never bound", poll(ports, 1, 1), -EINVAL);
    ports[0] = 4096;
    check_rc("port 4096", poll(ports, 1, 1), -EINVAL);
    send();
    ports[0] = port;
    ports[1] = 0;
    check_rc("pending port, then port 0", poll(ports, 2, 1), 0);
    ports[0] = 0;
    ports[1] = port;
    check_rc("port 0, then pending port", poll(ports, 2, 1), -EINVAL);
    for ( unsigned int i = 0; i < 128; i++ )
        ports[i] = port;
    check_rc("128 ports, all the pending one", poll(ports, 128, 1), 0);
    clear_pending();
}

static void ap_main(unsigned int id)
{
    (void)id;
    while ( !ap_go )
        hypercall_sched_op(SCHEDOP_yield, NULL);
    /* Give vCPU 0 time to block in its poll. */
    for ( unsigned long end = pv_now() + 20 * MS; pv_now() < end; )
        hypercall_sched_op(SCHEDOP_yield, NULL);
    send();
    ap_sent = 1;
}

static void woken_by_other_vcpu(void)
{
    uint64_t t0, dt;
    long rc;

    if ( pv_nr_vcpus(64) < 2 )
    {
        printk("one vCPU: no cross-vCPU wake checked\n");
        return;
    }
    rc = pv_start_vcpu(1, ap_main, ap_stack + sizeof(ap_stack));
    check_rc("start vCPU 1", rc, 0);
    if ( rc )
        return;
    t0 = pv_now();
    ap_go = 1;
    check_rc("poll woken by vCPU 1", poll(&port, 1, t0 + 2000 * MS), 0);
    dt = pv_now() - t0;
    printk("poll woken after %lu us\n", dt / 1000);
    check_eq("port pending on wake", pending(), 1);
    check_eq("woken well before the 2 s timeout", dt < 1000 * MS, 1);
    wait_for_value(&ap_sent, 1, 100000);
    clear_pending();
}

void test_main(void)
{
    struct bind_ipi b = { .vcpu = 0 };

    check_rc("bind_ipi", hypercall_event_channel_op(EVTCHNOP_bind_ipi, &b), 0);
    port = b.port;
    /* Masked, as Linux's spinlock kicker is: only the poll sees it. */
    __atomic_or_fetch(&shared_info->evtchn_mask[port / 64], 1UL << (port % 64),
                      __ATOMIC_SEQ_CST);
    basic();
    woken_by_other_vcpu();
}
