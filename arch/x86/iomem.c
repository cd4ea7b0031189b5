/* I/O memory permissions and the frames Keel keeps for itself (asm/iomem.h). */
#include <keel/lib.h>
#include <keel/acpi.h>
#include <keel/bootinfo.h>
#include <keel/domain.h>
#include <keel/mm.h>
#include <keel/spinlock.h>
#include <keel/xsm.h>
#include <asm/iomem.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <public/errno.h>

#define LOW_MIB_FRAMES 0x100
#define RO_MMIO_MAX    64

/*
 * Device registers Keel programs itself inside BARs dom0 otherwise owns:
 * the MSI-X tables and pending-bit arrays (Xen's mmio_ro_ranges).  Ranges
 * are only ever added: a device's table stays protected after it goes.
 */
static struct { mfn_t first, last; } ro_mmio[RO_MMIO_MAX];
static unsigned int nr_ro_mmio;
static DEFINE_SPINLOCK(ro_mmio_lock);

/* The last frame the CPU can address (CPUID 0x80000008: MAXPHYADDR). */
mfn_t iomem_max_mfn(void)
{
    struct cpuid_leaf l;
    unsigned int bits = 36;

    cpuid(0x80000000, &l);
    if ( l.a >= 0x80000008 )
    {
        cpuid(0x80000008, &l);
        bits = l.a & 0xff;
    }
    return (1UL << (bits - PAGE_SHIFT)) - 1;
}

int iomem_permit(struct domain *d, mfn_t first, mfn_t last)
{
    struct iomem_ranges *io = &d->arch.iomem;

    if ( first > last )
        return -EINVAL;
    if ( io->nr == IOMEM_MAX_RANGES )
        return -ENOSPC;
    io->r[io->nr].first = first;
    io->r[io->nr].last = last;
    io->nr++;
    return 0;
}

bool iomem_permitted(const struct domain *d, mfn_t mfn)
{
    const struct iomem_ranges *io = &d->arch.iomem;

    for ( unsigned int i = 0; i < io->nr; i++ )
        if ( mfn >= io->r[i].first && mfn <= io->r[i].last )
            return true;
    return false;
}

int iomem_add_ro_range(mfn_t first, mfn_t last)
{
    int rc = 0;

    if ( first > last || last > iomem_max_mfn() )
        return -EINVAL;
    spin_lock(&ro_mmio_lock);
    for ( unsigned int i = 0; i < nr_ro_mmio; i++ )
        if ( ro_mmio[i].first <= first && last <= ro_mmio[i].last )
            goto out;                   /* already covered */
    if ( nr_ro_mmio == RO_MMIO_MAX )
    {
        rc = -ENOSPC;
        goto out;
    }
    ro_mmio[nr_ro_mmio].first = first;
    ro_mmio[nr_ro_mmio].last = last;
    /* Readers take no lock: the entry is complete before the count covers it. */
    __atomic_store_n(&nr_ro_mmio, nr_ro_mmio + 1, __ATOMIC_RELEASE);
 out:
    spin_unlock(&ro_mmio_lock);
    return rc;
}

static bool in_ro_mmio(mfn_t mfn)
{
    unsigned int n = __atomic_load_n(&nr_ro_mmio, __ATOMIC_ACQUIRE);

    for ( unsigned int i = 0; i < n; i++ )
        if ( mfn >= ro_mmio[i].first && mfn <= ro_mmio[i].last )
            return true;
    return false;
}

static bool is_hpet(mfn_t mfn)
{
    return acpi_platform.hpet_addr &&
           ((paddr_t)mfn << PAGE_SHIFT) == (acpi_platform.hpet_addr & PAGE_MASK);
}

static bool is_ioapic(mfn_t mfn)
{
    paddr_t pa = (paddr_t)mfn << PAGE_SHIFT;

    for ( unsigned int i = 0; i < acpi_platform.nr_ioapics; i++ )
        if ( pa == (acpi_platform.ioapics[i].addr & PAGE_MASK) )
            return true;
    return false;
}

/* The MMIO page Keel programs itself and no guest may touch: the LAPIC. */
static bool keel_mmio(mfn_t mfn)
{
    return ((paddr_t)mfn << PAGE_SHIFT) == (acpi_platform.lapic_addr & PAGE_MASK);
}

static bool e820_ram(mfn_t mfn)
{
    const struct boot_info *bi = keel_boot_info();
    paddr_t pa = (paddr_t)mfn << PAGE_SHIFT;

    for ( unsigned int i = 0; i < bi->nr_memmap; i++ )
        if ( bi->memmap[i].type == E820_RAM && pa >= bi->memmap[i].addr &&
             pa - bi->memmap[i].addr < bi->memmap[i].size )
            return true;
    return false;
}

static bool mappable(const struct domain *d, mfn_t mfn)
{
    const struct page_info *pg;

    if ( xsm_iomem_mapping(d, mfn) || keel_mmio(mfn) )
        return false;
    if ( !mfn_valid(mfn) )
        return true;                    /* beyond RAM: MMIO only */
    pg = mfn_to_page(mfn);
    /* Heap frames (free, Keel's or a domain's) are never I/O. */
    if ( !(pg->count_info & PGC_reserved) )
        return false;
    if ( mfn < LOW_MIB_FRAMES )
        return mfn != PFN_DOWN(TRAMPOLINE_PHYS);
    /* Reserved RAM above 1 MiB is Keel's image, frame table and modules. */
    return !e820_ram(mfn);
}

enum iomem_access iomem_mfn_access(const struct domain *d, mfn_t mfn)
{
    if ( !mappable(d, mfn) )
        return IOMEM_DENY;
    /* Keel drives these; dom0 may read them, as on Xen without an IOMMU. */
    return is_hpet(mfn) || is_ioapic(mfn) || in_ro_mmio(mfn) ? IOMEM_RO : IOMEM_RW;
}
