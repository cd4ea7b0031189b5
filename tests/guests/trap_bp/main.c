/*
 * #BP: int3 (cc) and int $3 (cd 03) from the kernel and int3 from user
 * mode are delivered to the handler (vector 3 is DPL 3 in the trap table)
 * with RIP after the instruction; the user frame has the user CS.
 */
#include "pv.h"
#include "report.h"

const char test_title[] = "#BP from int3 / int $3, kernel and user";

static unsigned long after, sp_at;

static unsigned long user_int3(unsigned long unused)
{
    exinfo_t ex;

    (void)unused;
    asm volatile ("lea 1f(%%rip), %[rip]; mov %%rsp, %[sp]; int3; 1:"
                  _ASM_EXTABLE(1b, 1b)
                  : "=a" (ex), [rip] "=&r" (after), [sp] "=&r" (sp_at)
                  : "0" (0) : "memory");
    return ex;
}

void test_main(void)
{
    unsigned long rip, sp;
    exinfo_t ex;

    asm volatile ("lea 1f(%%rip), %[rip]; mov %%rsp, %[sp]; int3; 1:"
                  _ASM_EXTABLE(1b, 1b)
                  : "=a" (ex), [rip] "=&r" (rip), [sp] "=&r" (sp) : "0" (0) : "memory");
    check_eq("int3", ex, EXINFO_SYM(BP, 0));
    check_exception_frame("int3", X86_EXC_BP, -1, rip, sp, FRAME_CS_KERNEL, 0);

    asm volatile ("lea 1f(%%rip), %[rip]; mov %%rsp, %[sp]; int $3; 1:"
                  _ASM_EXTABLE(1b, 1b)
                  : "=a" (ex), [rip] "=&r" (rip), [sp] "=&r" (sp) : "0" (0) : "memory");
    check_eq("int $3", ex, EXINFO_SYM(BP, 0));
    check_exception_frame("int $3", X86_EXC_BP, -1, rip, sp, FRAME_CS_KERNEL, 0);

    if ( setup_user_mode() )
        return xtf_error("Error: cannot enter user mode\n");
    ex = exec_user(user_int3, 0);
    check_eq("user int3", ex, EXINFO_SYM(BP, 0));
    check_exception_frame("user int3", X86_EXC_BP, -1, after, sp_at, FRAME_CS_USER,
                          (unsigned long)kernel_entry_stack + KERNEL_ENTRY_STACK_SIZE);
}
