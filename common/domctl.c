/*
 * domctl: the toolstack's operations on one domain, at Xen 4.17's numbers,
 * layouts and interface version (0x15), for dom0 only under the default XSM
 * policy.  Xen's order of checks: the interface version (-EACCES), the
 * domain (-ESRCH; getdomaininfo takes the next domain up), then XSM
 * (-EPERM), then the operation's own checks.
 *
 * Offered: createdomain (an empty domain, paused by the controller, as
 * Xen's), destroydomain, pausedomain, unpausedomain, getdomaininfo,
 * max_mem, getvcpuinfo, max_vcpus, set/getvcpuaffinity (Keel pins each
 * vCPU to one CPU: see affinity()), scheduler_op (Keel's round-robin has
 * no parameters), set/get_address_size (64-bit only), and the Keel-private
 * KEEL_DOMCTL_build (arch/x86/domain_build.c).  Everything else is
 * -EOPNOTSUPP.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/spinlock.h>
#include <keel/xmalloc.h>
#include <keel/xsm.h>
#include <keel/smp.h>
#include <asm/current.h>
#include <asm/domain_build.h>
#include <asm/guest_access.h>
#include <asm/hvm/hvm.h>
#include <asm/pv.h>
#include <public/arch-x86/vcpu_guest_context.h>
#include <public/domctl.h>
#include <public/errno.h>
#include <public/vcpu.h>

#define CONTROLLER_PAUSE_MAX 255
#define KEEL_SCHEDULER_RR    0x4b52     /* sysctl sched_id's answer */

static DEFINE_SPINLOCK(domctl_spinlock);

void domctl_lock(void)
{
    spin_lock(&domctl_spinlock);
}

void domctl_unlock(void)
{
    spin_unlock(&domctl_spinlock);
}

struct lowest_search { domid_t from; struct domain *best; };

static void pick_lowest(struct domain *d, void *arg)
{
    struct lowest_search *s = arg;

    if ( d->domain_id >= s->from && d->domain_id < DOMID_FIRST_RESERVED &&
         (!s->best || d->domain_id < s->best->domain_id) )
        s->best = d;
}

struct domain *domain_at_or_after(domid_t domid)
{
    struct lowest_search s = { .from = domid };

    domain_for_each(pick_lowest, &s);
    return s.best;
}

/* Online as Xen counts it: started (vCPU 0 at build, others by VCPUOP_up). */
static bool vcpu_online(const struct vcpu *v)
{
    return v->context_set && (v->up || v->vcpu_id == 0);
}

void domain_get_info(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    uint32_t flags = XEN_DOMINF_blocked;
    struct vcpu *v;

    memset(info, 0, sizeof(*info));
    info->domain = d->domain_id;
    info->max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;
    for_each_vcpu(d, v)
    {
        info->cpu_time += v->runstate.time[RUNSTATE_running];
        info->max_vcpu_id = v->vcpu_id;
        if ( vcpu_online(v) )
        {
            if ( !v->blocked )
                flags &= ~XEN_DOMINF_blocked;
            if ( v->is_running )
                flags |= XEN_DOMINF_running;
            info->nr_online_vcpus++;
        }
    }
    info->flags = (info->nr_online_vcpus ? flags : 0) |
                  (d->state == DOMAIN_dying ? XEN_DOMINF_dying : 0) |
                  (d->state == DOMAIN_shutdown || d->state == DOMAIN_crashed ||
                   (d->state == DOMAIN_dying && d->shutdown_code != ~0u)   /* Xen: is_shut_down stays */
                   ? XEN_DOMINF_shutdown : 0) |
                  (d->controller_pauses ? XEN_DOMINF_paused : 0) |
                  (d->arch.is_hvm ? XEN_DOMINF_hvm_guest | XEN_DOMINF_hap : 0) |
                  (d->shutdown_code << XEN_DOMINF_shutdownshift);
    info->tot_pages = d->tot_pages;
    /* Xen keeps max_pages in 32 bits: an unbounded dom0 reads ~0u. */
    info->max_pages = min(d->max_pages, (unsigned long)UINT32_MAX);
    info->shared_info_frame = d->arch.shared_info_mfn;
    info->gpaddr_bits = d->arch.is_hvm ? 48 : 52;
}

/* Xen's rover: ids go up from the last one given, wrapping below DOMID_FIRST_RESERVED. */
static domid_t free_domid(domid_t asked)
{
    static domid_t rover;

    if ( asked > 0 && asked < DOMID_FIRST_RESERVED )
        return get_domain_by_id(asked) ? 0 : asked;
    for ( domid_t id = rover + 1; id != rover; id++ )
    {
        if ( id >= DOMID_FIRST_RESERVED )
            id = 1;
        if ( !get_domain_by_id(id) )
            return rover = id;
    }
    return 0;
}

/*
 * The configuration checks Keel can honour: PV (no flags, no emulation) or
 * HVM with HAP and a LAPIC; 1-MAX_VIRT_CPUS vCPUs; no IOMMU, vmtrace or
 * cpupool.  Xen answers a bad configuration with -EINVAL too.
 */
static int config_ok(const struct xen_domctl_createdomain *c)
{
    bool hvm = c->flags & XEN_DOMCTL_CDF_hvm;

    if ( c->flags & ~(XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_oos_off) )
        return -EINVAL;
    if ( c->max_vcpus < 1 || c->max_vcpus > MAX_VIRT_CPUS || c->iommu_opts ||
         c->vmtrace_size || c->cpupool_id || c->arch.misc_flags )
        return -EINVAL;
    if ( !hvm && (c->arch.emulation_flags || (c->flags & XEN_DOMCTL_CDF_hap)) )
        return -EINVAL;
    if ( hvm && (!hvm_enabled || !(c->flags & XEN_DOMCTL_CDF_hap)) )
        return -EINVAL;
    return 0;
}

static long create_domain(struct xen_domctl *op)
{
    const struct xen_domctl_createdomain *c = &op->u.createdomain;
    unsigned int flags = c->flags & XEN_DOMCTL_CDF_hvm ? DOMCRF_hvm : 0;
    struct domain *d;
    domid_t id;
    int rc;

    if ( (rc = config_ok(c)) != 0 )
        return rc;
    if ( op->domain > 0 && op->domain < DOMID_FIRST_RESERVED && get_domain_by_id(op->domain) )
        return -EEXIST;
    if ( !(id = free_domid(op->domain)) )
        return -ENOMEM;
    if ( !(d = domain_create(id, flags, c->max_vcpus)) )
        return -ENOMEM;
    d->controller_pauses = 1;           /* the toolstack unpauses it when built */
    op->domain = id;
    return 1;                           /* copy back */
}

/* Xen's vcpu_sleep_sync for every vCPU: paused, and off every CPU. */
static void pause_sync(struct domain *d)
{
    struct vcpu *v;

    domain_pause(d);
    for_each_vcpu(d, v)
        while ( __atomic_load_n(&v->is_running, __ATOMIC_SEQ_CST) )
            cpu_relax();
}

static long destroy_domain(struct domain *d)
{
    if ( d == current->domain || d->domain_id == 0 )
        return -EINVAL;
    printk("d%u: destroyed by the toolstack\n", d->domain_id);
    pause_sync(d);
    domain_destroy(d);
    return 0;
}

static long pause_domain(struct domain *d)
{
    if ( d == current->domain )
        return -EINVAL;
    if ( d->controller_pauses == CONTROLLER_PAUSE_MAX )
        return -EOVERFLOW;
    d->controller_pauses++;
    pause_sync(d);
    return 0;
}

static long unpause_domain(struct domain *d)
{
    if ( d->controller_pauses == 0 )
        return -EINVAL;
    d->controller_pauses--;
    domain_unpause(d);
    return 0;
}

static long vcpu_info_of(struct domain *d, struct xen_domctl_getvcpuinfo *vi)
{
    struct vcpu *v;

    if ( vi->vcpu >= d->max_vcpus )
        return -EINVAL;
    if ( !(v = d->vcpu[vi->vcpu]) )
        return -ESRCH;
    vi->online = vcpu_online(v);
    vi->blocked = v->blocked;
    vi->running = v->is_running;
    vi->cpu_time = v->runstate.time[RUNSTATE_running];
    vi->cpu = v->processor;
    return 1;
}

/* Xen: max must be createdomain's; the vCPUs are made, the domain not started. */
static long max_vcpus(struct domain *d, uint32_t max)
{
    if ( d == current->domain || max != d->max_vcpus )
        return -EINVAL;
    return domain_make_vcpus(d);
}

/* Xen: HVM -EOPNOTSUPP; 64 is what a PV domain is; Keel has no 32-bit PV (-EOPNOTSUPP). */
static long address_size(struct domain *d, struct xen_domctl *op)
{
    if ( d->arch.is_hvm )
        return -EOPNOTSUPP;
    if ( op->cmd == XEN_DOMCTL_get_address_size )
    {
        op->u.address_size.size = 64;
        return 1;
    }
    if ( op->u.address_size.size == 64 )
        return 0;
    return op->u.address_size.size == 32 ? -EOPNOTSUPP : -EINVAL;
}

/* Xen's sched_adjust: another scheduler's id -EINVAL; an unknown command -EINVAL. */
static long scheduler_op(struct xen_domctl_scheduler_op *s)
{
    if ( s->sched_id != KEEL_SCHEDULER_RR || s->cmd > XEN_DOMCTL_SCHEDOP_getvcpuinfo )
        return -EINVAL;
    /* Round-robin with a fixed slice: nothing to set, nothing per vCPU. */
    if ( s->cmd >= XEN_DOMCTL_SCHEDOP_putvcpuinfo )
        return -EINVAL;
    if ( s->cmd == XEN_DOMCTL_SCHEDOP_getinfo )
        memset(&s->u, 0, sizeof(s->u));
    return s->cmd == XEN_DOMCTL_SCHEDOP_getinfo ? 1 : 0;
}

/* A caller's bitmap of CPUs, bits beyond what Keel has ignored: 0 or -EFAULT. */
static int bitmap_in(const struct xenctl_bitmap *b, uint64_t *mask)
{
    size_t bytes = min(((size_t)b->nr_bits + 7) / 8, sizeof(*mask));

    *mask = 0;
    if ( bytes && copy_from_guest(mask, b->bitmap, bytes) )
        return -EFAULT;
    if ( b->nr_bits < 64 )
        *mask &= (1ULL << b->nr_bits) - 1;
    return 0;
}

/*
 * Write mask into the caller's bitmap, zero-filling the bytes beyond it
 * (Xen's), up to BITMAP_OUT_MAX bytes: a hostile nr_bits must not keep
 * this (unpreemptible) loop writing half a GiB of zeros.
 */
#define BITMAP_OUT_MAX 4096
static int bitmap_out(const struct xenctl_bitmap *b, uint64_t mask)
{
    size_t bytes = min(((size_t)b->nr_bits + 7) / 8, (size_t)BITMAP_OUT_MAX);
    uint8_t zero[64] = { 0 };

    for ( size_t off = 0; off < bytes; off += sizeof(zero) )
    {
        size_t n = min(bytes - off, sizeof(zero));

        if ( off < sizeof(mask) )
        {
            memcpy(zero, (const uint8_t *)&mask + off,
                   min(n, sizeof(mask) - off));
        }
        if ( copy_to_guest(b->bitmap + off, zero, n) )
            return -EFAULT;
        memset(zero, 0, sizeof(zero));
    }
    return 0;
}

/*
 * Keel's scheduler keeps each vCPU on the CPU it was created for, so the
 * effective hard affinity is that one CPU (Xen's default is every CPU) and
 * the soft one every online CPU.  set: Xen's checks (vCPU -EINVAL/-ESRCH,
 * flags, a hard map without an online CPU -EINVAL); a hard map that leaves
 * out the vCPU's CPU is refused with -EOPNOTSUPP (Keel cannot move it); a
 * soft map is reported back within the hard one, as Xen does, not kept.
 */
static long affinity(struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_vcpuaffinity *a = &op->u.vcpuaffinity;
    uint64_t hard, soft, here;
    struct vcpu *v;
    int rc;

    if ( a->vcpu >= d->max_vcpus )
        return -EINVAL;
    if ( !(v = d->vcpu[a->vcpu]) )
        return -ESRCH;
    /* Xen's vcpuaffinity_params_invalid: no flag, or a null handle for a side asked. */
    if ( !a->flags ||
         ((a->flags & XEN_VCPUAFFINITY_HARD) && !a->cpumap_hard.bitmap) ||
         ((a->flags & XEN_VCPUAFFINITY_SOFT) && !a->cpumap_soft.bitmap) )
        return -EINVAL;
    here = cpumask_of(v->processor);
    hard = here;
    soft = cpu_online_map;
    if ( op->cmd == XEN_DOMCTL_setvcpuaffinity )
    {
        if ( (a->flags & XEN_VCPUAFFINITY_HARD) )
        {
            if ( (rc = bitmap_in(&a->cpumap_hard, &hard)) != 0 )
                return rc;
            if ( !(hard & cpu_online_map) )
                return -EINVAL;
            if ( !(hard & here) )
                return -EOPNOTSUPP;
            hard = here;
        }
        if ( (a->flags & XEN_VCPUAFFINITY_SOFT) &&
             (rc = bitmap_in(&a->cpumap_soft, &soft)) != 0 )
            return rc;
        soft &= cpu_online_map & hard;
    }
    if ( (a->flags & XEN_VCPUAFFINITY_HARD) && (rc = bitmap_out(&a->cpumap_hard, hard)) )
        return rc;
    if ( (a->flags & XEN_VCPUAFFINITY_SOFT) && (rc = bitmap_out(&a->cpumap_soft, soft)) )
        return rc;
    return 0;
}

/*
 * set/getvcpucontext, 64-bit PV vCPUs (what libxc's save/restore and
 * dump-core use); HVM vCPUs -EOPNOTSUPP.  Xen's checks first: a vCPU out of
 * range or absent, the caller's own domain (set) or vCPU (get) -EINVAL;
 * get of a vCPU never given a state -ENODATA.  The domain is paused around
 * either, so the vCPU is off every CPU.
 */
static long vcpu_context(struct domain *d, struct xen_domctl *op)
{
    const struct xen_domctl_vcpucontext *vc = &op->u.vcpucontext;
    struct vcpu_guest_context *c;
    struct vcpu *v;
    long rc;

    if ( vc->vcpu >= d->max_vcpus || !(v = d->vcpu[vc->vcpu]) ||
         (op->cmd == XEN_DOMCTL_setvcpucontext ? d == current->domain : v == current) )
        return -EINVAL;
    if ( d->arch.is_hvm )
        return -EOPNOTSUPP;
    if ( op->cmd == XEN_DOMCTL_setvcpucontext )
    {
        pause_sync(d);
        rc = pv_vcpu_set_context(v, vc->ctxt);
        domain_unpause(d);
        return rc;
    }
    if ( !v->context_set )
        return -ENODATA;
    if ( !(c = xmalloc(struct vcpu_guest_context)) )
        return -ENOMEM;
    if ( d != current->domain )
        pause_sync(d);
    pv_vcpu_get_context(v, c);
    if ( d != current->domain )
        domain_unpause(d);
    rc = copy_to_guest(vc->ctxt, c, sizeof(*c)) ? -EFAULT : 1;
    xfree(c);
    return rc;
}

/* The target of op: -ESRCH when there is none (getdomaininfo: the next one up). */
static struct domain *target_of(const struct xen_domctl *op)
{
    if ( op->cmd == XEN_DOMCTL_getdomaininfo )
        return domain_at_or_after(op->domain);
    return get_domain_by_id(op->domain);
}

static long domctl_locked(struct xen_domctl *op)
{
    struct domain *cur = current->domain, *d = NULL;
    long rc;

    if ( op->cmd != XEN_DOMCTL_createdomain && !(d = target_of(op)) )
        return -ESRCH;
    if ( (rc = xsm_domctl(cur, d, op->cmd)) != 0 )
        return rc;
    switch ( op->cmd )
    {
    case XEN_DOMCTL_createdomain:
        return create_domain(op);
    case XEN_DOMCTL_destroydomain:
        return destroy_domain(d);
    case XEN_DOMCTL_pausedomain:
        return pause_domain(d);
    case XEN_DOMCTL_unpausedomain:
        return unpause_domain(d);
    case XEN_DOMCTL_getdomaininfo:
        domain_get_info(d, &op->u.getdomaininfo);
        op->domain = d->domain_id;
        return 1;
    case XEN_DOMCTL_max_mem:
        /* Xen: no check against tot_pages; the domain ratchets down. */
        d->max_pages = min(op->u.max_mem.max_memkb >> (PAGE_SHIFT - 10), (uint64_t)UINT32_MAX);
        return 0;
    case XEN_DOMCTL_getvcpuinfo:
        return vcpu_info_of(d, &op->u.getvcpuinfo);
    case XEN_DOMCTL_max_vcpus:
        return max_vcpus(d, op->u.max_vcpus.max);
    case XEN_DOMCTL_setvcpuaffinity:
    case XEN_DOMCTL_getvcpuaffinity:
        return affinity(d, op);
    case XEN_DOMCTL_scheduler_op:
        return scheduler_op(&op->u.scheduler_op);
    case XEN_DOMCTL_set_address_size:
    case XEN_DOMCTL_get_address_size:
        return address_size(d, op);
    case XEN_DOMCTL_setvcpucontext:
    case XEN_DOMCTL_getvcpucontext:
        return vcpu_context(d, op);
    case KEEL_DOMCTL_build:
        return keel_domctl_build(d, &op->u.keel_build) ?: 1;
    }
    return -EOPNOTSUPP;
}

long do_domctl(uint64_t arg)
{
    struct xen_domctl op;
    long rc;

    if ( copy_from_guest(&op, arg, sizeof(op)) )
        return -EFAULT;
    if ( op.interface_version != XEN_DOMCTL_INTERFACE_VERSION )
        return -EACCES;
    domctl_lock();
    rc = domctl_locked(&op);
    domctl_unlock();
    if ( rc == 1 )
        rc = copy_to_guest(arg, &op, sizeof(op)) ? -EFAULT : 0;
    else if ( rc < 0 && op.cmd == KEEL_DOMCTL_build )
        (void)copy_to_guest(arg, &op, sizeof(op));   /* the reason code, best effort */
    return rc;
}
