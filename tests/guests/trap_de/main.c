/*
 * #DE from the PV kernel: bounced to the trap-table handler with the
 * documented frame (RCX, R11, RIP, CS, RFLAGS, RSP, SS; no error code),
 * pushed below the faulting rsp aligned to 16, CS with RPL cleared, rcx and
 * r11 in the frame = their values at the fault.  Twice, from two different
 * stack alignments, so the 16-byte alignment of the frame is exercised.
 */
#include "pv.h"
#include "report.h"

const char test_title[] = "#DE delivery and bounce frame";

#define RCX_MAGIC 0x1122334455667788UL
#define R11_MAGIC 0x0badc0de0badc0deUL

static exinfo_t div0(unsigned long *rip, unsigned long *sp, unsigned long misalign)
{
    exinfo_t ex;

    asm volatile ("sub %[mis], %%rsp\n\t"
                  "lea 1f(%%rip), %[rip]\n\t"
                  "mov %%rsp, %[sp]\n\t"
                  "movabs $" STR(RCX_MAGIC) ", %%rcx\n\t"
                  "movabs $" STR(R11_MAGIC) ", %%r11\n\t"
                  "xor %%edx, %%edx\n\t"
                  "1: divl %[zero]\n\t"
                  "2: add %[mis], %%rsp\n\t"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex), [rip] "=&r" (*rip), [sp] "=&r" (*sp)
                  : "0" (1), [zero] "r" (0), [mis] "r" (misalign)
                  : "rcx", "rdx", "r11", "memory");
    return ex;
}

void test_main(void)
{
    for ( unsigned long mis = 0; mis <= 8; mis += 8 )
    {
        unsigned long rip, sp;
        exinfo_t ex = div0(&rip, &sp, mis);

        check_eq("divide by zero", ex, EXINFO_SYM(DE, 0));
        check_exception_frame("#DE", X86_EXC_DE, -1, rip, sp, FRAME_CS_KERNEL, 0);
        check_eq("#DE frame RCX", last_exception.rcx, RCX_MAGIC);
        check_eq("#DE frame R11", last_exception.r11, R11_MAGIC);
    }
}
