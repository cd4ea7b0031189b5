/*
 * Binary min-heap of timers keyed on expires.  Each timer remembers its
 * slot in heap_index, which makes removal of any timer O(log n) instead of
 * a search.
 */
#include <keel/lib.h>
#include <keel/timer_heap.h>
#include <keel/xmalloc.h>
#include <public/errno.h>

#define INITIAL_SLOTS 16

void timer_heap_init(struct timer_heap *h)
{
    h->elts = NULL;
    h->nr = 0;
    h->size = 0;
}

static void place(struct timer_heap *h, unsigned int i, struct timer *t)
{
    h->elts[i] = t;
    t->heap_index = i;
}

/* Move t towards the root from slot i until its parent expires no later. */
static void sift_up(struct timer_heap *h, unsigned int i, struct timer *t)
{
    while ( i > 1 && h->elts[i / 2]->expires > t->expires )
    {
        place(h, i, h->elts[i / 2]);
        i /= 2;
    }
    place(h, i, t);
}

/* Move t towards the leaves from slot i until no child expires earlier. */
static void sift_down(struct timer_heap *h, unsigned int i, struct timer *t)
{
    unsigned int child;

    while ( (child = 2 * i) <= h->nr )
    {
        if ( child < h->nr &&
             h->elts[child + 1]->expires < h->elts[child]->expires )
            child++;
        if ( h->elts[child]->expires >= t->expires )
            break;
        place(h, i, h->elts[child]);
        i = child;
    }
    place(h, i, t);
}

static int grow(struct timer_heap *h)
{
    unsigned int size = h->size ? h->size * 2 : INITIAL_SLOTS;
    struct timer **elts;

    if ( size <= h->size )
        return -ENOMEM;

    elts = xmalloc_array(struct timer *, size);
    if ( !elts )
        return -ENOMEM;

    if ( h->elts )
        memcpy(elts, h->elts, (h->nr + 1) * sizeof(*elts));
    xfree(h->elts);
    h->elts = elts;
    h->size = size;

    return 0;
}

int timer_heap_add(struct timer_heap *h, struct timer *t)
{
    BUG_ON(t->heap_index);

    if ( h->nr + 1 >= h->size && grow(h) )
        return -ENOMEM;

    sift_up(h, ++h->nr, t);
    return 0;
}

void timer_heap_remove(struct timer_heap *h, struct timer *t)
{
    unsigned int i = t->heap_index;
    struct timer *last;

    BUG_ON(!i || i > h->nr || h->elts[i] != t);

    t->heap_index = 0;
    last = h->elts[h->nr--];
    if ( last == t )
        return;

    /* The last timer fills the hole; it may belong above or below it. */
    if ( i > 1 && h->elts[i / 2]->expires > last->expires )
        sift_up(h, i, last);
    else
        sift_down(h, i, last);
}

struct timer *timer_heap_peek(const struct timer_heap *h)
{
    return h->nr ? h->elts[1] : NULL;
}

struct timer *timer_heap_pop(struct timer_heap *h)
{
    struct timer *t = timer_heap_peek(h);

    if ( t )
        timer_heap_remove(h, t);

    return t;
}
