/*
 * An exit flood: 100,000 port writes (port 0x80) and 20,000 reads of an
 * unclaimed port (each must read 0xff), then 2,000 LAPIC TPR writes (MMIO
 * emulation).  The domain must survive all of it and still report.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Port I/O exit flood";

void test_main(void)
{
    uint64_t t0 = rdtsc(), t1, t2;
    unsigned int bad = 0;

    for ( unsigned int i = 0; i < 100000; i++ )
        outb(i, 0x80);
    t1 = rdtsc();
    for ( unsigned int i = 0; i < 20000; i++ )
        bad += inb(0x200) != 0xff;
    t2 = rdtsc();
    if ( bad )
        xtf_failure("Fail: %u of 20000 reads of port 0x200 were not 0xff\n", bad);
    apic_enable();
    for ( unsigned int i = 0; i < 2000; i++ )
        apic_write(APIC_TPR, i & 0xf0);
    check_eq("TPR after the flood", apic_read(APIC_TPR), 1990 & 0xf0);
    apic_write(APIC_TPR, 0);
    printk("100000 outb: %lu Mcycles, 20000 inb: %lu Mcycles\n",
           (unsigned long)((t1 - t0) >> 20), (unsigned long)((t2 - t1) >> 20));
}
