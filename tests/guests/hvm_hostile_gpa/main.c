/*
 * A write to guest-physical 0xfd000000 (an address where another
 * hypervisor's structures might be guessed to sit; nothing of the domain's
 * is there) must not reach anything: Keel crashes the domain with a nested
 * page fault line and stays up.  Expected outcome: that line, no verdict.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Write to GPA 0xfd000000 crashes only the domain";

void test_main(void)
{
    volatile uint32_t *p = phys_ptr(0xfd000000ULL);

    printk("writing GPA %#lx\n", (unsigned long)p);
    *p = 0xdeadbeef;
    xtf_failure("Fail: write to GPA 0xfd000000 did not crash the domain (reads %#x)\n", *p);
}
