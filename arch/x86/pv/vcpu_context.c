/*
 * VCPUOP_initialise for 64-bit PV vCPUs: the starting state of a vCPU
 * that has never run (Linux's secondary CPUs: cpu_initialize_context).
 * The context is hostile like any hypercall argument: it is checked in
 * the order of Xen 4.17's arch_set_info_guest, with its error codes, and
 * nothing of it is kept unless all of it is accepted:
 *  - every address Keel may load or jump to is canonical (-EINVAL);
 *  - selectors get RPL 3 (the guest kernel runs in ring 3), IOPL moves
 *    into the virtual IOPL and real interrupts stay enabled;
 *  - the GDT frames go through pv_set_gdt (typed as descriptor pages);
 *  - the kernel L4 (ctrlreg[3]) and the user L4 (ctrlreg[1], optional)
 *    must take a PGT_l4 type reference, so a frame that is not the
 *    domain's, is mapped writable or does not validate is -EINVAL;
 *  - a vCPU that already has a state is -EEXIST;
 *  - the FXSAVE image (VGCF_i387_valid) becomes its x87/SSE state, with
 *    MXCSR's reserved bits cleared; without the flag it starts from the
 *    initial state, as Xen's arch_set_info_guest does.
 * Keel has no LDT support (MMUEXT_SET_LDT accepts only "none"), so a
 * context with an LDT is refused with -EINVAL; Xen would accept one.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/sched.h>
#include <keel/spinlock.h>
#include <keel/xmalloc.h>
#include <asm/fpu.h>
#include <asm/guest_access.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>
#include <public/arch-x86/vcpu_guest_context.h>
#include <public/errno.h>

#define EFLAGS_IOPL     (3UL << 12)
#define EFLAGS_IF       (1UL << 9)
#define EFLAGS_VM       (1UL << 17)
#define EFLAGS_DEFINED  0x3f7fd5UL        /* CF..ID: the rest is reserved */
#define LDT_MAX_ENTS    8192
#define DR7_GD          (1UL << 13)
#define DR7_RESERVED_ONE 0x400UL

BUILD_BUG_ON(sizeof(struct guest_user_regs) != 200);
BUILD_BUG_ON(sizeof(struct vcpu_guest_context) != 5168);

/* One initialisation at a time: two vCPUs may race for the same target. */
static DEFINE_SPINLOCK(init_lock);

static bool canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

static uint16_t guest_rpl(uint16_t sel)
{
    return sel | 3;
}

/* Xen's list of addresses that must be canonical (arch_set_info_guest). */
static bool addresses_ok(const struct vcpu_guest_context *c)
{
    if ( !canonical(c->user_regs.rip) || !canonical(c->user_regs.rsp) ||
         !canonical(c->kernel_sp) || (c->ldt_ents && !canonical(c->ldt_base)) ||
         !canonical(c->fs_base) || !canonical(c->gs_base_kernel) ||
         !canonical(c->gs_base_user) || !canonical(c->event_callback_eip) ||
         !canonical(c->syscall_callback_eip) || !canonical(c->failsafe_callback_eip) )
        return false;
    for ( unsigned int i = 0; i < 256; i++ )
        if ( !canonical(c->trap_ctxt[i].address) )
            return false;
    return true;
}

static int check_context(const struct vcpu_guest_context *c)
{
    if ( !addresses_ok(c) )
        return -EINVAL;
    if ( (c->ldt_base & (PAGE_SIZE - 1)) || c->ldt_ents > LDT_MAX_ENTS )
        return -EINVAL;
    if ( (c->gdt_ents + 511) / 512 > PV_GDT_MAX_FRAMES )
        return -EINVAL;
    if ( !(c->flags & VGCF_in_kernel) && !c->ctrlreg[1] )
        return -EINVAL;                  /* user mode needs a user L4 */
    if ( c->ldt_ents )
        return -EINVAL;                  /* Keel: no LDTs */
    return 0;
}

static void load_regs(struct vcpu *v, const struct guest_user_regs *g)
{
    struct cpu_user_regs *r = &v->arch.user_regs;

    *r = (struct cpu_user_regs){
        .r15 = g->r15, .r14 = g->r14, .r13 = g->r13, .r12 = g->r12,
        .rbp = g->rbp, .rbx = g->rbx, .r11 = g->r11, .r10 = g->r10,
        .r9 = g->r9, .r8 = g->r8, .rax = g->rax, .rcx = g->rcx,
        .rdx = g->rdx, .rsi = g->rsi, .rdi = g->rdi,
        .rip = g->rip, .cs = guest_rpl(g->cs), .rsp = g->rsp, .ss = guest_rpl(g->ss),
    };
    /*
     * IOPL is virtual; the real interrupt flag stays on, as on Xen.  Bits
     * iretq would refuse (reserved, VM) are dropped rather than left to
     * fault Keel's return to the guest.
     */
    v->arch.iopl = (g->rflags & EFLAGS_IOPL) >> 12;
    r->rflags = (g->rflags & EFLAGS_DEFINED & ~(EFLAGS_IOPL | EFLAGS_VM)) | EFLAGS_IF | 2;
}

/* Breakpoints as set_debugreg takes them; a value it would refuse is dropped. */
static void load_debugregs(struct vcpu *v, const uint64_t *dr)
{
    bool io_bp = false;

    memset(v->arch.debugreg, 0, sizeof(v->arch.debugreg));
    for ( unsigned int i = 0; i < 4; i++ )
    {
        if ( guest_range_ok(dr[i], 1) )
            v->arch.debugreg[i] = dr[i];
        io_bp |= ((dr[7] >> (16 + 4 * i)) & 3) == 2 && (dr[7] & (3UL << (2 * i)));
    }
    if ( !(dr[7] >> 32) && !(dr[7] & DR7_GD) && !io_bp )
        v->arch.debugreg[7] = dr[7] | DR7_RESERVED_ONE;
}

static void load_callbacks(struct vcpu *v, const struct vcpu_guest_context *c)
{
    v->arch.event_cb = (struct pv_callback){ c->event_callback_eip, true };
    v->arch.failsafe_cb = (struct pv_callback){
        c->failsafe_callback_eip, c->flags & VGCF_failsafe_disables_events };
    v->arch.syscall_cb = (struct pv_callback){
        c->syscall_callback_eip, c->flags & VGCF_syscall_disables_events };
    memcpy(v->arch.trap_ctxt, c->trap_ctxt, sizeof(v->arch.trap_ctxt));
}

/* A base pointer: a PGT_l4 type reference on a frame of the domain, or -EINVAL. */
static int take_l4(struct domain *d, uint64_t cr3, mfn_t *out)
{
    mfn_t mfn = xen_cr3_to_pfn(cr3);
    int rc;

    spin_lock(&d->page_lock);
    rc = get_page_type(d, mfn, PGT_l4);
    spin_unlock(&d->page_lock);
    if ( rc )
        return -EINVAL;                  /* not ours, writable, or invalid */
    *out = mfn;
    return 0;
}

static void drop_l4(struct domain *d, mfn_t mfn)
{
    spin_lock(&d->page_lock);
    put_page_type(d, mfn);
    spin_unlock(&d->page_lock);
}

/* Tables and GDT, in Xen's order; on failure nothing is held. */
static int load_tables(struct vcpu *v, const struct vcpu_guest_context *c)
{
    mfn_t l4 = 0, user_l4 = 0;
    int rc = pv_set_gdt(v, c->gdt_frames, c->gdt_ents);

    if ( rc )
        return rc;
    rc = take_l4(v->domain, c->ctrlreg[3], &l4);
    if ( !rc && c->ctrlreg[1] && (rc = take_l4(v->domain, c->ctrlreg[1], &user_l4)) )
        drop_l4(v->domain, l4);
    if ( rc )
    {
        pv_set_gdt(v, NULL, 0);          /* Xen: pv_destroy_gdt */
        return rc;
    }
    v->arch.guest_table = l4;
    v->arch.guest_table_user = user_l4;
    return 0;
}

static int set_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    int rc = check_context(c);

    if ( rc || (rc = load_tables(v, c)) )
        return rc;
    load_regs(v, &c->user_regs);
    load_callbacks(v, c);
    load_debugregs(v, c->debugreg);
    v->arch.kernel_mode = c->flags & VGCF_in_kernel;
    v->arch.kernel_ss = guest_rpl(c->kernel_ss);
    v->arch.kernel_sp = c->kernel_sp;
    v->arch.fs_base = c->fs_base;
    v->arch.gs_base_kernel = c->gs_base_kernel;
    v->arch.gs_base_user = c->gs_base_user;
    v->arch.fpu_ts = c->ctrlreg[0] & X86_CR0_TS;
    if ( c->flags & VGCF_i387_valid )
        fpu_vcpu_load_fxsave(v, c->fpu_ctxt);
    else
        fpu_vcpu_reset(v);
    return 0;
}

/* A context from the caller's memory onto v, which has none yet. */
static long initialise_from(struct vcpu *v, uint64_t arg)
{
    struct vcpu_guest_context *c = xmalloc(struct vcpu_guest_context);
    bool online = false;
    long rc;

    if ( !c )
        return -ENOMEM;
    if ( copy_from_guest(c, arg, sizeof(*c)) )
    {
        xfree(c);
        return -EFAULT;
    }
    spin_lock(&init_lock);
    rc = v->context_set ? -EEXIST : set_context(v, c);
    if ( !rc )
    {
        v->context_set = true;
        online = c->flags & VGCF_online;
    }
    spin_unlock(&init_lock);
    xfree(c);
    /* VGCF_online: up at once, as if VCPUOP_up had followed (once unpaused). */
    if ( online && !v->up )
    {
        v->up = true;
        if ( !v->domain->pause_count )
            vcpu_wake(v);
    }
    return rc;
}

long pv_vcpu_initialise(struct vcpu *v, uint64_t arg)
{
    return initialise_from(v, arg);
}

long pv_vcpu_set_context(struct vcpu *v, uint64_t arg)
{
    if ( !arg )                          /* Xen: a reset; of a vCPU never started, nothing */
        return v->context_set ? -EOPNOTSUPP : 0;
    return initialise_from(v, arg);
}

/*
 * XEN_DOMCTL_getvcpucontext: v's state as arch_get_info_guest reports a
 * 64-bit PV vCPU's (v off every CPU).  Keel keeps no data-segment
 * selectors or LDT for a PV vCPU: those read 0.
 */
void pv_vcpu_get_context(const struct vcpu *v, struct vcpu_guest_context *c)
{
    const struct cpu_user_regs *r = &v->arch.user_regs;

    memset(c, 0, sizeof(*c));
    if ( v->arch.fpu.area )
    {
        memcpy(c->fpu_ctxt, v->arch.fpu.area, sizeof(c->fpu_ctxt));
        c->flags |= VGCF_i387_valid;
    }
    if ( v->up || v->vcpu_id == 0 )
        c->flags |= VGCF_online;
    if ( v->arch.kernel_mode )
        c->flags |= VGCF_in_kernel;
    if ( v->arch.failsafe_cb.mask_events )
        c->flags |= VGCF_failsafe_disables_events;
    if ( v->arch.syscall_cb.mask_events )
        c->flags |= VGCF_syscall_disables_events;
    c->user_regs = (struct guest_user_regs){
        .r15 = r->r15, .r14 = r->r14, .r13 = r->r13, .r12 = r->r12,
        .rbp = r->rbp, .rbx = r->rbx, .r11 = r->r11, .r10 = r->r10,
        .r9 = r->r9, .r8 = r->r8, .rax = r->rax, .rcx = r->rcx,
        .rdx = r->rdx, .rsi = r->rsi, .rdi = r->rdi,
        .rip = r->rip, .cs = r->cs, .rsp = r->rsp, .ss = r->ss,
        /* IOPL is virtual: merged back, as Xen does. */
        .rflags = (r->rflags & ~EFLAGS_IOPL) | ((uint64_t)v->arch.iopl << 12),
    };
    memcpy(c->trap_ctxt, v->arch.trap_ctxt, sizeof(c->trap_ctxt));
    for ( unsigned int i = 0; i < PV_GDT_MAX_FRAMES && i < 16; i++ )
        c->gdt_frames[i] = v->arch.gdt_frames[i];
    c->gdt_ents = v->arch.gdt_ents;
    c->kernel_ss = v->arch.kernel_ss;
    c->kernel_sp = v->arch.kernel_sp;
    c->ctrlreg[0] = v->arch.fpu_ts ? X86_CR0_TS : 0;
    c->ctrlreg[3] = xen_pfn_to_cr3(v->arch.guest_table);
    c->ctrlreg[1] = v->arch.guest_table_user ? xen_pfn_to_cr3(v->arch.guest_table_user) : 0;
    c->ctrlreg[4] = v->arch.cr4_guest;
    for ( unsigned int i = 0; i < 8; i++ )
        c->debugreg[i] = v->arch.debugreg[i];
    c->event_callback_eip = v->arch.event_cb.address;
    c->failsafe_callback_eip = v->arch.failsafe_cb.address;
    c->syscall_callback_eip = v->arch.syscall_cb.address;
    c->vm_assist = v->domain->arch.vm_assist;
    c->fs_base = v->arch.fs_base;
    c->gs_base_kernel = v->arch.gs_base_kernel;
    c->gs_base_user = v->arch.gs_base_user;
}
