/*
 * The IO-APIC at 0xfec00000 through IOREGSEL (+0x00) / IOWIN (+0x10):
 * IOREGSEL reads back, the version register says 0x11 with at least 24
 * redirection entries, and redirection entries (low and high halves) keep
 * what was written (masked entries only: nothing is wired to them).
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "IO-APIC registers";

void test_main(void)
{
    uint32_t ver = ioapic_read(1), id = ioapic_read(0);
    unsigned int pins = ((ver >> 16) & 0xff) + 1;

    printk("IO-APIC id %#x version %#x (%u pins)\n", id, ver, pins);
    check_eq("IOREGSEL read back", *(volatile uint32_t *)IOAPIC_MMIO, 0);
    check_eq("version & 0xff", ver & 0xff, 0x11);
    if ( pins < 24 )
        xtf_failure("Fail: %u redirection entries, expected >= 24\n", pins);

    for ( unsigned int pin = 0; pin < 24; pin += 23 )
    {
        uint32_t lo = APIC_LVT_MASKED | (0x40 + pin), hi = (pin + 1) << 24;

        ioapic_write(0x10 + 2 * pin, lo);
        ioapic_write(0x11 + 2 * pin, hi);
        check_eq("redirection entry low", ioapic_read(0x10 + 2 * pin), lo);
        check_eq("redirection entry high", ioapic_read(0x11 + 2 * pin), hi);
    }
    /* The entries are distinct: pin 0 still has its own value. */
    check_eq("pin 0 low after pin 23", ioapic_read(0x10), APIC_LVT_MASKED | 0x40);
}
