/*
 * Frame references from any domain (include/keel/page_ref.h).
 *
 * count_info holds the PGC_* flags and the count in one word, changed only
 * by compare-and-swap or atomic add/sub, so a reference is taken without
 * the owner's lock.  The owner field changes only while the count is 0:
 * domain_detach_page takes it from 1 (the allocation reference) to 0 with
 * a compare-and-swap that fails if anyone raced in, and a free frame has
 * count 0.  So get_page reads the owner, raises a non-zero count, and
 * reads the owner again: once its reference is in, the owner is fixed.
 *
 * A writable reference also raises u.inuse.foreign_rw, the count the
 * owner's type changes look at (the Dekker pair described at the top of
 * arch/x86/pv/page_type.c).  When it goes away, the mapper's CPUs may
 * still hold the writable translation: they are added to foreign_dirty
 * and the frame stamped, and whoever next makes the frame a page table or
 * frees it flushes them first (flush_foreign_stale).
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/page_ref.h>
#include <keel/printk.h>
#include <keel/smp.h>
#include <asm/pv_mm.h>
#include <asm/tlbflush.h>
#include <public/errno.h>

#define PGC_unusable (PGC_free | PGC_reserved | PGC_xen_heap)

unsigned long page_ref_count(const struct page_info *pg)
{
    return __atomic_load_n(&pg->count_info, __ATOMIC_SEQ_CST) & PGC_count_mask;
}

static domid_t page_owner(const struct page_info *pg)
{
    return __atomic_load_n(&pg->u.inuse.owner, __ATOMIC_SEQ_CST);
}

/* A reference on a frame that is allocated (count > 0) and not Keel's. */
static bool count_get(struct page_info *pg)
{
    unsigned long x = __atomic_load_n(&pg->count_info, __ATOMIC_SEQ_CST);

    do {
        if ( (x & PGC_unusable) || !(x & PGC_count_mask) ||
             (x & PGC_count_mask) == PGC_count_mask )
            return false;
    } while ( !__atomic_compare_exchange_n(&pg->count_info, &x, x + 1, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) );
    return true;
}

bool get_page(struct page_info *pg, const struct domain *owner)
{
    if ( page_owner(pg) != owner->domain_id ||
         __atomic_load_n(&owner->state, __ATOMIC_SEQ_CST) == DOMAIN_dying )
        return false;
    if ( !count_get(pg) )
        return false;
    /*
     * Our reference is in: the owner cannot change any more.  It may have
     * changed before (detached and given to another domain), or the owner
     * started dying meanwhile (its teardown then sees our count and leaves
     * the frame to the last put): undo in the first case only.
     */
    if ( page_owner(pg) != owner->domain_id )
    {
        put_page(pg);
        return false;
    }
    return true;
}

void put_page(struct page_info *pg)
{
    unsigned long x = __atomic_sub_fetch(&pg->count_info, 1, __ATOMIC_SEQ_CST);

    if ( !(x & PGC_count_mask) )
        domain_release_page(pg);        /* its dying owner's last reference */
}

/* Raise the stamp to now: a later stamp only ever flushes more CPUs. */
void page_stamp_now(struct page_info *pg)
{
    uint64_t now = tlbflush_current_time();
    uint64_t old = __atomic_load_n(&pg->tlbflush_timestamp, __ATOMIC_SEQ_CST);

    while ( old < now &&
            !__atomic_compare_exchange_n(&pg->tlbflush_timestamp, &old, now, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) )
        ;
}

void flush_foreign_stale(struct page_info *pg)
{
    cpumask_t mask = __atomic_load_n(&pg->foreign_dirty, __ATOMIC_SEQ_CST);

    if ( !mask )
        return;
    mask = tlbflush_filter(mask, __atomic_load_n(&pg->tlbflush_timestamp, __ATOMIC_SEQ_CST));
    if ( mask )
        flush_tlb_mask(mask);
    /* Only the CPUs seen: a put_page_writable since then adds its own. */
    __atomic_fetch_and(&pg->foreign_dirty, ~mask, __ATOMIC_SEQ_CST);
}

int get_page_writable(struct page_info *pg, const struct domain *owner)
{
    unsigned long t;

    if ( !get_page(pg, owner) )
        return -EINVAL;
    /* Dekker with the owner's type change: announce, then look (page_type.c). */
    __atomic_add_fetch(&pg->u.inuse.foreign_rw, 1, __ATOMIC_SEQ_CST);
    t = __atomic_load_n(&pg->type_info, __ATOMIC_SEQ_CST);
    if ( (t & PGT_type_mask) != PGT_none || (t & PGT_partial) )
    {
        __atomic_sub_fetch(&pg->u.inuse.foreign_rw, 1, __ATOMIC_SEQ_CST);
        put_page(pg);
        return -EBUSY;
    }
    /*
     * It may have stopped being the owner's page table a moment ago: the
     * owner's CPUs may still walk it through a cached entry, so they are
     * flushed before anyone can write it.  The mark stays for the owner.
     */
    if ( t & PGT_was_table )
    {
        cpumask_t mask = tlbflush_filter(__atomic_load_n(&owner->dirty_cpumask,
                                                         __ATOMIC_SEQ_CST),
                                         __atomic_load_n(&pg->tlbflush_timestamp,
                                                         __ATOMIC_SEQ_CST));

        if ( mask )
            flush_tlb_mask(mask);
    }
    return 0;
}

void page_note_foreign_unmap(struct page_info *pg, uint64_t mapper_dirty_cpus)
{
    __atomic_fetch_or(&pg->foreign_dirty, mapper_dirty_cpus | cpumask_of(smp_processor_id()),
                      __ATOMIC_SEQ_CST);
    page_stamp_now(pg);
}

void put_page_writable(struct page_info *pg, uint64_t mapper_dirty_cpus)
{
    /* The stale CPUs are recorded before the count says the mapping is gone. */
    page_note_foreign_unmap(pg, mapper_dirty_cpus);
    if ( __atomic_sub_fetch(&pg->u.inuse.foreign_rw, 1, __ATOMIC_SEQ_CST) == (uint32_t)-1 )
        BUG();
    put_page(pg);
}
