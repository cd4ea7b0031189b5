/*
 * Keel as the console backend of the domUs it starts at boot, as Xen's
 * console does for dom0less guests: their console ring (HVM_PARAM_CONSOLE_PFN
 * and _EVTCHN) is drained onto Keel's serial line as "(dN) " lines.
 */
#ifndef KEEL_CONSOLE_BACKEND_H
#define KEEL_CONSOLE_BACKEND_H

#include <keel/types.h>

struct domain;

/* Serve d's ring at gfn whose guest-side port is port: 0, or -ENOSPC. */
int console_backend_attach(struct domain *d, uint64_t gfn, unsigned int port);

/*
 * A character typed for d into the in side of its ring, and its port
 * raised: 0, -ENOENT (no ring served for d), -ENOSPC (full: dropped),
 * -EFAULT (the ring cannot be reached).
 */
int console_backend_input(struct domain *d, char c);

#endif /* KEEL_CONSOLE_BACKEND_H */
