/*
 * common/page_alloc.c: the buddy allocator.  Each scenario runs in its own
 * process (h_run), so it starts with an empty heap and a new frame table.
 */
#include <keel/lib.h>
#include <keel/mm.h>

#include <stdlib.h>

#include "harness.h"
#include "host_mm.h"

struct range {
    unsigned long start, end;
};

static void init_ranges(const struct range *r, unsigned int nr)
{
    for ( unsigned int i = 0; i < nr; i++ )
        init_heap_pages(mfn_to_page(r[i].start), r[i].end - r[i].start);
}

static bool in_ranges(const struct range *r, unsigned int nr, mfn_t mfn)
{
    for ( unsigned int i = 0; i < nr; i++ )
        if ( mfn >= r[i].start && mfn < r[i].end )
            return true;

    return false;
}

/*
 * Take every free frame one at a time: each must be a heap frame of the
 * ranges, not in use (live[] says so), and handed out once.  Then give
 * them all back.  Catches overlapping or duplicated free blocks.
 */
static void drain_and_refill(const struct range *r, unsigned int nr,
                             const bool *live)
{
    unsigned long avail = avail_heap_pages(), got = 0;
    bool *seen = calloc(max_page, sizeof(*seen));
    mfn_t *taken = calloc(avail + 1, sizeof(*taken));
    struct page_info *pg;

    while ( (pg = alloc_heap_pages(0, 0)) != NULL )
    {
        mfn_t mfn = page_to_mfn(pg);

        if ( !CHECK(got < avail) || !CHECK(mfn < max_page) )
            break;
        CHECK(in_ranges(r, nr, mfn));
        CHECK(!live || !live[mfn]);
        CHECK(!seen[mfn]);
        CHECK(pg->count_info == 0);
        CHECK(pg->u.inuse.owner == DOMID_INVALID);
        seen[mfn] = true;
        taken[got++] = mfn;
    }

    CHECK_UINT(got, avail);
    CHECK_UINT(avail_heap_pages(), 0);
    while ( got )
        free_heap_pages(mfn_to_page(taken[--got]), 0);
    CHECK_UINT(avail_heap_pages(), avail);

    free(taken);
    free(seen);
}

/*
 * With everything free, the heap must hold each range as its maximal
 * aligned blocks: taking them from the largest order down must succeed
 * exactly that often.  Fails if any buddies were left unmerged.
 */
static void check_fully_merged(const struct range *r, unsigned int nr)
{
    unsigned long expect[MAX_ORDER + 1] = { 0 };

    for ( unsigned int i = 0; i < nr; i++ )
        for ( mfn_t m = r[i].start; m < r[i].end; )
        {
            unsigned int order = MAX_ORDER;

            while ( !IS_ALIGNED(m, 1UL << order) ||
                    m + (1UL << order) > r[i].end )
                order--;
            expect[order]++;
            m += 1UL << order;
        }

    for ( int order = MAX_ORDER; order >= 0; order-- )
    {
        unsigned long n;

        for ( n = 0; n < expect[order]; n++ )
            if ( !CHECK(alloc_heap_pages(order, 0) != NULL) )
                break;
        CHECK(alloc_heap_pages(order, 0) == NULL);
    }
    CHECK_UINT(avail_heap_pages(), 0);
}

static const struct range holes[] = {
    { 1, 7 }, { 9, 300 }, { 301, 1000 },
};

static void scenario_holes_and_edges(void)
{
    struct page_info *pg;

    host_mm_setup(1000, 0);
    init_ranges(holes, ARRAY_SIZE(holes));
    CHECK_UINT(total_heap_pages(), 6 + 291 + 699);
    CHECK_UINT(avail_heap_pages(), total_heap_pages());

    /* Holes stay reserved and never become free. */
    CHECK(frame_table[0].count_info & PGC_reserved);
    CHECK(frame_table[7].count_info & PGC_reserved);
    CHECK(frame_table[300].count_info & PGC_reserved);
    CHECK(!(frame_table[0].count_info & PGC_free));
    CHECK(!(frame_table[300].count_info & PGC_free));
    CHECK(frame_table[1].count_info & PGC_free);
    CHECK(!(frame_table[1].count_info & PGC_reserved));

    drain_and_refill(holes, ARRAY_SIZE(holes), NULL);

    /*
     * The only 256-frame aligned block inside the ranges is 512..767:
     * 256..511 has the hole at 300 and 768..1023 runs past max_page.
     */
    pg = alloc_heap_pages(8, 0);
    CHECK(pg && page_to_mfn(pg) == 512);
    CHECK(alloc_heap_pages(8, 0) == NULL);
    CHECK(alloc_heap_pages(9, 0) == NULL);
    free_heap_pages(pg, 8);

    check_fully_merged(holes, ARRAY_SIZE(holes));
}

/*
 * One range of 2^20 + 5 frames: every order, and merging right back.  Frame
 * 2^19 is aligned beyond MAX_ORDER, which must not make a bigger block.
 */
static void scenario_every_order(void)
{
    const struct range all = { 0, (1UL << 20) + 5 };

    host_mm_setup(all.end, 0);
    init_ranges(&all, 1);
    CHECK_UINT(total_heap_pages(), all.end);

    for ( unsigned int order = 0; order <= MAX_ORDER; order++ )
    {
        struct page_info *pg = alloc_heap_pages(order, 0);

        if ( !CHECK(pg != NULL) )
            continue;
        CHECK(IS_ALIGNED(page_to_mfn(pg), 1UL << order));
        CHECK(page_to_mfn(pg) + (1UL << order) <= all.end);
        CHECK_UINT(avail_heap_pages(), all.end - (1UL << order));
        for ( unsigned long i = 0; i < (1UL << order); i++ )
            if ( !CHECK(!(pg[i].count_info & PGC_free)) )
                break;
        free_heap_pages(pg, order);
        CHECK_UINT(avail_heap_pages(), all.end);
    }

    /* Out-of-range orders fail cleanly. */
    CHECK(alloc_heap_pages(MAX_ORDER + 1, 0) == NULL);
    CHECK(alloc_heap_pages(~0u, 0) == NULL);

    check_fully_merged(&all, 1);
}

/*
 * MEMF_bits(n): every frame of the block lies below 2^n bytes, taken from
 * the low end of a bigger block when need be; nothing fits under 2^12, and
 * a limit below all free frames fails.  Frames 0x100-0x40000 are in the heap.
 */
static void scenario_address_bits(void)
{
    const struct range r = { 0x100, 0x40000 };       /* 1 MiB .. 1 GiB */
    struct page_info *pg[4];

    host_mm_setup(r.end, 0);
    init_ranges(&r, 1);
    /* The whole heap is one run of large blocks: the 24-bit request splits the lowest. */
    pg[0] = alloc_heap_pages(4, MEMF_bits(24));
    if ( CHECK(pg[0] != NULL) )
        CHECK(page_to_mfn(pg[0]) + 16 <= (1UL << (24 - 12)));
    pg[1] = alloc_heap_pages(0, MEMF_bits(21));      /* below 2 MiB */
    if ( CHECK(pg[1] != NULL) )
        CHECK(page_to_mfn(pg[1]) < 0x200);
    pg[2] = alloc_heap_pages(9, MEMF_bits(21));      /* 2 MiB below 2 MiB: no room */
    CHECK(pg[2] == NULL);
    CHECK(alloc_heap_pages(0, MEMF_bits(20)) == NULL);   /* nothing below 1 MiB */
    CHECK(alloc_heap_pages(0, MEMF_bits(12)) == NULL);
    pg[3] = alloc_heap_pages(0, MEMF_bits(64));      /* no limit in effect */
    CHECK(pg[3] != NULL);
    free_heap_pages(pg[0], 4);
    free_heap_pages(pg[1], 0);
    if ( pg[3] )
        free_heap_pages(pg[3], 0);
    CHECK_UINT(avail_heap_pages(), total_heap_pages());
    check_fully_merged(&r, 1);
}

/* Frames split down to order 0 and freed in a scrambled order merge back. */
static void scenario_split_and_merge(void)
{
    const struct range r = { 0, 1024 };
    struct page_info *pages[1024];

    host_mm_setup(1024, 0);
    init_ranges(&r, 1);

    for ( unsigned int i = 0; i < 1024; i++ )
        CHECK((pages[i] = alloc_heap_pages(0, 0)) != NULL);
    CHECK(alloc_heap_pages(0, 0) == NULL);
    CHECK_UINT(avail_heap_pages(), 0);

    /* Free odd frames first, so that nothing can merge until the end. */
    for ( unsigned int i = 1; i < 1024; i += 2 )
        free_heap_pages(pages[i], 0);
    CHECK(alloc_heap_pages(1, 0) == NULL);
    for ( unsigned int i = 0; i < 1024; i += 2 )
        free_heap_pages(pages[1022 - i], 0);

    CHECK_UINT(avail_heap_pages(), 1024);
    check_fully_merged(&r, 1);
}

static void scenario_exhaustion(void)
{
    const struct range r = { 3, 100 };
    struct page_info *pg;
    unsigned long n = 0;

    host_mm_setup(128, 0);
    init_ranges(&r, 1);

    while ( (pg = alloc_heap_pages(1, 0)) != NULL )
        n++;
    /* 97 frames from 3: 4..99 in pairs, leaving frame 3 alone. */
    CHECK_UINT(n, 48);
    CHECK_UINT(avail_heap_pages(), 1);
    CHECK(alloc_heap_pages(1, 0) == NULL);
    pg = alloc_heap_pages(0, 0);
    CHECK(pg && page_to_mfn(pg) == 3);
    CHECK(alloc_heap_pages(0, 0) == NULL);
    CHECK_UINT(avail_heap_pages(), 0);
}

static void scenario_bad_frees(void)
{
    const struct range r = { 8, 64 };
    struct page_info *a, *b;

    host_mm_setup(64, 0);
    init_ranges(&r, 1);

    a = alloc_heap_pages(0, 0);
    free_heap_pages(a, 0);
    EXPECT_BUG(free_heap_pages(a, 0));

    /* A frame inside a free block is just as free. */
    b = alloc_heap_pages(2, 0);
    free_heap_pages(b, 2);
    EXPECT_BUG(free_heap_pages(b + 1, 0));

    /* A block with one free frame in it. */
    a = alloc_heap_pages(1, 0);
    free_heap_pages(a + 1, 0);
    EXPECT_BUG(free_heap_pages(a, 1));
    free_heap_pages(a, 0);

    /* Reserved frames, never given to the heap. */
    EXPECT_BUG(free_heap_pages(mfn_to_page(0), 0));
    EXPECT_BUG(free_heap_pages(mfn_to_page(7), 0));

    /* Order out of range, misaligned, past max_page. */
    a = alloc_heap_pages(1, 0);
    EXPECT_BUG(free_heap_pages(a, MAX_ORDER + 1));
    EXPECT_BUG(free_heap_pages(a + 1, 1));
    EXPECT_BUG(free_heap_pages(mfn_to_page(64), 0));
    EXPECT_BUG(free_heap_pages(mfn_to_page(32), 6));
    free_heap_pages(a, 1);

    /* Handing the same frames over twice. */
    EXPECT_BUG(init_heap_pages(mfn_to_page(10), 4));
    EXPECT_BUG(init_heap_pages(mfn_to_page(60), 5));

    /* None of that may have broken the heap or left its lock held. */
    CHECK_UINT(avail_heap_pages(), 56);
    drain_and_refill(&r, 1, NULL);
    check_fully_merged(&r, 1);
}

static void scenario_xenheap(void)
{
    const struct range r = { 16, 256 };
    unsigned char *v, *w;
    struct page_info *pg;

    host_mm_setup(256, 256);
    init_ranges(&r, 1);

    v = alloc_xenheap_pages(2, 0);
    if ( !CHECK(v != NULL) )
        return;
    CHECK(IS_ALIGNED((unsigned long)v, 4 * PAGE_SIZE));
    pg = mfn_to_page(virt_to_mfn(v));
    CHECK(IS_ALIGNED(page_to_mfn(pg), 4));
    CHECK(pg->count_info & PGC_xen_heap);
    CHECK(pg[3].count_info & PGC_xen_heap);
    /* The memory is really there (the sanitizer would object if not). */
    memset(v, 0xa5, 4 * PAGE_SIZE);
    CHECK(v[4 * PAGE_SIZE - 1] == 0xa5);
    CHECK_UINT(avail_heap_pages(), 240 - 4);

    /* Xen-heap frames go back only through free_xenheap_pages(). */
    EXPECT_BUG(free_heap_pages(pg, 2));
    EXPECT_BUG(free_xenheap_pages(v + 1, 2));
    EXPECT_BUG(free_xenheap_pages(v + PAGE_SIZE, 2));
    free_xenheap_pages(v, 2);
    CHECK(!(pg->count_info & PGC_xen_heap));
    CHECK_UINT(avail_heap_pages(), 240);
    EXPECT_BUG(free_xenheap_pages(v, 2));
    free_xenheap_pages(NULL, 0);

    /* A heap page that is not Xen heap cannot be freed as one. */
    pg = alloc_heap_pages(0, 0);
    w = mfn_to_virt(page_to_mfn(pg));
    EXPECT_BUG(free_xenheap_pages(w, 0));
    free_heap_pages(pg, 0);

    CHECK(alloc_xenheap_pages(MAX_ORDER + 1, 0) == NULL);
    CHECK(alloc_xenheap_pages(8, 0) == NULL);
    CHECK_UINT(avail_heap_pages(), 240);
}

/* xorshift64: a fixed sequence, so that failures reproduce. */
static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

struct block {
    struct page_info *pg;
    unsigned int order;
};

/* Frame-by-frame consistency of the heap with what the test holds. */
static void check_frames(const struct range *r, unsigned int nr,
                         const bool *live, unsigned long nr_live)
{
    unsigned long nr_free = 0;

    for ( mfn_t m = 0; m < max_page; m++ )
    {
        unsigned long ci = frame_table[m].count_info;

        if ( live[m] )
            CHECK(!(ci & (PGC_free | PGC_reserved)));
        else if ( in_ranges(r, nr, m) )
            CHECK(ci == PGC_free);
        else
            CHECK(ci == PGC_reserved);
        nr_free += !!(ci & PGC_free);
    }

    CHECK_UINT(nr_free, avail_heap_pages());
    CHECK_UINT(nr_free + nr_live, total_heap_pages());
}

static void scenario_stress(void)
{
    static const struct range r[] = {
        { 3, 1000 }, { 1003, 2048 }, { 2049, 4133 },
    };
    static struct block blocks[4096];
    static bool live[4133];
    unsigned long nr_blocks = 0, nr_live = 0, failed_allocs = 0;

    host_mm_setup(4133, 0);
    init_ranges(r, ARRAY_SIZE(r));

    for ( unsigned int step = 0; step < 60000; step++ )
    {
        bool do_alloc = nr_blocks == 0 || (rnd() % 100) < 52;

        if ( do_alloc && nr_blocks < ARRAY_SIZE(blocks) )
        {
            /* Mostly small orders, sometimes big ones. */
            unsigned int order = rnd() % 8 ? rnd() % 4 : rnd() % 11;
            struct page_info *pg = alloc_heap_pages(order, 0);

            if ( !pg )
            {
                failed_allocs++;
                continue;
            }
            CHECK(IS_ALIGNED(page_to_mfn(pg), 1UL << order));
            for ( unsigned long i = 0; i < (1UL << order); i++ )
            {
                mfn_t m = page_to_mfn(pg) + i;

                if ( !CHECK(in_ranges(r, ARRAY_SIZE(r), m) && !live[m]) )
                    break;
                live[m] = true;
            }
            nr_live += 1UL << order;
            blocks[nr_blocks++] = (struct block){ pg, order };
        }
        else if ( nr_blocks )
        {
            unsigned long i = rnd() % nr_blocks;
            struct block b = blocks[i];

            blocks[i] = blocks[--nr_blocks];
            for ( unsigned long j = 0; j < (1UL << b.order); j++ )
                live[page_to_mfn(b.pg) + j] = false;
            nr_live -= 1UL << b.order;
            free_heap_pages(b.pg, b.order);
        }

        CHECK_UINT(avail_heap_pages() + nr_live, total_heap_pages());
        if ( step % 4000 == 0 )
        {
            check_frames(r, ARRAY_SIZE(r), live, nr_live);
            drain_and_refill(r, ARRAY_SIZE(r), live);
        }
    }

    /* The heap did fill up now and then, or the test was too gentle. */
    CHECK(failed_allocs > 0);

    while ( nr_blocks )
    {
        struct block b = blocks[--nr_blocks];

        for ( unsigned long j = 0; j < (1UL << b.order); j++ )
            live[page_to_mfn(b.pg) + j] = false;
        free_heap_pages(b.pg, b.order);
    }
    nr_live = 0;

    check_frames(r, ARRAY_SIZE(r), live, nr_live);
    CHECK_UINT(avail_heap_pages(), total_heap_pages());
    check_fully_merged(r, ARRAY_SIZE(r));
}

int main(void)
{
    h_run("holes_and_edges", scenario_holes_and_edges);
    h_run("every_order", scenario_every_order);
    h_run("split_and_merge", scenario_split_and_merge);
    h_run("exhaustion", scenario_exhaustion);
    h_run("bad_frees", scenario_bad_frees);
    h_run("xenheap", scenario_xenheap);
    h_run("stress", scenario_stress);
    h_run("address_bits", scenario_address_bits);
    return h_finish("page_alloc");
}
