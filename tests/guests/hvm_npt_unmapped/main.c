/*
 * Guest-physical memory just past the domain's RAM (mem=64: the last byte
 * at 64 MiB - 1 is RAM, 64 MiB has nothing behind it) behaves as Xen 4.17
 * makes it behave for an HVM/PVH domain: the access goes to the null
 * handler because no device model claims it, so reads of every size return
 * all ones, writes are dropped, and the domain runs on.  A write followed by
 * a read of the same address must still read all ones: nothing (no page of
 * Keel's, none of another domain's) was mapped there.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Access past the end of RAM reads all ones";

#define PAST_RAM (64ULL << 20)

/* check_eq() compares unsigned longs: 32 bits in the pvh environment. */
static void check_quad(const char *what, uint64_t got)
{
    if ( got != ~0ULL )
        xtf_failure("Fail: %s: got %#llx, expected all ones\n", what,
                    (unsigned long long)got);
}

void test_main(void)
{
    volatile uint8_t *last = phys_ptr(PAST_RAM - 1);
    volatile uint8_t *b = phys_ptr(PAST_RAM);
    volatile uint16_t *w = phys_ptr(PAST_RAM + 0x10);
    volatile uint32_t *l = phys_ptr(PAST_RAM + 0x20);
    volatile uint64_t *q = phys_ptr(PAST_RAM + 0x40);

    *last = 0x5a;
    check_eq("last RAM byte", *last, 0x5a);
    printk("reading and writing GPA %#llx\n", PAST_RAM);
    check_eq("byte read past RAM", *b, 0xff);
    check_eq("word read past RAM", *w, 0xffff);
    check_eq("long read past RAM", *l, 0xffffffffU);
    check_quad("quad read past RAM", *q);
    *b = 0x12;
    *l = 0x12345678;
    *q = 0x1122334455667788ULL;
    check_eq("byte after a write", *b, 0xff);
    check_eq("long after a write", *l, 0xffffffffU);
    check_quad("quad after a write", *q);
    check_eq("last RAM byte after the writes", *last, 0x5a);
}
