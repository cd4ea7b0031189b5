/*
 * The emulated Intel 8254 PIT of an HVM domain (ports 0x40-0x43) and the
 * NMI status and control port 0x61 (channel 2's gate, the speaker bit and
 * channel 2's OUT), counting at 1.193182 MHz from Keel's system time.
 * Channel 0's OUT raises ISA IRQ 0 (IO-APIC pin 2).
 */
#ifndef ASM_HVM_VPIT_H
#define ASM_HVM_VPIT_H

#include <keel/types.h>
#include <keel/spinlock.h>
#include <keel/timer_heap.h>

#define VPIT_HZ        1193182
#define VPIT_CHANNELS  3

struct hvm_pit_channel {
    uint8_t ctrl;                   /* bits 5:0 of the control word: RW, mode, BCD */
    uint8_t mode;                   /* 0-5 (6 and 7 are 2 and 3) */
    uint32_t cr;                    /* the count as written, 1..modulus (0 is the modulus) */
    uint32_t n;                     /* the count of the cycle that runs */
    uint32_t next_n;                /* modes 2/3: written while counting, from switch_tick */
    uint64_t switch_tick;
    bool loaded;                    /* a count was written since the control word */
    bool running;                   /* counting now (modes 1/5: triggered by the gate) */
    uint64_t start;                 /* PIT tick at which the cycle began (running) */
    uint64_t frozen;                /* ticks of the cycle gone while not running */
    uint32_t stale;                 /* the count shown before a count is loaded */
    bool null_count;                /* status bit 6: the count written is not in use yet */
    bool write_msb;                 /* lo/hi access: the next write is the MSB */
    uint8_t write_lsb;
    bool read_msb;                  /* lo/hi access: the next read is the MSB */
    uint8_t latch_left;             /* bytes of the latched count still to be read */
    uint16_t latched;
    bool status_latched;
    uint8_t status;
};

struct hvm_pit {
    spinlock_t lock;
    struct hvm_pit_channel ch[VPIT_CHANNELS];
    uint8_t port61;                 /* bits 3:0 as written (bit 0: channel 2's gate) */
    bool refresh;                   /* bit 4: toggles on every read */
    struct timer timer;             /* channel 0's next OUT rising edge */
    bool timer_initialised, dying;
    bool irq_armed;
    s_time_t irq_due;               /* when the armed edge is due (ns) */
    uint64_t irq_tick;              /* ... in PIT ticks */
    s_time_t last_irq;              /* the floor counts from the last tick */
    bool warned_period;
    unsigned long nr_irqs;
};

struct domain;

void vpit_init(struct domain *d);
/* Stops channel 0's interrupts for good (the domain is dying). */
void vpit_dying(struct domain *d);
/* Any access touching ports 0x40-0x43 or 0x61, byte by byte as the ISA bus does. */
void vpit_io(struct domain *d, uint16_t port, unsigned int bytes, bool in, uint32_t *val);
bool vpit_claims(uint16_t port, unsigned int bytes);

#endif /* ASM_HVM_VPIT_H */
