/* The dummy XSM policy: privileged operations belong to privileged domains. */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/xsm.h>
#include <public/errno.h>

int xsm_privileged_op(const struct domain *d, enum xsm_op op)
{
    switch ( op )
    {
    case XSM_read_hypervisor_cmdline:
    case XSM_read_machine_memory_map:
    case XSM_physical_io:
        return d->is_privileged ? 0 : -EPERM;
    }
    return -EPERM;                       /* an operation this policy does not know */
}
