/*
 * Scheduler core.  Every CPU has an idle vCPU of the idle domain; the
 * active scheduler (chosen by `sched=`) decides which vCPU runs next from
 * SCHEDULE_SOFTIRQ, and a per-CPU timer ends each time slice.
 */
#include <keel/lib.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/smp.h>
#include <keel/softirq.h>
#include <keel/time.h>
#include <keel/timer.h>
#include <asm/processor.h>
#include <public/errno.h>

static const struct scheduler *const schedulers[] = {
    &sched_rr_def,
};

static const struct scheduler *ops;
static struct domain idle_domain = { .domain_id = DOMID_IDLE_KEEL, .max_vcpus = NR_CPUS };
static struct vcpu idle_vcpus[NR_CPUS];
static struct vcpu *idle_vcpu_ptrs[NR_CPUS];
static struct timer slice_timer[NR_CPUS];

struct vcpu *idle_vcpu_of(unsigned int cpu)
{
    return &idle_vcpus[cpu];
}

bool is_idle_vcpu(const struct vcpu *v)
{
    return v->domain == &idle_domain;
}

void sched_kick(unsigned int cpu)
{
    cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
}

static void slice_timer_fn(void *data)
{
    (void)data;
    raise_softirq(SCHEDULE_SOFTIRQ);
}

/* What a vCPU that is not on a CPU is doing (Xen's vcpu_runstate_blocked too). */
static int off_cpu_state(const struct vcpu *v)
{
    if ( v->runnable )
        return RUNSTATE_runnable;
    return v->blocked ? RUNSTATE_blocked : RUNSTATE_offline;
}

static void account_switch(struct vcpu *prev, struct vcpu *next, s_time_t now)
{
    vcpu_runstate_change(prev, is_idle_vcpu(prev) ? RUNSTATE_runnable : off_cpu_state(prev), now);
    prev->is_running = false;
    vcpu_runstate_change(next, RUNSTATE_running, now);
    next->is_running = true;
    vcpu_periodic_timer_switch(prev, next);
}

static void schedule(void)
{
    unsigned int cpu = smp_processor_id();
    struct vcpu *prev = current;
    s_time_t now = NOW();
    struct task_slice next = ops->do_schedule(cpu, now);

    if ( !next.task )
        next.task = idle_vcpu_of(cpu);
    if ( next.time >= 0 )
        set_timer(&slice_timer[cpu], now + next.time);
    else
        stop_timer(&slice_timer[cpu]);
    if ( next.task == prev )
        return;
    account_switch(prev, next.task, now);
    next.task->processor = cpu;
    /* This CPU now caches the domain's translations: remote flushes must reach it. */
    if ( !is_idle_vcpu(next.task) )
        __atomic_fetch_or(&next.task->domain->dirty_cpumask, cpumask_of(cpu),
                          __ATOMIC_SEQ_CST);
    current = next.task;
    arch_context_switch(prev, next.task);
}

int sched_insert_vcpu(struct vcpu *v)
{
    spin_lock_init(&v->runstate_lock);
    v->runstate.state = RUNSTATE_offline;
    v->runstate.state_entry_time = NOW();
    v->sched_priv = ops->alloc_vdata(v);
    if ( !v->sched_priv )
        return -ENOMEM;
    ops->insert_vcpu(v);
    return 0;
}

void sched_remove_vcpu(struct vcpu *v)
{
    ops->remove_vcpu(v);
    ops->free_vdata(v);
    v->sched_priv = NULL;
}

void vcpu_wake(struct vcpu *v)
{
    v->runnable = true;
    if ( v->runstate.state >= RUNSTATE_blocked )
        vcpu_runstate_change(v, RUNSTATE_runnable, NOW());
    ops->wake(v);
    sched_kick(v->processor);
}

void vcpu_sleep(struct vcpu *v)
{
    v->runnable = false;
    if ( v->runstate.state == RUNSTATE_runnable )   /* queued, not on a CPU */
        vcpu_runstate_change(v, off_cpu_state(v), NOW());
    ops->sleep(v);
    sched_kick(v->processor);
}

void vcpu_block(struct vcpu *v)
{
    v->blocked = true;
    vcpu_sleep(v);
}

/* Unconditional: a kick racing vcpu_block() may have found it still runnable. */
void vcpu_unblock(struct vcpu *v)
{
    v->blocked = false;
    vcpu_wake(v);
}

void vcpu_kick(struct vcpu *v)
{
    if ( v->blocked )
        vcpu_unblock(v);
    else
        sched_kick(v->processor);     /* running: make it look at what is pending */
}

void scheduler_init_cpu(unsigned int cpu)
{
    struct vcpu *idle = &idle_vcpus[cpu];

    idle->vcpu_id = cpu;
    idle->processor = cpu;
    idle->domain = &idle_domain;
    idle->is_running = true;
    spin_lock_init(&idle->runstate_lock);
    idle->runstate.state = RUNSTATE_running;
    idle->runstate.state_entry_time = NOW();
    idle_vcpu_ptrs[cpu] = idle;
    init_timer(&slice_timer[cpu], slice_timer_fn, NULL, cpu);
}

static const struct scheduler *find_scheduler(const char *name)
{
    for ( size_t i = 0; i < ARRAY_SIZE(schedulers); i++ )
        if ( !strcmp(schedulers[i]->opt_name, name) )
            return schedulers[i];
    return NULL;
}

void scheduler_init(const char *opt_sched)
{
    ops = opt_sched[0] ? find_scheduler(opt_sched) : NULL;
    if ( !ops )
    {
        if ( opt_sched[0] )
            printk(KLOG_WARNING "Scheduler '%s' is not available, using '%s'\n",
                   opt_sched, schedulers[0]->opt_name);
        ops = schedulers[0];
    }
    idle_domain.vcpu = idle_vcpu_ptrs;
    if ( ops->init && ops->init() )
        panic("scheduler '%s' failed to initialise", ops->opt_name);
    open_softirq(SCHEDULE_SOFTIRQ, schedule);
    printk("Using scheduler: %s (%s)\n", ops->name, ops->opt_name);
}

void idle_loop(void)
{
    unsigned int cpu = smp_processor_id();

    current = idle_vcpu_of(cpu);
    for ( ;; )
    {
        __asm__ __volatile__("cli" ::: "memory");
        if ( softirq_pending(cpu) )
        {
            __asm__ __volatile__("sti" ::: "memory");
            do_softirq();
            continue;
        }
        safe_halt();              /* sti; hlt: an IPI or timer cannot slip by */
    }
}
