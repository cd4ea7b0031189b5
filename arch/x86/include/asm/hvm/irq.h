/*
 * Interrupt lines of an HVM domain's emulated platform: the ISA lines of
 * its devices (PIT, UART, RTC ...) go through the emulated IO-APIC
 * (hvm/vioapic.c) to the vLAPICs its redirection entries name.  ISA IRQ 0
 * is wired to IO-APIC pin 2, every other ISA IRQ n to pin n, as the MADT
 * interrupt source override Keel builds says.
 */
#ifndef ASM_HVM_IRQ_H
#define ASM_HVM_IRQ_H

#include <keel/types.h>
#include <keel/spinlock.h>

#define VIOAPIC_BASE   0xfec00000UL
#define VIOAPIC_PINS   24
#define HVM_ISA_IRQS   16

struct hvm_vioapic {
    spinlock_t lock;
    uint32_t regsel;                /* IOREGSEL */
    uint64_t redir[VIOAPIC_PINS];   /* redirection entries as written (+ remote IRR) */
    uint32_t level;                 /* pins whose line is asserted now */
    unsigned long nr_delivered;     /* interrupts that reached a vLAPIC */
};

struct domain;
struct vcpu;

void vioapic_init(struct domain *d);
/* A 32-bit access at off in the IO-APIC's page (IOREGSEL at 0, IOWIN at 0x10). */
void vioapic_mmio(struct domain *d, unsigned int off, uint32_t *val, bool write);
/* The vLAPIC of v took an EOI for vector: level entries with it may fire again. */
void vioapic_eoi(struct vcpu *v, uint8_t vector);

/*
 * An ISA device drives its line: a rising edge (assert while deasserted)
 * interrupts through an unmasked edge entry; a level entry fires while the
 * line is high and its remote IRR is clear.  IRQs above 15 are ignored.
 */
void hvm_isa_irq_assert(struct domain *d, unsigned int isa_irq);
void hvm_isa_irq_deassert(struct domain *d, unsigned int isa_irq);
/* assert then deassert: one edge (a timer tick). */
void hvm_isa_irq_pulse(struct domain *d, unsigned int isa_irq);

/*
 * A device wired to an IO-APIC pin directly (the HPET's comparators on
 * pins 20-23): the same edge and level rules; pins >= 24 are ignored.
 */
void hvm_gsi_assert(struct domain *d, unsigned int gsi);
void hvm_gsi_deassert(struct domain *d, unsigned int gsi);

#endif /* ASM_HVM_IRQ_H */
