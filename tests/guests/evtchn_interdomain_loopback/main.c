/*
 * Interdomain event channels within one domain (Xen allows a domain to
 * bind to its own unbound port), so that Xen 4.17 is the reference.  The
 * expected answers are Xen 4.17's (xen/common/event_channel.c):
 *  - alloc_unbound(SELF, SELF): a port whose status is unbound, for us;
 *    a send on it is dropped (0, nothing pending);
 *  - bind_interdomain(SELF, that port): a new port, pending at once (Xen
 *    marks the local end in case notifications were lost); both ends
 *    report interdomain with each other's port; a send on one end raises
 *    the other, not itself;
 *  - binding again to a bound port, to port 0, to a port past the table,
 *    or to a port offered to another domain: -EINVAL; remote domain 42:
 *    -ESRCH; alloc_unbound in domain 42: -ESRCH;
 *  - bind_vcpu: an interdomain port to vCPU 0 is 0, to vCPU 99 -ENOENT,
 *    an IPI port -EINVAL; bind_virq of a global VIRQ on vCPU 1 -EINVAL;
 *  - close of one end: the other end is unbound again (for us), the closed
 *    port reads closed and its pending bit is cleared; closing it twice
 *    -EINVAL;
 *  - status of port 0 (reserved) reads closed; of domain 42 -ESRCH;
 *  - reset(SELF) closes every port.
 */
#include "pv.h"
#include "console.h"
#include "report.h"
#include "evtchn_ops.h"

const char test_title[] = "Interdomain event channels, looped back to the same domain";

static long evtchn(unsigned int cmd, void *arg)
{
    return hypercall_event_channel_op(cmd, arg);
}

static bool pending(unsigned int p) { return evtchn_pending_in(shared_info, p); }
static void clear(unsigned int p) { evtchn_clear_in(shared_info, p); }
static long send(uint32_t port) { return evtchn_port_cmd(EVTCHNOP_send, port); }
static long close(uint32_t port) { return evtchn_port_cmd(EVTCHNOP_close, port); }
#define bind_to evtchn_bind_to
enum { ST_CLOSED, ST_UNBOUND, ST_INTERDOMAIN };

static void expect_status(const char *what, uint32_t port, uint32_t want, domid_t_abi dom,
                          uint32_t want_port)
{
    struct evtchn_status_arg st;
    long rc = evtchn_status_of(DOMID_SELF, port, &st);

    if ( rc )
        return xtf_failure("Fail: status of %s (port %u): rc %ld\n", what, port, rc);
    printk("port %u (%s): status %u", port, what, st.status);
    if ( st.status == ST_UNBOUND )
        printk(", for d%u", st.u.unbound.dom);
    if ( st.status == ST_INTERDOMAIN )
        printk(", to d%u port %u", st.u.interdomain.dom, st.u.interdomain.port);
    printk(", vCPU %u\n", st.vcpu);
    check_eq(what, st.status, want);
    if ( want == ST_UNBOUND )
        check_eq("unbound remote domain", st.u.unbound.dom, dom);
    if ( want == ST_INTERDOMAIN )
    {
        check_eq("interdomain remote domain", st.u.interdomain.dom, dom);
        check_eq("interdomain remote port", st.u.interdomain.port, want_port);
    }
}

void test_main(void)
{
    struct evtchn_alloc_unbound_arg au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_alloc_unbound_arg other = { .dom = DOMID_SELF, .remote_dom = 7 };
    struct evtchn_alloc_unbound_arg far = { .dom = 42, .remote_dom = DOMID_SELF };
    struct evtchn_bind_ipi_arg ipi = { .vcpu = 0 };
    struct evtchn_bind_virq_arg virq = { .virq = VIRQ_CON_RING, .vcpu = 1 };
    struct evtchn_bind_vcpu_arg bv;
    struct evtchn_status_arg st;
    domid_t_abi me = 0;                     /* the tests run as dom0 */
    uint32_t a, b;

    check_rc("alloc_unbound(SELF, SELF)", evtchn(EVTCHNOP_alloc_unbound, &au), 0);
    a = au.port;
    expect_status("unbound end", a, ST_UNBOUND, me, 0);
    check_rc("send on an unbound port", send(a), 0);
    check_eq("unbound port pending after a send", pending(a), 0);

    check_rc("bind_interdomain(SELF, unbound port)", bind_to(DOMID_SELF, a, &b), 0);
    printk("bound: port %u <-> port %u\n", a, b);
    check_eq("new local end pending after the bind (Xen)", !!pending(b), 1);
    expect_status("first end", a, ST_INTERDOMAIN, me, b);
    expect_status("second end", b, ST_INTERDOMAIN, me, a);
    clear(a);
    clear(b);
    check_rc("send on the second end", send(b), 0);
    check_eq("first end pending", !!pending(a), 1);
    check_eq("second end pending", !!pending(b), 0);
    clear(a);
    check_rc("send on the first end", send(a), 0);
    check_eq("second end pending", !!pending(b), 1);
    check_eq("first end pending", !!pending(a), 0);

    /* Hostile binds. */
    check_rc("bind to a bound port", bind_to(DOMID_SELF, a, NULL), -EINVAL);
    check_rc("bind to port 0", bind_to(DOMID_SELF, 0, NULL), -EINVAL);
    check_rc("bind to port 100000", bind_to(DOMID_SELF, 100000, NULL), -EINVAL);
    check_rc("bind to domain 42", bind_to(42, 1, NULL), -ESRCH);
    check_rc("alloc_unbound for d7", evtchn(EVTCHNOP_alloc_unbound, &other), 0);
    check_rc("bind to a port offered to d7", bind_to(DOMID_SELF, other.port, NULL), -EINVAL);
    check_rc("alloc_unbound in domain 42", evtchn(EVTCHNOP_alloc_unbound, &far), -ESRCH);

    /* Which vCPU a port notifies. */
    bv = (struct evtchn_bind_vcpu_arg){ .port = a, .vcpu = 0 };
    check_rc("bind_vcpu(interdomain, 0)", evtchn(EVTCHNOP_bind_vcpu, &bv), 0);
    bv.vcpu = 99;
    check_rc("bind_vcpu(interdomain, 99)", evtchn(EVTCHNOP_bind_vcpu, &bv), -ENOENT);
    check_rc("bind_ipi", evtchn(EVTCHNOP_bind_ipi, &ipi), 0);
    bv = (struct evtchn_bind_vcpu_arg){ .port = ipi.port, .vcpu = 0 };
    check_rc("bind_vcpu(IPI port)", evtchn(EVTCHNOP_bind_vcpu, &bv), -EINVAL);
    check_rc("bind_virq(global VIRQ on vCPU 1)", evtchn(EVTCHNOP_bind_virq, &virq), -EINVAL);

    /* Closing one end. */
    check_rc("send on the first end", send(a), 0);
    check_rc("close the second end", close(b), 0);
    check_eq("closed port's pending bit", !!pending(b), 0);
    expect_status("first end after its peer closed", a, ST_UNBOUND, me, 0);
    expect_status("closed end", b, ST_CLOSED, 0, 0);
    check_rc("close it again", close(b), -EINVAL);
    check_rc("send on the closed port", send(b), -EINVAL);

    check_rc("status of port 0", evtchn_status_of(DOMID_SELF, 0, &st), 0);
    check_eq("port 0 status", st.status, ST_CLOSED);
    check_rc("status in domain 42", evtchn_status_of(42, 1, &st), -ESRCH);

    check_rc("reset(SELF)", evtchn(EVTCHNOP_reset, &(domid_t_abi){ DOMID_SELF }), 0);
    expect_status("unbound end after reset", a, ST_CLOSED, 0, 0);
    expect_status("IPI port after reset", ipi.port, ST_CLOSED, 0, 0);
}
