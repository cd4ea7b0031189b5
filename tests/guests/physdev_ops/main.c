/*
 * physdev_op for a PV dom0's devices, and EVTCHNOP_bind_pirq, without a
 * device that interrupts: GSI 5 and 7 have nothing behind them under the
 * runner's QEMU (pc machine, one 24-pin IO-APIC at 0xfec00000).  Expected
 * answers are Xen 4.17's (xen/arch/x86/physdev.c, irq.c, io_apic.c):
 *  - apic_read of IO-APIC register 1 reads the hardware (QEMU: version
 *    0x20, 24 pins: 0x00170020); another physbase -EINVAL;
 *  - map_pirq GSI: pirq = GSI as asked, again the same, -1 gives the pirq
 *    it has, another pirq -EEXIST; GSI 7 with -1 takes pirq 16 (the first
 *    free one past the ISA range); GSI 0 -EPERM; GSI -1 / 24 / huge,
 *    types 2 and 7, a pirq past the domain's range -EINVAL; domain 42
 *    -ESRCH; a bad pointer -EFAULT;
 *  - map_pirq MSI: a function without MSI (00:00.0) or absent (00:1f.0)
 *    -ENODEV, segment 1 -ENODEV, an index other than -1 -EINVAL;
 *    MULTI_MSI with a table base -EINVAL, 0 vectors -EDOM, 4 vectors
 *    -EOPNOTSUPP (no interrupt remapping);
 *  - irq_status_query: needs_eoi for any pirq in range, mapped or not;
 *    negative or past the range -EINVAL;
 *  - setup_gsi: first 0, again -EEXIST, GSI -1 / 24 -EINVAL;
 *  - eoi: a mapped pirq 0 (nothing in flight), a never-mapped one -EINVAL;
 *  - pirq_eoi_gmfn_v2: a frame not ours -EINVAL, ours 0, again -EBUSY;
 *    bind_pirq of level GSI 5 sets its bit in that page;
 *  - bind_pirq: a mapped pirq gets a port, again -EEXIST, unmapped -EPERM,
 *    past the range -EINVAL; close 0;
 *  - unmap_pirq: 0, then -EINVAL; never mapped / past the range -EINVAL;
 *    domain 42 -ESRCH;
 *  - PCI reports: manage_pci_add, pci_device_add 0; remove of an absent
 *    function -ENODEV; manage_pci_add_ext with is_extfn 2 -EINVAL;
 *    restore_msi of an absent function -ENODEV; dbgp_op 0 (no EHCI debug
 *    port); alloc_irq_vector echoes the irq; an unknown command -ENOSYS.
 */
#include "pv.h"
#include "console.h"
#include "report.h"
#include <public/event_channel.h>
#include <public/physdev.h>

const char test_title[] = "physdev_op: pirqs, IO-APIC reads, PCI reports; EVTCHNOP_bind_pirq";

#define IOAPIC_BASE 0xfec00000UL
#define UNMAPPED    ((void *)0x1000UL)
#define BIG_PIRQ    100000
#define NO_DOMAIN   42

struct bind_pirq { uint32_t pirq; uint32_t flags; evtchn_port_t port; };

static uint8_t eoi_page[4096] __page_aligned __section(".bss.page_aligned");

static long physdev(unsigned int cmd, void *arg)
{
    return hypercall_physdev_op(cmd, arg);
}

static long map_gsi(uint16_t domid, int gsi, int *pirq)
{
    struct physdev_map_pirq m = { .domid = domid, .type = MAP_PIRQ_TYPE_GSI,
                                  .index = gsi, .pirq = *pirq };
    long rc = physdev(PHYSDEVOP_map_pirq, &m);

    *pirq = m.pirq;
    return rc;
}

static long map_msi(int type, int index, int bus, int devfn, int entry_nr, uint64_t table)
{
    struct physdev_map_pirq m = { .domid = DOMID_SELF, .type = type, .index = index,
                                  .pirq = -1, .bus = bus, .devfn = devfn,
                                  .entry_nr = entry_nr, .table_base = table };

    return physdev(PHYSDEVOP_map_pirq, &m);
}

static long unmap(uint16_t domid, int pirq)
{
    struct physdev_unmap_pirq u = { .domid = domid, .pirq = pirq };

    return physdev(PHYSDEVOP_unmap_pirq, &u);
}

static long status(uint32_t pirq, uint32_t *flags)
{
    struct physdev_irq_status_query q = { .irq = pirq, .flags = 0xdead };
    long rc = physdev(PHYSDEVOP_irq_status_query, &q);

    *flags = q.flags;
    return rc;
}

static long eoi(uint32_t pirq)
{
    struct physdev_eoi e = { .irq = pirq };

    return physdev(PHYSDEVOP_eoi, &e);
}

static long setup_gsi(int gsi, uint8_t level, uint8_t low)
{
    struct physdev_setup_gsi s = { .gsi = gsi, .triggering = level, .polarity = low };

    return physdev(PHYSDEVOP_setup_gsi, &s);
}

static long bind(uint32_t pirq, evtchn_port_t *port)
{
    struct bind_pirq b = { .pirq = pirq, .flags = 1 };
    long rc = hypercall_event_channel_op(EVTCHNOP_bind_pirq, &b);

    *port = b.port;
    return rc;
}

static void apic_reads(void)
{
    struct physdev_apic a = { .apic_physbase = IOAPIC_BASE, .reg = 1 };

    check_rc("apic_read version", physdev(PHYSDEVOP_apic_read, &a), 0);
    printk("IO-APIC register 1: %#x\n", a.value);
    check_eq("IO-APIC version register", a.value, 0x00170020);
    a = (struct physdev_apic){ .apic_physbase = IOAPIC_BASE + 0x1000, .reg = 1 };
    check_rc("apic_read, no IO-APIC there", physdev(PHYSDEVOP_apic_read, &a), -EINVAL);
    check_rc("apic_read, bad pointer", physdev(PHYSDEVOP_apic_read, UNMAPPED), -EFAULT);
    a = (struct physdev_apic){ .apic_physbase = IOAPIC_BASE + 0x1000, .reg = 0x10 };
    check_rc("apic_write, no IO-APIC there", physdev(PHYSDEVOP_apic_write, &a), -EINVAL);
}

static void gsi_maps(void)
{
    struct physdev_map_pirq m = { .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_UNKNOWN,
                                  .index = 5, .pirq = 5 };
    int pirq;

    pirq = 5;
    check_rc("map GSI 5 at pirq 5", map_gsi(DOMID_SELF, 5, &pirq), 0);
    check_eq("pirq of GSI 5", pirq, 5);
    check_rc("map GSI 5 at pirq 5 again", map_gsi(DOMID_SELF, 5, &pirq), 0);
    pirq = -1;
    check_rc("map GSI 5, any pirq", map_gsi(DOMID_SELF, 5, &pirq), 0);
    check_eq("pirq GSI 5 has", pirq, 5);
    pirq = 6;
    check_rc("map GSI 5 at another pirq", map_gsi(DOMID_SELF, 5, &pirq), -EEXIST);
    pirq = -1;
    check_rc("map GSI 7, any pirq", map_gsi(DOMID_SELF, 7, &pirq), 0);
    check_eq("first free pirq for a GSI", pirq, 16);

    pirq = -1;
    check_rc("map GSI 0", map_gsi(DOMID_SELF, 0, &pirq), -EPERM);
    pirq = -1;
    check_rc("map GSI -1", map_gsi(DOMID_SELF, -1, &pirq), -EINVAL);
    check_rc("map GSI 24", map_gsi(DOMID_SELF, 24, &pirq), -EINVAL);
    check_rc("map GSI 0x7fffffff", map_gsi(DOMID_SELF, 0x7fffffff, &pirq), -EINVAL);
    pirq = BIG_PIRQ;
    check_rc("map GSI 10 at a pirq past the range", map_gsi(DOMID_SELF, 10, &pirq), -EINVAL);
    pirq = 10;
    check_rc("map for domain 42", map_gsi(NO_DOMAIN, 10, &pirq), -ESRCH);
    check_rc("map type UNKNOWN", physdev(PHYSDEVOP_map_pirq, &m), -EINVAL);
    m.type = 7;
    check_rc("map type 7", physdev(PHYSDEVOP_map_pirq, &m), -EINVAL);
    check_rc("map, bad pointer", physdev(PHYSDEVOP_map_pirq, UNMAPPED), -EFAULT);
}

static void msi_maps(void)
{
    check_rc("MSI of 00:00.0 (no capability)", map_msi(MAP_PIRQ_TYPE_MSI, -1, 0, 0, 0, 0),
             -ENODEV);
    check_rc("MSI of absent 00:1f.0", map_msi(MAP_PIRQ_TYPE_MSI, -1, 0, 0x1f << 3, 0, 0),
             -ENODEV);
    check_rc("MSI_SEG of segment 1", map_msi(MAP_PIRQ_TYPE_MSI_SEG, -1, 1 << 16, 0, 0, 0),
             -ENODEV);
    check_rc("MSI with index 5", map_msi(MAP_PIRQ_TYPE_MSI, 5, 0, 0, 0, 0), -EINVAL);
    check_rc("MULTI_MSI with a table base", map_msi(MAP_PIRQ_TYPE_MULTI_MSI, -1, 0, 0, 1, 1),
             -EINVAL);
    check_rc("MULTI_MSI of 0 vectors", map_msi(MAP_PIRQ_TYPE_MULTI_MSI, -1, 0, 0, 0, 0), -EDOM);
    check_rc("MULTI_MSI of 4 vectors", map_msi(MAP_PIRQ_TYPE_MULTI_MSI, -1, 0, 0, 4, 0),
             -EOPNOTSUPP);
}

static void queries(void)
{
    uint32_t flags;

    check_rc("irq_status_query pirq 5", status(5, &flags), 0);
    check_eq("pirq 5 needs EOI", flags, XENIRQSTAT_needs_eoi);
    check_rc("irq_status_query unmapped pirq 6", status(6, &flags), 0);
    check_eq("pirq 6 needs EOI", flags, XENIRQSTAT_needs_eoi);
    check_rc("irq_status_query pirq -1", status(0xffffffff, &flags), -EINVAL);
    check_rc("irq_status_query pirq past the range", status(BIG_PIRQ, &flags), -EINVAL);
    check_rc("irq_status_query, bad pointer",
             physdev(PHYSDEVOP_irq_status_query, UNMAPPED), -EFAULT);

    check_rc("setup_gsi 5 level", setup_gsi(5, 1, 0), 0);
    check_rc("setup_gsi 5 again", setup_gsi(5, 1, 0), -EEXIST);
    check_rc("setup_gsi -1", setup_gsi(-1, 1, 0), -EINVAL);
    check_rc("setup_gsi 24", setup_gsi(24, 1, 0), -EINVAL);

    check_rc("eoi of mapped pirq 5", eoi(5), 0);
    check_rc("eoi of never-mapped pirq 6", eoi(6), -EINVAL);
    check_rc("eoi past the range", eoi(BIG_PIRQ), -EINVAL);
    check_rc("eoi, bad pointer", physdev(PHYSDEVOP_eoi, UNMAPPED), -EFAULT);
}

static void eoi_page_and_bind(void)
{
    struct physdev_pirq_eoi_gmfn g = { .gmfn = 0x7fffffffUL };
    evtchn_port_t port, port2;

    check_rc("pirq_eoi_gmfn_v2, not our frame", physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), -EINVAL);
    g.gmfn = virt_to_mfn(eoi_page);
    check_rc("pirq_eoi_gmfn_v2", physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), 0);
    check_rc("pirq_eoi_gmfn_v2 again", physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &g), -EBUSY);

    check_rc("bind_pirq 5", bind(5, &port), 0);
    check_eq("a port for pirq 5", port != 0, 1);
    check_eq("level GSI 5 needs EOI in the page", eoi_page[0] & (1 << 5), 1 << 5);
    check_rc("bind_pirq 5 again", bind(5, &port2), -EEXIST);
    check_rc("bind_pirq of unmapped pirq 6", bind(6, &port2), -EPERM);
    check_rc("bind_pirq past the range", bind(BIG_PIRQ, &port2), -EINVAL);
    check_rc("eoi of bound pirq 5", eoi(5), 0);
    check_rc("close the pirq port", hypercall_event_channel_op(EVTCHNOP_close, &port), 0);
}

static void unmaps(void)
{
    check_rc("unmap pirq 5", unmap(DOMID_SELF, 5), 0);
    check_rc("unmap pirq 5 again", unmap(DOMID_SELF, 5), -EINVAL);
    check_rc("unmap pirq 16", unmap(DOMID_SELF, 16), 0);
    check_rc("unmap never-mapped pirq 6", unmap(DOMID_SELF, 6), -EINVAL);
    check_rc("unmap pirq past the range", unmap(DOMID_SELF, BIG_PIRQ), -EINVAL);
    check_rc("unmap for domain 42", unmap(NO_DOMAIN, 5), -ESRCH);
    check_rc("unmap, bad pointer", physdev(PHYSDEVOP_unmap_pirq, UNMAPPED), -EFAULT);
}

static void pci_reports(void)
{
    struct physdev_manage_pci mp = { .bus = 0, .devfn = 0 };
    struct physdev_manage_pci_ext ext = { .bus = 0, .devfn = 0, .is_extfn = 2 };
    struct physdev_pci_device_add add = { .seg = 0, .bus = 0, .devfn = 0 };
    struct physdev_pci_device absent = { .seg = 0, .bus = 0, .devfn = 0x1f << 3 };
    struct physdev_restore_msi rm = { .bus = 0, .devfn = 0x1f << 3 };
    struct physdev_irq irq = { .irq = 9, .vector = 0 };
    uint8_t dbgp[6] = { 0 };

    check_rc("manage_pci_add 00:00.0", physdev(PHYSDEVOP_manage_pci_add, &mp), 0);
    check_rc("pci_device_add 00:00.0", physdev(PHYSDEVOP_pci_device_add, &add), 0);
    check_rc("pci_device_remove of absent 00:1f.0",
             physdev(PHYSDEVOP_pci_device_remove, &absent), -ENODEV);
    check_rc("manage_pci_add_ext, is_extfn 2", physdev(PHYSDEVOP_manage_pci_add_ext, &ext),
             -EINVAL);
    check_rc("restore_msi of absent 00:1f.0", physdev(PHYSDEVOP_restore_msi, &rm), -ENODEV);
    check_rc("restore_msi_ext of absent 00:1f.0", physdev(PHYSDEVOP_restore_msi_ext, &absent),
             -ENODEV);
    check_rc("pci_device_add, bad pointer", physdev(PHYSDEVOP_pci_device_add, UNMAPPED), -EFAULT);
    check_rc("dbgp_op", physdev(PHYSDEVOP_dbgp_op, dbgp), 0);
    check_rc("dbgp_op, bad pointer", physdev(PHYSDEVOP_dbgp_op, UNMAPPED), -EFAULT);
    check_rc("alloc_irq_vector", physdev(PHYSDEVOP_alloc_irq_vector, &irq), 0);
    check_eq("alloc_irq_vector echoes the irq", irq.vector, 9);
    check_rc("unknown physdev_op 99", physdev(99, &irq), -ENOSYS);
}

void test_main(void)
{
    apic_reads();
    gsi_maps();
    msi_maps();
    queries();
    eoi_page_and_bind();
    unmaps();
    pci_reports();
}
