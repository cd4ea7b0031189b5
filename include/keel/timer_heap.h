/*
 * Min-heap of timers ordered by expiry: the data structure under the
 * per-CPU timer queues.  No locking here; the caller holds the per-CPU
 * timer lock.
 */
#ifndef KEEL_TIMER_HEAP_H
#define KEEL_TIMER_HEAP_H

#include <keel/types.h>

#define TIMER_STATUS_inactive 0     /* not queued */
#define TIMER_STATUS_in_heap  1     /* queued on its CPU's heap */
#define TIMER_STATUS_killed   2     /* may never be set again */

struct timer {
    s_time_t expires;               /* absolute system time, ns */
    void (*function)(void *data);
    void *data;
    unsigned int cpu;
    unsigned int heap_index;        /* 1-based position in the heap, 0 = none */
    uint8_t status;                 /* TIMER_STATUS_* (owned by timer.c) */
    unsigned int pass;              /* the softirq pass that last ran it (timer.c) */
};

/* elts[1..nr] hold the heap; elts[0] is unused, so i has children 2i, 2i+1. */
struct timer_heap {
    struct timer **elts;
    unsigned int nr;
    unsigned int size;              /* slots in elts, elts[0] included */
};

void timer_heap_init(struct timer_heap *h);
/* 0 or -ENOMEM; t must not be in any heap (BUG otherwise). */
int timer_heap_add(struct timer_heap *h, struct timer *t);
/* t must be in h (BUG otherwise). */
void timer_heap_remove(struct timer_heap *h, struct timer *t);
/* The earliest timer, or NULL when empty. */
struct timer *timer_heap_peek(const struct timer_heap *h);
/* Remove and return the earliest timer, or NULL when empty. */
struct timer *timer_heap_pop(struct timer_heap *h);

#endif /* KEEL_TIMER_HEAP_H */
