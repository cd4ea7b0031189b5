/*
 * common/timer.c: expired timers run from the softirq in expiry order, and
 * a pass over the heap is bounded: a handler that keeps re-arming its timer
 * in the past (a 1 ns period that never catches up with the clock, the
 * vLAPIC hang of issue 8) runs once per pass, the hardware timer is set
 * TIMER_SLOP (50 us) ahead for the next pass, other due timers still run
 * in that pass, and setting a timer from a handler does not restart the
 * pass through TIMER_SOFTIRQ.  The clock, the
 * hardware timer and the softirq layer are the test's own.
 */
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/softirq.h>
#include <keel/time.h>
#include <keel/timer.h>

#include "harness.h"
#include "host_mm.h"

#define FRAMES 256

unsigned int unit_cpu;
static s_time_t fake_now;
static s_time_t programmed;
static unsigned int nr_programmed, nr_raised;
static softirq_handler timer_action;

s_time_t get_s_time(void)
{
    fake_now += 100;                        /* every look at the clock costs 100 ns */
    return fake_now;
}

void reprogram_timer(s_time_t deadline)
{
    programmed = deadline;
    nr_programmed++;
}

void open_softirq(enum softirq_nr nr, softirq_handler handler)
{
    if ( nr == TIMER_SOFTIRQ )
        timer_action = handler;
}

void raise_softirq(enum softirq_nr nr)
{
    nr_raised += nr == TIMER_SOFTIRQ;
}

void cpu_raise_softirq(unsigned int cpu, enum softirq_nr nr)
{
    (void)cpu;
    raise_softirq(nr);
}

void printk(const char *fmt, ...)
{
    (void)fmt;
}

static void setup(void)
{
    host_mm_setup(FRAMES, FRAMES);
    init_heap_pages(mfn_to_page(1), FRAMES - 1);
    timers_init();
    fake_now = MILLISECS(1);
}

static unsigned int order[8], nr_order;

static void note(void *data)
{
    order[nr_order++] = (unsigned int)(unsigned long)data;
}

static void test_order(void)
{
    struct timer a, b, c;

    setup();
    init_timer(&a, note, (void *)1, 0);
    init_timer(&b, note, (void *)2, 0);
    init_timer(&c, note, (void *)3, 0);
    set_timer(&b, fake_now + 2000);
    set_timer(&a, fake_now + 1000);
    set_timer(&c, fake_now + SECONDS(1));
    fake_now += MICROSECS(10);
    timer_action();
    CHECK_UINT(nr_order, 2);
    CHECK_UINT(order[0], 1);
    CHECK_UINT(order[1], 2);
    CHECK(timer_is_active(&c));
    CHECK_INT(programmed, c.expires);
    kill_timer(&c);
}

/* A 1 ns period that re-arms from its last deadline: always in the past. */
static unsigned int runs;

static void tiny_period(void *data)
{
    struct timer *t = data;

    runs++;
    set_timer(t, t->expires + 1);
}

static void test_rearm_in_past(void)
{
    struct timer t;
    unsigned int raised;

    setup();
    init_timer(&t, tiny_period, &t, 0);
    set_timer(&t, fake_now + 1000);
    fake_now += MICROSECS(5);
    raised = nr_raised;
    timer_action();                         /* returns at all: bounded */
    CHECK_UINT(runs, 1);
    CHECK_UINT(nr_raised, raised);          /* no self-restart through the softirq */
    CHECK(timer_is_active(&t));
    CHECK(programmed >= fake_now + MICROSECS(50) - 200);
    /* The next pass (the hardware timer's interrupt) runs it once more. */
    fake_now = programmed;
    timer_action();
    CHECK_UINT(runs, 2);
    CHECK(programmed >= fake_now + MICROSECS(50) - 200);
    kill_timer(&t);
}

/* The storm timer comes first in the heap; a later due timer still runs in the pass. */
static void test_no_starvation(void)
{
    struct timer storm, other;

    setup();
    init_timer(&storm, tiny_period, &storm, 0);
    init_timer(&other, note, (void *)7, 0);
    set_timer(&storm, fake_now + 1000);
    set_timer(&other, fake_now + 3000);
    fake_now += MICROSECS(5);
    timer_action();
    CHECK_UINT(runs, 1);
    CHECK_UINT(nr_order, 1);
    CHECK_UINT(order[0], 7);
    CHECK(!timer_is_active(&other));
    kill_timer(&storm);
}

/* A timer set from another CPU's code path while no pass runs raises the softirq. */
static void test_raise_outside_pass(void)
{
    struct timer t;
    unsigned int raised;

    setup();
    init_timer(&t, note, (void *)1, 0);
    raised = nr_raised;
    set_timer(&t, fake_now + MILLISECS(1));
    CHECK_UINT(nr_raised, raised + 1);
    kill_timer(&t);
}

int main(void)
{
    h_run("expiry order", test_order);
    h_run("a timer re-armed in the past runs once per pass", test_rearm_in_past);
    h_run("a timer re-armed in the past does not starve the others", test_no_starvation);
    h_run("set_timer outside a pass raises the softirq", test_raise_outside_pass);
    return h_finish("test_timer");
}
