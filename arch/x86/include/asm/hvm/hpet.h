/*
 * The emulated HPET of an HVM domain: one block of three 64-bit
 * comparators at 0xfed00000, a 100 MHz main counter from Keel's system
 * time, no legacy replacement route, comparator interrupts on IO-APIC
 * pins 20-23.
 */
#ifndef ASM_HVM_HPET_H
#define ASM_HVM_HPET_H

#include <keel/types.h>
#include <keel/acpi_tables.h>
#include <keel/spinlock.h>
#include <keel/timer_heap.h>

#define HPET_BASE       ACPI_HPET_BASE      /* where the HPET table says */
#define HPET_TIMERS     3
#define HPET_PERIOD_FS  10000000ULL         /* 10 ns: 100 MHz */

struct domain;

struct hvm_hpet_timer {
    struct domain *d;
    unsigned int idx;
    uint64_t config;                /* Tn_CONF bits as kept (capabilities added on read) */
    uint64_t cmp;                   /* the comparator: the next match */
    uint64_t period;                /* periodic mode: what the comparator advances by */
    struct timer timer;
    bool armed;
    s_time_t due;                   /* when the armed match is due (ns) */
    uint64_t match;                 /* ... in counter ticks */
    s_time_t last_fire;             /* the 100 us floor of periodic mode counts from it */
    unsigned int asserted_pin;      /* level line held high on this pin, 0: none */
    bool warned_period;
};

struct hvm_hpet {
    spinlock_t lock;
    uint64_t config;                /* General Configuration: ENABLE_CNF */
    uint64_t isr;                   /* General Interrupt Status (level timers) */
    uint64_t counter;               /* the main counter when halted, or at start */
    s_time_t start;                 /* NOW() when it last started counting */
    struct hvm_hpet_timer t[HPET_TIMERS];
    bool timers_initialised, dying;
};

void hpet_init(struct domain *d);
/* Stops the comparators' timers for good (the domain is dying). */
void hpet_dying(struct domain *d);
/*
 * An access at off in the HPET's page: aligned 4- and 8-byte accesses
 * reach the registers; any other reads all ones and writes nothing.
 */
void hpet_mmio(struct domain *d, unsigned int off, void *buf, unsigned int bytes, bool write);

#endif /* ASM_HVM_HPET_H */
