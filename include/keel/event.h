/*
 * Event channels, 2-level ABI: a port is bit p%64 of word p/64 in the
 * shared_info pending and mask arrays.  This first cut knows the ports a
 * domain binds for itself (IPIs and VIRQs); inter-domain channels come
 * with the events work.
 */
#ifndef KEEL_EVENT_H
#define KEEL_EVENT_H

#include <keel/types.h>

#define EVTCHN_MAX_PORTS  1024      /* of the ABI's 4096 */

enum evtchn_state { ECS_FREE, ECS_IPI, ECS_VIRQ, ECS_RESERVED, ECS_PIRQ };

struct evtchn {
    uint8_t state;
    uint16_t notify_vcpu;
    uint32_t virq;
    uint32_t pirq;                  /* ECS_PIRQ: physical interrupt (asm/irq_pirq.h) */
};

struct domain;
struct vcpu;

int evtchn_init(struct domain *d);
void evtchn_destroy(struct domain *d);
/* Raise a port: pending bit, selector, upcall, kick (ABI §3.3). */
void evtchn_set_pending(struct vcpu *v, unsigned int port);
/* SCHEDOP_poll: -EINVAL for a port that is not bound, else 1 if pending, 0 if not. */
int evtchn_port_poll(struct domain *d, unsigned int port);
/* EVTCHNOP_unmask of a port Keel unmasks itself (PHYSDEVOP_eoi after pirq_eoi_gmfn_v1). */
void evtchn_unmask_port(struct domain *d, unsigned int port);
/* Deliver a virtual IRQ if the vCPU bound one. */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);

#endif /* KEEL_EVENT_H */
