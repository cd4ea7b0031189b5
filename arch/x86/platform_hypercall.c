/*
 * platform_op: machine-wide operations for the privileged domain.  Keel
 * has the wall-clock ones Linux's dom0 uses (it writes the time back with
 * XENPF_settime64 when NTP or the user changes it, XENPF_settime32 on old
 * hypervisors).  Checks follow Xen 4.17: -EFAULT, then -EACCES for another
 * interface version, then XSM (-EPERM for anyone but dom0), then the
 * command (-ENOSYS when unknown).
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/xsm.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/guest_time.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>
#include <public/platform.h>

long do_platform_op(uint64_t arg)
{
    struct xen_platform_op op;
    long rc;

    if ( copy_from_guest(&op, arg, sizeof(op)) )
        return -EFAULT;
    if ( op.interface_version != XENPF_INTERFACE_VERSION )
        return -EACCES;
    if ( (rc = xsm_privileged_op(current->domain, XSM_platform_op)) != 0 )
        return rc;
    switch ( op.cmd )
    {
    case XENPF_settime32:
        do_settime(op.u.settime32.secs, op.u.settime32.nsecs,
                   (s_time_t)op.u.settime32.system_time);
        return 0;
    case XENPF_settime64:
        if ( op.u.settime64.mbz )
            return -EINVAL;
        do_settime(op.u.settime64.secs, op.u.settime64.nsecs,
                   (s_time_t)op.u.settime64.system_time);
        return 0;
    }
    return -ENOSYS;
}
