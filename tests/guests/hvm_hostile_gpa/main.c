/*
 * A write to guest-physical 0xfd000000 (where another hypervisor's
 * structures might be guessed to sit; nothing of the domain's is there)
 * reaches nothing: as on Xen 4.17, an access no device claims goes to the
 * null handler, the write is dropped and a read back returns all ones, and
 * the domain keeps running.  The same holds a page further on and for a
 * read-modify-write instruction.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Write to GPA 0xfd000000 reaches nothing";

void test_main(void)
{
    volatile uint32_t *p = phys_ptr(0xfd000000ULL);
    volatile uint32_t *next = phys_ptr(0xfd001000ULL);

    printk("writing GPA %#lx\n", (unsigned long)p);
    *p = 0xdeadbeef;
    check_eq("read back of GPA 0xfd000000", *p, 0xffffffffU);
    *next = 0;
    check_eq("read back of GPA 0xfd001000", *next, 0xffffffffU);
    asm volatile ("andl $0x0f0f0f0f, %0" : "+m" (*p));
    check_eq("GPA 0xfd000000 after AND", *p, 0xffffffffU);
}
