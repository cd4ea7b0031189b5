/*
 * The toolstack's interface (common/domctl.c, common/sysctl.c): one lock
 * serialises every domctl and sysctl, as Xen's domctl_lock does, so that a
 * domain found by one cannot be destroyed by another under its feet
 * (domains are destroyed only through XEN_DOMCTL_destroydomain once dom0
 * runs).
 */
#ifndef KEEL_DOMCTL_H
#define KEEL_DOMCTL_H

#include <keel/types.h>

struct domain;
struct xen_domctl_getdomaininfo;

void domctl_lock(void);
void domctl_unlock(void);
/* The domain with the lowest id >= domid, or NULL (domctl lock held). */
struct domain *domain_at_or_after(domid_t domid);
/* Xen's getdomaininfo(): what XEN_DOMCTL_getdomaininfo reports for d. */
void domain_get_info(struct domain *d, struct xen_domctl_getdomaininfo *info);

long do_domctl(uint64_t arg);
long do_sysctl(uint64_t arg);

#endif /* KEEL_DOMCTL_H */
