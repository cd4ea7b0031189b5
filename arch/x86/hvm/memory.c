/*
 * Memory reservation for HVM and PVH guests (Xen 4.17's memory_op for a
 * translated domain): decrease_reservation takes RAM out of the guest's
 * physical address space, populate_physmap puts fresh zeroed frames back
 * at the gfns the guest names, as Linux's balloon driver does.  The guest
 * names guest frames; machine frames are never shown to it.
 *
 * A frame leaves the domain only when nothing but the allocation holds it
 * (domain_detach_page): a frame dom0 still maps (foreign mapping) stays,
 * and the call stops there with the count done.  Its p2m entry goes and
 * every CPU running one of the domain's vCPUs is flushed before the frame
 * returns to the heap.  Work is bounded per call (continued past
 * MEMOP_WORK_BUDGET frames, as on PV).
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/grant_table.h>
#include <keel/mm.h>
#include <asm/current.h>
#include <asm/grant_table.h>
#include <asm/guest_access.h>
#include <asm/hvm/hvm.h>
#include <asm/p2m.h>
#include <public/errno.h>
#include <public/memory.h>
#include <public/xen.h>

#define FLUSH_BATCH    64                /* frames freed per TLB flush */

/* Frames taken out of the p2m, freed together after one flush. */
struct release_batch {
    struct page_info *pg[FLUSH_BATCH];
    unsigned int nr;
};

static void release_flush(struct domain *d, struct release_batch *b)
{
    if ( !b->nr )
        return;
    arch_grant_flush(d);               /* no vCPU keeps a translation to them */
    for ( unsigned int i = 0; i < b->nr; i++ )
        free_heap_pages(b->pg[i], 0);
    b->nr = 0;
}

/* One guest frame out: 0, or -EINVAL when it is not plain RAM, -EBUSY when held. */
static int remove_gfn(struct domain *d, uint64_t gfn, struct release_batch *b)
{
    struct p2m *p2m = &d->arch.hvm.p2m;
    struct page_info *pg;
    p2m_type_t t;
    mfn_t mfn;
    int rc;

    spin_lock(&d->page_lock);
    mfn = p2m_lookup(p2m, gfn, &t);
    if ( t != p2m_ram_rw || !mfn_valid(mfn) )
    {
        spin_unlock(&d->page_lock);
        return -EINVAL;                  /* a hole, a device, shared_info, a grant */
    }
    pg = mfn_to_page(mfn);
    rc = domain_detach_page(d, pg);
    if ( !rc && (rc = p2m_set_entry(p2m, gfn, 0, p2m_invalid)) != 0 )
        domain_attach_page(d, pg);       /* no table to split a 2 MiB leaf: keep it */
    spin_unlock(&d->page_lock);
    if ( rc )
        return rc;
    b->pg[b->nr++] = pg;
    if ( b->nr == FLUSH_BATCH )
        release_flush(d, b);
    return 0;
}

static int decrease_one(struct domain *d, const struct xen_memory_reservation *r,
                        unsigned long i, struct release_batch *b)
{
    xen_pfn_t gfn;
    int rc = 0;

    if ( copy_from_guest(&gfn, r->extent_start + i * sizeof(gfn), sizeof(gfn)) )
        return -EFAULT;
    for ( unsigned long k = 0; k < (1UL << r->extent_order) && !rc; k++ )
        rc = remove_gfn(d, gfn + k, b);
    return rc;
}

/* Frames of a populate that did not happen leave the domain again. */
static void undo_alloc(struct domain *d, struct page_info *pg, unsigned long n)
{
    struct release_batch b = { .nr = 0 };

    for ( unsigned long j = 0; j < n; j++ )
    {
        spin_lock(&d->page_lock);
        if ( !domain_detach_page(d, pg + j) )
            b.pg[b.nr++] = pg + j;
        spin_unlock(&d->page_lock);
        if ( b.nr == FLUSH_BATCH )
            release_flush(d, &b);
    }
    release_flush(d, &b);
}

/* Map n frames at gfn if every gfn is a hole (page_lock held): 0 or why not. */
static int map_extent(struct p2m *p2m, uint64_t gfn, mfn_t mfn, unsigned long n)
{
    unsigned long k;
    p2m_type_t t;
    int rc = 0;

    for ( k = 0; k < n; k++ )
    {
        p2m_lookup(p2m, gfn + k, &t);
        if ( t != p2m_invalid )
            return -EEXIST;              /* RAM or a device there already */
    }
    for ( k = 0; k < n && !rc; k++ )
        rc = p2m_set_entry(p2m, gfn + k, mfn + k, p2m_ram_rw);
    /* A gfn beyond the p2m, or no table left: the entries made go again. */
    for ( unsigned long j = 0; rc && j + 1 < k; j++ )
        p2m_set_entry(p2m, gfn + j, 0, p2m_invalid);
    return rc;
}

/* One extent of fresh frames at gfn (aligned to its order, every gfn a hole). */
static int populate_one(struct domain *d, const struct xen_memory_reservation *r,
                        unsigned long i)
{
    unsigned long n = 1UL << r->extent_order;
    struct page_info *pg;
    xen_pfn_t gfn;
    int rc;

    if ( copy_from_guest(&gfn, r->extent_start + i * sizeof(gfn), sizeof(gfn)) )
        return -EFAULT;
    if ( (gfn & (n - 1)) || gfn + n < gfn )
        return -EINVAL;
    pg = alloc_domheap_pages(d, r->extent_order);   /* zeroed, within max_pages */
    if ( !pg )
        return -ENOMEM;
    spin_lock(&d->page_lock);
    rc = map_extent(&d->arch.hvm.p2m, gfn, page_to_mfn(pg), n);
    spin_unlock(&d->page_lock);
    if ( rc )
        undo_alloc(d, pg, n);            /* unmapped again, flushed before freeing */
    return rc;
}

static long continue_at(unsigned long cmd, uint64_t arg, unsigned long start)
{
    unsigned long args[2] = { (cmd & MEMOP_CMD_MASK) | (start << MEMOP_EXTENT_SHIFT), arg };

    return hvm_hypercall_continuation(__HYPERVISOR_memory_op, 2, args);
}

/*
 * increase_reservation gives a translated guest frames it cannot name (Xen
 * allocates them and maps them nowhere): Keel answers 0 extents done.
 * Another domain as the target: only the caller's own reservation for now.
 */
long hvm_memory_reservation_op(unsigned long cmd, uint64_t arg)
{
    struct domain *d = current->domain;
    unsigned long op = cmd & MEMOP_CMD_MASK, start = cmd >> MEMOP_EXTENT_SHIFT, i, work = 0;
    struct release_batch b = { .nr = 0 };
    struct xen_memory_reservation r;
    long cont = 0;

    if ( op == XENMEM_exchange )
        return -ENOSYS;                  /* machine-contiguous memory: PV's swiotlb */
    if ( copy_from_guest(&r, arg, sizeof(r)) )
        return -EFAULT;
    if ( r.domid != DOMID_SELF && r.domid != d->domain_id )
        return -EPERM;
    /* Xen answers these with the count done (start_extent), not an error. */
    if ( op == XENMEM_increase_reservation || start >= r.nr_extents ||
         r.nr_extents > (~0UL >> 4) || r.extent_order > DOMU_MAX_ORDER ||
         !guest_range_ok(r.extent_start, r.nr_extents * sizeof(xen_pfn_t)) )
        return start;
    for ( i = start; i < r.nr_extents; i++ )
    {
        int rc = op == XENMEM_decrease_reservation ? decrease_one(d, &r, i, &b)
                                                   : populate_one(d, &r, i);

        if ( rc )
            break;
        work += 1UL << r.extent_order;
        if ( work >= MEMOP_WORK_BUDGET && i + 1 < r.nr_extents &&
             (cont = continue_at(cmd, arg, i + 1)) != 0 )
            break;
        cont = 0;
    }
    release_flush(d, &b);
    return cont ? cont : (long)i;
}
