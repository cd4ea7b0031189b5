/* PCI configuration mechanism #1 (ports 0xcf8/0xcfc), segment 0 only. */
#include <keel/lib.h>
#include <keel/spinlock.h>
#include <asm/io.h>
#include <asm/pci.h>

#define PCI_CONF_ADDR 0xcf8
#define PCI_CONF_DATA 0xcfc
#define PCI_CAP_MAX   48               /* a longer list is a loop */

static DEFINE_SPINLOCK(pci_lock);

uint32_t pci_conf_read_cf8(uint32_t cf8, unsigned int offset, unsigned int size)
{
    unsigned long flags;
    uint32_t val;

    spin_lock_irqsave(&pci_lock, flags);
    outl(cf8, PCI_CONF_ADDR);
    if ( size == 1 )
        val = inb(PCI_CONF_DATA + (offset & 3));
    else if ( size == 2 )
        val = inw(PCI_CONF_DATA + (offset & 2));
    else
        val = inl(PCI_CONF_DATA);
    spin_unlock_irqrestore(&pci_lock, flags);
    return val;
}

void pci_conf_write_cf8(uint32_t cf8, unsigned int offset, unsigned int size, uint32_t val)
{
    unsigned long flags;

    spin_lock_irqsave(&pci_lock, flags);
    outl(cf8, PCI_CONF_ADDR);
    if ( size == 1 )
        outb(val, PCI_CONF_DATA + (offset & 3));
    else if ( size == 2 )
        outw(val, PCI_CONF_DATA + (offset & 2));
    else
        outl(val, PCI_CONF_DATA);
    spin_unlock_irqrestore(&pci_lock, flags);
}

uint32_t pci_conf_read(unsigned int bdf, unsigned int reg, unsigned int size)
{
    return pci_conf_read_cf8(PCI_CF8(bdf, reg), reg & 3, size);
}

void pci_conf_write(unsigned int bdf, unsigned int reg, unsigned int size, uint32_t val)
{
    pci_conf_write_cf8(PCI_CF8(bdf, reg), reg & 3, size, val);
}

bool pci_device_present(unsigned int bdf)
{
    return bdf <= 0xffff && pci_conf_read(bdf, PCI_VENDOR_ID, 2) != 0xffff;
}

unsigned int pci_find_cap(unsigned int bdf, uint8_t id)
{
    unsigned int pos;

    if ( !(pci_conf_read(bdf, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST) )
        return 0;
    pos = pci_conf_read(bdf, PCI_CAP_PTR, 1) & 0xfc;
    for ( unsigned int n = 0; pos >= 0x40 && n < PCI_CAP_MAX; n++ )
    {
        uint16_t hdr = pci_conf_read(bdf, pos, 2);

        if ( (hdr & 0xff) == id )
            return pos;
        pos = (hdr >> 8) & 0xfc;
    }
    return 0;
}
