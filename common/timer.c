/*
 * Software timers.  Each CPU keeps its timers in a min-heap ordered by
 * expiry; the CPU's hardware timer is always armed for the earliest one.
 * Expired timers run from TIMER_SOFTIRQ with the heap unlocked, so a
 * handler may set its own timer again.
 *
 * A pass over the heap runs the timers due by its start (plus TIMER_SLOP),
 * each at most once: one that its handler re-armed already expired (a
 * guest-chosen period too short, a late tick not caught up in one step)
 * goes behind every other due timer and waits for the next pass, at least
 * TIMER_SLOP away.  So the CPU always leaves the loop, interrupts and the
 * scheduler run, and such a timer cannot starve the other timers.
 */
#include <keel/lib.h>
#include <keel/printk.h>
#include <keel/smp.h>
#include <keel/softirq.h>
#include <keel/spinlock.h>
#include <keel/time.h>
#include <keel/timer.h>

/* A deadline this close counts as expired: not worth an interrupt. */
#define TIMER_SLOP MICROSECS(50)

struct timers {
    spinlock_t lock;
    struct timer_heap heap;
    unsigned int pass;              /* numbers the softirq passes over heap */
    bool in_pass;                   /* the pass reprograms the hardware at its end */
};

static struct timers per_cpu_timers[NR_CPUS];

static struct timers *timers_of(const struct timer *t)
{
    return &per_cpu_timers[t->cpu];
}

void init_timer(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu)
{
    ASSERT(cpu < NR_CPUS);
    memset(t, 0, sizeof(*t));
    t->function = fn;
    t->data = data;
    t->cpu = cpu;
    t->status = TIMER_STATUS_inactive;
}

/* Caller holds the lock.  True if t is now the earliest timer of its CPU. */
static bool add_entry(struct timers *ts, struct timer *t)
{
    if ( timer_heap_add(&ts->heap, t) )
    {
        printk(KLOG_ERR "timer %pS lost: no memory for the timer heap\n",
               (void *)t->function);
        return false;
    }
    t->status = TIMER_STATUS_in_heap;
    return timer_heap_peek(&ts->heap) == t;
}

static void remove_entry(struct timers *ts, struct timer *t)
{
    if ( t->status == TIMER_STATUS_in_heap )
        timer_heap_remove(&ts->heap, t);
    t->status = TIMER_STATUS_inactive;
}

void set_timer(struct timer *t, s_time_t expires)
{
    struct timers *ts = timers_of(t);
    unsigned long flags;
    bool earliest;

    spin_lock_irqsave(&ts->lock, flags);
    ASSERT(t->status != TIMER_STATUS_killed);
    remove_entry(ts, t);
    t->expires = expires;
    earliest = add_entry(ts, t) && !ts->in_pass;
    spin_unlock_irqrestore(&ts->lock, flags);
    /*
     * The new head needs the hardware timer re-armed on its own CPU, unless
     * a pass is under way there: it looks at the heap again before it ends
     * (raising the softirq from a handler would start the next pass at once).
     */
    if ( earliest )
        cpu_raise_softirq(t->cpu, TIMER_SOFTIRQ);
}

void stop_timer(struct timer *t)
{
    struct timers *ts = timers_of(t);
    unsigned long flags;

    spin_lock_irqsave(&ts->lock, flags);
    if ( t->status != TIMER_STATUS_killed )
        remove_entry(ts, t);
    spin_unlock_irqrestore(&ts->lock, flags);
}

void kill_timer(struct timer *t)
{
    struct timers *ts = timers_of(t);
    unsigned long flags;

    spin_lock_irqsave(&ts->lock, flags);
    remove_entry(ts, t);
    t->status = TIMER_STATUS_killed;
    spin_unlock_irqrestore(&ts->lock, flags);
}

bool timer_is_active(const struct timer *t)
{
    return t->status == TIMER_STATUS_in_heap;
}

static void timer_softirq_action(void)
{
    struct timers *ts = &per_cpu_timers[smp_processor_id()];
    struct timer *t;
    unsigned long flags;
    s_time_t cutoff, next;

    spin_lock_irqsave(&ts->lock, flags);
    ts->pass++;
    ts->in_pass = true;
    cutoff = NOW() + TIMER_SLOP;
    while ( (t = timer_heap_peek(&ts->heap)) && t->expires <= cutoff )
    {
        void (*fn)(void *) = t->function;
        void *data = t->data;

        timer_heap_pop(&ts->heap);
        if ( t->pass == ts->pass )
        {
            /* Ran in this pass and due again: behind every other due timer. */
            t->expires = cutoff + 1;
            add_entry(ts, t);
            continue;
        }
        t->status = TIMER_STATUS_inactive;
        t->pass = ts->pass;
        spin_unlock_irqrestore(&ts->lock, flags);
        fn(data);
        spin_lock_irqsave(&ts->lock, flags);
    }
    next = t ? t->expires : 0;
    /* The next pass starts TIMER_SLOP from now at the soonest, if this one ran t. */
    if ( t && t->pass == ts->pass && next < NOW() + TIMER_SLOP )
        next = NOW() + TIMER_SLOP;
    reprogram_timer(next);
    ts->in_pass = false;
    spin_unlock_irqrestore(&ts->lock, flags);
}

void timer_interrupt_action(void)
{
    raise_softirq(TIMER_SOFTIRQ);
}

void timers_init(void)
{
    for ( unsigned int cpu = 0; cpu < NR_CPUS; cpu++ )
    {
        spin_lock_init(&per_cpu_timers[cpu].lock);
        timer_heap_init(&per_cpu_timers[cpu].heap);
    }
    open_softirq(TIMER_SOFTIRQ, timer_softirq_action);
}
