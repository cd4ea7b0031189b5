/*
 * Memory reservation for PV guests, as Xen 4.17 answers them:
 * increase_reservation, populate_physmap and decrease_reservation (Linux's
 * balloon driver) and XENMEM_exchange (swiotlb-xen: machine-contiguous
 * extents below an address limit for DMA).  A PV guest names frames by
 * machine frame number; the M2P follows every change.
 *
 * A frame leaves a domain only when nothing but the allocation holds it:
 * no mapping (every L1 mapping holds a reference) and no type, so no stale
 * access can reach it once another domain gets it.  Work is bounded per
 * call: past MEMOP_WORK_BUDGET frames the hypercall is continued (the guest
 * re-issues it with the progress in cmd, or nr_exchanged).
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/smp.h>
#include <keel/xmalloc.h>
#include <keel/xsm.h>
#include <asm/current.h>
#include <asm/guest_access.h>
#include <asm/mm.h>
#include <asm/pv.h>
#include <asm/pv_hypercalls.h>
#include <public/errno.h>
#include <public/memory.h>
#include <public/xen.h>

#define INVALID_M2P     (~0UL)

/* Every CPU that may cache a translation of d's, and this one. */
static void flush_domain_tlbs(const struct domain *d)
{
    flush_tlb_mask(d->dirty_cpumask | cpumask_of(smp_processor_id()));
}

static unsigned int max_order(const struct domain *d)
{
    return d->is_privileged ? HWDOM_MAX_ORDER : DOMU_MAX_ORDER;
}

static bool is_self(const struct domain *d, domid_t domid)
{
    return domid == DOMID_SELF || domid == d->domain_id;
}

/* Xen refuses a limit too small for any RAM, and one below the order. */
static bool address_bits_ok(unsigned int bits, unsigned int order)
{
    return bits == 0 || bits >= PAGE_SHIFT + order + 1;
}

static unsigned int heap_flags(uint32_t mem_flags)
{
    unsigned int bits = XENMEMF_get_address_bits(mem_flags);

    return bits && bits < 64 ? MEMF_bits(bits) : 0;
}

/* Continue the call at start_extent, or 0 if it cannot be continued. */
static long continue_at(unsigned long cmd, unsigned long start_extent)
{
    return pv_hypercall_continuation(__HYPERVISOR_memory_op, cmd,
                                     (cmd & MEMOP_CMD_MASK) |
                                     (start_extent << MEMOP_EXTENT_SHIFT));
}

/* increase_reservation / populate_physmap: one extent at machine frames. */
static int populate_one(struct domain *d, const struct xen_memory_reservation *r,
                        unsigned long i, bool populate)
{
    uint64_t slot = r->extent_start + i * sizeof(xen_pfn_t);
    xen_pfn_t gpfn = 0, mfn;
    struct page_info *pg;

    if ( populate && copy_from_guest(&gpfn, slot, sizeof(gpfn)) )
        return -EFAULT;
    pg = alloc_domheap_pages_flags(d, r->extent_order, heap_flags(r->mem_flags));
    if ( !pg )
        return -ENOMEM;
    mfn = page_to_mfn(pg);
    for ( unsigned long k = 0; k < (1UL << r->extent_order); k++ )
        set_gpfn_from_mfn(mfn + k, populate ? gpfn + k : INVALID_M2P);
    /* Tell the guest the machine address; it maps and records it itself. */
    return copy_to_guest(slot, &mfn, sizeof(mfn)) ? -EFAULT : 0;
}

/* decrease_reservation: the frames of one extent leave the domain. */
static int release_one(struct domain *d, const struct xen_memory_reservation *r,
                       unsigned long i)
{
    xen_pfn_t gmfn;
    unsigned long n = 1UL << r->extent_order;
    int rc = 0;

    if ( copy_from_guest(&gmfn, r->extent_start + i * sizeof(gmfn), sizeof(gmfn)) )
        return -EFAULT;
    spin_lock(&d->page_lock);
    for ( unsigned long k = 0; k < n && !rc; k++ )
    {
        struct page_info *pg;

        if ( !mfn_valid(gmfn + k) || gmfn + k < gmfn )
        {
            rc = -EINVAL;
            break;
        }
        pg = mfn_to_page(gmfn + k);
        rc = domain_detach_page(d, pg) ? -EINVAL : 0;
        if ( !rc )
        {
            /* No mapping is left, but a TLB may still hold one. */
            flush_domain_tlbs(d);
            set_gpfn_from_mfn(gmfn + k, INVALID_M2P);
            free_heap_pages(pg, 0);
        }
    }
    spin_unlock(&d->page_lock);
    return rc;
}

/*
 * The domain a reservation is for (Xen 4.17's memory_op): the caller, or
 * for a privileged caller (XSM target) another domain, as the toolstack
 * populates a domain it builds.  NULL: unknown (Xen answers the count
 * done); *rc -EPERM refused, -ENOSYS an HVM target (not done yet).
 */
static struct domain *reservation_target(struct domain *d, domid_t domid, long *rc)
{
    struct domain *td;

    *rc = 0;
    if ( is_self(d, domid) )
        return d;
    if ( !(td = domain_get(domid)) )
        return NULL;
    if ( (*rc = xsm_target_op(d, td, XSM_memory_reservation)) == 0 && td->arch.is_hvm )
        *rc = -ENOSYS;
    if ( *rc )
        domain_put(td);
    return *rc ? NULL : td;             /* held: the caller domain_put()s it */
}

static long reservation_op(struct domain *cd, unsigned long cmd, uint64_t arg)
{
    unsigned long op = cmd & MEMOP_CMD_MASK, start = cmd >> MEMOP_EXTENT_SHIFT, i, work = 0;
    struct xen_memory_reservation r;
    struct domain *d;
    long cont;

    if ( copy_from_guest(&r, arg, sizeof(r)) )
        return -EFAULT;
    /* Xen answers these with the count done (start_extent), not an error. */
    if ( start >= r.nr_extents || r.nr_extents > (~0UL >> 4) ||
         r.extent_order > max_order(cd) || !address_bits_ok(r.mem_flags & 0xff, r.extent_order) ||
         !guest_range_ok(r.extent_start, r.nr_extents * sizeof(xen_pfn_t)) )
        return start;
    if ( !(d = reservation_target(cd, r.domid, &cont)) )
        return cont ? cont : (long)start;
    cont = 0;
    for ( i = start; i < r.nr_extents; i++ )
    {
        int rc = op == XENMEM_decrease_reservation ? release_one(d, &r, i)
                 : populate_one(d, &r, i, op == XENMEM_populate_physmap);

        if ( rc )
            break;
        work += 1UL << r.extent_order;
        if ( work >= MEMOP_WORK_BUDGET && i + 1 < r.nr_extents &&
             (cont = continue_at(cmd, i + 1)) != 0 )
            break;
        cont = 0;
    }
    if ( d != cd )
        domain_put(d);
    return cont ? cont : (long)i;
}

/* The in-frames of one chunk: all checked before any leaves the domain. */
static int detach_in(struct domain *d, const struct xen_memory_exchange *x,
                     unsigned long first, unsigned long nr, struct page_info **taken,
                     unsigned long *nr_taken)
{
    for ( unsigned long j = 0; j < nr; j++ )
    {
        xen_pfn_t gmfn;

        if ( copy_from_guest(&gmfn, x->in.extent_start + (first + j) * sizeof(gmfn),
                             sizeof(gmfn)) )
            return -EFAULT;
        for ( unsigned long k = 0; k < (1UL << x->in.extent_order); k++ )
        {
            if ( !mfn_valid(gmfn + k) || domain_detach_page(d, mfn_to_page(gmfn + k)) )
                return -EINVAL;
            taken[(*nr_taken)++] = mfn_to_page(gmfn + k);
        }
    }
    return 0;
}

/* A chunk that failed: its new extents leave the domain again. */
static void undo_out(struct domain *d, struct page_info **outs, unsigned long nr,
                     unsigned int order)
{
    spin_lock(&d->page_lock);
    for ( unsigned long j = 0; j < nr; j++ )
        for ( unsigned long k = 0; k < (1UL << order); k++ )
            if ( !domain_detach_page(d, outs[j] + k) )
            {
                set_gpfn_from_mfn(page_to_mfn(outs[j] + k), INVALID_M2P);
                free_heap_pages(outs[j] + k, 0);
            }
    spin_unlock(&d->page_lock);
}

/* The out-extents of one chunk: allocated, placed in the M2P, reported. */
static int attach_out(struct domain *d, const struct xen_memory_exchange *x,
                      unsigned long first, unsigned long nr, struct page_info **outs)
{
    unsigned long done = 0;
    int rc = 0;

    for ( unsigned long j = 0; j < nr && !rc; j++ )
    {
        uint64_t slot = x->out.extent_start + (first + j) * sizeof(xen_pfn_t);
        xen_pfn_t gpfn, mfn;
        struct page_info *pg;

        if ( copy_from_guest(&gpfn, slot, sizeof(gpfn)) )
        {
            rc = -EFAULT;
            break;
        }
        pg = alloc_domheap_pages_flags(d, x->out.extent_order, heap_flags(x->out.mem_flags));
        if ( !pg )
        {
            rc = -ENOMEM;
            break;
        }
        outs[done++] = pg;
        mfn = page_to_mfn(pg);
        for ( unsigned long k = 0; k < (1UL << x->out.extent_order); k++ )
            set_gpfn_from_mfn(mfn + k, gpfn + k);
        if ( copy_to_guest(slot, &mfn, sizeof(mfn)) )
            rc = -EFAULT;
    }
    if ( rc )
        undo_out(d, outs, done, x->out.extent_order);
    return rc;
}

static long exchange_checks(const struct domain *d, const struct xen_memory_exchange *x)
{
    if ( x->nr_exchanged > x->in.nr_extents || x->in.domid != x->out.domid ||
         (~0UL >> x->in.extent_order) < x->in.nr_extents ||
         (~0UL >> x->out.extent_order) < x->out.nr_extents ||
         (x->in.nr_extents << x->in.extent_order) != (x->out.nr_extents << x->out.extent_order) ||
         x->in.extent_order > max_order(d) || x->out.extent_order > max_order(d) ||
         !address_bits_ok(x->out.mem_flags & 0xff, x->out.extent_order) )
        return -EINVAL;
    if ( !guest_range_ok(x->in.extent_start, x->in.nr_extents * sizeof(xen_pfn_t)) ||
         !guest_range_ok(x->out.extent_start, x->out.nr_extents * sizeof(xen_pfn_t)) )
        return -EFAULT;
    if ( !is_self(d, x->in.domid) )
        return -EPERM;                  /* other domains: the toolstack's, not yet */
    return 0;
}

/*
 * One chunk at a time: 2^in_chunk in-extents for 2^out_chunk out-extents,
 * the same number of frames.  A chunk that fails gives its in-frames back.
 */
static long memory_exchange(struct domain *d, unsigned long cmd, uint64_t arg)
{
    struct xen_memory_exchange x;
    unsigned int in_chunk, out_chunk, frames;
    struct page_info **taken, **outs;
    unsigned long i, work = 0;
    long rc, cont;

    if ( copy_from_guest(&x, arg, sizeof(x)) )
        return -EFAULT;
    if ( (rc = exchange_checks(d, &x)) != 0 )
        return rc;
    in_chunk = x.in.extent_order <= x.out.extent_order ? x.out.extent_order - x.in.extent_order : 0;
    out_chunk = x.in.extent_order > x.out.extent_order ? x.in.extent_order - x.out.extent_order : 0;
    frames = 1u << (x.in.extent_order + in_chunk);
    taken = xmalloc_array(struct page_info *, frames);
    outs = xmalloc_array(struct page_info *, 1UL << out_chunk);
    if ( !taken || !outs )
    {
        xfree(taken);
        xfree(outs);
        return -ENOMEM;
    }
    for ( i = x.nr_exchanged >> in_chunk; i < (x.in.nr_extents >> in_chunk); i++ )
    {
        unsigned long nr_taken = 0;

        spin_lock(&d->page_lock);
        rc = detach_in(d, &x, i << in_chunk, 1UL << in_chunk, taken, &nr_taken);
        spin_unlock(&d->page_lock);
        if ( !rc )
            rc = attach_out(d, &x, i << out_chunk, 1UL << out_chunk, outs);
        spin_lock(&d->page_lock);
        if ( !rc && nr_taken )
            flush_domain_tlbs(d);       /* before the old frames go back to the heap */
        for ( unsigned long t = 0; t < nr_taken; t++ )
        {
            if ( rc )
                domain_attach_page(d, taken[t]);
            else
            {
                set_gpfn_from_mfn(page_to_mfn(taken[t]), INVALID_M2P);
                free_heap_pages(taken[t], 0);
            }
        }
        spin_unlock(&d->page_lock);
        if ( rc )
            break;
        x.nr_exchanged = (i + 1) << in_chunk;
        work += frames;
        if ( work >= MEMOP_WORK_BUDGET && x.nr_exchanged < x.in.nr_extents &&
             !copy_to_guest(arg + offsetof(struct xen_memory_exchange, nr_exchanged),
                            &x.nr_exchanged, sizeof(x.nr_exchanged)) &&
             (cont = continue_at(cmd, 0)) != 0 )
        {
            xfree(taken);
            xfree(outs);
            return cont;
        }
    }
    xfree(taken);
    xfree(outs);
    if ( copy_to_guest(arg + offsetof(struct xen_memory_exchange, nr_exchanged),
                       &x.nr_exchanged, sizeof(x.nr_exchanged)) )
        return -EFAULT;
    return rc;
}

long pv_memory_reservation_op(unsigned long cmd, uint64_t arg)
{
    struct domain *d = current->domain;

    if ( (cmd & MEMOP_CMD_MASK) == XENMEM_exchange )
        return memory_exchange(d, cmd, arg);
    return reservation_op(d, cmd, arg);
}
