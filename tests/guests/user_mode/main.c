/*
 * iret to user mode and back.  The library gives the vCPU a user L4 with
 * MMUEXT_PIN_L4_TABLE + MMUEXT_NEW_USER_BASEPTR, sets the kernel stack with
 * stack_switch, and iret()s (CS RPL 3) into a trampoline; the user function
 * returns to the kernel with `syscall` (bounced to the syscall callback).
 *  - user code sees CS = 0xe033 and SS = 0xe02b (both RPL 3);
 *  - values pass both ways, repeatedly (100 round trips);
 *  - a #UD in user mode bounces with the user frame on the stack_switch
 *    stack, and the kernel is back in kernel mode afterwards.
 */
#include "pv.h"
#include "report.h"

const char test_title[] = "iret to user mode and back";

static unsigned long user_cs, user_ss, ud_rip, ud_sp;

static unsigned long user_fn(unsigned long arg)
{
    user_cs = read_cs();
    user_ss = read_ss();
    return arg * 3 + 1;
}

static unsigned long user_ud(unsigned long arg)
{
    exinfo_t ex;

    asm volatile ("lea 1f(%%rip), %[rip]; mov %%rsp, %[sp]; 1: ud2; 2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), [rip] "=&r" (ud_rip), [sp] "=&r" (ud_sp) : "0" (0) : "memory");
    return ex + arg;
}

void test_main(void)
{
    unsigned long r;

    if ( setup_user_mode() )
        return xtf_error("Error: cannot enter user mode\n");

    r = exec_user(user_fn, 14);
    check_eq("user function result", r, 43);
    check_eq("user CS", user_cs, FLAT_USER_CS);
    check_eq("user SS", user_ss, FLAT_USER_SS);
    check_eq("kernel CS after return", read_cs(), FLAT_KERNEL_CS);
    check_eq("syscall callbacks", last_syscall.count, 1);

    for ( unsigned long i = 0; i < 100; i++ )
        if ( exec_user(user_fn, i) != i * 3 + 1 )
        {
            xtf_failure("Fail: round trip %lu returned a wrong value\n", i);
            break;
        }

    r = exec_user(user_ud, 0);
    check_eq("user ud2", r, EXINFO_SYM(UD, 0));
    check_exception_frame("user #UD", X86_EXC_UD, -1, ud_rip, ud_sp, FRAME_CS_USER,
                          (unsigned long)kernel_entry_stack + KERNEL_ENTRY_STACK_SIZE);
}
