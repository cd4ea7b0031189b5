/*
 * hvm64: the highest guest-physical page the CPU allows (CPUID 0x80000008
 * MAXPHYADDR, e.g. 0xfffffff000 with 40 bits), mapped with a 4 KiB page of
 * our own, has nothing behind it: as on Xen 4.17 (no device claims it, so
 * the null handler answers) a read returns all ones, a write is dropped,
 * and the domain keeps running.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "The highest GPA reads all ones";

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
    p = (volatile uint64_t *)(gpa + PAGE_SIZE - 8);
    printk("MAXPHYADDR %u: reading GPA %#llx\n", bits, (unsigned long long)(uintptr_t)p);
    check_eq("read of the highest GPA", *p, ~0ULL);
    *p = 0;
    check_eq("read after writing 0", *p, ~0ULL);
}
