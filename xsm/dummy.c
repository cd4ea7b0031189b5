/* The dummy XSM policy: privileged operations belong to privileged domains. */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/xsm.h>
#include <asm/iomem.h>
#include <public/errno.h>

int xsm_privileged_op(const struct domain *d, enum xsm_op op)
{
    switch ( op )
    {
    case XSM_read_hypervisor_cmdline:
    case XSM_read_machine_memory_map:
    case XSM_physical_io:
    case XSM_platform_op:
        return d->is_privileged ? 0 : -EPERM;
    }
    return -EPERM;                       /* an operation this policy does not know */
}

int xsm_target_op(const struct domain *src, const struct domain *target,
                  enum xsm_target_op op)
{
    switch ( op )
    {
    case XSM_hvm_param:
    case XSM_add_to_physmap:
    case XSM_evtchn_unbound:
    case XSM_evtchn_status:
    case XSM_evtchn_reset:
    case XSM_mmu_update:
    case XSM_mmuext_pin:
    case XSM_memory_reservation:
        return src == target || src->is_privileged ? 0 : -EPERM;
    }
    return -EPERM;
}

/* Xen's dummy policy: the toolstack's operations are dom0's (XSM_PRIV). */
int xsm_domctl(const struct domain *src, const struct domain *target, unsigned int cmd)
{
    (void)target;
    (void)cmd;
    return src->is_privileged ? 0 : -EPERM;
}

int xsm_sysctl(const struct domain *d, unsigned int cmd)
{
    (void)cmd;
    return d->is_privileged ? 0 : -EPERM;
}

int xsm_iomem_mapping(const struct domain *d, unsigned long mfn)
{
    return iomem_permitted(d, mfn) ? 0 : -EPERM;
}
