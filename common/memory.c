/* memory_op: what a guest may ask about memory (the informational subset). */
#include <keel/lib.h>
#include <keel/bootinfo.h>
#include <keel/domain.h>
#include <keel/xsm.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/hvm/hvm.h>
#include <asm/pv.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>
#include <public/memory.h>

struct __packed e820_entry {
    uint64_t addr, size;
    uint32_t type;
};

static long machine_memory_map(uint64_t arg, const struct domain *d)
{
    const struct boot_info *bi = keel_boot_info();
    struct xen_memory_map map;
    unsigned int n;

    if ( xsm_privileged_op(d, XSM_read_machine_memory_map) )
        return -EPERM;
    if ( copy_from_guest(&map, arg, sizeof(map)) )
        return -EFAULT;
    n = min(map.nr_entries, bi->nr_memmap);
    for ( unsigned int i = 0; i < n; i++ )
    {
        struct e820_entry e = { bi->memmap[i].addr, bi->memmap[i].size,
                                bi->memmap[i].type };

        if ( copy_to_guest(map.buffer + i * sizeof(e), &e, sizeof(e)) )
            return -EFAULT;
    }
    map.nr_entries = n;
    return copy_to_guest(arg, &map, sizeof(map));
}

/* A PV guest's pseudo-physical map: one RAM range of its pages. */
static long guest_memory_map(uint64_t arg, const struct domain *d)
{
    struct xen_memory_map map;
    struct e820_entry e = { 0, (uint64_t)d->tot_pages << PAGE_SHIFT, E820_RAM };

    if ( copy_from_guest(&map, arg, sizeof(map)) )
        return -EFAULT;
    if ( map.nr_entries < 1 )
        return -EINVAL;
    if ( copy_to_guest(map.buffer, &e, sizeof(e)) )
        return -EFAULT;
    map.nr_entries = 1;
    return copy_to_guest(arg, &map, sizeof(map));
}

long do_memory_op(unsigned long cmd, uint64_t arg)
{
    struct domain *d = current->domain;
    domid_t domid;

    switch ( cmd & MEMOP_CMD_MASK )
    {
    case XENMEM_maximum_ram_page:
        return max_page - 1;
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
        if ( copy_from_guest(&domid, arg, sizeof(domid)) )
            return -EFAULT;
        if ( domid != DOMID_SELF && domid != d->domain_id )
            return -EPERM;
        return (cmd & MEMOP_CMD_MASK) == XENMEM_current_reservation
               ? d->tot_pages : d->max_pages;
    case XENMEM_machphys_mapping:
    {
        struct xen_machphys_mapping m = {
            .v_start = MACH2PHYS_VIRT_START,
            .v_end = MACH2PHYS_VIRT_START + max_page * sizeof(unsigned long),
            .max_mfn = max_page - 1,
        };

        return copy_to_guest(arg, &m, sizeof(m));
    }
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
    case XENMEM_exchange:
        if ( d->arch.is_hvm )
            return hvm_memory_reservation_op(cmd, arg);
        return pv_memory_reservation_op(cmd, arg);
    case XENMEM_machine_memory_map:
        return machine_memory_map(arg, d);
    case XENMEM_memory_map:
        return guest_memory_map(arg, d);
    }
    return -ENOSYS;
}
