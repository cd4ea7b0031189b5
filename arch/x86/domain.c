/*
 * x86 side of domains and vCPUs: creation hooks and the context switch.
 *
 * All vCPUs on a CPU share its stack.  The running guest's registers live
 * in the frame just below cpu_info; switching saves that frame into the
 * outgoing vCPU, loads the incoming one's, and restarts on a fresh stack.
 * The x87/SSE/AVX registers and XCR0 go the same way, PV and HVM alike, at
 * every switch (asm/fpu.h).
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/sched.h>
#include <keel/smp.h>
#include <keel/xmalloc.h>
#include <asm/current.h>
#include <asm/pv_mm.h>
#include <asm/debugreg.h>
#include <asm/fpu.h>
#include <asm/hvm/hvm.h>
#include <asm/mm.h>
#include <asm/msr.h>
#include <asm/guest_access.h>
#include <asm/guest_time.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/tlbflush.h>
#include <asm/vcpu_info.h>
#include <public/errno.h>
#include <public/hvm/hvm_vcpu.h>

void __noreturn reset_stack_and_enter_guest(struct cpu_user_regs *frame);
void __noreturn reset_stack_and_call(void *stack, void (*fn)(void));

int arch_domain_create(struct domain *d)
{
    struct shared_info *si;

    if ( d->arch.is_hvm && (!hvm_enabled || p2m_init(&d->arch.hvm.p2m, d->domain_id)) )
        return -EOPNOTSUPP;
    if ( d->arch.is_hvm )
    {
        hvm_rtc_init(d);
        vioapic_init(d);
        vuart_init(d);
        vpit_init(d);
        pmtimer_init(d);
        hpet_init(d);
    }
    si = alloc_xenheap_pages(0, 0);
    if ( !si )
    {
        if ( d->arch.is_hvm )
            p2m_teardown(&d->arch.hvm.p2m);
        return -ENOMEM;
    }
    memset(si, 0, PAGE_SIZE);
    d->arch.shared_info = si;
    d->arch.shared_info_mfn = virt_to_mfn(si);
    /*
     * The guest maps it by machine address: let it own the frame.  Keel
     * writes into it (event bits, cr2, time), so it holds a permanent
     * plain-page type reference: it can never become a page table or a
     * descriptor page, nor leave the domain (decrease_reservation, exchange).
     */
    mfn_to_page(d->arch.shared_info_mfn)->count_info &= ~PGC_xen_heap;
    mfn_to_page(d->arch.shared_info_mfn)->count_info |= 1;
    mfn_to_page(d->arch.shared_info_mfn)->type_info = PGT_none | 1;
    mfn_to_page(d->arch.shared_info_mfn)->u.inuse.owner = d->domain_id;
    mfn_to_page(d->arch.shared_info_mfn)->u.inuse.foreign_rw = 0;
    mfn_to_page(d->arch.shared_info_mfn)->foreign_dirty = 0;
    for ( unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++ )
        si->vcpu_info[i].evtchn_upcall_mask = 1;   /* events off until the guest is ready */
    update_domain_wallclock_time(d);
    return 0;
}

/*
 * The domain is being destroyed: its emulated devices' timers stop for
 * good before any vCPU goes, so none fires into a dying domain.
 */
void arch_domain_dying(struct domain *d)
{
    if ( !d->arch.is_hvm )
        return;
    vpit_dying(d);
    hpet_dying(d);
}

/*
 * The domain is dying: its page tables let go of what they map.  The
 * shared_info frame joins its other frames, to be freed with them once
 * nobody maps it any more (the toolstack may still have it mapped).
 */
void arch_domain_destroy(struct domain *d)
{
    struct page_info *pg = mfn_to_page(d->arch.shared_info_mfn);

    if ( d->arch.is_hvm )
        p2m_teardown(&d->arch.hvm.p2m);
    else
        pv_relinquish_tables(d);
    pg->type_info = PGT_none;           /* Keel's permanent reference goes with it */
    forget_domain_wallclock(d);         /* settime no longer writes it */
    domain_adopt_page(d, pg);
}

int arch_vcpu_create(struct vcpu *v)
{
    int rc;

    vcpu_info_reset(v);
    v->arch.kernel_mode = true;
    rc = fpu_vcpu_init(v);              /* a clean x87/SSE state of its own */
    if ( rc || !v->domain->arch.is_hvm )
        return rc;
    vlapic_init(v);
    return hvm_funcs->vcpu_initialise(v);
}

void arch_vcpu_destroy(struct vcpu *v)
{
    unmap_vcpu_info(v);
    if ( v->domain->arch.is_hvm && v->arch.hvm.vmcb )
    {
        vlapic_destroy(v);
        hvm_funcs->vcpu_destroy(v);
    }
    xfree(v->arch.gdt_shadow);
    v->arch.gdt_shadow = NULL;
    fpu_vcpu_destroy(v);
}

/* Guest FS/GS bases can change behind our back (segment loads): read them. */
static void save_segments(struct vcpu *v)
{
    v->arch.fs_base = rdmsr(MSR_FS_BASE);
    if ( v->arch.kernel_mode )
        v->arch.gs_base_kernel = rdmsr(MSR_GS_BASE);
    else
        v->arch.gs_base_user = rdmsr(MSR_GS_BASE);
}

static void load_segments(struct vcpu *v)
{
    /* Null data selectors: 64-bit PV guests use the bases only. */
    __asm__ __volatile__("mov %0, %%ds; mov %0, %%es; mov %0, %%fs; mov %0, %%gs"
                         :: "r" (0) : "memory");
    wrmsr(MSR_FS_BASE, v->arch.fs_base);
    wrmsr(MSR_GS_BASE, v->arch.kernel_mode ? v->arch.gs_base_kernel
                                           : v->arch.gs_base_user);
}

/*
 * A PV runstate area is a guest kernel address, which a user-mode L4 need
 * not map: write it with the vCPU's kernel L4 loaded (Xen instead retries
 * when the guest next enters kernel mode).
 */
static void pv_update_runstate_area(struct vcpu *v)
{
    if ( !v->runstate_guest )
        return;
    if ( !v->arch.kernel_mode && v->arch.guest_table )
        write_cr3(v->arch.guest_table << PAGE_SHIFT);
    update_runstate_area(v);
}

/*
 * This CPU has just flushed its whole TLB on the way from prev to next: if
 * next is not of prev's PV domain, it holds none of prev's translations any
 * more, and remote flushes for prev's domain need not reach it (Xen clears
 * the dirty mask bit at the same point).
 */
static void forget_dirty_cpu(const struct vcpu *prev, const struct vcpu *next)
{
    struct domain *d = prev->domain;

    if ( is_idle_vcpu(prev) || d->arch.is_hvm || (!is_idle_vcpu(next) && next->domain == d) )
        return;
    __atomic_and_fetch(&d->dirty_cpumask, ~cpumask_of(smp_processor_id()), __ATOMIC_SEQ_CST);
}

/*
 * Both vCPUs' runstate areas are rewritten (prev's shows it off the CPU,
 * next's running) and next's time record is renewed, as Xen does at every
 * switch.
 */
void arch_context_switch(struct vcpu *prev, struct vcpu *next)
{
    struct cpu_user_regs *frame = guest_cpu_user_regs();

    /*
     * Eager: the registers always hold the running vCPU's state and no
     * other's, so nothing is left for the next one to read or to fault on.
     * Between two guest vCPUs the idle one inherits prev's registers,
     * which it never uses.
     */
    if ( !is_idle_vcpu(prev) )
        fpu_save(prev);
    if ( !is_idle_vcpu(next) )
        fpu_restore(next);
    if ( !is_idle_vcpu(prev) && !prev->domain->arch.is_hvm )
    {
        prev->arch.user_regs = *frame;
        save_segments(prev);
        if ( prev->arch.debugreg[7] & 0xff )
            write_dr7(DR7_DEFAULT);     /* its breakpoints stay with it */
        pv_update_runstate_area(prev);  /* its page tables are still loaded */
    }
    else if ( !is_idle_vcpu(prev) )
        update_runstate_area(prev);
    if ( is_idle_vcpu(next) || next->domain->arch.is_hvm )
    {
        if ( !is_idle_vcpu(next) )
        {
            update_runstate_area(next);
            update_vcpu_system_time(next);
        }
        /* HVM state lives in the VMCB; Keel itself runs on its own tables. */
        switch_cr3(virt_to_maddr(idle_pg_table));
        forget_dirty_cpu(prev, next);
        reset_stack_and_call(frame, is_idle_vcpu(next) ? idle_loop : hvm_funcs->resume);
    }
    *frame = next->arch.user_regs;
    if ( next->arch.fpu_ts )
        write_cr0(read_cr0() | X86_CR0_TS);     /* its virtual TS: #NM at the next FPU use */
    pv_load_gdt(next);
    if ( next->arch.debugreg[7] & 0xff )
        load_debug_regs(next->arch.debugreg);
    /* A full flush first: no global entry of prev's may serve next (or Keel for it). */
    switch_cr3(pv_current_l4_maddr(next));
    forget_dirty_cpu(prev, next);
    pv_update_runstate_area(next);      /* through its kernel L4 */
    if ( !next->arch.kernel_mode )
        write_cr3(pv_current_l4_maddr(next));
    update_vcpu_system_time(next);
    load_segments(next);
    reset_stack_and_enter_guest(frame);
}

int arch_vcpu_initialise_context(struct vcpu *v, uint64_t guest_ctx)
{
    struct vcpu_hvm_context ctx;
    int rc;

    /* PV vCPUs start from a vcpu_guest_context: not offered yet. */
    if ( !is_hvm_vcpu(v) )
        return -ENOSYS;
    if ( v->runnable || v->is_running )
        return -EEXIST;
    if ( copy_from_guest(&ctx, guest_ctx, sizeof(ctx)) )
        return -EFAULT;
    rc = hvm_funcs->set_vcpu_context(v, &ctx);
    if ( !rc )
    {
        fpu_vcpu_reset(v);              /* a new start: no registers of its past */
        v->context_set = true;
    }
    return rc;
}
