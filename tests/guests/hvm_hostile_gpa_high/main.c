/*
 * hvm64: a read of the highest guest-physical page the CPU allows
 * (CPUID 0x80000008 MAXPHYADDR, e.g. 0xfffffff000 with 40 bits), mapped
 * with a 4 KiB page of our own: the hypervisor has nothing there and must
 * crash the domain only.  Expected outcome: Keel's nested page fault crash
 * line, no verdict.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Read of the highest GPA crashes only the domain";

void test_main(void)
{
    struct cpuid_leaf l;
    unsigned int bits;
    uint64_t gpa;
    volatile uint64_t *p;

    cpuid_count(0x80000008, 0, &l);
    bits = l.a & 0xff;
    if ( bits < 36 || bits > 52 )
        bits = 36;
    gpa = (1ULL << bits) - PAGE_SIZE;
    if ( map_page(gpa, gpa) )
        return xtf_error("Error: cannot map %#llx\n", (unsigned long long)gpa);
    p = (volatile uint64_t *)gpa;
    printk("MAXPHYADDR %u: reading GPA %#llx\n", bits, (unsigned long long)gpa);
    xtf_failure("Fail: read of GPA %#llx returned %#llx instead of crashing the domain\n",
                (unsigned long long)gpa, (unsigned long long)*p);
}
