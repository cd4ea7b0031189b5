/*
 * PV hypercall entry.  A `syscall` from guest kernel mode is a hypercall
 * (rax = number, arguments in rdi, rsi, rdx, r10, r8, result in rax); from
 * guest user mode it is bounced to the kernel's syscall callback.  On the
 * way back to any guest, pending softirqs run and events are delivered.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/smp.h>
#include <keel/softirq.h>
#include <asm/current.h>
#include <asm/irqflags.h>
#include <asm/pv.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>

#define VECTOR_SYSCALL32 0x101

void pv_bounce_syscall(struct vcpu *v);
void pv_deliver_events(struct vcpu *v);
void do_syscall(struct cpu_user_regs *regs);
void exit_to_guest(struct cpu_user_regs *regs);

#define ARGS0(a)
#define ARGS1(a) a[0]
#define ARGS2(a) a[0], a[1]
#define ARGS3(a) a[0], a[1], a[2]
#define ARGS4(a) a[0], a[1], a[2], a[3]
#define ARGS5(a) a[0], a[1], a[2], a[3], a[4]

long pv_hypercall_dispatch(unsigned long nr, const unsigned long args[5])
{
    switch ( nr )
    {
#define DISPATCH(name, num, nargs, fn, status, note) \
    case num: return fn(ARGS##nargs(args));
    PV_HYPERCALL_TABLE(DISPATCH)
#undef DISPATCH
    }
    current->domain->unknown_hypercalls++;
    return -ENOSYS;
}

static void do_hypercall(struct cpu_user_regs *regs)
{
    unsigned long args[5] = { regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8 };

    regs->rax = pv_hypercall_dispatch(regs->rax, args);
}

void do_syscall(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;

    local_irq_enable();
    if ( regs->entry_vector == VECTOR_SYSCALL32 )
        pv_inject_trap(v, TRAP_invalid_op, false, 0);  /* no 32-bit PV guests */
    else if ( v->arch.kernel_mode )
        do_hypercall(regs);
    else
        pv_bounce_syscall(v);
}

/* Last stop before iret to a guest; returns with interrupts disabled. */
void exit_to_guest(struct cpu_user_regs *regs)
{
    unsigned int cpu = smp_processor_id();

    for ( ;; )
    {
        local_irq_disable();
        if ( !softirq_pending(cpu) )
            break;
        local_irq_enable();
        do_softirq();                   /* may switch to another vCPU for good */
    }
    pv_deliver_events(current);
    (void)regs;
}
