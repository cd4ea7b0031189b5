/*
 * The emulated legacy ports of Keel's HVM platform:
 *  - PIC: the IMRs at 0x21/0xa1 read back what was written;
 *  - PIT: channel 0 counts (its count changes over a few milliseconds);
 *  - CMOS/RTC: seconds/minutes/hours are valid BCD or binary values,
 *    register D says "valid RAM and time";
 *  - UART LSR: transmitter empty;
 *  - an unclaimed port (0x200) reads all ones at 8/16/32 bits, writes to
 *    it are ignored.
 * (Xen gives PVH domUs no PIC/PIT/RTC/UART at all: these are Keel's.)
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Legacy I/O ports: PIC, PIT, CMOS, UART, unclaimed";

static uint8_t cmos(uint8_t reg)
{
    outb(reg, 0x70);
    return inb(0x71);
}

static bool valid_time(uint8_t v, uint8_t max, bool bcd)
{
    if ( bcd )
        return (v & 0xf) <= 9 && (v >> 4) <= 9 && ((v >> 4) * 10 + (v & 0xf)) <= max;
    return v <= max;
}

void test_main(void)
{
    uint8_t b, sec, min, hour, first;
    bool bcd, changed = false;

    outb(0xa5, 0x21);
    outb(0x5a, 0xa1);
    check_eq("PIC master IMR", inb(0x21), 0xa5);
    check_eq("PIC slave IMR", inb(0xa1), 0x5a);
    outb(0xff, 0x21);
    outb(0xff, 0xa1);

    outb(0x34, 0x43);                   /* channel 0, lo/hi byte, mode 2 */
    outb(0xff, 0x40);
    outb(0xff, 0x40);
    outb(0x00, 0x43);                   /* latch channel 0 */
    first = inb(0x40);
    (void)inb(0x40);
    for ( unsigned int i = 0; i < 200 && !changed; i++ )
    {
        uint64_t end = tsc_after_ms(1);

        while ( rdtsc() < end )
            cpu_relax();
        outb(0x00, 0x43);
        changed = inb(0x40) != first;
        (void)inb(0x40);
    }
    if ( !changed )
        xtf_failure("Fail: PIT channel 0 count stays at %#x\n", first);

    b = cmos(0x0b);
    bcd = !(b & 0x04);
    sec = cmos(0x00);
    min = cmos(0x02);
    hour = cmos(0x04) & 0x7f;
    printk("RTC %02x:%02x:%02x (%s, status B %#x)\n", hour, min, sec, bcd ? "BCD" : "binary", b);
    if ( !valid_time(sec, 59, bcd) || !valid_time(min, 59, bcd) || !valid_time(hour, 23, bcd) )
        xtf_failure("Fail: RTC time %02x:%02x:%02x is not valid\n", hour, min, sec);
    if ( !(cmos(0x0d) & 0x80) )
        xtf_failure("Fail: CMOS register D %#x lacks 'valid RAM and time'\n", cmos(0x0d));

    check_eq("UART LSR & 0x60", inb(0x3fd) & 0x60, 0x60);

    outb(0x12, 0x200);
    outw(0x1234, 0x200);
    outl(0x12345678, 0x200);
    check_eq("inb(0x200)", inb(0x200), 0xff);
    check_eq("inw(0x200)", inw(0x200), 0xffff);
    check_eq("inl(0x200)", inl(0x200), 0xffffffffU);
}
