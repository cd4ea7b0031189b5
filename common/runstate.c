/*
 * vCPU runstates: running, runnable, blocked, offline (Xen's public
 * vcpu.h), the time each vCPU spent in each, and the copy a guest may ask
 * to have kept in its memory (VCPUOP_register_runstate_memory_area).
 * Linux reads that copy for stolen-time accounting at every tick.
 *
 * The scheduler changes states; the arch context switch rewrites the
 * guest's copy of the vCPUs going off and onto the CPU, as Xen does.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/sched.h>
#include <keel/spinlock.h>
#include <keel/time.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/hvm/hvm.h>
#include <public/errno.h>
#include <public/vcpu.h>
#include <public/xen.h>

void vcpu_runstate_change(struct vcpu *v, int new_state, s_time_t now)
{
    struct vcpu_runstate_info *rs = &v->runstate;
    unsigned long flags;
    s_time_t delta;

    spin_lock_irqsave(&v->runstate_lock, flags);
    if ( rs->state != new_state )
    {
        /* A racing NOW() on another CPU may be a little behind: never go back. */
        delta = now - (s_time_t)rs->state_entry_time;
        if ( delta > 0 )
        {
            rs->time[rs->state] += delta;
            rs->state_entry_time = now;
        }
        rs->state = new_state;
    }
    spin_unlock_irqrestore(&v->runstate_lock, flags);
}

void vcpu_runstate_get(struct vcpu *v, struct vcpu_runstate_info *out)
{
    unsigned long flags;
    s_time_t delta;

    spin_lock_irqsave(&v->runstate_lock, flags);
    *out = v->runstate;
    spin_unlock_irqrestore(&v->runstate_lock, flags);
    delta = NOW() - (s_time_t)out->state_entry_time;
    if ( delta > 0 )
        out->time[out->state] += delta;
}

/*
 * With VMASST_TYPE_runstate_update_flag the guest can tell a copy being
 * rewritten from a finished one: XEN_RUNSTATE_UPDATE in state_entry_time
 * is set first and cleared last.  x86 keeps stores in order, so a compiler
 * barrier is the write barrier.  A copy that faults is silently dropped
 * (Xen: the guest gave a bad address, its problem).
 */
void update_runstate_area(struct vcpu *v)
{
    uint64_t va = v->runstate_guest;
    uint64_t entry_va = va + offsetof(struct vcpu_runstate_info, state_entry_time);
    struct vcpu_runstate_info rs;
    unsigned long flags;
    bool flag = v->domain->arch.vm_assist & (1UL << VMASST_TYPE_runstate_update_flag);

    if ( !va )
        return;
    spin_lock_irqsave(&v->runstate_lock, flags);
    rs = v->runstate;
    spin_unlock_irqrestore(&v->runstate_lock, flags);
    if ( flag )
    {
        rs.state_entry_time |= XEN_RUNSTATE_UPDATE;
        raw_copy_to_vcpu(v, entry_va, &rs.state_entry_time, sizeof(rs.state_entry_time));
        barrier();
    }
    raw_copy_to_vcpu(v, va, &rs, sizeof(rs));
    if ( flag )
    {
        barrier();
        rs.state_entry_time &= ~XEN_RUNSTATE_UPDATE;
        raw_copy_to_vcpu(v, entry_va, &rs.state_entry_time, sizeof(rs.state_entry_time));
    }
}

/* Xen's guest_handle_okay: only the start is checked, and never for HVM. */
static bool runstate_va_ok(uint64_t va)
{
    return is_hvm_vcpu(current) || va < (1UL << 47) || va >= HYPERVISOR_VIRT_END;
}

/*
 * Registration: the address is kept even if nothing is mapped there yet
 * (the first copy is written now, through the caller's page tables, and a
 * failure is not reported); only an address in Keel's hole is -EFAULT.
 * Any vCPU of the caller's domain may be named, as on Xen 4.17.
 */
long vcpu_register_runstate_area(struct vcpu *v, uint64_t arg)
{
    struct vcpu_register_runstate_memory_area area;
    struct vcpu_runstate_info rs;

    if ( copy_from_guest(&area, arg, sizeof(area)) )
        return -EFAULT;
    if ( !runstate_va_ok(area.addr) )
        return -EFAULT;
    v->runstate_guest = area.addr;
    if ( v == current )
        rs = v->runstate;          /* as last switched: Xen does not add "now" here */
    else
        vcpu_runstate_get(v, &rs);
    (void)raw_copy_to_guest(area.addr, &rs, sizeof(rs));
    return 0;
}
