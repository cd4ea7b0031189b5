/*
 * Keel's physical interrupts: one descriptor per GSI (0 .. nr_irqs_gsi-1,
 * the IO-APIC pins) and per MSI/MSI-X vector (nr_irqs_gsi and up).  Keel
 * uses none itself: each is mapped to one pirq of one domain (dom0) and
 * routed to a Keel vector on the boot CPU while that pirq is bound to an
 * event channel.  Locking: irq_lock (irqsave) guards descriptors and the
 * pirq tables of irq_pirq.c.
 */
#ifndef ASM_IRQ_H
#define ASM_IRQ_H

#include <keel/types.h>
#include <keel/spinlock.h>

#define NR_MSI_IRQS 128                /* MSI/MSI-X vectors Keel can route */

enum irq_kind { IRQ_NONE, IRQ_IOAPIC, IRQ_MSI, IRQ_MSIX };

struct domain;

struct irq_desc {
    uint8_t kind;                      /* enum irq_kind */
    uint8_t vector;                    /* 0 until first routed */
    bool level, active_low;            /* IO-APIC: trigger mode and polarity */
    bool gsi_setup;                    /* PHYSDEVOP_setup_gsi seen (Xen: -EEXIST after) */
    bool bound;                        /* the owner's pirq has an event channel */
    bool in_flight;                    /* level: pin masked until the guest's EOI */
    struct domain *owner;              /* the domain that mapped it, or NULL */
    unsigned int pirq;                 /* ... and its pirq */
    /* MSI and MSI-X */
    uint16_t bdf;                      /* bus << 8 | devfn (segment 0) */
    uint8_t cap;                       /* capability offset */
    uint16_t entry;                    /* MSI-X table entry */
    volatile uint32_t *msix_entry;     /* the entry, mapped uncached */
};

extern spinlock_t irq_lock;
extern unsigned int nr_irqs_gsi, nr_irqs;

struct irq_desc *irq_to_desc(int irq);
/* A free MSI descriptor's number, or -ENOSPC. */
int irq_alloc_msi(void);
void irq_free_msi(int irq);
/* A vector for desc (kept for good): 0 or -ENOSPC. */
int irq_assign_vector(struct irq_desc *desc);
/* Route (and unmask) an irq for its owner's bound pirq; mask it again. */
int irq_startup(struct irq_desc *desc);
void irq_shutdown(struct irq_desc *desc);
/* The guest's EOI: a level-triggered pin in flight is unmasked. */
void irq_guest_eoi(struct irq_desc *desc);
/* Level-triggered: the guest must EOI (Xen's ACKTYPE_UNMASK). */
bool irq_needs_guest_eoi(const struct irq_desc *desc);
uint32_t irq_dest_apic_id(void);

/* irq_pirq.c: the event for a pirq whose interrupt arrived (irq_lock held). */
void send_guest_pirq(struct domain *d, unsigned int pirq);

#endif /* ASM_IRQ_H */
