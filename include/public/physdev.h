/* SPDX-License-Identifier: MIT */
/*
 * physdev_op hypercall (33): numbers and layouts of Xen's public physdev.h,
 * the subset a PV dom0 uses for port I/O, physical interrupts (PIRQs) and
 * PCI devices.
 */
#ifndef PUBLIC_PHYSDEV_H
#define PUBLIC_PHYSDEV_H

#include <stdint.h>

#define PHYSDEVOP_IRQ_UNMASK_NOTIFY 4  /* legacy, no argument */

#define PHYSDEVOP_irq_status_query  5
struct physdev_irq_status_query {
    uint32_t irq;              /* IN: the pirq */
    uint32_t flags;            /* OUT: XENIRQSTAT_* */
};
#define XENIRQSTAT_needs_eoi   (1u << 0)   /* PHYSDEVOP_eoi after each event */
#define XENIRQSTAT_shared      (1u << 1)   /* bound by more than one domain */

#define PHYSDEVOP_set_iopl     6
struct physdev_set_iopl {
    uint32_t iopl;             /* 0..3: the virtual IOPL of the guest kernel */
};
#define PHYSDEVOP_set_iobitmap 7

/* Read or write an IO-APIC register, the IO-APIC named by its address. */
#define PHYSDEVOP_apic_read    8
#define PHYSDEVOP_apic_write   9
struct physdev_apic {
    uint64_t apic_physbase;
    uint32_t reg;
    uint32_t value;            /* OUT for read, IN for write */
};

#define PHYSDEVOP_alloc_irq_vector 10
struct physdev_irq {
    uint32_t irq;
    uint32_t vector;           /* OUT: Xen answers irq (a dummy) */
};

/* The guest says it handled a pirq's event: a level-triggered line may fire again. */
#define PHYSDEVOP_eoi          12
struct physdev_eoi {
    uint32_t irq;              /* the pirq */
};

#define MAP_PIRQ_TYPE_MSI       0x0
#define MAP_PIRQ_TYPE_GSI       0x1
#define MAP_PIRQ_TYPE_UNKNOWN   0x2
#define MAP_PIRQ_TYPE_MSI_SEG   0x3    /* MSI, segment in bus[31:16] */
#define MAP_PIRQ_TYPE_MULTI_MSI 0x4    /* several MSI vectors of one function */

#define PHYSDEVOP_map_pirq     13
struct physdev_map_pirq {
    uint16_t domid;
    int32_t type;              /* MAP_PIRQ_TYPE_* */
    int32_t index;             /* GSI, or -1 for MSI */
    int32_t pirq;              /* IN: wanted pirq or -1; OUT: the pirq */
    int32_t bus;               /* MSI: bus, segment in the high half (_SEG) */
    int32_t devfn;
    int32_t entry_nr;          /* MSI-X: table entry; MULTI_MSI: count (IN/OUT) */
    uint64_t table_base;       /* MSI-X: address of the BAR holding the table */
};

#define PHYSDEVOP_unmap_pirq   14
struct physdev_unmap_pirq {
    uint16_t domid;
    int32_t pirq;
};

#define PHYSDEVOP_manage_pci_add    15
#define PHYSDEVOP_manage_pci_remove 16
struct physdev_manage_pci {
    uint8_t bus;
    uint8_t devfn;
};

#define PHYSDEVOP_pirq_eoi_gmfn_v1  17
#define PHYSDEVOP_restore_msi       19
struct physdev_restore_msi {
    uint8_t bus;
    uint8_t devfn;
};

#define PHYSDEVOP_manage_pci_add_ext 20
struct physdev_manage_pci_ext {
    uint8_t bus;
    uint8_t devfn;
    uint32_t is_extfn;
    uint32_t is_virtfn;
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;
};

/* Trigger mode and polarity of a GSI, from the guest's ACPI reading. */
#define PHYSDEVOP_setup_gsi    21
struct physdev_setup_gsi {
    int32_t gsi;
    uint8_t triggering;        /* 0 edge, 1 level */
    uint8_t polarity;          /* 0 active high, 1 active low */
};

#define PHYSDEVOP_get_free_pirq 23
struct physdev_get_free_pirq {
    int32_t type;              /* IN: MAP_PIRQ_TYPE_* */
    uint32_t pirq;             /* OUT */
};

#define PHYSDEVOP_pci_mmcfg_reserved 24

#define PHYSDEVOP_pci_device_add    25
struct physdev_pci_device_add {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
    uint32_t flags;            /* XEN_PCI_DEV_* */
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;
    /* uint32_t optarr[] follows (PXM with XEN_PCI_DEV_PXM) */
};
#define XEN_PCI_DEV_EXTFN  0x1
#define XEN_PCI_DEV_VIRTFN 0x2
#define XEN_PCI_DEV_PXM    0x4

#define PHYSDEVOP_pci_device_remove 26
#define PHYSDEVOP_restore_msi_ext   27
#define PHYSDEVOP_prepare_msix      30
#define PHYSDEVOP_release_msix      31
struct physdev_pci_device {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
};

/* Where the guest's page of EOI bits lives (bit n set: pirq n needs PHYSDEVOP_eoi). */
#define PHYSDEVOP_pirq_eoi_gmfn_v2  28
struct physdev_pirq_eoi_gmfn {
    uint64_t gmfn;
};

/* USB debug port resets (Xen's EHCI console): op, bus, then the device. */
#define PHYSDEVOP_dbgp_op      29
struct physdev_dbgp_op {
    uint8_t op;                /* 1 reset prepare, 2 reset done */
    uint8_t bus;               /* 0 unknown, 1 PCI */
    struct physdev_pci_device pci;
};

#endif /* PUBLIC_PHYSDEV_H */
