/*
 * stack_switch(ss, sp) sets the kernel stack used on user->kernel
 * transitions: a user-mode exception's frame is pushed just below sp
 * (aligned down to 16), for each of two stacks, and for a misaligned sp.
 * The selector is fixed up by the hypervisor, not refused.
 */
#include "pv.h"
#include "console.h"
#include "report.h"

const char test_title[] = "stack_switch";

static uint8_t stack_a[8192] __aligned(16), stack_b[8192] __aligned(16);

static unsigned long user_ud(unsigned long unused)
{
    exinfo_t ex;

    (void)unused;
    asm volatile ("1: ud2; 2:" _ASM_EXTABLE(1b, 2b) : "=a" (ex) : "0" (0) : "memory");
    return ex;
}

static void check_stack(const char *what, unsigned long sp)
{
    unsigned long want = (sp & ~15UL) - 7 * 8;
    long rc = hypercall_stack_switch(FLAT_KERNEL_SS, sp);

    check_rc(what, rc, 0);
    check_eq("user ud2", exec_user(user_ud, 0), EXINFO_SYM(UD, 0));
    if ( last_exception.frame_addr != want )
        xtf_failure("Fail: %s: frame at %#lx, expected %#lx\n", what,
                    last_exception.frame_addr, want);
    if ( last_syscall.frame_addr != want )
        xtf_failure("Fail: %s: syscall frame at %#lx, expected %#lx\n", what,
                    last_syscall.frame_addr, want);
}

void test_main(void)
{
    long rc;

    if ( setup_user_mode() )
        return xtf_error("Error: cannot enter user mode\n");
    check_stack("stack A", (unsigned long)stack_a + sizeof(stack_a));
    check_stack("stack B", (unsigned long)stack_b + sizeof(stack_b));
    check_stack("stack A - 8 (misaligned)", (unsigned long)stack_a + sizeof(stack_a) - 8);
    check_stack("stack B - 24", (unsigned long)stack_b + sizeof(stack_b) - 24);

    rc = hypercall_stack_switch(0, (unsigned long)stack_a + sizeof(stack_a));
    check_rc("stack_switch with ss 0 (fixed up)", rc, 0);
    check_eq("user ud2 after ss 0", exec_user(user_ud, 0), EXINFO_SYM(UD, 0));
    check_eq("frame SS", (uint16_t)last_exception.ss, FLAT_USER_SS);
}
