/*
 * common/timer_heap.c: the timer min-heap, checked against a brute-force
 * reference.  Growth goes through the real xmalloc and buddy allocator.
 */
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/timer_heap.h>
#include <keel/xmalloc.h>
#include <public/errno.h>

#include "harness.h"
#include "host_mm.h"

#define FRAMES 1024

static void setup(void)
{
    host_mm_setup(FRAMES, FRAMES);
    init_heap_pages(mfn_to_page(1), FRAMES - 1);
}

/* xorshift64: a fixed sequence, so that failures reproduce. */
static uint64_t rng_state = 0xda942042e4dd58b5ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Heap order, and every timer knowing where it is. */
static bool heap_ok(const struct timer_heap *h)
{
    if ( h->nr && h->nr >= h->size )
        return false;
    for ( unsigned int i = 1; i <= h->nr; i++ )
    {
        if ( h->elts[i]->heap_index != i )
            return false;
        if ( i > 1 && h->elts[i / 2]->expires > h->elts[i]->expires )
            return false;
    }

    return true;
}

/* The earliest expiry among the timers the reference says are queued. */
static s_time_t ref_min(const struct timer *t, const bool *queued, size_t n)
{
    s_time_t m = STIME_MAX;

    for ( size_t i = 0; i < n; i++ )
        if ( queued[i] && t[i].expires < m )
            m = t[i].expires;

    return m;
}

static void scenario_empty(void)
{
    struct timer_heap h;
    struct timer t = { .expires = 5 };

    setup();
    timer_heap_init(&h);
    CHECK(timer_heap_peek(&h) == NULL);
    CHECK(timer_heap_pop(&h) == NULL);
    CHECK_UINT(h.nr, 0);

    CHECK_INT(timer_heap_add(&h, &t), 0);
    CHECK(timer_heap_peek(&h) == &t);
    CHECK_UINT(t.heap_index, 1);
    CHECK(timer_heap_pop(&h) == &t);
    CHECK_UINT(t.heap_index, 0);
    CHECK(timer_heap_pop(&h) == NULL);
    CHECK(timer_heap_peek(&h) == NULL);

    xfree(h.elts);
}

static void scenario_random_against_reference(void)
{
    enum { N = 1500 };
    static struct timer t[N];
    static bool queued[N];
    struct timer_heap h;
    size_t nr = 0;

    setup();
    timer_heap_init(&h);

    for ( unsigned int step = 0; step < 40000; step++ )
    {
        size_t i = rnd() % N;
        unsigned int op = rnd() % 10;

        if ( op < 5 && !queued[i] )
        {
            /* Narrow ranges make ties; extremes are included. */
            switch ( rnd() % 4 )
            {
            case 0:
                t[i].expires = rnd() % 50;
                break;
            case 1:
                t[i].expires = (s_time_t)rnd();
                break;
            case 2:
                t[i].expires = rnd() & 1 ? STIME_MAX : INT64_MIN;
                break;
            default:
                t[i].expires = SECONDS(rnd() % 1000);
                break;
            }
            CHECK_INT(timer_heap_add(&h, &t[i]), 0);
            queued[i] = true;
            nr++;
        }
        else if ( op < 8 && queued[i] )
        {
            timer_heap_remove(&h, &t[i]);
            CHECK_UINT(t[i].heap_index, 0);
            queued[i] = false;
            nr--;
        }
        else if ( op == 9 && nr )
        {
            s_time_t want = ref_min(t, queued, N);
            struct timer *p = timer_heap_pop(&h);

            if ( !CHECK(p != NULL) )
                break;
            CHECK_INT(p->expires, want);
            CHECK_UINT(p->heap_index, 0);
            queued[p - t] = false;
            nr--;
        }

        CHECK_UINT(h.nr, nr);
        if ( step % 97 == 0 )
        {
            CHECK(heap_ok(&h));
            if ( nr )
                CHECK_INT(timer_heap_peek(&h)->expires, ref_min(t, queued, N));
        }
    }

    /* Draining gives a non-decreasing sequence of everything left. */
    {
        s_time_t last = INT64_MIN;
        struct timer *p;

        while ( (p = timer_heap_pop(&h)) != NULL )
        {
            CHECK(p->expires >= last);
            last = p->expires;
            queued[p - t] = false;
            nr--;
        }
        CHECK_UINT(nr, 0);
    }

    xfree(h.elts);
}

/* Removing from the middle must restore order both up and down. */
static void scenario_remove_middle(void)
{
    static const s_time_t exp[] = { 10, 20, 30, 40, 50, 60, 70, 35, 45, 55,
                                    65, 75, 80, 90, 100 };
    struct timer t[ARRAY_SIZE(exp)];
    struct timer_heap h;

    setup();
    timer_heap_init(&h);
    for ( size_t i = 0; i < ARRAY_SIZE(exp); i++ )
    {
        t[i] = (struct timer){ .expires = exp[i] };
        CHECK_INT(timer_heap_add(&h, &t[i]), 0);
    }
    CHECK(heap_ok(&h));

    /* A mid-heap timer, an inner one and the last one. */
    timer_heap_remove(&h, &t[3]);
    CHECK(heap_ok(&h));
    timer_heap_remove(&h, &t[1]);
    CHECK(heap_ok(&h));
    timer_heap_remove(&h, h.elts[h.nr]);
    CHECK(heap_ok(&h));
    CHECK_UINT(h.nr, ARRAY_SIZE(exp) - 3);

    /*
     * A hole whose replacement must move up: the heap is
     * [1, 100, 2, 101, 102, 3, 4]; removing 101 puts 4 under 100.
     */
    {
        static const s_time_t e[] = { 1, 100, 2, 101, 102, 3, 4 };
        static const s_time_t order[] = { 1, 2, 3, 4, 100, 102 };
        struct timer u[ARRAY_SIZE(e)];
        struct timer_heap g;

        timer_heap_init(&g);
        for ( size_t i = 0; i < ARRAY_SIZE(e); i++ )
        {
            u[i] = (struct timer){ .expires = e[i] };
            CHECK_INT(timer_heap_add(&g, &u[i]), 0);
            CHECK_UINT(u[i].heap_index, i + 1);
        }
        timer_heap_remove(&g, &u[3]);
        CHECK(heap_ok(&g));
        CHECK_UINT(u[6].heap_index, 2);
        for ( size_t i = 0; i < ARRAY_SIZE(order); i++ )
            CHECK_INT(timer_heap_pop(&g)->expires, order[i]);
        CHECK(timer_heap_pop(&g) == NULL);
        xfree(g.elts);
    }

    for ( s_time_t last = 0; h.nr; )
    {
        struct timer *p = timer_heap_pop(&h);

        CHECK(p->expires >= last);
        last = p->expires;
    }
    xfree(h.elts);
}

static void scenario_growth(void)
{
    enum { N = 20000 };
    static struct timer t[N];
    struct timer_heap h;
    unsigned int sizes_seen = 0, last_size = 0;

    setup();
    timer_heap_init(&h);
    /* Descending expiries: every insert sifts all the way up. */
    for ( unsigned int i = 0; i < N; i++ )
    {
        t[i].expires = N - i;
        if ( !CHECK(timer_heap_add(&h, &t[i]) == 0) )
            break;
        if ( h.size != last_size )
        {
            sizes_seen++;
            last_size = h.size;
        }
    }
    CHECK_UINT(h.nr, N);
    CHECK(h.size > N);
    CHECK(sizes_seen > 5);
    CHECK(heap_ok(&h));

    for ( unsigned int i = 0; i < N; i++ )
    {
        struct timer *p = timer_heap_pop(&h);

        if ( !CHECK(p == &t[N - 1 - i]) )
            break;
    }
    CHECK(timer_heap_pop(&h) == NULL);
    xfree(h.elts);
}

static void scenario_out_of_memory(void)
{
    struct timer_heap h;
    struct timer t = { .expires = 1 };
    unsigned long pages = 0;

    setup();
    /* Use up the whole heap, so the first growth cannot succeed. */
    while ( alloc_heap_pages(0, 0) )
        pages++;
    CHECK(pages > 0);

    timer_heap_init(&h);
    CHECK_INT(timer_heap_add(&h, &t), -ENOMEM);
    CHECK_UINT(t.heap_index, 0);
    CHECK_UINT(h.nr, 0);
    CHECK(timer_heap_peek(&h) == NULL);
}

static void scenario_bugs(void)
{
    struct timer_heap h, other;
    struct timer a = { .expires = 1 }, b = { .expires = 2 };
    struct timer c = { .expires = 3 };

    setup();
    timer_heap_init(&h);
    timer_heap_init(&other);

    /* Not in any heap. */
    EXPECT_BUG(timer_heap_remove(&h, &a));

    CHECK_INT(timer_heap_add(&h, &a), 0);
    CHECK_INT(timer_heap_add(&h, &b), 0);
    CHECK_INT(timer_heap_add(&other, &c), 0);

    /* Already queued, here or elsewhere. */
    EXPECT_BUG(timer_heap_add(&h, &a));
    EXPECT_BUG(timer_heap_add(&other, &b));
    /* In another heap, whether or not that index exists in this one. */
    EXPECT_BUG(timer_heap_remove(&other, &b));
    EXPECT_BUG(timer_heap_remove(&h, &c));
    /* A stale index beyond the end. */
    {
        struct timer fake = { .expires = 0, .heap_index = 7 };

        EXPECT_BUG(timer_heap_remove(&h, &fake));
    }

    CHECK(heap_ok(&h) && heap_ok(&other));
    CHECK(timer_heap_pop(&h) == &a);
    CHECK(timer_heap_pop(&h) == &b);
    CHECK(timer_heap_pop(&other) == &c);
    xfree(h.elts);
    xfree(other.elts);
}

int main(void)
{
    h_run("empty", scenario_empty);
    h_run("random_against_reference", scenario_random_against_reference);
    h_run("remove_middle", scenario_remove_middle);
    h_run("growth", scenario_growth);
    h_run("out_of_memory", scenario_out_of_memory);
    h_run("bugs", scenario_bugs);
    return h_finish("timer_heap");
}
