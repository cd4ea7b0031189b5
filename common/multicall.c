/*
 * multicall: a batch of hypercalls in one entry.  Each entry's result is
 * written back to it.  Nested multicalls and iret (which never returns to
 * the caller) are refused per entry with -EINVAL, as Xen does.
 *
 * Up to 1024 entries, each of which may itself be long: the batch is
 * preemptible.  Between entries, pending work on this CPU continues the
 * multicall at the next entry; an entry that asks for a continuation of
 * its own (a preempted mmuext_op, say) has its arguments rewritten in the
 * guest's entry, as Xen does, and the multicall continues at that entry.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/pv.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>
#include <public/xen.h>

#define MAX_MULTICALL 1024

/* Run one entry; true if it asked to be continued (its new arguments in mc.args). */
static bool run_entry(struct vcpu *v, struct multicall_entry *mc)
{
    bool preempted;

    if ( mc->op == __HYPERVISOR_multicall || mc->op == __HYPERVISOR_iret )
    {
        mc->result = -EINVAL;
        return false;
    }
    v->arch.mc.active = true;
    v->arch.mc.preempted = false;
    v->arch.mc.op = mc->op;
    memcpy(v->arch.mc.args, mc->args, sizeof(v->arch.mc.args));
    mc->result = pv_hypercall_dispatch(mc->op, (const unsigned long *)mc->args);
    preempted = v->arch.mc.preempted;
    v->arch.mc.active = v->arch.mc.preempted = false;
    return preempted;
}

long do_multicall(uint64_t calls, unsigned long nr_calls)
{
    struct vcpu *v = current;
    struct multicall_entry mc;
    unsigned long i;
    long rc;

    if ( nr_calls > MAX_MULTICALL )
        return -EINVAL;
    for ( i = 0; i < nr_calls; i++ )
    {
        uint64_t entry = calls + i * sizeof(mc);
        unsigned long rest[2] = { entry, nr_calls - i };

        if ( i && pv_hypercall_preempt_check() &&
             (rc = pv_hypercall_continuation_n(__HYPERVISOR_multicall, calls, 2, rest)) )
            return rc;
        if ( copy_from_guest(&mc, entry, sizeof(mc)) )
            return -EFAULT;
        if ( run_entry(v, &mc) )
        {
            if ( copy_to_guest(entry + offsetof(struct multicall_entry, args),
                               v->arch.mc.args, sizeof(mc.args)) )
                return -EFAULT;
            if ( (rc = pv_hypercall_continuation_n(__HYPERVISOR_multicall, calls, 2, rest)) )
                return rc;
            i--;                        /* cannot be continued: run the entry on */
            continue;
        }
        if ( copy_to_guest(entry + offsetof(struct multicall_entry, result),
                           &mc.result, sizeof(mc.result)) )
            return -EFAULT;
    }
    return 0;
}
