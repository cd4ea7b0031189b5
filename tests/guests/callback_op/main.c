/*
 * callback_op on a 64-bit PV guest (Xen 4.17):
 *  - register: event (0), failsafe (1), syscall (2), nmi (4), sysenter (5),
 *    syscall32 (7) succeed; types 3, 6, 8, 100 are -ENOSYS;
 *  - unregister: only nmi can be unregistered (0); event, failsafe,
 *    syscall, sysenter, syscall32 are -EINVAL; unknown types -ENOSYS;
 *  - a non-canonical callback address is -EINVAL;
 *  - an unknown command is -ENOSYS;
 *  - a re-registered syscall callback is the one used.
 */
#include "pv.h"
#include "report.h"

const char test_title[] = "callback_op register / unregister";

extern char failsafe_entry[], syscall_entry[], event_entry[];

static long reg(unsigned int type, unsigned long addr)
{
    struct callback_register r = { .type = type, .flags = CALLBACKF_mask_events,
                                   .address = addr };

    return hypercall_callback_op(CALLBACKOP_register, &r);
}

static long unreg(unsigned int type)
{
    struct callback_unregister u = { .type = type };

    return hypercall_callback_op(CALLBACKOP_unregister, &u);
}

static unsigned long user_fn(unsigned long x)
{
    return x + 1;
}

void test_main(void)
{
    unsigned long fs = (unsigned long)failsafe_entry;

    check_rc("register event", reg(CALLBACKTYPE_event, (unsigned long)event_entry), 0);
    check_rc("register failsafe", reg(CALLBACKTYPE_failsafe, fs), 0);
    check_rc("register syscall", reg(CALLBACKTYPE_syscall, fs), 0);
    check_rc("register nmi", reg(CALLBACKTYPE_nmi, fs), 0);
    check_rc("register sysenter", reg(CALLBACKTYPE_sysenter, fs), 0);
    check_rc("register syscall32", reg(CALLBACKTYPE_syscall32, fs), 0);
    check_rc("register type 3", reg(3, fs), -ENOSYS);
    check_rc("register type 6", reg(6, fs), -ENOSYS);
    check_rc("register type 8", reg(8, fs), -ENOSYS);
    check_rc("register type 100", reg(100, fs), -ENOSYS);

    check_rc("unregister event", unreg(CALLBACKTYPE_event), -EINVAL);
    check_rc("unregister failsafe", unreg(CALLBACKTYPE_failsafe), -EINVAL);
    check_rc("unregister syscall", unreg(CALLBACKTYPE_syscall), -EINVAL);
    check_rc("unregister nmi", unreg(CALLBACKTYPE_nmi), 0);
    check_rc("unregister sysenter", unreg(CALLBACKTYPE_sysenter), -EINVAL);
    check_rc("unregister syscall32", unreg(CALLBACKTYPE_syscall32), -EINVAL);
    check_rc("unregister type 3", unreg(3), -ENOSYS);
    check_rc("unregister type 100", unreg(100), -ENOSYS);

    check_rc("register syscall, non-canonical", reg(CALLBACKTYPE_syscall,
                                                   0x8000000000000000UL), -EINVAL);
    check_rc("register syscall, non-canonical 2", reg(CALLBACKTYPE_syscall,
                                                     0x0000800000000000UL), -EINVAL);
    check_rc("command 7", hypercall_callback_op(7, NULL), -ENOSYS);

    /* setup_user_mode registers the library's syscall callback over the
     * failsafe one registered above: user mode must come back through it. */
    if ( setup_user_mode() )
        return xtf_error("Error: cannot enter user mode\n");
    check_eq("user round trip via the re-registered callback", exec_user(user_fn, 41), 42);
}
