/*
 * XSM: the one question every privileged operation asks before acting,
 * "may this domain do this?".  The dummy policy (xsm/dummy.c) answers as
 * Xen's default does: privileged operations are for the privileged domain
 * (dom0) only.  A label-based policy loaded from a boot module can replace
 * it later without touching the callers.
 */
#ifndef KEEL_XSM_H
#define KEEL_XSM_H

struct domain;

enum xsm_op {
    XSM_read_hypervisor_cmdline,    /* xen_version XENVER_commandline */
    XSM_read_machine_memory_map,    /* memory_op XENMEM_machine_memory_map */
    XSM_physical_io,                /* port I/O after physdev_op set_iopl */
    XSM_platform_op,                /* platform_op (wall clock) */
};

/* 0 or -EPERM. */
int xsm_privileged_op(const struct domain *d, enum xsm_op op);

/* Operations one domain may do on itself, and dom0 on any (Xen's XSM_TARGET). */
enum xsm_target_op {
    XSM_hvm_param,                  /* hvm_op set_param / get_param */
    XSM_add_to_physmap,             /* memory_op XENMEM_add_to_physmap */
    XSM_evtchn_unbound,             /* event_channel_op alloc_unbound in target */
    XSM_evtchn_status,              /* event_channel_op status of target's port */
    XSM_evtchn_reset,               /* event_channel_op reset of target's ports */
    XSM_mmu_update,                 /* mmu_update mapping target's frames (foreigndom) */
    XSM_mmuext_pin,                 /* mmuext_op (un)pinning target's page tables (foreigndom) */
    XSM_memory_reservation,         /* memory_op increase/decrease/populate for target */
};

/* 0 or -EPERM: may src do op on target? */
int xsm_target_op(const struct domain *src, const struct domain *target,
                  enum xsm_target_op op);

/* 0 or -EPERM: may src run domctl cmd on target (NULL for createdomain)? */
int xsm_domctl(const struct domain *src, const struct domain *target, unsigned int cmd);
/* 0 or -EPERM: may d run sysctl cmd? */
int xsm_sysctl(const struct domain *d, unsigned int cmd);

/* 0 or -EPERM: may d map the I/O frame mfn (its iomem ranges)? */
int xsm_iomem_mapping(const struct domain *d, unsigned long mfn);

#endif /* KEEL_XSM_H */
