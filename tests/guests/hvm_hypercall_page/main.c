/*
 * The HVM hypercall page: writing a page's GPA to MSR 0x40000000 (named by
 * CPUID 0x40000002) makes the hypervisor fill it with 32-byte stubs,
 * "mov $n, %eax; vmmcall (or vmcall); ret", iret's slot 23 being ud2, the
 * rest 0xcc.  Calls through the page work (xen_version, -ENOSYS), and a
 * call of slot 23 raises #UD.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Hypercall page via MSR 0x40000000";

static unsigned int ud_count;

static bool ud_in_slot23(struct cpu_regs *regs)
{
    if ( regs->rip != (unsigned long)hypercall_page + __HYPERVISOR_iret * 32 )
        return false;
    ud_count++;
    regs->rip = *(unsigned long *)interrupted_sp(regs);
    return true;
}

void test_main(void)
{
    unsigned long tmp;
    struct cpuid_leaf l;
    unsigned int bad = 0;
    exinfo_t ex;
    long rc, ver = hypercall_xen_version(XENVER_version, NULL);

    cpuid_count(0x40000002, 0, &l);
    check_eq("CPUID 0x40000002 ebx (MSR)", l.b, 0x40000000);
    memset(hypercall_page, 0, sizeof(hypercall_page));
    ex = wrmsr_safe(0x40000000, (unsigned long)hypercall_page);
    if ( ex )
        return xtf_failure("Fail: wrmsr 0x40000000: exinfo %#x\n", ex);

    for ( unsigned int i = 0; i < 128 && bad < 8; i++ )
    {
        const uint8_t *p = hypercall_page + i * 32;
        uint32_t n;

        if ( i == __HYPERVISOR_iret )
        {
            if ( p[0] != 0x0f || p[1] != 0x0b )
                bad++, xtf_failure("Fail: slot 23 starts %02x %02x, expected ud2\n", p[0], p[1]);
            continue;
        }
        memcpy(&n, p + 1, 4);
        if ( p[0] != 0xb8 || n != i || p[5] != 0x0f || p[6] != 0x01 ||
             (p[7] != 0xd9 && p[7] != 0xc1) || p[8] != 0xc3 )
            bad++, xtf_failure("Fail: slot %u: %02x %02x %02x %02x %02x %02x %02x %02x %02x\n",
                               i, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]);
        for ( unsigned int j = 9; j < 32; j++ )
            if ( p[j] != 0xcc )
            {
                bad++, xtf_failure("Fail: slot %u byte %u is %#x, expected 0xcc\n", i, j, p[j]);
                break;
            }
    }
    if ( bad )
        return;

    hypercall_via_page = true;
    rc = hypercall_xen_version(XENVER_version, NULL);
    check_rc("xen_version via the page", rc, ver);
    rc = hypercall5(63, 0, 0, 0, 0, 0);
    check_rc("hypercall 63 via the page", rc, -ENOSYS);
    rc = hypercall_console_io(CONSOLEIO_write, 27, "console_io via the page ok\n");
    check_rc("console_io via the page", rc, 0);
    hypercall_via_page = false;

    /* The #UD hook returns to the caller, which drops the return address. */
    exception_hooks[X86_EXC_UD] = ud_in_slot23;
    asm volatile ("call *%[slot]; pop %[slot]"
                  : [slot] "=r" (tmp)
                  : "0" (hypercall_page + __HYPERVISOR_iret * 32)
                  : "memory");
    exception_hooks[X86_EXC_UD] = NULL;
    if ( ud_count != 1 )
        xtf_failure("Fail: call of slot 23: %u #UD at the slot, expected 1\n", ud_count);
}
