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
};

/* 0 or -EPERM. */
int xsm_privileged_op(const struct domain *d, enum xsm_op op);

#endif /* KEEL_XSM_H */
