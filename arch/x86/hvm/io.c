/*
 * The emulated platform of HVM guests, port and MMIO side: port 0xE9 and the
 * 16550A at 0x3f8 (vuart.c) whose output reaches Keel's console as "(dN) "
 * lines, the 8259 PIC pair (enough to be probed), the PIT and port 0x61
 * (vpit.c), the CMOS/RTC (rtc.c), the ACPI 5 sleep control/status
 * registers of the tables Keel builds (a write of SLP_EN with the S5 type
 * powers the domain off), the PM1a blocks and PM timer (pmtimer.c), and
 * the IO-APIC (vioapic.c), HPET (hpet.c) and LAPIC MMIO pages.  Unclaimed
 * ports read as all ones and ignore writes, as on a bus with nothing
 * behind it.
 */
#include <keel/lib.h>
#include <keel/acpi_tables.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/time.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/irq.h>
#include <asm/hvm/rtc.h>
#include <asm/hvm/vlapic.h>
#include <asm/hvm/vuart.h>
#include <public/sched.h>

#define DEBUG_PORT     0xe9

/*
 * SLEEP_CONTROL_REG: Linux's acpi_hw_extended_sleep writes SLP_TYP (from
 * \_S5) << 2 | SLP_EN to enter S5.  Other sleep states are not offered
 * (the DSDT has no \_S1-\_S4): such writes change nothing.
 */
static void sleep_control_write(struct domain *d, uint32_t val)
{
    if ( !(val & ACPI_SLEEP_EN) ||
         ((val & ACPI_SLEEP_TYP_MASK) >> ACPI_SLEEP_TYP_SHIFT) != ACPI_S5_TYPE )
        return;
    printk(KLOG_INFO "d%u: ACPI S5 requested through the sleep control register\n",
           d->domain_id);
    domain_shutdown(d, SHUTDOWN_poweroff);
}

/*
 * An access nothing claims (a port, or MMIO where the p2m has neither RAM
 * nor a device): said once per range (16 ports, 1 MiB of MMIO), for the
 * first UNCLAIMED_RANGES ranges of a domain, then once that the rest is
 * not said.  A guest probing everything cannot flood the console.
 */
#define UNCLAIMED_PORT_TAG (1UL << 63)

void hvm_note_unclaimed(struct domain *d, bool mmio, uint64_t addr, bool write)
{
    struct hvm_domain *h = &d->arch.hvm;
    uint64_t key = mmio ? addr >> 20 : UNCLAIMED_PORT_TAG | (addr >> 4);
    unsigned int n = __atomic_load_n(&h->nr_unclaimed, __ATOMIC_RELAXED);

    for ( unsigned int i = 0; i < n && i < HVM_UNCLAIMED_RANGES; i++ )
        if ( h->unclaimed[i] == key )
            return;
    n = __atomic_fetch_add(&h->nr_unclaimed, 1, __ATOMIC_RELAXED);
    if ( n < HVM_UNCLAIMED_RANGES )
    {
        h->unclaimed[n] = key;
        printk(KLOG_INFO "d%u: %s %s %#lx: nothing there (reads all ones, writes "
               "dropped; said once per %s)\n", d->domain_id, write ? "write to" : "read of",
               mmio ? "MMIO" : "port", (unsigned long)addr, mmio ? "MiB" : "16 ports");
    }
    else if ( n == HVM_UNCLAIMED_RANGES )
        printk(KLOG_INFO "d%u: further unclaimed port and MMIO ranges are not reported\n",
               d->domain_id);
    else
        __atomic_store_n(&h->nr_unclaimed, HVM_UNCLAIMED_RANGES + 1, __ATOMIC_RELAXED);
}

bool hvm_handle_io(struct vcpu *v, uint16_t port, unsigned int bytes, bool in,
                   uint32_t *val)
{
    struct domain *d = v->domain;

    if ( port == DEBUG_PORT && !in )
        hvm_guest_putc(v, *val);
    else if ( port >= VUART_BASE && port < VUART_BASE + VUART_PORTS )
        vuart_io(v, port - VUART_BASE, bytes, in, val);
    else if ( port == 0x21 || port == 0xa1 )
    {
        if ( in )
            *val = d->arch.hvm.pic_imr[port == 0xa1];
        else
            d->arch.hvm.pic_imr[port == 0xa1] = *val;
    }
    else if ( port == 0x20 || port == 0xa0 )
    {
        if ( in )
            *val = 0;                     /* nothing pending or in service */
    }
    else if ( vpit_claims(port, bytes) )
        vpit_io(d, port, bytes, in, val);
    else if ( port == HVM_RTC_PORT_INDEX || port == HVM_RTC_PORT_DATA )
        hvm_rtc_io(d, port, bytes, in, val);
    else if ( port == ACPI_SLEEP_CONTROL_PORT && bytes == 1 )
    {
        if ( in )
            *val = 0;
        else
            sleep_control_write(d, *val);
    }
    else if ( port == ACPI_SLEEP_STATUS_PORT && bytes == 1 )
    {
        if ( in )
            *val = 0;                     /* WAK_STS clear: nothing woke */
    }
    else if ( pmtimer_claims(port, bytes) )
        pmtimer_io(d, port, bytes, in, val);
    else if ( hvm_hwdom_io(d, port, bytes, in, val) )
        ;                                 /* a PVH dom0's port: the machine's */
    else
    {
        hvm_note_unclaimed(d, false, port, !in);
        if ( in )
            *val = bytes == 4 ? 0xffffffff : (1u << (bytes * 8)) - 1;
    }
    return true;
}

/* Accesses are done as aligned 32-bit registers; other sizes take part of one. */
bool hvm_mmio_access(struct vcpu *v, uint64_t gpa, void *buf, unsigned int bytes,
                     bool write)
{
    unsigned int off = gpa & 0xfff;
    uint32_t val = 0;

    if ( (gpa & ~0xfffUL) == HPET_BASE )
    {
        hpet_mmio(v->domain, off, buf, bytes, write);   /* takes 8-byte accesses too */
        return true;
    }
    if ( bytes > 4 || (off & 3) + bytes > 4 )
        return false;                     /* straddles registers: not emulated */
    if ( write )
        memcpy(&val, buf, bytes);
    if ( (gpa & ~0xfffUL) == VLAPIC_BASE )
    {
        if ( write )
            vlapic_write(v, off & ~3u, val << ((off & 3) * 8));
        else
            val = vlapic_read(v, off & ~3u) >> ((off & 3) * 8);
    }
    else if ( (gpa & ~0xfffUL) == VIOAPIC_BASE )
        vioapic_mmio(v->domain, off & ~3u, &val, write);
    else
        return false;
    if ( !write )
        memcpy(buf, &val, bytes);
    return true;
}
