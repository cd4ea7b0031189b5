/*
 * Event channels, 2-level ABI: a port is bit p%64 of word p/64 in the
 * shared_info pending and mask arrays.  A port is bound to an IPI, a VIRQ,
 * a PIRQ, or another domain's port (unbound: offered to one remote domain;
 * interdomain: both ends point at each other).
 */
#ifndef KEEL_EVENT_H
#define KEEL_EVENT_H

#include <keel/types.h>

#define EVTCHN_MAX_PORTS  1024      /* of the ABI's 4096 */

enum evtchn_state { ECS_FREE, ECS_IPI, ECS_VIRQ, ECS_RESERVED, ECS_PIRQ,
                    ECS_UNBOUND, ECS_INTERDOMAIN };

struct domain;
struct vcpu;

struct evtchn {
    uint8_t state;
    uint16_t notify_vcpu;
    uint32_t virq;
    uint32_t pirq;                  /* ECS_PIRQ: physical interrupt (asm/irq_pirq.h) */
    domid_t remote_domid;           /* ECS_UNBOUND: who may bind it */
    uint16_t remote_port;           /* ECS_INTERDOMAIN: the other end */
    struct domain *remote_dom;
};

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
/* A global VIRQ (VIRQ_DOM_EXC...) to the hardware domain, if it bound it. */
void send_global_virq(unsigned int virq);
/* An unbound port of d offered to remote: the port, or -ENOSPC / -EINVAL (dying). */
int evtchn_alloc_unbound_port(struct domain *d, domid_t remote);
/*
 * A dying domain's ports, all closed before its vCPUs go: the other end of
 * each interdomain channel becomes unbound again, as on Xen.
 */
void evtchn_close_all(struct domain *d);

#endif /* KEEL_EVENT_H */
