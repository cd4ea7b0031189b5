/*
 * PCI configuration ports for a PV dom0, as Xen 4.17 emulates them
 * (pv/emul-priv-op.c, pci_cfg_ok): a dword at 0xcf8 is latched per domain
 * and never reaches the hardware; an access to 0xcfc-0xcff does the CF8
 * write and the data access together under Keel's PCI lock, so dom0's
 * sequences cannot interleave with Keel's own.  Writes to the registers
 * Keel keeps (MSI, MSI-X: asm/msi.h) are dropped.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <asm/msi.h>
#include <asm/pci.h>
#include <asm/pv.h>

#define CF8_PORT 0xcf8
#define CFC_PORT 0xcfc

static uint32_t ones(unsigned int bytes)
{
    return bytes == 4 ? 0xffffffffu : (1u << (bytes * 8)) - 1;
}

static bool write_ok(const struct domain *d, unsigned int offset, unsigned int size)
{
    uint32_t cf8 = d->arch.pci_cf8;

    if ( !(cf8 & PCI_CF8_ENABLE) )
        return true;                    /* no function selected: Xen passes it on */
    return msi_guest_write_ok((cf8 >> 8) & 0xffff, (cf8 & 0xfc) | offset, size);
}

bool pv_pci_cfg_io(struct domain *d, unsigned int port, unsigned int bytes, bool in,
                   uint32_t *val)
{
    unsigned int offset = port & 3;

    if ( port == CF8_PORT && bytes == 4 )
    {
        if ( in )
            *val = d->arch.pci_cf8;
        else
            d->arch.pci_cf8 = *val;
        return true;
    }
    if ( (port & ~3u) != CFC_PORT )
        return false;
    if ( !d->is_privileged || offset + bytes > 4 )
    {
        /* Not Xen's split into pieces: a straddling access reads as ones. */
        if ( in )
            *val = ones(bytes);
        return true;
    }
    if ( in )
        *val = pci_conf_read_cf8(d->arch.pci_cf8, offset, bytes) & ones(bytes);
    else if ( write_ok(d, offset, bytes) )
        pci_conf_write_cf8(d->arch.pci_cf8, offset, bytes, *val);
    return true;
}
