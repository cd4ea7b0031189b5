/*
 * Boot self-test of the timer path on every online CPU: each CPU gets a
 * timer that re-arms itself until it has fired TICKS times, and each tick
 * must arrive on the CPU the timer belongs to and not before its deadline.
 */
#include <keel/lib.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <keel/smp.h>
#include <keel/softirq.h>
#include <keel/time.h>
#include <keel/timer.h>

#define TICKS        5
#define TICK_PERIOD  MILLISECS(10)

struct tick_state {
    struct timer timer;
    unsigned int ticks;
    unsigned int wrong_cpu;
    unsigned int early;
};

static struct tick_state tick_state[NR_CPUS];

static void tick_fn(void *data)
{
    struct tick_state *ts = data;

    if ( smp_processor_id() != ts->timer.cpu )
        ts->wrong_cpu++;
    if ( NOW() < ts->timer.expires - MICROSECS(100) )   /* timer.c may run 50 us early */
        ts->early++;
    if ( ++ts->ticks < TICKS )
        set_timer(&ts->timer, NOW() + TICK_PERIOD);
}

static bool all_done(void)
{
    unsigned int cpu;

    for_each_online_cpu(cpu)
        if ( __atomic_load_n(&tick_state[cpu].ticks, __ATOMIC_SEQ_CST) < TICKS )
            return false;
    return true;
}

void timer_selftest(void)
{
    s_time_t deadline = NOW() + SECONDS(5);
    unsigned int cpu, bad = 0;
    char line[256];
    size_t len = 0;

    for_each_online_cpu(cpu)
    {
        init_timer(&tick_state[cpu].timer, tick_fn, &tick_state[cpu], cpu);
        set_timer(&tick_state[cpu].timer, NOW() + TICK_PERIOD);
    }
    /* This CPU's own ticks need its softirqs run while it waits. */
    while ( !all_done() && NOW() < deadline )
        do_softirq();
    for_each_online_cpu(cpu)
    {
        const struct tick_state *ts = &tick_state[cpu];

        kill_timer(&tick_state[cpu].timer);
        len += scnprintf(line + len, sizeof(line) - len, " CPU%u:%u", cpu, ts->ticks);
        if ( ts->ticks != TICKS || ts->wrong_cpu || ts->early )
        {
            bad++;
            printk(KLOG_ERR "Timer self-test: CPU%u had %u of %u ticks, %u on a "
                   "wrong CPU, %u early\n", cpu, ts->ticks, TICKS, ts->wrong_cpu,
                   ts->early);
        }
    }
    if ( bad )
        panic("timer self-test failed on %u CPU(s)", bad);
    printk("Timer self-test passed: ticks on all %u CPUs:%s\n",
           num_online_cpus(), line);
}
