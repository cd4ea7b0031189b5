/*
 * Buddy allocator for machine frames.
 *
 * A free block of 2^order frames starts at a frame number that is a
 * multiple of 2^order.  Every frame of it has PGC_free; its first frame
 * records the order and links the block into free_head[order].  Frames
 * that never reached the heap (holes, reserved ranges, frames past
 * max_page) never have PGC_free, so they can never be merged with.
 */
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/spinlock.h>
#include <asm/page.h>

static DEFINE_SPINLOCK(heap_lock);
static struct page_info *free_head[MAX_ORDER + 1];
static unsigned long avail_pages;   /* frames in free blocks */
static unsigned long total_pages;   /* frames ever given to the heap */

static void free_list_add(struct page_info *pg, unsigned int order)
{
    pg->u.free.order = order;
    pg->list.prev = NULL;
    pg->list.next = free_head[order];
    if ( pg->list.next )
        pg->list.next->list.prev = pg;
    free_head[order] = pg;
}

static void free_list_del(struct page_info *pg, unsigned int order)
{
    if ( pg->list.prev )
        pg->list.prev->list.next = pg->list.next;
    else
        free_head[order] = pg->list.next;
    if ( pg->list.next )
        pg->list.next->list.prev = pg->list.prev;
}

/*
 * Merge the block at mfn, already marked free, with its free buddies and
 * queue the result.  A free buddy of the same order is always the first
 * frame of its block: a larger free block around it would contain ours.
 */
static void merge_and_queue(mfn_t mfn, unsigned int order)
{
    for ( ; order < MAX_ORDER; order++ )
    {
        mfn_t buddy = mfn ^ (1UL << order);
        struct page_info *b;

        if ( buddy >= max_page )
            break;
        b = mfn_to_page(buddy);
        if ( !(b->count_info & PGC_free) || b->u.free.order != order )
            break;
        free_list_del(b, order);
        mfn &= ~(1UL << order);
    }

    free_list_add(mfn_to_page(mfn), order);
}

static void mark_free(struct page_info *pg, unsigned long nr)
{
    for ( unsigned long i = 0; i < nr; i++ )
        pg[i].count_info = PGC_free;
}

/* BUG() unless [mfn, mfn + 2^order) is a well-formed block of real frames. */
static void check_block(mfn_t mfn, unsigned int order)
{
    BUG_ON(order > MAX_ORDER);
    BUG_ON(mfn >= max_page || (1UL << order) > max_page - mfn);
    BUG_ON(!IS_ALIGNED(mfn, 1UL << order));
}

static bool any_free(const struct page_info *pg, unsigned long nr)
{
    for ( unsigned long i = 0; i < nr; i++ )
        if ( pg[i].count_info & PGC_free )
            return true;

    return false;
}

/* Largest block that starts at mfn and ends by end. */
static unsigned int chunk_order(mfn_t mfn, mfn_t end)
{
    unsigned int order = mfn ? __builtin_ctzl(mfn) : MAX_ORDER;

    if ( order > MAX_ORDER )
        order = MAX_ORDER;
    while ( (1UL << order) > end - mfn )
        order--;

    return order;
}

/*
 * Whatever the frames were before (the architecture marks every frame
 * reserved until it knows better), they are free heap frames now.
 */
void init_heap_pages(struct page_info *pg, unsigned long nr_pages)
{
    mfn_t mfn = page_to_mfn(pg), end;
    unsigned long flags;
    bool twice;

    BUG_ON(mfn > max_page || nr_pages > max_page - mfn);
    end = mfn + nr_pages;

    spin_lock_irqsave(&heap_lock, flags);
    twice = any_free(pg, nr_pages);
    if ( !twice )
    {
        while ( mfn < end )
        {
            unsigned int order = chunk_order(mfn, end);

            mark_free(mfn_to_page(mfn), 1UL << order);
            merge_and_queue(mfn, order);
            mfn += 1UL << order;
        }
        avail_pages += nr_pages;
        total_pages += nr_pages;
    }
    spin_unlock_irqrestore(&heap_lock, flags);

    /* Die outside the lock so that the crash path can still use the heap. */
    BUG_ON(twice);
}

/*
 * Take a free block of at least the order that starts below limit (so that
 * its low 2^order frames end by limit), splitting off unneeded halves: the
 * low part is kept, so the result lies below the limit too.
 */
static struct page_info *take_block(unsigned int order, mfn_t limit)
{
    struct page_info *pg = NULL;
    unsigned int j;

    for ( j = order; j <= MAX_ORDER && !pg; j++ )
        for ( pg = free_head[j]; pg; pg = pg->list.next )
            if ( page_to_mfn(pg) + (1UL << order) <= limit )
                break;
    if ( !pg )
        return NULL;
    j--;
    free_list_del(pg, j);
    while ( j > order )
    {
        j--;
        free_list_add(pg + (1UL << j), j);
    }

    return pg;
}

struct page_info *alloc_heap_pages(unsigned int order, unsigned int memflags)
{
    struct page_info *pg;
    unsigned long flags;

    unsigned int bits = MEMF_get_bits(memflags);
    mfn_t limit = bits && bits - PAGE_SHIFT < 64 ? 1UL << (bits - PAGE_SHIFT) : ~0UL;

    ASSERT(!(memflags & ~MEMF_bits(0xff)));
    if ( order > MAX_ORDER || (bits && bits <= PAGE_SHIFT) )
        return NULL;

    spin_lock_irqsave(&heap_lock, flags);
    pg = take_block(order, limit);
    if ( pg )
    {
        for ( unsigned long i = 0; i < (1UL << order); i++ )
        {
            pg[i].count_info = 0;
            pg[i].type_info = 0;
            pg[i].u.inuse.owner = DOMID_INVALID;
            pg[i].list.next = pg[i].list.prev = NULL;
        }
        avail_pages -= 1UL << order;
    }
    spin_unlock_irqrestore(&heap_lock, flags);

    return pg;
}

/* Frames that are free, reserved or Xen heap cannot be freed here. */
static bool all_freeable(const struct page_info *pg, unsigned long nr)
{
    for ( unsigned long i = 0; i < nr; i++ )
        if ( pg[i].count_info & (PGC_free | PGC_reserved | PGC_xen_heap) )
            return false;

    return true;
}

void free_heap_pages(struct page_info *pg, unsigned int order)
{
    mfn_t mfn = page_to_mfn(pg);
    unsigned long flags, nr;
    bool ok;

    check_block(mfn, order);
    nr = 1UL << order;

    spin_lock_irqsave(&heap_lock, flags);
    ok = all_freeable(pg, nr);
    if ( ok )
    {
        mark_free(pg, nr);
        merge_and_queue(mfn, order);
        avail_pages += nr;
    }
    spin_unlock_irqrestore(&heap_lock, flags);

    /* Die outside the lock so that the crash path can still use the heap. */
    BUG_ON(!ok);
}

unsigned long avail_heap_pages(void)
{
    return READ_ONCE(avail_pages);
}

unsigned long total_heap_pages(void)
{
    return READ_ONCE(total_pages);
}

void *alloc_xenheap_pages(unsigned int order, unsigned int memflags)
{
    struct page_info *pg = alloc_heap_pages(order, memflags);

    if ( !pg )
        return NULL;

    for ( unsigned long i = 0; i < (1UL << order); i++ )
        pg[i].count_info |= PGC_xen_heap;

    return mfn_to_virt(page_to_mfn(pg));
}

void free_xenheap_pages(void *v, unsigned int order)
{
    struct page_info *pg;
    mfn_t mfn;

    if ( !v )
        return;

    BUG_ON(!IS_ALIGNED((unsigned long)v, PAGE_SIZE));
    mfn = virt_to_mfn(v);
    check_block(mfn, order);
    pg = mfn_to_page(mfn);

    for ( unsigned long i = 0; i < (1UL << order); i++ )
        BUG_ON(!(pg[i].count_info & PGC_xen_heap));
    for ( unsigned long i = 0; i < (1UL << order); i++ )
        pg[i].count_info &= ~PGC_xen_heap;

    free_heap_pages(pg, order);
}
