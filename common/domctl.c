/*
 * domctl: the toolstack's operations on one domain, at Xen 4.17's numbers,
 * layouts and interface version (0x15), for dom0 only under the default XSM
 * policy.  Xen's order of checks: the interface version (-EACCES), the
 * domain (-ESRCH; getdomaininfo takes the next domain up), then XSM
 * (-EPERM), then the operation's own checks.
 *
 * Offered: createdomain (an empty domain, paused by the controller, as
 * Xen's), destroydomain, pausedomain, unpausedomain, getdomaininfo,
 * max_mem, getvcpuinfo.  Everything else is -EOPNOTSUPP, logged once.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/domctl.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/spinlock.h>
#include <keel/xsm.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/hvm/hvm.h>
#include <public/domctl.h>
#include <public/errno.h>
#include <public/vcpu.h>

#define CONTROLLER_PAUSE_MAX 255

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
    return rc;
}
