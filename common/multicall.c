/*
 * multicall: a batch of hypercalls in one entry.  Each entry's result is
 * written back to it.  Nested multicalls and iret (which never returns to
 * the caller) are refused per entry with -EINVAL, as Xen does.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>
#include <public/xen.h>

#define MAX_MULTICALL 1024

long do_multicall(uint64_t calls, unsigned long nr_calls)
{
    struct multicall_entry mc;

    if ( nr_calls > MAX_MULTICALL )
        return -EINVAL;
    for ( unsigned long i = 0; i < nr_calls; i++ )
    {
        uint64_t entry = calls + i * sizeof(mc);

        if ( copy_from_guest(&mc, entry, sizeof(mc)) )
            return -EFAULT;
        if ( mc.op == __HYPERVISOR_multicall || mc.op == __HYPERVISOR_iret )
            mc.result = -EINVAL;
        else
            mc.result = pv_hypercall_dispatch(mc.op, (const unsigned long *)mc.args);
        if ( copy_to_guest(entry + offsetof(struct multicall_entry, result),
                           &mc.result, sizeof(mc.result)) )
            return -EFAULT;
    }
    return 0;
}
