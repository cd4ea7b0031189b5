/*
 * A user-mode `syscall` is bounced to the CALLBACKTYPE_syscall callback on
 * the stack_switch stack with the frame RCX, R11, RIP, CS, RFLAGS, RSP, SS:
 * RCX = RIP = the address after the syscall, R11 = the user's real flags
 * (DF set by the user here, IF set as always in PV), RFLAGS = the same with
 * IF = !evtchn_upcall_mask (masked here: IF clear), CS/SS = user
 * selectors, RSP = the user rsp.
 * In the callback events are masked (CALLBACKF_mask_events).  DF is only
 * reported: Xen 4.17 leaves the user's DF set in the callback (newer Xen
 * clears it, as native SYSCALL with FMASK.DF would), so either is accepted.
 * The callback changes rax and returns with iret (flags 0): the user sees
 * the new rax, and rcx/r11 as restored from the frame.
 */
#include "pv.h"
#include "console.h"
#include "report.h"

const char test_title[] = "syscall from user mode to the syscall callback";

static unsigned long after, usp, uflags, ret_rcx, ret_r11;
static struct syscall_record rec;

static void hook(struct cpu_regs *regs)
{
    rec = last_syscall;
    regs->rax = regs->rax * 2 + 1;
    regs->rcx = 0x1111222233334444UL;
    regs->r11 = 0x202 | X86_EFLAGS_CF;
}

static unsigned long user_fn(unsigned long arg)
{
    unsigned long rax = arg;

    asm volatile ("lea 1f(%%rip), %[after]\n\t"
                  "std\n\t"
                  "pushf; pop %[fl]\n\t"
                  "mov %%rsp, %[sp]\n\t"
                  "syscall\n\t"
                  "1: cld\n\t"
                  "mov %%rcx, %[rcx]\n\t"
                  "mov %%r11, %[r11]"
                  : "+a" (rax), [after] "=&r" (after), [fl] "=&r" (uflags),
                    [sp] "=&r" (usp), [rcx] "=&r" (ret_rcx), [r11] "=&r" (ret_r11)
                  :: "rcx", "r11", "memory");
    return rax;
}

void test_main(void)
{
    unsigned long top = (unsigned long)kernel_entry_stack + KERNEL_ENTRY_STACK_SIZE;
    unsigned long r;

    if ( setup_user_mode() )
        return xtf_error("Error: cannot enter user mode\n");
    syscall_hook = hook;
    r = exec_user(user_fn, 1000);
    syscall_hook = NULL;

    check_eq("rax after the callback", r, 2001);
    check_eq("frame RIP", rec.rip, after);
    check_eq("frame RCX", rec.rcx, after);
    check_eq("frame R11", rec.r11, uflags);
    check_eq("frame RFLAGS", rec.rflags, uflags & ~X86_EFLAGS_IF);
    check_eq("frame CS", (uint16_t)rec.cs, FLAT_USER_CS);
    check_eq("frame SS", (uint16_t)rec.ss, FLAT_USER_SS);
    check_eq("frame RSP", rec.rsp, usp);
    check_eq("frame address", rec.frame_addr, top - 7 * 8);
    if ( !(uflags & X86_EFLAGS_DF) )
        xtf_error("Error: user DF not set\n");
    printk("DF in the syscall callback: %s\n",
           rec.rflags_in_callback & X86_EFLAGS_DF ? "set (as Xen 4.17)" : "clear");
    check_eq("upcall mask in the callback", rec.upcall_mask, 1);
    check_eq("user rcx after iret", ret_rcx, 0x1111222233334444UL);
    check_eq("user r11 after iret", ret_r11 & (X86_EFLAGS_CF | X86_EFLAGS_DF), X86_EFLAGS_CF);
}
