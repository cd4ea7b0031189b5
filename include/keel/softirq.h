/* Softirqs: deferred work run by a CPU outside interrupt context. */
#ifndef KEEL_SOFTIRQ_H
#define KEEL_SOFTIRQ_H

#include <keel/types.h>

enum softirq_nr {
    TIMER_SOFTIRQ,
    SCHEDULE_SOFTIRQ,
    CONSOLE_SOFTIRQ,            /* drain the serial transmit queue */
    NR_SOFTIRQS
};

typedef void (*softirq_handler)(void);

void open_softirq(enum softirq_nr nr, softirq_handler handler);
void raise_softirq(enum softirq_nr nr);                 /* on this CPU */
void cpu_raise_softirq(unsigned int cpu, enum softirq_nr nr);
bool softirq_pending(unsigned int cpu);
void do_softirq(void);

#endif /* KEEL_SOFTIRQ_H */
