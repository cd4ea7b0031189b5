/* IO-APIC pins as Keel programs them for the GSIs dom0 binds (io_apic.c). */
#ifndef ASM_IO_APIC_H
#define ASM_IO_APIC_H

#include <keel/types.h>

void io_apic_init(void);
/* Xen's nr_irqs_gsi: one past the highest GSI of any IO-APIC, at least 16. */
unsigned int io_apic_nr_gsis(void);
bool io_apic_has_gsi(unsigned int gsi);
/* Trigger mode and polarity of a GSI by the MADT (ISA defaults, overrides). */
void io_apic_default_mode(unsigned int gsi, bool *level, bool *active_low);
/* Write a GSI's redirection entry: fixed delivery, physical destination. */
int io_apic_route(unsigned int gsi, uint8_t vector, bool level, bool active_low,
                  uint32_t dest_apic_id, bool masked);
void io_apic_mask(unsigned int gsi, bool masked);
/* PHYSDEVOP_apic_read: 0, or -EINVAL when no IO-APIC is at physbase. */
int io_apic_guest_read(uint64_t physbase, uint32_t reg, uint32_t *val);
bool io_apic_at(uint64_t physbase);

/* arch/x86/irq.c: the descriptors of the GSIs and MSIs, after the IO-APICs. */
void irq_init(void);

#endif /* ASM_IO_APIC_H */
