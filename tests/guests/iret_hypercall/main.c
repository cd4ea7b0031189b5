/*
 * The iret hypercall returning to kernel mode (CS RPL 0 in the frame):
 *  - flags 0: rax, rcx, r11 come from the frame, rsp from the frame;
 *  - flags VGCF_in_syscall: rcx and r11 are not restored; Xen 4.17 returns
 *    like sysret: rcx = the return RIP, r11 = the returned RFLAGS;
 *  - RFLAGS.IF in the frame becomes !evtchn_upcall_mask (IF=1 unmasks,
 *    IF=0 masks); the real IF stays set; arithmetic flags are restored;
 *    IOPL in the frame is ignored, AC is kept.
 */
#include "pv.h"
#include "report.h"

const char test_title[] = "iret hypercall semantics";

struct iret_out {
    unsigned long rax, rcx, r11, rsp_delta, flags, ret_rip;
};

static void do_iret(unsigned long rflags, unsigned long flags, struct iret_out *o)
{
    unsigned long rax, rcx, r11, spb, spa, fl, rip;

    asm volatile ("mov %%rsp, %[spb]\n\t"
                  "lea 1f(%%rip), %[rip]\n\t"
                  "push $0xe02b\n\t"          /* SS */
                  "push %[spb]\n\t"           /* RSP */
                  "push %[rfl]\n\t"           /* RFLAGS */
                  "push $0xe030\n\t"          /* CS, RPL 0: kernel */
                  "push %[rip]\n\t"           /* RIP */
                  "push %[flags]\n\t"
                  "push $0x1111\n\t"          /* RCX */
                  "push $0x2222\n\t"          /* R11 */
                  "push $0x3333\n\t"          /* RAX */
                  "mov $23, %%eax\n\t"
                  "syscall\n\t"
                  "1: mov %%rsp, %[spa]\n\t"
                  "pushf; pop %[fl]\n\t"
                  "mov %%r11, %[r11]"
                  : "=&a" (rax), "=&c" (rcx), [r11] "=&r" (r11), [spb] "=&r" (spb),
                    [spa] "=&r" (spa), [fl] "=&r" (fl), [rip] "=&r" (rip)
                  : [rfl] "r" (rflags), [flags] "r" (flags)
                  : "r11", "memory");
    o->rax = rax;
    o->rcx = rcx;
    o->r11 = r11;
    o->rsp_delta = spa - spb;
    o->flags = fl;
    o->ret_rip = rip;
}

void test_main(void)
{
    struct iret_out o;

    do_iret(X86_EFLAGS_MBS, 0, &o);
    check_eq("rax", o.rax, 0x3333);
    check_eq("rcx", o.rcx, 0x1111);
    check_eq("r11", o.r11, 0x2222);
    check_eq("rsp restored", o.rsp_delta, 0);
    check_eq("real flags (IF forced on)", o.flags, X86_EFLAGS_MBS | X86_EFLAGS_IF);
    check_eq("upcall mask after IF=0", vcpu0_info()->evtchn_upcall_mask, 1);

    do_iret(X86_EFLAGS_MBS, VGCF_in_syscall, &o);
    check_eq("in_syscall: rax", o.rax, 0x3333);
    check_eq("in_syscall: rcx = return RIP", o.rcx, o.ret_rip);
    check_eq("in_syscall: r11 = RFLAGS", o.r11, X86_EFLAGS_MBS | X86_EFLAGS_IF);

    if ( vcpu0_info()->evtchn_upcall_pending )
        return xtf_skip("Skip: an event is pending, cannot unmask safely\n");
    do_iret(X86_EFLAGS_MBS | X86_EFLAGS_IF | X86_EFLAGS_CF, 0, &o);
    check_eq("upcall mask after IF=1", vcpu0_info()->evtchn_upcall_mask, 0);
    vcpu0_info()->evtchn_upcall_mask = 1;
    check_eq("real flags with CF", o.flags, X86_EFLAGS_MBS | X86_EFLAGS_IF | X86_EFLAGS_CF);

    do_iret(X86_EFLAGS_MBS | X86_EFLAGS_IOPL | X86_EFLAGS_AC, 0, &o);
    check_eq("IOPL dropped, AC kept", o.flags, X86_EFLAGS_MBS | X86_EFLAGS_IF | X86_EFLAGS_AC);
    check_eq("upcall mask after IF=0 again", vcpu0_info()->evtchn_upcall_mask, 1);
}
