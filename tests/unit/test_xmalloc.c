/*
 * common/xmalloc.c on top of the real buddy allocator, with a host arena
 * standing in for the direct map.  Each scenario runs in its own process.
 */
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/xmalloc.h>

#include <stdlib.h>

#include "harness.h"
#include "host_mm.h"

#define FRAMES 8192     /* 32 MiB */

static unsigned long heap_start;

static void setup(void)
{
    host_mm_setup(FRAMES, FRAMES);
    init_heap_pages(mfn_to_page(1), FRAMES - 1);
    heap_start = avail_heap_pages();
}

/* Nothing may stay allocated, in xmalloc or in the heap under it. */
static void check_no_leak(void)
{
    CHECK_UINT(xmalloc_used_bytes(), 0);
    CHECK_UINT(avail_heap_pages(), heap_start);
}

/* xorshift64: a fixed sequence, so that failures reproduce. */
static uint64_t rng_state = 0x853c49e6748fea9bULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

struct alloc {
    unsigned char *p;
    size_t size;
    unsigned char fill;
};

static void fill(struct alloc *a)
{
    memset(a->p, a->fill, a->size);
}

/* Another allocation overlapping this one would have overwritten it. */
static bool intact(const struct alloc *a)
{
    for ( size_t i = 0; i < a->size; i++ )
        if ( a->p[i] != a->fill )
            return false;

    return true;
}

static int by_address(const void *x, const void *y)
{
    const struct alloc *a = x, *b = y;

    return a->p < b->p ? -1 : a->p > b->p;
}

/* All sizes from 1 to 5000 at once: distinct, in the arena, disjoint. */
static void scenario_all_sizes(void)
{
    enum { N = 5000 };
    static struct alloc a[N];

    setup();
    for ( size_t i = 0; i < N; i++ )
    {
        a[i].size = i + 1;
        a[i].fill = (unsigned char)(i * 7 + 1);
        a[i].p = xmalloc_bytes(a[i].size);
        if ( !CHECK(a[i].p != NULL) )
            return;
        CHECK(IS_ALIGNED((unsigned long)a[i].p, __alignof__(max_align_t)));
        CHECK(a[i].p >= (unsigned char *)host_directmap &&
              a[i].p + a[i].size <= (unsigned char *)host_directmap +
                                    FRAMES * PAGE_SIZE);
        fill(&a[i]);
    }
    CHECK(xmalloc_used_bytes() >= N * (N + 1) / 2);

    qsort(a, N, sizeof(a[0]), by_address);
    for ( size_t i = 0; i < N; i++ )
    {
        CHECK(intact(&a[i]));
        if ( i + 1 < N )
            CHECK(a[i].p + a[i].size <= a[i + 1].p);
    }

    /* Free in address order, which empties slabs in an unusual order. */
    for ( size_t i = 0; i < N; i++ )
        xfree(a[i].p);
    check_no_leak();
}

static void scenario_alignment(void)
{
    static const size_t sizes[] = { 0, 1, 24, 100, 1000, 1024, 1025, 3000,
                                    4096, 5000, 70000 };

    setup();
    for ( size_t align = 1; align <= 4 * PAGE_SIZE; align <<= 1 )
        for ( size_t i = 0; i < ARRAY_SIZE(sizes); i++ )
        {
            void *p[3];

            /* Several at once, so that not only a fresh slab is tested. */
            for ( int k = 0; k < 3; k++ )
            {
                p[k] = _xmalloc(sizes[i], align);
                if ( CHECK(p[k] != NULL) )
                {
                    CHECK(IS_ALIGNED((unsigned long)p[k], align));
                    memset(p[k], 0x3c, sizes[i]);
                }
            }
            for ( int k = 0; k < 3; k++ )
                xfree(p[k]);
        }
    check_no_leak();

    /* No alignment given means natural at least for a pointer. */
    for ( int k = 0; k < 10; k++ )
    {
        void *p = _xmalloc(8, 0);

        CHECK(p && IS_ALIGNED((unsigned long)p, 8));
        xfree(p);
    }

    EXPECT_BUG(_xmalloc(16, 24));
    EXPECT_BUG(_xmalloc(16, 3));
    check_no_leak();
}

static void scenario_zeroing(void)
{
    static const size_t sizes[] = { 1, 16, 17, 500, 1024, 2000, 4096, 9000 };

    setup();
    for ( size_t i = 0; i < ARRAY_SIZE(sizes); i++ )
    {
        unsigned char *p = xmalloc_bytes(sizes[i]), *q;
        bool zero = true;

        /* Dirty the block, then get it (most likely) back zeroed. */
        memset(p, 0xff, sizes[i]);
        xfree(p);
        q = xzalloc_bytes(sizes[i]);
        if ( !CHECK(q != NULL) )
            continue;
        for ( size_t j = 0; j < sizes[i]; j++ )
            zero &= !q[j];
        CHECK(zero);
        xfree(q);
    }

    {
        struct big { uint64_t x[300]; } *b = xzalloc(struct big);
        uint32_t *arr = xzalloc_array(uint32_t, 1000);
        bool zero = true;

        CHECK(b && arr);
        for ( size_t j = 0; j < 300; j++ )
            zero &= !b->x[j];
        for ( size_t j = 0; j < 1000; j++ )
            zero &= !arr[j];
        CHECK(zero);
        xfree(b);
        xfree(arr);
    }
    check_no_leak();
}

static void scenario_overflow_and_limits(void)
{
    setup();
    CHECK(xmalloc_array(uint64_t, SIZE_MAX / 4) == NULL);
    CHECK(xzalloc_array(uint64_t, SIZE_MAX / 8 + 1) == NULL);
    CHECK(xmalloc_array(char, SIZE_MAX) == NULL);
    CHECK(xmalloc_array(uint32_t, (size_t)-1) == NULL);
    CHECK(_xmalloc(SIZE_MAX, 0) == NULL);
    CHECK(_xmalloc((PAGE_SIZE << MAX_ORDER) + 1, 0) == NULL);
    CHECK(_xmalloc(16, (size_t)1 << 63) == NULL);
    /* More than the heap has. */
    CHECK(_xmalloc(FRAMES * PAGE_SIZE, 0) == NULL);
    check_no_leak();

    /* Zero-sized requests still get a unique, freeable pointer. */
    {
        void *p = xmalloc_array(uint64_t, 0), *q = xmalloc_bytes(0);

        CHECK(p && q && p != q);
        xfree(p);
        xfree(q);
    }

    /* Fill the heap with slab blocks, then with pages; then empty it. */
    {
        static void *p[FRAMES * 4];
        size_t n = 0;

        while ( n < ARRAY_SIZE(p) && (p[n] = xmalloc_bytes(1000)) != NULL )
            n++;
        CHECK(n > 3 * (FRAMES - 2) && n < ARRAY_SIZE(p));
        CHECK_UINT(avail_heap_pages(), 0);
        while ( n )
            xfree(p[--n]);
        check_no_leak();

        while ( n < ARRAY_SIZE(p) &&
                (p[n] = xmalloc_bytes(3 * PAGE_SIZE)) != NULL )
            n++;
        /* Each takes an order-2 block; records need a few slab pages. */
        CHECK(n >= (FRAMES - 64) / 4 && n < FRAMES / 4);
        while ( n )
            xfree(p[--n]);
    }
    check_no_leak();
}

static void scenario_bad_frees(void)
{
    unsigned char *a, *b, *big, *page;

    setup();
    xfree(NULL);

    /* Double free of a block whose slab then went back to the heap. */
    a = xmalloc_bytes(40);
    xfree(a);
    EXPECT_BUG(xfree(a));

    /* Double free while its slab is still in use. */
    a = xmalloc_bytes(40);
    b = xmalloc_bytes(40);
    xfree(a);
    EXPECT_BUG(xfree(a));

    /* Pointers that are not the start of a live block. */
    EXPECT_BUG(xfree(b + 1));
    EXPECT_BUG(xfree(b + 8));
    EXPECT_BUG(xfree(b + 64));
    /* The slab header, at the start of b's page. */
    EXPECT_BUG(xfree((unsigned char *)((unsigned long)b & PAGE_MASK) + 16));
    /* Header-sized offsets that are block-aligned for 16-byte blocks. */
    a = xmalloc_bytes(10);
    page = (unsigned char *)((unsigned long)a & PAGE_MASK);
    EXPECT_BUG(xfree(page + 16));
    EXPECT_BUG(xfree(page + 48));
    xfree(a);

    /* Whole-page allocations: double free, interior pointers. */
    big = xmalloc_bytes(3 * PAGE_SIZE);
    EXPECT_BUG(xfree(big + PAGE_SIZE));
    EXPECT_BUG(xfree(big + 32));
    xfree(big);
    EXPECT_BUG(xfree(big));

    /* A page from the heap that xmalloc never handed out. */
    page = alloc_xenheap_pages(0, 0);
    EXPECT_BUG(xfree(page));
    EXPECT_BUG(xfree(page + 128));
    free_xenheap_pages(page, 0);

    /* After all that the allocator still works and nothing leaked. */
    xfree(b);
    a = xmalloc_bytes(40);
    CHECK(a != NULL);
    xfree(a);
    check_no_leak();
}

/* Freed blocks of a full slab are used again before any new page. */
static void scenario_reuse(void)
{
    void *p[3], *q;

    setup();
    /* 1 KiB blocks: a page holds three after its header. */
    for ( int i = 0; i < 3; i++ )
        p[i] = xmalloc_bytes(1000);
    CHECK_UINT(avail_heap_pages(), heap_start - 1);
    CHECK_UINT(xmalloc_used_bytes(), 3 * 1024);

    xfree(p[1]);
    CHECK_UINT(xmalloc_used_bytes(), 2 * 1024);
    q = xmalloc_bytes(1000);
    CHECK(q == p[1]);
    CHECK_UINT(avail_heap_pages(), heap_start - 1);

    /* A fourth needs a second page; emptying each returns it. */
    p[1] = xmalloc_bytes(1000);
    CHECK_UINT(avail_heap_pages(), heap_start - 2);
    xfree(p[1]);
    CHECK_UINT(avail_heap_pages(), heap_start - 1);
    xfree(p[0]);
    xfree(p[2]);
    xfree(q);
    check_no_leak();
}

/* Random sizes, alignments and frees, contents checked all along. */
static void scenario_stress(void)
{
    enum { SLOTS = 600 };
    static struct alloc a[SLOTS];
    unsigned long failed = 0;

    setup();
    for ( unsigned int step = 0; step < 60000; step++ )
    {
        struct alloc *s = &a[rnd() % SLOTS];

        if ( s->p )
        {
            if ( !CHECK(intact(s)) )
                break;
            xfree(s->p);
            s->p = NULL;
            continue;
        }

        switch ( rnd() % 8 )
        {
        case 0:
            s->size = rnd() % (5 * PAGE_SIZE);
            break;
        case 1:
            s->size = rnd() % 2049;
            break;
        default:
            s->size = rnd() % 200;
            break;
        }
        s->fill = rnd() | 1;
        s->p = _xmalloc(s->size, (size_t)1 << (rnd() % 13));
        if ( !s->p )
        {
            failed++;
            continue;
        }
        fill(s);
    }

    for ( unsigned int i = 0; i < SLOTS; i++ )
        if ( a[i].p )
        {
            CHECK(intact(&a[i]));
            xfree(a[i].p);
        }
    CHECK_UINT(failed, 0);
    check_no_leak();
}

int main(void)
{
    h_run("all_sizes", scenario_all_sizes);
    h_run("alignment", scenario_alignment);
    h_run("zeroing", scenario_zeroing);
    h_run("overflow_and_limits", scenario_overflow_and_limits);
    h_run("bad_frees", scenario_bad_frees);
    h_run("reuse", scenario_reuse);
    h_run("stress", scenario_stress);
    return h_finish("xmalloc");
}
