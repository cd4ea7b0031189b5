/*
 * set_debugreg / get_debugreg: DR0-3 take guest addresses and read back;
 * addresses in the hypervisor hole or non-canonical are -EPERM; registers
 * >= 8 are -ENODEV (Xen 4.17); DR6 reads back with its reserved bits set
 * (0xffff0ff0 after writing 0); DR7.GD is refused (-EPERM), DR7 bits 32-63
 * are -EINVAL; DR4/DR5 alias DR6/DR7.  A DR0 instruction breakpoint fires
 * #DB at the breakpoint address and sets DR6.B0.
 */
#include "pv.h"
#include "console.h"
#include "report.h"

const char test_title[] = "set_debugreg / get_debugreg";

static unsigned long var;

void test_main(void)
{
    unsigned long bp;
    exinfo_t ex;
    long rc;

    check_rc("set DR0 = &var", hypercall_set_debugreg(0, (unsigned long)&var), 0);
    check_eq("get DR0", hypercall_get_debugreg(0), (unsigned long)&var);
    check_rc("set DR3", hypercall_set_debugreg(3, 0x1000), 0);
    check_eq("get DR3", hypercall_get_debugreg(3), 0x1000);
    check_rc("set DR1 in the hypervisor hole",
             hypercall_set_debugreg(1, 0xffff800000000000UL), -EPERM);
    check_rc("set DR2 non-canonical", hypercall_set_debugreg(2, 0x8000000000000000UL), -EPERM);
    check_rc("set DR8", hypercall_set_debugreg(8, 0), -ENODEV);
    check_rc("get DR8", hypercall_get_debugreg(8), -ENODEV);
    check_rc("set DR 100", hypercall_set_debugreg(100, 0), -ENODEV);

    check_rc("set DR6 = 0", hypercall_set_debugreg(6, 0), 0);
    check_eq("DR6 after writing 0", hypercall_get_debugreg(6), 0xffff0ff0);
    check_rc("set DR7 = 0", hypercall_set_debugreg(7, 0), 0);
    check_eq("DR7 after writing 0", hypercall_get_debugreg(7), 0x400);
    check_rc("set DR7 with GD", hypercall_set_debugreg(7, 1UL << 13), -EPERM);
    check_rc("set DR7 bits 32-63", hypercall_set_debugreg(7, 0xffffffff00000000UL), -EINVAL);
    check_eq("DR7 unchanged", hypercall_get_debugreg(7), 0x400);
    /* CR4.DE is clear for a PV guest: DR4 is DR6 and DR5 is DR7. */
    rc = hypercall_set_debugreg(4, 0);
    check_rc("set DR4 = 0", rc, 0);
    check_eq("get DR4 (= DR6)", hypercall_get_debugreg(4), 0xffff0ff0);
    check_eq("get DR5 (= DR7)", hypercall_get_debugreg(5), 0x400);
    check_rc("set DR4 = B0", hypercall_set_debugreg(4, 1), 0);
    check_eq("DR6 after writing DR4 = B0", hypercall_get_debugreg(6), 0xffff0ff1);
    check_rc("set DR4 bits 32-63", hypercall_set_debugreg(4, 1UL << 32), -EINVAL);
    check_rc("set DR6 = 0 through DR4", hypercall_set_debugreg(4, 0), 0);
    check_eq("DR6 after writing DR4 = 0", hypercall_get_debugreg(6), 0xffff0ff0);

    /* Instruction breakpoint on label 1. */
    asm volatile ("lea 1f(%%rip), %0" : "=r" (bp));
    check_rc("set DR0 = breakpoint", hypercall_set_debugreg(0, bp), 0);
    check_rc("set DR6 = 0", hypercall_set_debugreg(6, 0), 0);
    check_rc("set DR7 = L0 exec", hypercall_set_debugreg(7, 1), 0);
    asm volatile ("1: nop; 2:" _ASM_EXTABLE(1b, 2b) : "=a" (ex) : "0" (0) : "memory");
    check_rc("set DR7 = 0", hypercall_set_debugreg(7, 0), 0);
    printk("breakpoint: exinfo %#x, DR6 %#lx\n", ex, hypercall_get_debugreg(6));
    check_eq("instruction breakpoint", ex, EXINFO_SYM(DB, 0));
    check_eq("#DB rip", last_exception.rip, bp);
    if ( !(hypercall_get_debugreg(6) & 1) )
        xtf_failure("Fail: DR6 %#lx lacks B0\n", hypercall_get_debugreg(6));
}
