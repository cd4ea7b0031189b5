/*
 * physdev_op: the guest's virtual I/O privilege level, and for dom0 its
 * physical interrupts (pirqs: arch/x86/irq_pirq.c), IO-APIC reads and the
 * PCI devices it reports.  Checks and error codes are Xen 4.17's
 * (xen/arch/x86/physdev.c); where Keel differs the comment says why.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/io_apic.h>
#include <asm/irq.h>
#include <asm/irq_pirq.h>
#include <asm/msi.h>
#include <asm/pci.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>
#include <public/physdev.h>
#include <public/xen.h>

#define MULTI_MSI_MAX 32               /* vectors an MSI capability can ask for */

/* 0 or -EPERM: the hardware domain only (Xen's XSM_PRIV). */
static int privileged(void)
{
    return current->domain->is_privileged ? 0 : -EPERM;
}

/*
 * The domain a map/unmap is for: -ESRCH when there is none; -EPERM for
 * another domain unless the caller is dom0 (Xen's XSM_DM_PRIV).  Keel has
 * no passthrough, so dom0 acting for another domain is -EOPNOTSUPP.
 */
static int pirq_target(domid_t domid, struct domain **out)
{
    struct domain *d = domid == DOMID_SELF ? current->domain : get_domain_by_id(domid);

    if ( !d )
        return -ESRCH;
    if ( d != current->domain )
        return current->domain->is_privileged ? -EOPNOTSUPP : -EPERM;
    if ( !d->is_privileged )
        return -EPERM;
    *out = d;
    return 0;
}

static int map_pirq(struct physdev_map_pirq *map)
{
    unsigned int seg = 0;
    struct domain *d;
    int rc;

    if ( map->type == MAP_PIRQ_TYPE_MSI_SEG || map->type == MAP_PIRQ_TYPE_MULTI_MSI )
        seg = (uint32_t)map->bus >> 16;
    if ( (rc = pirq_target(map->domid, &d)) != 0 )
        return rc;
    switch ( map->type )
    {
    case MAP_PIRQ_TYPE_GSI:
        return pirq_map_gsi(d, map->index, &map->pirq);
    case MAP_PIRQ_TYPE_MULTI_MSI:
        /* Xen without interrupt remapping grants one vector only. */
        if ( map->entry_nr <= 0 || map->entry_nr > MULTI_MSI_MAX )
            return -EDOM;
        if ( map->entry_nr != 1 )
            return -EOPNOTSUPP;
        return pirq_map_msi(d, -1, &map->pirq, seg,
                            ((map->bus & 0xff) << 8) | (map->devfn & 0xff), 0, 0);
    case MAP_PIRQ_TYPE_MSI:
    case MAP_PIRQ_TYPE_MSI_SEG:
        return pirq_map_msi(d, map->index, &map->pirq, seg,
                            ((map->bus & 0xff) << 8) | (map->devfn & 0xff),
                            map->entry_nr, map->table_base);
    }
    return -EINVAL;
}

static long physdev_map_pirq(uint64_t arg)
{
    struct physdev_map_pirq map;
    long rc;

    if ( copy_from_guest(&map, arg, sizeof(map)) )
        return -EFAULT;
    if ( map.type == MAP_PIRQ_TYPE_MULTI_MSI && map.table_base )
        return -EINVAL;                 /* Xen: before anything, nothing copied back */
    rc = map_pirq(&map);
    if ( copy_to_guest(arg, &map, sizeof(map)) )
        rc = -EFAULT;
    return rc;
}

static long physdev_unmap_pirq(uint64_t arg)
{
    struct physdev_unmap_pirq unmap;
    struct domain *d;
    int rc;

    if ( copy_from_guest(&unmap, arg, sizeof(unmap)) )
        return -EFAULT;
    if ( (rc = pirq_target(unmap.domid, &d)) != 0 )
        return rc;
    return pirq_unmap(d, unmap.pirq);
}

static long physdev_irq_status_query(uint64_t arg)
{
    struct physdev_irq_status_query q;
    int rc;

    if ( copy_from_guest(&q, arg, sizeof(q)) )
        return -EFAULT;
    if ( (rc = pirq_status(current->domain, (int)q.irq, &q.flags)) != 0 )
        return rc;
    return copy_to_guest(arg, &q, sizeof(q)) ? -EFAULT : 0;
}

static long physdev_apic(unsigned long cmd, uint64_t arg)
{
    struct physdev_apic apic;
    long rc;

    if ( copy_from_guest(&apic, arg, sizeof(apic)) )
        return -EFAULT;
    if ( (rc = privileged()) != 0 )
        return rc;
    if ( cmd == PHYSDEVOP_apic_write )
    {
        /*
         * Xen turns a redirection entry write into a pirq mapping (old
         * dom0s); Keel routes pins from map_pirq and setup_gsi only, and
         * Linux 6.1 never writes (its IO-APIC mapping is a dummy page).
         */
        return io_apic_at(apic.apic_physbase) ? 0 : -EINVAL;
    }
    rc = io_apic_guest_read(apic.apic_physbase, apic.reg, &apic.value);
    if ( copy_to_guest(arg, &apic, sizeof(apic)) )
        rc = -EFAULT;
    return rc;
}

/* Xen's dummy: the vector is the irq, Xen allocates the real one itself. */
static long physdev_alloc_irq_vector(uint64_t arg)
{
    struct physdev_irq irq;
    long rc;

    if ( copy_from_guest(&irq, arg, sizeof(irq)) )
        return -EFAULT;
    if ( (rc = privileged()) != 0 )
        return rc;
    irq.vector = irq.irq;
    return copy_to_guest(arg, &irq, sizeof(irq)) ? -EFAULT : 0;
}

static long physdev_setup_gsi(uint64_t arg)
{
    struct physdev_setup_gsi s;
    long rc;

    if ( copy_from_guest(&s, arg, sizeof(s)) )
        return -EFAULT;
    if ( s.gsi < 0 || (unsigned int)s.gsi >= nr_irqs_gsi )
        return -EINVAL;
    if ( (rc = privileged()) != 0 )
        return rc;
    return pirq_setup_gsi(s.gsi, s.triggering, s.polarity);
}

static long physdev_eoi_gmfn(unsigned long cmd, uint64_t arg)
{
    struct physdev_pirq_eoi_gmfn info;

    if ( copy_from_guest(&info, arg, sizeof(info)) )
        return -EFAULT;
    return pirq_set_eoi_map(current->domain, info.gmfn, cmd == PHYSDEVOP_pirq_eoi_gmfn_v1);
}

/*
 * PCI devices dom0 reports (Xen records them for passthrough and MSI):
 * Keel reads the hardware when it needs a device, so an add is accepted
 * and a remove succeeds for a function that is there (Xen scanned it).
 */
/* A function dom0 reports: Keel's MSI-X registers in it become read-only. */
static void protect_reported(unsigned int bdf)
{
    if ( pci_device_present(bdf) )
        msix_protect_tables(bdf);
}

static long physdev_pci(unsigned long cmd, uint64_t arg)
{
    union {
        struct physdev_manage_pci m;
        struct physdev_manage_pci_ext ext;
        struct physdev_pci_device_add add;
        struct physdev_pci_device dev;
        struct physdev_restore_msi restore;
    } u;
    static const uint8_t sizes[] = {
        [PHYSDEVOP_manage_pci_add] = sizeof(u.m),
        [PHYSDEVOP_manage_pci_remove] = sizeof(u.m),
        [PHYSDEVOP_restore_msi] = sizeof(u.restore),
        [PHYSDEVOP_manage_pci_add_ext] = sizeof(u.ext),
        [PHYSDEVOP_pci_device_add] = sizeof(u.add),
        [PHYSDEVOP_pci_device_remove] = sizeof(u.dev),
        [PHYSDEVOP_restore_msi_ext] = sizeof(u.dev),
    };
    long rc;

    if ( copy_from_guest(&u, arg, sizes[cmd]) )
        return -EFAULT;
    if ( (rc = privileged()) != 0 )
        return rc;
    switch ( cmd )
    {
    case PHYSDEVOP_manage_pci_add_ext:
        if ( u.ext.is_extfn > 1 || u.ext.is_virtfn > 1 )
            return -EINVAL;
        protect_reported((u.ext.bus << 8) | u.ext.devfn);
        return 0;
    case PHYSDEVOP_manage_pci_add:
        protect_reported((u.m.bus << 8) | u.m.devfn);
        return 0;
    case PHYSDEVOP_pci_device_add:
        if ( !u.add.seg )
            protect_reported((u.add.bus << 8) | u.add.devfn);
        return 0;
    case PHYSDEVOP_manage_pci_remove:
        return pci_device_present((u.m.bus << 8) | u.m.devfn) ? 0 : -ENODEV;
    case PHYSDEVOP_pci_device_remove:
        return !u.dev.seg && pci_device_present((u.dev.bus << 8) | u.dev.devfn) ? 0 : -ENODEV;
    case PHYSDEVOP_restore_msi:
        if ( !pci_device_present((u.restore.bus << 8) | u.restore.devfn) )
            return -ENODEV;
        msi_restore((u.restore.bus << 8) | u.restore.devfn);
        return 0;
    case PHYSDEVOP_restore_msi_ext:
        if ( u.dev.seg || !pci_device_present((u.dev.bus << 8) | u.dev.devfn) )
            return -ENODEV;
        msi_restore((u.dev.bus << 8) | u.dev.devfn);
        return 0;
    }
    return -ENOSYS;
}

long do_physdev_op(unsigned long cmd, uint64_t arg)
{
    struct physdev_set_iopl iopl;
    struct physdev_eoi eoi;
    struct physdev_dbgp_op dbgp;

    switch ( cmd )
    {
    case PHYSDEVOP_set_iopl:
        if ( copy_from_guest(&iopl, arg, sizeof(iopl)) )
            return -EFAULT;
        if ( iopl.iopl > 3 )
            return -EINVAL;
        current->arch.iopl = iopl.iopl;
        return 0;
    case PHYSDEVOP_eoi:
        if ( copy_from_guest(&eoi, arg, sizeof(eoi)) )
            return -EFAULT;
        return pirq_eoi(current->domain, eoi.irq);
    case PHYSDEVOP_pirq_eoi_gmfn_v1:
    case PHYSDEVOP_pirq_eoi_gmfn_v2:
        return physdev_eoi_gmfn(cmd, arg);
    case PHYSDEVOP_irq_status_query:
        return physdev_irq_status_query(arg);
    case PHYSDEVOP_map_pirq:
        return physdev_map_pirq(arg);
    case PHYSDEVOP_unmap_pirq:
        return physdev_unmap_pirq(arg);
    case PHYSDEVOP_apic_read:
    case PHYSDEVOP_apic_write:
        return physdev_apic(cmd, arg);
    case PHYSDEVOP_alloc_irq_vector:
        return physdev_alloc_irq_vector(arg);
    case PHYSDEVOP_setup_gsi:
        return physdev_setup_gsi(arg);
    case PHYSDEVOP_manage_pci_add:
    case PHYSDEVOP_manage_pci_remove:
    case PHYSDEVOP_manage_pci_add_ext:
    case PHYSDEVOP_pci_device_add:
    case PHYSDEVOP_pci_device_remove:
    case PHYSDEVOP_restore_msi:
    case PHYSDEVOP_restore_msi_ext:
        return physdev_pci(cmd, arg);
    case PHYSDEVOP_dbgp_op:
        /* Xen: 0 when it drives no EHCI debug port, as Keel never does. */
        if ( privileged() )
            return -EPERM;
        return copy_from_guest(&dbgp, arg, sizeof(dbgp)) ? -EFAULT : 0;
    }
    return -ENOSYS;
}
