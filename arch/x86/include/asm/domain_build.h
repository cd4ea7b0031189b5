/* Building a domU from dom0-supplied images (arch/x86/domain_build.c). */
#ifndef ASM_DOMAIN_BUILD_H
#define ASM_DOMAIN_BUILD_H

#include <keel/types.h>

struct domain;
struct keel_domctl_build;

/*
 * KEEL_DOMCTL_build on d (domctl lock held, XSM checked): 0 or -errno,
 * b's OUT fields (ports, frames, error) filled either way.
 */
long keel_domctl_build(struct domain *d, struct keel_domctl_build *b);
/* Create every vCPU up to d->max_vcpus that does not exist yet: 0 or -ENOMEM. */
int domain_make_vcpus(struct domain *d);

#endif /* ASM_DOMAIN_BUILD_H */
