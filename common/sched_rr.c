/*
 * Round-robin scheduler: one FIFO run queue per CPU and a fixed 10 ms
 * slice.  The stand-in until the credit scheduler lands behind the same
 * struct scheduler hooks.
 */
#include <keel/lib.h>
#include <keel/sched.h>
#include <keel/smp.h>
#include <keel/spinlock.h>
#include <keel/xmalloc.h>

#define RR_SLICE MILLISECS(10)

struct rr_vcpu {
    struct vcpu *vcpu;
    struct rr_vcpu *next;            /* run queue link */
    bool queued;
};

struct rr_runq {
    spinlock_t lock;
    struct rr_vcpu *head, *tail;
};

static struct rr_runq runqs[NR_CPUS];

static struct rr_vcpu *rr_priv(const struct vcpu *v)
{
    return v->sched_priv;
}

static void runq_append(struct rr_runq *rq, struct rr_vcpu *rv)
{
    if ( rv->queued )
        return;
    rv->next = NULL;
    if ( rq->tail )
        rq->tail->next = rv;
    else
        rq->head = rv;
    rq->tail = rv;
    rv->queued = true;
}

static void runq_unlink(struct rr_runq *rq, struct rr_vcpu *rv)
{
    struct rr_vcpu **pp = &rq->head, *prev = NULL;

    while ( *pp && *pp != rv )
    {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if ( !*pp )
        return;
    *pp = rv->next;
    if ( rq->tail == rv )
        rq->tail = prev;
    rv->queued = false;
}

static int rr_init(void)
{
    for ( unsigned int cpu = 0; cpu < NR_CPUS; cpu++ )
        spin_lock_init(&runqs[cpu].lock);
    return 0;
}

static void *rr_alloc_vdata(struct vcpu *v)
{
    struct rr_vcpu *rv = xzalloc(struct rr_vcpu);

    if ( rv )
        rv->vcpu = v;
    return rv;
}

static void rr_free_vdata(struct vcpu *v)
{
    xfree(v->sched_priv);
}

static void rr_wake(struct vcpu *v)
{
    struct rr_runq *rq = &runqs[v->processor];
    unsigned long flags;

    /*
     * Queue it even if it still looks like running: its CPU may be between
     * choosing idle and marking it off the CPU, and the wake must not be
     * lost.  do_schedule() picks a queued current vCPU like any other.
     */
    spin_lock_irqsave(&rq->lock, flags);
    if ( v->runnable )
        runq_append(rq, rr_priv(v));
    spin_unlock_irqrestore(&rq->lock, flags);
}

static void rr_sleep(struct vcpu *v)
{
    struct rr_runq *rq = &runqs[v->processor];
    unsigned long flags;

    spin_lock_irqsave(&rq->lock, flags);
    runq_unlink(rq, rr_priv(v));
    spin_unlock_irqrestore(&rq->lock, flags);
}

static void rr_yield(struct vcpu *v)
{
    (void)v;       /* the running vCPU goes to the back in do_schedule anyway */
}

static struct task_slice rr_do_schedule(unsigned int cpu, s_time_t now)
{
    struct rr_runq *rq = &runqs[cpu];
    struct vcpu *prev = current;
    struct rr_vcpu *next;
    unsigned long flags;

    (void)now;
    spin_lock_irqsave(&rq->lock, flags);
    /* The running vCPU, if it still wants the CPU, queues behind the others. */
    if ( !is_idle_vcpu(prev) && prev->runnable )
        runq_append(rq, rr_priv(prev));
    next = rq->head;
    if ( next )
        runq_unlink(rq, next);
    spin_unlock_irqrestore(&rq->lock, flags);
    if ( !next )
        return (struct task_slice){ idle_vcpu_of(cpu), -1 };
    return (struct task_slice){ next->vcpu, RR_SLICE };
}

const struct scheduler sched_rr_def = {
    .name = "Round-robin scheduler",
    .opt_name = "rr",
    .init = rr_init,
    .alloc_vdata = rr_alloc_vdata,
    .free_vdata = rr_free_vdata,
    .insert_vcpu = rr_wake,
    .remove_vcpu = rr_sleep,
    .wake = rr_wake,
    .sleep = rr_sleep,
    .yield = rr_yield,
    .do_schedule = rr_do_schedule,
};
