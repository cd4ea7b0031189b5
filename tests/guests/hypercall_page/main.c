/*
 * The hypercall page (XEN_ELFNOTE_HYPERCALL_PAGE) of a PV64 guest: 128
 * slots of 32 bytes; slot i = push %rcx; push %r11; mov $i,%eax; syscall;
 * pop %r11; pop %rcx; ret (51 41 53 b8 i32 0f 05 41 5b 59 c3), the rest of
 * the slot int3 (0xcc); slot 23 (iret) = push %rcx; push %r11; push %rax;
 * mov $23,%eax; syscall.  Then calls through the page really work,
 * including iret (an exception taken with hypercall_via_page set).
 */
#include "pv.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Hypercall page format and use";

static void dump(unsigned int slot)
{
    const uint8_t *p = &hypercall_page[slot * 32];

    printk("slot %3u:", slot);
    for ( unsigned int i = 0; i < 32; i++ )
        printk(" %02x", p[i]);
    printk("\n");
}

void test_main(void)
{
    static const uint8_t stub[] = { 0x51, 0x41, 0x53, 0xb8, 0, 0, 0, 0,
                                    0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3 };
    static const uint8_t iret_stub[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, 23, 0, 0, 0,
                                         0x0f, 0x05 };
    unsigned int bad = 0;
    exinfo_t fault;
    long rc;

    dump(0);
    dump(23);
    dump(127);
    for ( unsigned int slot = 0; slot < 128; slot++ )
    {
        const uint8_t *p = &hypercall_page[slot * 32];
        uint8_t want[32];
        size_t n;

        memset(want, 0xcc, sizeof(want));
        if ( slot == __HYPERVISOR_iret )
        {
            n = sizeof(iret_stub);
            memcpy(want, iret_stub, n);
        }
        else
        {
            n = sizeof(stub);
            memcpy(want, stub, n);
            memcpy(&want[4], &slot, 4);
        }
        /* Bytes after the stub are padding: only insist that they are int3. */
        if ( memcmp(p, want, 32) && bad++ < 4 )
        {
            xtf_failure("Fail: slot %u differs from the PV64 stub\n", slot);
            dump(slot);
        }
    }

    hypercall_via_page = true;
    rc = hypercall_xen_version(XENVER_pagesize, NULL);
    check_rc("xen_version(pagesize) via the page", rc, 4096);
    rc = hypercall0(63);
    check_rc("hypercall 63 via the page", rc, -ENOSYS);
    rc = hypercall0(127);
    check_rc("hypercall 127 via the page", rc, -ENOSYS);
    /* An exception returns through slot 23 while hypercall_via_page is set. */
    asm volatile ("1: ud2; 2:" _ASM_EXTABLE(1b, 2b) : "=a" (fault) : "0" (0));
    check_eq("ud2 returned through the page's iret", fault, EXINFO_SYM(UD, 0));
    asm volatile ("1: ud2; 2:" _ASM_EXTABLE(1b, 2b) : "=a" (fault) : "0" (0));
    check_eq("second ud2 through the page's iret", fault, EXINFO_SYM(UD, 0));
    hypercall_via_page = false;
    check_eq("exceptions seen", last_exception.count, 2);
}
