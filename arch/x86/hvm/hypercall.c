/*
 * Hypercalls from HVM/PVH guests (VMMCALL, or the hypercall page written
 * when the guest sets MSR 0x40000000).  64-bit guests pass arguments in
 * rdi, rsi, rdx, r10, r8; 32-bit ones in ebx, ecx, edx, esi, edi.  The
 * common handlers serve them; memory_op and hvm_op have HVM parts here.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/grant_table.h>
#include <keel/hypercall_log.h>
#include <keel/printk.h>
#include <keel/xsm.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/xen.h>

#define HVMOP_set_param          0
#define HVMOP_get_param          1
#define HVMOP_pagetable_dying    9
#define XENMAPSPACE_shared_info  0
#define CALLBACK_TYPE_VECTOR     2

struct xen_hvm_param {
    uint16_t domid;
    uint16_t pad;
    uint32_t index;
    uint64_t value;
};

struct xen_add_to_physmap {
    uint16_t domid;
    uint16_t size;
    uint32_t space;
    uint64_t idx;
    uint64_t gpfn;
};

/*
 * The domain an hvm_op or memory_op argument names, checked in Xen's order:
 * it must exist (-ESRCH), be an HVM domain (-EINVAL), and the caller may
 * act on it (XSM: itself, or dom0 on any; -EPERM).
 */
static long target_domain(struct domain *cur, uint16_t domid, enum xsm_target_op op,
                          struct domain **out)
{
    struct domain *t = domid == DOMID_SELF ? cur : get_domain_by_id(domid);
    long rc;

    if ( !t || t->state == DOMAIN_dying )     /* dying: its p2m and params are gone */
        return -ESRCH;
    if ( !t->arch.is_hvm )
        return -EINVAL;
    rc = xsm_target_op(cur, t, op);
    if ( rc )
        return rc;
    *out = t;
    return 0;
}

/*
 * XENMAPSPACE_grant_table: grant frame idx appears at gpfn (the table grows
 * to idx + 1 frames if needed) and leaves its old place, if any.  v2
 * status frames (XENMAPIDX_grant_table_status) do not exist: -EINVAL.
 */
static long map_grant_frame(struct domain *d, const struct xen_add_to_physmap *x)
{
    struct p2m *p2m = &d->arch.hvm.p2m;
    uint64_t old_gfn;
    mfn_t mfn;
    long rc;

    if ( x->idx > UINT32_MAX )
        return -EINVAL;
    rc = gnttab_map_frame(d, x->idx, x->gpfn, &mfn, &old_gfn);
    if ( rc )
        return rc;
    rc = p2m_set_entry(p2m, x->gpfn, mfn, p2m_grant_table);
    if ( rc )
    {
        /* Still where it was (or nowhere). */
        gnttab_map_frame(d, x->idx, old_gfn, &mfn, &old_gfn);
        return rc;
    }
    if ( old_gfn != ~0UL && old_gfn != x->gpfn )
        p2m_set_entry(p2m, old_gfn, 0, p2m_invalid);
    return 0;
}

static long add_to_physmap(struct domain *cur, uint64_t arg)
{
    struct xen_add_to_physmap x;
    struct domain *d;
    struct hvm_domain *h;
    long rc;

    if ( copy_from_guest(&x, arg, sizeof(x)) )
        return -EFAULT;
    rc = target_domain(cur, x.domid, XSM_add_to_physmap, &d);
    if ( rc )
        return rc;
    if ( x.space == XENMAPSPACE_grant_table )
        return map_grant_frame(d, &x);
    /* Xen: a space it does not map, or a shared_info index but 0, is -EINVAL. */
    if ( x.space != XENMAPSPACE_shared_info || x.idx != 0 )
        return -EINVAL;
    h = &d->arch.hvm;
    /*
     * The page moves: map it at its new place first (that may fail: a gfn
     * beyond the p2m, or no table left in the domain's pool), then make
     * its old place (if any) a hole.  A refusal leaves the old mapping.
     */
    rc = p2m_set_entry(&h->p2m, x.gpfn, d->arch.shared_info_mfn, p2m_shared_info);
    if ( rc )
        return rc;
    if ( h->shared_info_gfn && h->shared_info_gfn != x.gpfn )
        p2m_set_entry(&h->p2m, h->shared_info_gfn, 0, p2m_invalid);
    h->shared_info_gfn = x.gpfn;
    return 0;
}

static long hvm_memory_op(unsigned long cmd, uint64_t arg)
{
    struct domain *d = current->domain;

    switch ( cmd & MEMOP_CMD_MASK )
    {
    case XENMEM_add_to_physmap:
        return add_to_physmap(d, arg);
    case XENMEM_machphys_mapping:
    case XENMEM_machine_memory_map:
        return -EPERM;                   /* PV-only views */
    }
    return do_memory_op(cmd, arg);
}

static long set_param(struct domain *d, const struct xen_hvm_param *p)
{
    if ( p->index == HVM_PARAM_CALLBACK_IRQ )
    {
        uint8_t type = p->value >> 56;
        uint8_t vector = p->value & 0xff;

        if ( p->value && (type != CALLBACK_TYPE_VECTOR || vector < 0x10) )
            return -EINVAL;              /* GSI/PCI-INTx callbacks: not offered */
        d->arch.hvm.callback_vector = p->value ? vector : 0;
    }
    d->arch.hvm.params[p->index] = p->value;
    return 0;
}

/*
 * HVMOP_pagetable_dying is a hint for shadow paging; with nested paging
 * there is nothing to drop, and Xen 4.17 answers as here: -EFAULT,
 * -ESRCH for no such domain, -EOPNOTSUPP for another domain, else -EINVAL
 * (what Linux's probe takes as "not supported").
 */
static long pagetable_dying(struct domain *cur, uint64_t arg)
{
    struct { uint16_t domid; uint16_t pad[3]; uint64_t gpa; } a;
    struct domain *d;

    if ( copy_from_guest(&a, arg, sizeof(a)) )
        return -EFAULT;
    d = a.domid == DOMID_SELF ? cur : get_domain_by_id(a.domid);
    if ( !d )
        return -ESRCH;
    return d != cur ? -EOPNOTSUPP : -EINVAL;
}

static long do_hvm_op(unsigned long op, uint64_t arg)
{
    struct domain *cur = current->domain, *d;
    struct xen_hvm_param p;
    long rc;

    switch ( op )
    {
    case HVMOP_set_param:
    case HVMOP_get_param:
        /* Xen's order: the index, then the domain, its type, the permission. */
        if ( copy_from_guest(&p, arg, sizeof(p)) )
            return -EFAULT;
        if ( p.index >= HVM_NR_PARAMS )
            return -EINVAL;
        rc = target_domain(cur, p.domid, XSM_hvm_param, &d);
        if ( rc )
            return rc;
        if ( op == HVMOP_set_param )
            return set_param(d, &p);
        p.value = d->arch.hvm.params[p.index];
        return copy_to_guest(arg, &p, sizeof(p));
    case HVMOP_pagetable_dying:
        return pagetable_dying(cur, arg);
    }
    return -ENOSYS;
}

static long dispatch(unsigned long nr, const uint64_t a[5])
{
    switch ( nr )
    {
    case __HYPERVISOR_xen_version:
        return do_xen_version(a[0], a[1]);
    case __HYPERVISOR_console_io:
        return do_console_io(a[0], a[1], a[2]);
    case __HYPERVISOR_sched_op:
        return do_sched_op(a[0], a[1]);
    case __HYPERVISOR_vcpu_op:
        return do_vcpu_op(a[0], a[1], a[2]);
    case __HYPERVISOR_memory_op:
        return hvm_memory_op(a[0], a[1]);
    case __HYPERVISOR_hvm_op:
        return do_hvm_op(a[0], a[1]);
    case __HYPERVISOR_vm_assist:
        return do_vm_assist(a[0], a[1]);
    case __HYPERVISOR_event_channel_op:
        return do_event_channel_op(a[0], a[1]);
    case __HYPERVISOR_grant_table_op:
        return do_grant_table_op(a[0], a[1], a[2]);
    case __HYPERVISOR_sysctl:
        return do_sysctl(a[0]);
    case __HYPERVISOR_domctl:
        return do_domctl(a[0]);
    }
    current->domain->unknown_hypercalls++;
    return -ENOSYS;
}

static long dispatch_logged(unsigned long nr, const uint64_t a[5])
{
    long rc = dispatch(nr, a);

    if ( rc == -ENOSYS )
        hypercall_note_enosys(current->domain, nr, a[0]);
    return rc;
}

bool hvm_hypercall_can_continue(unsigned long nr)
{
    const struct vcpu *v = current;

    return is_hvm_vcpu(v) && v->arch.hvm.hc.active && v->arch.hvm.hc.nr == nr;
}

long hvm_hypercall_continuation(unsigned long nr, unsigned int n, const unsigned long *args)
{
    struct vcpu *v = current;
    struct hvm_gprs *g = &v->arch.hvm.gprs;
    uint64_t *reg64[] = { &g->rdi, &g->rsi, &g->rdx, &g->r10, &g->r8 };
    uint64_t *reg32[] = { &g->rbx, &g->rcx, &g->rdx, &g->rsi, &g->rdi };

    if ( n > ARRAY_SIZE(reg64) || !hvm_hypercall_can_continue(nr) )
        return 0;
    for ( unsigned int i = 0; i < n; i++ )
        *(v->arch.hvm.hc.long_mode ? reg64 : reg32)[i] =
            v->arch.hvm.hc.long_mode ? args[i] : (uint32_t)args[i];
    v->arch.hvm.hc.continued = true;
    return nr;
}

bool hvm_hypercall(struct vcpu *v, uint64_t *rax, bool long_mode)
{
    const struct hvm_gprs *g = &v->arch.hvm.gprs;
    unsigned long nr = long_mode ? *rax : (uint32_t)*rax;
    uint64_t a[5];
    long rc;

    if ( long_mode )
    {
        a[0] = g->rdi; a[1] = g->rsi; a[2] = g->rdx; a[3] = g->r10; a[4] = g->r8;
    }
    else
    {
        a[0] = (uint32_t)g->rbx; a[1] = (uint32_t)g->rcx; a[2] = (uint32_t)g->rdx;
        a[3] = (uint32_t)g->rsi; a[4] = (uint32_t)g->rdi;
    }
    v->arch.hvm.hc.active = true;
    v->arch.hvm.hc.long_mode = long_mode;
    v->arch.hvm.hc.continued = false;
    v->arch.hvm.hc.nr = nr;
    rc = dispatch_logged(nr, a);
    v->arch.hvm.hc.active = false;
    if ( v->arch.hvm.hc.continued )
    {
        *rax = nr;                      /* re-issued with the rewritten arguments */
        return true;
    }
    *rax = long_mode ? (uint64_t)rc : (uint32_t)rc;
    return false;
}
