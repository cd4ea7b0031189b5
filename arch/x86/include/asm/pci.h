/* PCI configuration space through ports 0xcf8/0xcfc (segment 0), for Keel and dom0. */
#ifndef ASM_PCI_H
#define ASM_PCI_H

#include <keel/types.h>

#define PCI_CF8_ENABLE     0x80000000u
#define PCI_CF8(bdf, reg)  (PCI_CF8_ENABLE | ((uint32_t)(bdf) << 8) | ((reg) & 0xfc))

#define PCI_VENDOR_ID      0x00
#define PCI_COMMAND        0x04
#define  PCI_COMMAND_MEMORY 0x2
#define PCI_STATUS         0x06
#define  PCI_STATUS_CAP_LIST 0x10
#define PCI_BAR0           0x10
#define PCI_CAP_PTR        0x34
#define PCI_CAP_ID_MSI     0x05
#define PCI_CAP_ID_MSIX    0x11

/*
 * One access of 1, 2 or 4 bytes at offset (0..3) of the dword cf8 selects,
 * with the CF8 write and the data access under one lock: the only way
 * Keel and the guests' emulated 0xcf8 latches reach the ports.
 */
uint32_t pci_conf_read_cf8(uint32_t cf8, unsigned int offset, unsigned int size);
void pci_conf_write_cf8(uint32_t cf8, unsigned int offset, unsigned int size, uint32_t val);

uint32_t pci_conf_read(unsigned int bdf, unsigned int reg, unsigned int size);
void pci_conf_write(unsigned int bdf, unsigned int reg, unsigned int size, uint32_t val);
/* Is there a function at bdf? */
bool pci_device_present(unsigned int bdf);
/* The offset of capability id in bdf's list, or 0. */
unsigned int pci_find_cap(unsigned int bdf, uint8_t id);

/*
 * pv/pci_cfg.c: a PV guest's port access, if it is one of the PCI
 * configuration ports Keel emulates (true: done, *val read or written).
 */
struct domain;
bool pv_pci_cfg_io(struct domain *d, unsigned int port, unsigned int bytes, bool in,
                   uint32_t *val);

#endif /* ASM_PCI_H */
