/*
 * A domain's pirqs (irq_pirq.c): the numbers dom0 names physical
 * interrupts by in physdev_op and event_channel_op.  Numbers, checks and
 * error codes are Xen 4.17's (xen/arch/x86/irq.c, physdev.c).
 */
#ifndef ASM_IRQ_PIRQ_H
#define ASM_IRQ_PIRQ_H

#include <keel/types.h>

struct domain;

/* Xen's d->nr_pirqs; 0 for a domain with no pirqs (not the hardware domain). */
unsigned int domain_nr_pirqs(struct domain *d);

/* PHYSDEVOP_map_pirq for a GSI; *pirq is -1 (any) or the one wanted. */
int pirq_map_gsi(struct domain *d, int gsi, int *pirq);
/* ... for MSI (entry_nr ignored) or MSI-X (table_base != 0). */
int pirq_map_msi(struct domain *d, int index, int *pirq, unsigned int seg,
                 unsigned int bdf, int entry_nr, uint64_t table_base);
int pirq_unmap(struct domain *d, int pirq);
/* PHYSDEVOP_eoi, irq_status_query, pirq_eoi_gmfn_v1/v2, setup_gsi. */
int pirq_eoi(struct domain *d, uint32_t pirq);
int pirq_status(struct domain *d, int pirq, uint32_t *flags);
int pirq_set_eoi_map(struct domain *d, uint64_t gmfn, bool auto_unmask);
int pirq_setup_gsi(int gsi, bool level, bool active_low);

/* EVTCHNOP_bind_pirq, before a port is taken: -EINVAL, -EPERM or -EEXIST. */
int pirq_bind_check(struct domain *d, uint32_t pirq);
/* ... then: the interrupt is live and raises port. */
int pirq_bind(struct domain *d, uint32_t pirq, unsigned int port, bool will_share);
/* EVTCHNOP_close of a pirq port. */
void pirq_unbind(struct domain *d, uint32_t pirq);

#endif /* ASM_IRQ_PIRQ_H */
