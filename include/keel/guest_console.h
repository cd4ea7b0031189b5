/*
 * Guests' console output (console_io writes, the HVM debug port and UART):
 * dom0's goes out in full; every other domain's is budgeted, so that a
 * domain cannot keep the console, and the CPU feeding it, busy.
 */
#ifndef KEEL_GUEST_CONSOLE_H
#define KEEL_GUEST_CONSOLE_H

#include <keel/types.h>
#include <keel/spinlock.h>

struct domain;

/* A token bucket of bytes, in struct domain; all zero = a full bucket soon. */
struct console_budget {
    spinlock_t lock;
    uint64_t tokens;                /* bytes the domain may still write now */
    int64_t refilled_at;            /* s_time_t of the last refill */
    uint64_t dropped;               /* bytes refused since the last report */
    int64_t reported_at;            /* s_time_t of the last report, 0: none yet */
};

/* A new domain's budget: full. */
struct domain;
void guest_console_init(struct domain *d);
/* One line (without its newline) of d's output, budgeted like console_io. */
void guest_console_line(struct domain *d, const char *s, size_t len);

#endif /* KEEL_GUEST_CONSOLE_H */
