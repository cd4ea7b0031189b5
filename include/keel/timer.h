/* Per-CPU software timers driven by the one-shot LAPIC timer. */
#ifndef KEEL_TIMER_H
#define KEEL_TIMER_H

#include <keel/types.h>
#include <keel/timer_heap.h>

void init_timer(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu);
/* (Re)arm t to call its function on its CPU at absolute time `expires`. */
void set_timer(struct timer *t, s_time_t expires);
void stop_timer(struct timer *t);
/* Stop t for good; a killed timer must not be set again. */
void kill_timer(struct timer *t);
bool timer_is_active(const struct timer *t);
void timers_init(void);
/* Boot self-test: every online CPU's timer ticks there (common/timer_selftest.c). */
void timer_selftest(void);

/* Arch: make this CPU's timer interrupt fire at `deadline` (0: never). */
void reprogram_timer(s_time_t deadline);
/* Arch: the timer interrupt arrived; run the expired timers. */
void timer_interrupt_action(void);

#endif /* KEEL_TIMER_H */
