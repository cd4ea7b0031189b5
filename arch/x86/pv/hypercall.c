/*
 * PV hypercall entry.  A `syscall` from guest kernel mode is a hypercall
 * (rax = number, arguments in rdi, rsi, rdx, r10, r8, result in rax); from
 * guest user mode it is bounced to the kernel's syscall callback.  On the
 * way back to any guest, pending softirqs run and events are delivered.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/hypercall_log.h>
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

/* The ABI's argument registers, in order. */
#define ARGS0(r)
#define ARGS1(r) (r)->rdi
#define ARGS2(r) (r)->rdi, (r)->rsi
#define ARGS3(r) (r)->rdi, (r)->rsi, (r)->rdx
#define ARGS4(r) (r)->rdi, (r)->rsi, (r)->rdx, (r)->r10
#define ARGS5(r) (r)->rdi, (r)->rsi, (r)->rdx, (r)->r10, (r)->r8

/*
 * One small adapter per hypercall, reading its arguments straight from the
 * saved registers: dispatch is a bounds check and one indexed call.
 */
#define ADAPTER(name, num, nargs, fn, status, note) \
static long hc_##name(const struct cpu_user_regs *r) { return fn(ARGS##nargs(r)); }
PV_HYPERCALL_TABLE(ADAPTER)
#undef ADAPTER

static long (*const hypercall_table[NR_HYPERCALLS])(const struct cpu_user_regs *) = {
#define ENTRY(name, num, nargs, fn, status, note) [num] = hc_##name,
    PV_HYPERCALL_TABLE(ENTRY)
#undef ENTRY
};

static long dispatch(unsigned long nr, const struct cpu_user_regs *r)
{
    long rc;

    if ( likely(nr < NR_HYPERCALLS && hypercall_table[nr]) )
        rc = hypercall_table[nr](r);
    else
    {
        current->domain->unknown_hypercalls++;
        rc = -ENOSYS;
    }
    if ( unlikely(rc == -ENOSYS) )
        hypercall_note_enosys(current->domain, nr, r->rdi);
    return rc;
}

/* For multicall: the same table, arguments from a batch entry. */
long pv_hypercall_dispatch(unsigned long nr, const unsigned long args[5])
{
    struct cpu_user_regs r = {
        .rdi = args[0], .rsi = args[1], .rdx = args[2], .r10 = args[3], .r8 = args[4],
    };

    return dispatch(nr, &r);
}

/*
 * Preempt a long hypercall, as Xen does for a PV guest: when the vCPU's
 * own registers are those of this very call, point it back at its
 * `syscall` with the progress in its arguments, so that it re-enters the
 * hypercall where it left off after pending work (softirqs, other vCPUs)
 * has run; the handler returns the hypercall number, which rax must hold
 * to re-issue it.  A multicall entry instead gets its arguments replaced
 * in v->arch.mc, and do_multicall writes them back to the guest's entry
 * and continues itself from that entry.
 */
bool pv_hypercall_can_continue(unsigned long nr, unsigned long arg0)
{
    struct vcpu *v = current;
    const struct cpu_user_regs *regs = guest_cpu_user_regs();

    if ( v->arch.mc.active )
        return v->arch.mc.op == nr && v->arch.mc.args[0] == arg0;
    return regs->rax == nr && regs->rdi == arg0 && v->arch.kernel_mode;
}

long pv_hypercall_continuation_n(unsigned long nr, unsigned long arg0, unsigned int n,
                                 const unsigned long *args)
{
    struct vcpu *v = current;
    struct cpu_user_regs *regs = guest_cpu_user_regs();
    unsigned long *reg[] = { &regs->rdi, &regs->rsi, &regs->rdx, &regs->r10, &regs->r8 };

    if ( n > ARRAY_SIZE(reg) || !pv_hypercall_can_continue(nr, arg0) )
        return 0;
    for ( unsigned int i = 0; i < n; i++ )
        if ( v->arch.mc.active )
            v->arch.mc.args[i] = args[i];
        else
            *reg[i] = args[i];
    if ( v->arch.mc.active )
        v->arch.mc.preempted = true;
    else
        regs->rip -= 2;                 /* `syscall` is two bytes long */
    return nr;
}

long pv_hypercall_continuation(unsigned long nr, unsigned long arg0, unsigned long new_arg0)
{
    return pv_hypercall_continuation_n(nr, arg0, 1, &new_arg0);
}

bool pv_hypercall_preempt_check(void)
{
    return softirq_pending(smp_processor_id());
}

void do_syscall(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;

    local_irq_enable();
    if ( regs->entry_vector == VECTOR_SYSCALL32 )
        pv_inject_trap(v, TRAP_invalid_op, false, 0);  /* no 32-bit PV guests */
    else if ( likely(v->arch.kernel_mode) )
        regs->rax = dispatch(regs->rax, regs);
    else
        pv_bounce_syscall(v);
}

/* Last stop before iret to a guest; returns with interrupts disabled. */
void exit_to_guest(struct cpu_user_regs *regs)
{
    struct cpu_info *ci = get_cpu_info();

    for ( ;; )
    {
        local_irq_disable();
        if ( likely(!softirq_pending(ci->processor_id)) )
            break;
        local_irq_enable();
        do_softirq();                   /* may switch to another vCPU for good */
    }
    /* Events for the guest: the common case is none. */
    if ( unlikely(ci->current_vcpu->arch.vcpu_info->evtchn_upcall_pending) )
        pv_deliver_events(ci->current_vcpu);
    (void)regs;
}
