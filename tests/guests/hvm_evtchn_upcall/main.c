/*
 * hvm64: event channel upcalls through the callback vector
 * (HVM_PARAM_CALLBACK_IRQ = (2 << 56) | 0xf3), shared_info mapped with
 * add_to_physmap, 2-level ports:
 *  - EVTCHNOP_bind_ipi (vCPU 0) gives a port; EVTCHNOP_send on it raises
 *    the upcall: vector 0xf3 through our IDT with
 *    vcpu_info.evtchn_upcall_pending set and the port pending in
 *    evtchn_pending / evtchn_pending_sel (no LAPIC EOI involved);
 *  - with the port masked a send only sets the pending bit; EVTCHNOP_unmask
 *    then delivers the upcall;
 *  - with IF clear the upcall waits until sti;
 *  - after EVTCHNOP_close, sending on the port fails.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Event channel upcall on the callback vector";

#define CALLBACK_VEC 0xf3
static uint8_t shinfo_page[4096] __page_aligned __section(".bss.page_aligned");
static volatile struct shared_info *si = (volatile struct shared_info *)shinfo_page;
static volatile unsigned int upcalls, port_hits, bad_pending;
static evtchn_port_t port;

static void upcall(struct cpu_regs *regs)
{
    volatile struct vcpu_info *vi = &si->vcpu_info[0];
    uint64_t sel;

    (void)regs;
    upcalls++;
    if ( !vi->evtchn_upcall_pending )
        bad_pending++;
    vi->evtchn_upcall_pending = 0;
    sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while ( sel )
    {
        unsigned int w = __builtin_ctzll(sel);
        uint64_t pend = si->evtchn_pending[w] & ~si->evtchn_mask[w];

        sel &= sel - 1;
        while ( pend )
        {
            unsigned int b = __builtin_ctzll(pend);

            pend &= pend - 1;
            __atomic_and_fetch(&si->evtchn_pending[w], ~(1ULL << b), __ATOMIC_SEQ_CST);
            if ( w * 64 + b == port )
                port_hits++;
        }
    }
}

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall_event_channel_op(cmd, arg);
}

static long send(evtchn_port_t p)
{
    struct evtchn_op_port op = { .port = p };

    return evtchn_op(EVTCHNOP_send, &op);
}

static bool port_pending(evtchn_port_t p)
{
    return si->evtchn_pending[p / 64] & (1ULL << (p % 64));
}

void test_main(void)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
        .gpfn = (unsigned long)shinfo_page >> PAGE_SHIFT,
    };
    struct evtchn_op_bind_ipi bind = { .vcpu = 0 };
    struct evtchn_op_port op;
    long rc;

    rc = hypercall_memory_op(XENMEM_add_to_physmap, &x);
    if ( rc )
        return xtf_error("Error: mapping shared_info: %ld\n", rc);
    irq_handlers[CALLBACK_VEC] = upcall;
    rc = hvm_set_param(HVM_PARAM_CALLBACK_IRQ, HVM_CALLBACK_VECTOR(CALLBACK_VEC));
    if ( rc )
        return xtf_failure("Fail: set CALLBACK_IRQ: %ld\n", rc);
    si->vcpu_info[0].evtchn_upcall_mask = 0;

    rc = evtchn_op(EVTCHNOP_bind_ipi, &bind);
    if ( rc )
        return xtf_failure("Fail: EVTCHNOP_bind_ipi: %ld\n", rc);
    port = bind.port;
    printk("IPI event channel: port %u\n", port);
    if ( port == 0 || port >= 4096 )
        return xtf_failure("Fail: bind_ipi gave port %u\n", port);

    sti();
    rc = send(port);
    check_rc("EVTCHNOP_send", rc, 0);
    if ( !wait_until(port_hits >= 1, 2000) )
        xtf_failure("Fail: no upcall for the port (upcalls %u)\n", upcalls);
    cli();
    if ( bad_pending )
        xtf_failure("Fail: upcall without evtchn_upcall_pending\n");

    /* Masked: pending only; unmask delivers. */
    __atomic_or_fetch(&si->evtchn_mask[port / 64], 1ULL << (port % 64), __ATOMIC_SEQ_CST);
    sti();
    rc = send(port);
    check_rc("EVTCHNOP_send (masked)", rc, 0);
    wait_until(port_hits >= 2, 20);
    cli();
    check_eq("upcalls for the masked port", port_hits, 1);
    if ( !port_pending(port) )
        xtf_failure("Fail: masked port not pending after send\n");
    op.port = port;
    sti();
    rc = evtchn_op(EVTCHNOP_unmask, &op);
    check_rc("EVTCHNOP_unmask", rc, 0);
    if ( !wait_until(port_hits >= 2, 2000) )
        xtf_failure("Fail: unmask did not deliver the pending port\n");
    cli();

    /* IF clear: waits for sti. */
    rc = send(port);
    check_rc("EVTCHNOP_send (IF clear)", rc, 0);
    if ( !wait_until(si->vcpu_info[0].evtchn_upcall_pending, 2000) )
        xtf_failure("Fail: evtchn_upcall_pending not set by a send\n");
    check_eq("upcalls with IF clear", port_hits, 2);
    sti();
    if ( !wait_until(port_hits >= 3, 2000) )
        xtf_failure("Fail: no upcall after sti\n");
    cli();

    op.port = port;
    rc = evtchn_op(EVTCHNOP_close, &op);
    check_rc("EVTCHNOP_close", rc, 0);
    rc = send(port);
    check_rc("send on a closed port (Xen: -EINVAL)", rc, -EINVAL);
    hvm_set_param(HVM_PARAM_CALLBACK_IRQ, 0);
}
