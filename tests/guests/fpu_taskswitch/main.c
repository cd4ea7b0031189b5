/*
 * fpu_taskswitch(1) sets the guest's virtual CR0.TS: the next x87
 * instruction raises #NM (bounced, no error code), and the delivery clears
 * TS again so the instruction then runs.  fpu_taskswitch(0) clears it.
 * The emulated `mov %cr0` shows TS; emulated `clts` clears it.
 */
#include "pv.h"
#include "console.h"
#include "report.h"

const char test_title[] = "fpu_taskswitch and #NM";

static exinfo_t fnop(void)
{
    exinfo_t ex;

    asm volatile ("1: fnop; 2:" _ASM_EXTABLE(1b, 2b) : "=a" (ex) : "0" (0) : "memory");
    return ex;
}

static exinfo_t read_cr0(unsigned long *v)
{
    exinfo_t ex;
    unsigned long val = 0;

    asm volatile ("1: mov %%cr0, %[v]; 2:" _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), [v] "+r" (val) : "0" (0) : "memory");
    *v = val;
    return ex;
}

void test_main(void)
{
    unsigned long cr0 = 0;
    exinfo_t ex;

    check_eq("fnop before any taskswitch", fnop(), 0);

    check_rc("fpu_taskswitch(1)", hypercall_fpu_taskswitch(1), 0);
    ex = read_cr0(&cr0);
    printk("mov %%cr0 with TS set: exinfo %#x value %#lx\n", ex, cr0);
    check_eq("mov %cr0 emulated", ex, 0);
    if ( !(cr0 & X86_CR0_TS) )
        xtf_failure("Fail: CR0 %#lx lacks TS after fpu_taskswitch(1)\n", cr0);
    check_eq("fnop with TS", fnop(), EXINFO_SYM(NM, 0));
    check_eq("#NM vector", last_exception.vector, X86_EXC_NM);
    check_eq("#NM has no error code", last_exception.has_error_code, 0);
    check_eq("fnop after #NM (delivery cleared TS)", fnop(), 0);
    read_cr0(&cr0);
    if ( cr0 & X86_CR0_TS )
        xtf_failure("Fail: CR0 %#lx still has TS after #NM\n", cr0);

    check_rc("fpu_taskswitch(1)", hypercall_fpu_taskswitch(1), 0);
    check_rc("fpu_taskswitch(0)", hypercall_fpu_taskswitch(0), 0);
    check_eq("fnop after set+clear", fnop(), 0);

    check_rc("fpu_taskswitch(1)", hypercall_fpu_taskswitch(1), 0);
    asm volatile ("1: clts; xor %%eax, %%eax; 2:" _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex) :: "memory");
    printk("clts: exinfo %#x\n", ex);
    check_eq("clts emulated", ex, 0);
    check_eq("fnop after clts", fnop(), 0);
    check_rc("fpu_taskswitch(2) (any non-zero sets)", hypercall_fpu_taskswitch(2), 0);
    check_eq("fnop after fpu_taskswitch(2)", fnop(), EXINFO_SYM(NM, 0));
}
