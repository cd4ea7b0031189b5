/*
 * Port I/O of a PVH dom0 (dom0=pvh) that no emulated device claims: as
 * for a PV dom0 (pv/emulate.c), it reaches the machine, except for the
 * ports Keel keeps (its console UART, the PICs, the PIT: those a PVH
 * dom0 sees emulated anyway) and with PCI configuration space through
 * Keel's filter (pv_pci_cfg_io).  A domain without I/O rights never gets
 * here (hvm_handle_io's unclaimed ports float high for it).
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/xsm.h>
#include <asm/hvm/hvm.h>
#include <asm/io.h>
#include <asm/pci.h>

bool hvm_hwdom_io(struct domain *d, uint16_t port, unsigned int bytes, bool in,
                  uint32_t *val)
{
    if ( xsm_privileged_op(d, XSM_physical_io) || ioport_is_keels(port, bytes) ||
         (bytes != 1 && bytes != 2 && bytes != 4) )
        return false;
    if ( pv_pci_cfg_io(d, port, bytes, in, val) )
        return true;
    if ( in )
        *val = bytes == 1 ? inb(port) : bytes == 2 ? inw(port) : inl(port);
    else if ( bytes == 1 )
        outb(*val, port);
    else if ( bytes == 2 )
        outw(*val, port);
    else
        outl(*val, port);
    return true;
}
