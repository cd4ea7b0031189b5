/* MSI and MSI-X messages Keel writes for the devices dom0 drives (msi.c). */
#ifndef ASM_MSI_H
#define ASM_MSI_H

#include <keel/types.h>

struct domain;
struct irq_desc;

/*
 * Point the function's MSI capability (msix false) or MSI-X table entry at
 * desc's vector on the boot CPU, masked where the device can mask.  0,
 * -ENODEV (no such function or capability), -EINVAL (entry out of the
 * table, a BAR that is not memory or is Keel's).
 */
int msi_setup(struct irq_desc *desc, const struct domain *d, unsigned int bdf,
              bool msix, unsigned int entry);
/* Stop the message: MSI disabled, the MSI-X entry masked. */
void msi_teardown(struct irq_desc *desc);
void msi_set_mask(struct irq_desc *desc, bool masked);
/* bdf's MSI-X table and PBA read-only to every domain: 0 or -errno. */
int msix_protect_tables(unsigned int bdf);
/* PHYSDEVOP_restore_msi: write the messages of bdf's irqs again. */
int msi_restore(unsigned int bdf);
/*
 * May dom0 write size bytes at reg of bdf's configuration space?  Keel
 * owns the MSI address/data/mask registers and the MSI-X capability but
 * its control word (Xen 4.17's pci_msi_conf_write_intercept, stricter for
 * MSI: Xen only keeps the mask bits).
 */
bool msi_guest_write_ok(unsigned int bdf, unsigned int reg, unsigned int size);

#endif /* ASM_MSI_H */
