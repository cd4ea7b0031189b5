/* physdev_op: the guest's virtual I/O privilege level (port access). */
#include <keel/lib.h>
#include <keel/domain.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>
#include <public/physdev.h>

long do_physdev_op(unsigned long cmd, uint64_t arg)
{
    struct physdev_set_iopl iopl;

    switch ( cmd )
    {
    case PHYSDEVOP_set_iopl:
        if ( copy_from_guest(&iopl, arg, sizeof(iopl)) )
            return -EFAULT;
        if ( iopl.iopl > 3 )
            return -EINVAL;
        current->arch.iopl = iopl.iopl;
        return 0;
    }
    return -ENOSYS;
}
