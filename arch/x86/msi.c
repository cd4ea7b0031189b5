/*
 * MSI and MSI-X (PCI Local Bus 3.0 ch. 6.8): Keel writes each message
 * itself, address 0xfee00000 with the boot CPU's APIC ID (physical, fixed
 * delivery), data = Keel's vector, edge-triggered.  dom0 enables and
 * disables MSI in the control word, as Linux does around map_pirq.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <asm/io.h>
#include <asm/iomem.h>
#include <asm/irq.h>
#include <asm/mm.h>
#include <asm/msi.h>
#include <asm/page.h>
#include <asm/pci.h>
#include <public/errno.h>

#define MSI_FLAGS        2              /* control word */
#define  MSI_FLAGS_ENABLE  0x0001
#define  MSI_FLAGS_QSIZE   0x0070       /* multiple message enable */
#define  MSI_FLAGS_64BIT   0x0080
#define  MSI_FLAGS_MASKBIT 0x0100
#define MSI_ADDR_LO      4
#define MSIX_FLAGS       2
#define  MSIX_FLAGS_QSIZE  0x07ff
#define MSIX_TABLE       4              /* BIR in bits 2:0, offset above */
#define MSIX_PBA         8
#define MSIX_CAP_SIZE    12
#define MSIX_ENTRY_SIZE  16
#define MSIX_ENTRY_CTRL  3              /* dword index of vector control */
#define  MSIX_ENTRY_MASKED 1

#define MSI_ADDR_BASE    0xfee00000u

/* MSI-X table pages mapped so far: ioremap space is never given back. */
#define MSIX_MAPS 32
static struct { paddr_t pa; volatile uint8_t *va; } msix_maps[MSIX_MAPS];

static uint32_t msi_address(void)
{
    return MSI_ADDR_BASE | ((irq_dest_apic_id() & 0xff) << 12);
}

/* Offsets of the data and mask registers of an MSI capability. */
static unsigned int msi_data_reg(unsigned int pos, uint16_t flags)
{
    return pos + ((flags & MSI_FLAGS_64BIT) ? 12 : 8);
}

static unsigned int msi_mask_reg(unsigned int pos, uint16_t flags)
{
    return pos + ((flags & MSI_FLAGS_64BIT) ? 16 : 12);
}

static unsigned int msi_cap_size(uint16_t flags)
{
    return ((flags & MSI_FLAGS_64BIT) ? 14 : 10) + ((flags & MSI_FLAGS_MASKBIT) ? 10 : 0);
}

static void msi_write_msg(struct irq_desc *desc)
{
    uint16_t flags = pci_conf_read(desc->bdf, desc->cap + MSI_FLAGS, 2);

    pci_conf_write(desc->bdf, desc->cap + MSI_ADDR_LO, 4, msi_address());
    if ( flags & MSI_FLAGS_64BIT )
        pci_conf_write(desc->bdf, desc->cap + MSI_ADDR_LO + 4, 4, 0);
    pci_conf_write(desc->bdf, msi_data_reg(desc->cap, flags), 2, desc->vector);
    /* One message: Keel routes one vector per MSI capability. */
    pci_conf_write(desc->bdf, desc->cap + MSI_FLAGS, 2, flags & ~MSI_FLAGS_QSIZE);
}

static void msix_write_msg(struct irq_desc *desc)
{
    volatile uint32_t *e = desc->msix_entry;

    e[MSIX_ENTRY_CTRL] |= MSIX_ENTRY_MASKED;
    e[0] = msi_address();
    e[1] = 0;
    e[2] = desc->vector;
}

/* The physical address of a memory BAR, or 0. */
static paddr_t bar_address(unsigned int bdf, unsigned int bir)
{
    uint32_t lo, hi = 0;

    if ( bir > 5 )
        return 0;
    lo = pci_conf_read(bdf, PCI_BAR0 + 4 * bir, 4);
    if ( lo & 1 )
        return 0;                       /* I/O space */
    if ( ((lo >> 1) & 3) == 2 )
    {
        if ( bir == 5 )
            return 0;
        hi = pci_conf_read(bdf, PCI_BAR0 + 4 * (bir + 1), 4);
    }
    return ((paddr_t)hi << 32) | (lo & ~0xfu);
}

static volatile uint8_t *map_table_page(paddr_t pa)
{
    unsigned int i;

    for ( i = 0; i < MSIX_MAPS && msix_maps[i].va; i++ )
        if ( msix_maps[i].pa == pa )
            return msix_maps[i].va;
    if ( i == MSIX_MAPS || !(msix_maps[i].va = ioremap(pa, PAGE_SIZE)) )
        return NULL;
    msix_maps[i].pa = pa;
    return msix_maps[i].va;
}

/* Frames [first, last] of a table in BAR bir at offset off, length len. */
static int protect_bar_range(unsigned int bdf, uint32_t bir_off, unsigned long len)
{
    paddr_t base = bar_address(bdf, bir_off & 7), first;

    if ( !base )
        return -ENODEV;                 /* BAR not assigned (yet) */
    first = base + (bir_off & ~7u);
    return iomem_add_ro_range(first >> PAGE_SHIFT, (first + len - 1) >> PAGE_SHIFT);
}

/*
 * The MSI-X table and PBA of bdf become read-only to dom0, as in Xen
 * (msix_capability_init puts both in mmio_ro_ranges): Keel writes the
 * messages itself, and a dom0 write to an entry would redirect an
 * interrupt behind its back.  Done when dom0 reports the device (before
 * its driver maps the BAR) and again at map_pirq time.
 */
int msix_protect_tables(unsigned int bdf)
{
    unsigned int pos = pci_find_cap(bdf, PCI_CAP_ID_MSIX);
    unsigned long entries;
    int rc;

    if ( !pos )
        return 0;
    entries = (pci_conf_read(bdf, pos + MSIX_FLAGS, 2) & MSIX_FLAGS_QSIZE) + 1;
    rc = protect_bar_range(bdf, pci_conf_read(bdf, pos + MSIX_TABLE, 4),
                           entries * MSIX_ENTRY_SIZE);
    if ( !rc )
        rc = protect_bar_range(bdf, pci_conf_read(bdf, pos + MSIX_PBA, 4),
                               (entries + 63) / 64 * 8);
    if ( rc && rc != -ENODEV )
        printk(KLOG_WARNING "PCI %02x:%02x.%u: MSI-X table left writable to dom0 (%d)\n",
               bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, rc);
    return rc;
}

static int msix_find_entry(struct irq_desc *desc, const struct domain *d,
                           unsigned int pos, unsigned int entry)
{
    uint16_t flags = pci_conf_read(desc->bdf, pos + MSIX_FLAGS, 2);
    uint32_t table = pci_conf_read(desc->bdf, pos + MSIX_TABLE, 4);
    paddr_t base = bar_address(desc->bdf, table & 7), pa;
    volatile uint8_t *page;

    if ( entry > (flags & MSIX_FLAGS_QSIZE) || !base )
        return -EINVAL;
    pa = base + (table & ~7u) + entry * MSIX_ENTRY_SIZE;
    /* A BAR dom0 pointed at RAM or at Keel's own registers is refused. */
    if ( iomem_mfn_access(d, pa >> PAGE_SHIFT) == IOMEM_DENY )
        return -EINVAL;
    msix_protect_tables(desc->bdf);
    if ( !(page = map_table_page(pa & PAGE_MASK)) )
        return -ENOMEM;
    desc->msix_entry = (volatile uint32_t *)(page + (pa & ~PAGE_MASK));
    desc->entry = entry;
    return 0;
}

int msi_setup(struct irq_desc *desc, const struct domain *d, unsigned int bdf,
              bool msix, unsigned int entry)
{
    unsigned int pos;
    int rc;

    if ( !pci_device_present(bdf) ||
         !(pos = pci_find_cap(bdf, msix ? PCI_CAP_ID_MSIX : PCI_CAP_ID_MSI)) )
        return -ENODEV;
    desc->bdf = bdf;
    desc->cap = pos;
    desc->kind = msix ? IRQ_MSIX : IRQ_MSI;
    if ( msix && (rc = msix_find_entry(desc, d, pos, entry)) != 0 )
        return rc;
    if ( msix )
        msix_write_msg(desc);
    else
    {
        msi_set_mask(desc, true);
        msi_write_msg(desc);
    }
    return 0;
}

void msi_set_mask(struct irq_desc *desc, bool masked)
{
    uint16_t flags;
    unsigned int reg;

    if ( desc->kind == IRQ_MSIX )
    {
        volatile uint32_t *ctrl = &desc->msix_entry[MSIX_ENTRY_CTRL];

        *ctrl = masked ? *ctrl | MSIX_ENTRY_MASKED : *ctrl & ~MSIX_ENTRY_MASKED;
        return;
    }
    flags = pci_conf_read(desc->bdf, desc->cap + MSI_FLAGS, 2);
    if ( !(flags & MSI_FLAGS_MASKBIT) )
        return;                         /* unmaskable: the vector just finds no owner */
    reg = msi_mask_reg(desc->cap, flags);
    pci_conf_write(desc->bdf, reg, 4, masked ? 1 : 0);
}

void msi_teardown(struct irq_desc *desc)
{
    if ( desc->kind == IRQ_MSIX )
    {
        msi_set_mask(desc, true);
        return;
    }
    msi_set_mask(desc, true);
    pci_conf_write(desc->bdf, desc->cap + MSI_FLAGS, 2,
                   pci_conf_read(desc->bdf, desc->cap + MSI_FLAGS, 2) & ~MSI_FLAGS_ENABLE);
}

int msi_restore(unsigned int bdf)
{
    int found = -ENODEV;

    for ( unsigned int irq = nr_irqs_gsi; irq < nr_irqs; irq++ )
    {
        struct irq_desc *desc = irq_to_desc(irq);

        if ( !desc->owner || desc->bdf != bdf ||
             (desc->kind != IRQ_MSI && desc->kind != IRQ_MSIX) )
            continue;
        if ( desc->kind == IRQ_MSIX )
            msix_write_msg(desc);
        else
            msi_write_msg(desc);
        msi_set_mask(desc, !desc->bound);
        found = 0;
    }
    return found;
}

static bool overlaps(unsigned int reg, unsigned int size, unsigned int start, unsigned int len)
{
    return reg < start + len && start < reg + size;
}

bool msi_guest_write_ok(unsigned int bdf, unsigned int reg, unsigned int size)
{
    unsigned int pos;

    if ( reg + size <= 0x40 )
        return true;                    /* the header has no MSI register */
    if ( (pos = pci_find_cap(bdf, PCI_CAP_ID_MSIX)) != 0 &&
         overlaps(reg, size, pos, MSIX_CAP_SIZE) &&
         !(reg == pos + MSIX_FLAGS && size == 2) )
        return false;
    if ( (pos = pci_find_cap(bdf, PCI_CAP_ID_MSI)) != 0 )
    {
        uint16_t flags = pci_conf_read(bdf, pos + MSI_FLAGS, 2);

        if ( overlaps(reg, size, pos + MSI_ADDR_LO, msi_cap_size(flags) - MSI_ADDR_LO) )
            return false;
    }
    return true;
}
