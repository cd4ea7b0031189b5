/* Event upcalls caught for the tests that ask (pv_events.h). */
#include "pv_events.h"

volatile unsigned int upcalls;
volatile uint64_t ports_seen[64];
struct vcpu_info *live_vcpu_info;

struct bind_virq_op {
    uint32_t virq;
    uint32_t vcpu;
    evtchn_port_t port;          /* OUT */
};

static void catch_upcall(struct cpu_regs *regs)
{
    struct vcpu_info *vi = live_vcpu_info;
    uint64_t sel;

    (void)regs;
    upcalls++;
    vi->evtchn_upcall_pending = 0;
    sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    for ( unsigned int w = 0; w < 64; w++ )
    {
        uint64_t ready;

        if ( !(sel & (1UL << w)) )
            continue;
        ready = shared_info->evtchn_pending[w] & ~shared_info->evtchn_mask[w];
        __atomic_and_fetch(&shared_info->evtchn_pending[w], ~ready, __ATOMIC_SEQ_CST);
        __atomic_or_fetch(&ports_seen[w], ready, __ATOMIC_SEQ_CST);
    }
}

void events_catch(void)
{
    if ( !live_vcpu_info )
        live_vcpu_info = vcpu0_info();
    event_hook = catch_upcall;
}

struct vcpu_info *vcpu0_live(void)
{
    return live_vcpu_info ? live_vcpu_info : vcpu0_info();
}

long bind_virq(unsigned int virq, unsigned int vcpu)
{
    struct bind_virq_op op = { .virq = virq, .vcpu = vcpu };
    long rc = hypercall_event_channel_op(EVTCHNOP_bind_virq, &op);

    return rc ? rc : (long)op.port;
}
