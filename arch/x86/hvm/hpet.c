/*
 * Emulated HPET (IA-PC HPET specification 1.0a) of an HVM domain: one
 * block at 0xfed00000 with three comparators.
 *
 *  - General Capabilities: revision 1, NUM_TIM_CAP 2 (three timers),
 *    COUNT_SIZE_CAP (64-bit counter), no LEG_RT_CAP: a guest uses it as a
 *    clocksource (its tick comes from the LAPIC), COUNTER_CLK_PERIOD 10 ns.
 *  - General Configuration: ENABLE_CNF; LEG_RT_CNF reads 0.
 *  - The main counter runs at 100 MHz of Keel's NOW() while enabled and
 *    holds its value while halted; writes set it.
 *  - Timer n: 64-bit (Tn_32MODE_CNF makes it 32-bit), timer 0 periodic
 *    capable, Tn_INT_ROUTE_CAP pins 20-23 of the IO-APIC, no FSB delivery.
 *    A match raises the routed pin if Tn_INT_ENB_CNF is set: an edge, or
 *    (Tn_INT_TYPE_CNF) a level held until its status bit is cleared.
 *    Periodic matches come no faster than HPET_MIN_PERIOD (Xen's floor);
 *    matches taken late advance the comparator past the counter in one
 *    step.  In periodic mode a comparator write sets the period, or with
 *    Tn_VAL_SET_CNF the comparator itself (the bit then clears).
 *
 * Aligned 4- and 8-byte accesses reach the registers (a 4-byte one is half
 * of a 64-bit register); other accesses read all ones and write nothing,
 * and read-only bits and reserved registers ignore writes.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/time.h>
#include <keel/timer.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/hpet.h>
#include <asm/hvm/irq.h>

#define HPET_NS_PER_TICK   10
#define HPET_MIN_PERIOD    MICROSECS(100)
#define HPET_EARLY         MICROSECS(50)     /* Keel's timers may run this early */
#define HPET_VENDOR_ID     0x8086ULL         /* as the HPET table's block ID says */

#define REG_CAP            0x000
#define REG_CONFIG         0x010
#define REG_ISR            0x020
#define REG_COUNTER        0x0f0
#define REG_TIMER(n)       (0x100 + 0x20 * (n))
#define TIMER_CONFIG       0x00
#define TIMER_CMP          0x08
#define TIMER_FSB          0x10

#define CFG_ENABLE         (1ULL << 0)
#define TN_INT_TYPE        (1ULL << 1)
#define TN_INT_ENB         (1ULL << 2)
#define TN_TYPE_PERIODIC   (1ULL << 3)
#define TN_PER_INT_CAP     (1ULL << 4)
#define TN_SIZE_CAP        (1ULL << 5)
#define TN_VAL_SET         (1ULL << 6)
#define TN_32MODE          (1ULL << 8)
#define TN_ROUTE_SHIFT     9
#define TN_ROUTE_MASK      (0x1fULL << TN_ROUTE_SHIFT)
#define TN_ROUTE_CAP       0x00f00000ULL     /* IO-APIC pins 20-23 */

static struct hvm_hpet *hp(struct domain *d)
{
    return &d->arch.hvm.hpet;
}

static uint64_t capabilities(void)
{
    return HPET_PERIOD_FS << 32 | HPET_VENDOR_ID << 16 | 1ULL << 13 |
           (HPET_TIMERS - 1ULL) << 8 | 0x01;
}

static bool enabled(const struct hvm_hpet *h)
{
    return h->config & CFG_ENABLE;
}

static uint64_t counter_at(const struct hvm_hpet *h, s_time_t now)
{
    if ( !enabled(h) )
        return h->counter;
    return h->counter + (uint64_t)(now - h->start) / HPET_NS_PER_TICK;
}

static bool periodic(const struct hvm_hpet_timer *t)
{
    return t->config & TN_TYPE_PERIODIC;
}

static bool is32(const struct hvm_hpet_timer *t)
{
    return t->config & TN_32MODE;
}

static unsigned int route_of(const struct hvm_hpet_timer *t)
{
    return (t->config & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT;
}

static uint64_t timer_caps(unsigned int idx)
{
    return TN_ROUTE_CAP << 32 | TN_SIZE_CAP | (idx == 0 ? TN_PER_INT_CAP : 0);
}

/* The pin a level timer should hold high now, 0 for none. */
static unsigned int wanted_pin(const struct hvm_hpet *h, const struct hvm_hpet_timer *t)
{
    if ( !enabled(h) || !(t->config & TN_INT_TYPE) || !(t->config & TN_INT_ENB) ||
         !(h->isr & (1ULL << t->idx)) )
        return 0;
    return route_of(t);
}

/* Level lines follow the status bits, enables and routes (hpet lock held). */
static void update_line(struct hvm_hpet *h, struct hvm_hpet_timer *t)
{
    unsigned int pin = wanted_pin(h, t);

    if ( pin == t->asserted_pin )
        return;
    if ( t->asserted_pin )
        hvm_gsi_deassert(t->d, t->asserted_pin);
    if ( pin )
        hvm_gsi_assert(t->d, pin);
    t->asserted_pin = pin;
}

/*
 * The first tick >= lo at which the comparator matches: all 64 bits, or
 * the low 32 in 32-bit mode (which match again every 2^32 ticks).
 */
static bool next_match(const struct hvm_hpet_timer *t, uint64_t lo, uint64_t *k)
{
    if ( !is32(t) )
    {
        *k = t->cmp;
        return t->cmp >= lo;
    }
    *k = (lo & ~0xffffffffULL) | (t->cmp & 0xffffffffULL);
    if ( *k < lo )
        *k += 1ULL << 32;
    return true;
}

/* Arm timer t for its first match at or after counter tick lo (hpet lock held). */
static void arm(struct hvm_hpet *h, struct hvm_hpet_timer *t, uint64_t lo, s_time_t now)
{
    uint64_t k, base = counter_at(h, now);
    s_time_t due;

    t->armed = false;
    if ( h->dying || !enabled(h) || !next_match(t, lo, &k) ||
         !(t->config & (TN_INT_ENB | TN_INT_TYPE | TN_TYPE_PERIODIC)) )
    {
        stop_timer(&t->timer);
        return;
    }
    if ( k < base )
        k = base;                         /* lo lags the counter only by a tick or so */
    if ( k - base > (1ULL << 56) )
    {
        stop_timer(&t->timer);            /* centuries away: not worth a timer */
        return;
    }
    due = now + (s_time_t)((k - base) * HPET_NS_PER_TICK);
    if ( periodic(t) && t->last_fire && due < t->last_fire + HPET_MIN_PERIOD )
    {
        if ( !t->warned_period )
            printk(KLOG_WARNING "d%u: HPET timer %u period %lu ticks raised to %lu ns\n",
                   t->d->domain_id, t->idx, (unsigned long)t->period,
                   (unsigned long)HPET_MIN_PERIOD);
        t->warned_period = true;
        due = t->last_fire + HPET_MIN_PERIOD;
    }
    t->armed = true;
    t->match = k;
    t->due = due;
    set_timer(&t->timer, due);
}

static void arm_all(struct hvm_hpet *h, s_time_t now)
{
    uint64_t c = counter_at(h, now);

    for ( unsigned int i = 0; i < HPET_TIMERS; i++ )
    {
        h->t[i].last_fire = 0;
        arm(h, &h->t[i], c, now);
        update_line(h, &h->t[i]);
    }
}

/* Periodic: the comparator moves past the counter in whole periods. */
static void advance(struct hvm_hpet_timer *t, uint64_t counter)
{
    uint64_t mask = is32(t) ? 0xffffffffULL : ~0ULL, p = t->period & mask, behind;

    if ( !p )
        return;                           /* a period of 0 matches once per wrap */
    t->cmp = (t->match + p) & mask;
    behind = (counter - t->match) & mask;
    if ( behind >= p )
        t->cmp = (t->match + (behind / p + 1) * p) & mask;
}

static void timer_fire(void *data)
{
    struct hvm_hpet_timer *t = data;
    struct hvm_hpet *h = hp(t->d);
    s_time_t now = NOW();
    unsigned long flags;
    uint64_t counter;
    unsigned int pin;

    spin_lock_irqsave(&h->lock, flags);
    if ( h->dying || !t->armed )
        goto out;
    if ( now + HPET_EARLY < t->due )
    {
        set_timer(&t->timer, t->due);     /* a stale run: it was reprogrammed */
        goto out;
    }
    counter = counter_at(h, now);
    if ( t->config & TN_INT_TYPE )
        h->isr |= 1ULL << t->idx;
    else if ( (t->config & TN_INT_ENB) && (pin = route_of(t)) )
    {
        hvm_gsi_assert(t->d, pin);        /* one edge */
        hvm_gsi_deassert(t->d, pin);
    }
    update_line(h, t);
    t->last_fire = now > t->due ? now : t->due;
    if ( periodic(t) )
    {
        advance(t, counter);
        arm(h, t, t->cmp == t->match ? t->match + 1 : counter, now);
    }
    else
        arm(h, t, t->match + 1, now);
 out:
    spin_unlock_irqrestore(&h->lock, flags);
}

static uint64_t timer_read(struct hvm_hpet *h, unsigned int n, unsigned int reg)
{
    struct hvm_hpet_timer *t = &h->t[n];

    switch ( reg )
    {
    case TIMER_CONFIG:
        return t->config | timer_caps(n);
    case TIMER_CMP:
        return is32(t) ? t->cmp & 0xffffffffULL : t->cmp;
    }
    return 0;                             /* FSB route: no FSB delivery */
}

static uint64_t reg_read(struct hvm_hpet *h, unsigned int off, s_time_t now)
{
    switch ( off )
    {
    case REG_CAP:
        return capabilities();
    case REG_CONFIG:
        return h->config;
    case REG_ISR:
        return h->isr;
    case REG_COUNTER:
        return counter_at(h, now);
    }
    if ( off >= REG_TIMER(0) && off < REG_TIMER(HPET_TIMERS) )
        return timer_read(h, (off - REG_TIMER(0)) / 0x20, (off - REG_TIMER(0)) % 0x20);
    return 0;                             /* reserved */
}

static uint64_t merge(uint64_t old, uint64_t val, uint64_t mask)
{
    return (old & ~mask) | (val & mask);
}

static void timer_config_write(struct hvm_hpet *h, struct hvm_hpet_timer *t, uint64_t v,
                               s_time_t now)
{
    uint64_t rw = TN_INT_TYPE | TN_INT_ENB | TN_32MODE;
    unsigned int route = (v & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT;

    if ( t->idx == 0 )
        rw |= TN_TYPE_PERIODIC | TN_VAL_SET;
    /* A route the timer cannot take is not kept: reading back shows it. */
    if ( route == 0 || (TN_ROUTE_CAP & (1ULL << route)) )
        rw |= TN_ROUTE_MASK;
    t->config = merge(t->config, v, rw);
    if ( is32(t) )
    {
        t->cmp &= 0xffffffffULL;
        t->period &= 0xffffffffULL;
    }
    if ( !(t->config & TN_INT_TYPE) )
        h->isr &= ~(1ULL << t->idx);      /* the status bit is a level timer's */
    t->last_fire = 0;
    arm(h, t, counter_at(h, now), now);
    update_line(h, t);
}

static void timer_cmp_write(struct hvm_hpet *h, struct hvm_hpet_timer *t, uint64_t v,
                            uint64_t mask, s_time_t now)
{
    if ( is32(t) )
        mask &= 0xffffffffULL;
    if ( periodic(t) && !(t->config & TN_VAL_SET) )
        t->period = merge(t->period, v, mask);
    else
    {
        t->cmp = merge(t->cmp, v, mask);
        t->period = merge(t->period, v, mask);
    }
    t->config &= ~TN_VAL_SET;
    t->last_fire = 0;
    arm(h, t, counter_at(h, now), now);
}

static void reg_write(struct hvm_hpet *h, unsigned int off, uint64_t v, uint64_t mask,
                      s_time_t now)
{
    unsigned int n = (off - REG_TIMER(0)) / 0x20;

    switch ( off )
    {
    case REG_CONFIG:
        if ( (mask & CFG_ENABLE) && ((v ^ h->config) & CFG_ENABLE) )
        {
            /* Halting keeps the count; starting counts on from it. */
            h->counter = counter_at(h, now);
            h->start = now;
            h->config ^= CFG_ENABLE;
            arm_all(h, now);
        }
        return;                           /* LEG_RT_CNF: no legacy route to offer */
    case REG_ISR:
        h->isr &= ~(v & mask);
        for ( unsigned int i = 0; i < HPET_TIMERS; i++ )
            update_line(h, &h->t[i]);
        return;
    case REG_COUNTER:
        h->counter = merge(counter_at(h, now), v, mask);
        h->start = now;
        arm_all(h, now);
        return;
    }
    if ( off < REG_TIMER(0) || off >= REG_TIMER(HPET_TIMERS) )
        return;                           /* capabilities, reserved: read-only */
    if ( off % 0x20 == TIMER_CONFIG )
        timer_config_write(h, &h->t[n], merge(h->t[n].config, v, mask), now);
    else if ( off % 0x20 == TIMER_CMP )
        timer_cmp_write(h, &h->t[n], v, mask, now);
}

void hpet_mmio(struct domain *d, unsigned int off, void *buf, unsigned int bytes, bool write)
{
    struct hvm_hpet *h = hp(d);
    unsigned int shift = (off & 4) * 8;
    uint64_t v = 0, mask;
    unsigned long flags;
    s_time_t now;

    if ( !(bytes == 8 && !(off & 7)) && !(bytes == 4 && !(off & 3)) )
    {
        if ( !write )
            memset(buf, 0xff, bytes);     /* not a register access */
        return;
    }
    mask = bytes == 8 ? ~0ULL : 0xffffffffULL << shift;
    if ( write )
    {
        memcpy(&v, buf, bytes);
        v <<= bytes == 8 ? 0 : shift;
    }
    off &= 0xff8;
    spin_lock_irqsave(&h->lock, flags);
    now = NOW();
    if ( write )
        reg_write(h, off, v, mask, now);
    else
        v = reg_read(h, off, now);
    spin_unlock_irqrestore(&h->lock, flags);
    if ( !write )
    {
        v = (v & mask) >> (bytes == 8 ? 0 : shift);
        memcpy(buf, &v, bytes);
    }
}

void hpet_init(struct domain *d)
{
    struct hvm_hpet *h = hp(d);

    memset(h, 0, sizeof(*h));
    spin_lock_init(&h->lock);
    for ( unsigned int i = 0; i < HPET_TIMERS; i++ )
    {
        struct hvm_hpet_timer *t = &h->t[i];

        t->d = d;
        t->idx = i;
        t->cmp = t->period = ~0ULL;       /* a reset comparator: all ones */
        init_timer(&t->timer, timer_fire, t, 0);
    }
    h->timers_initialised = true;
}

void hpet_dying(struct domain *d)
{
    struct hvm_hpet *h = hp(d);
    unsigned long flags;

    if ( !h->timers_initialised )
        return;
    spin_lock_irqsave(&h->lock, flags);
    h->dying = true;                      /* a handler running now re-arms nothing */
    for ( unsigned int i = 0; i < HPET_TIMERS; i++ )
    {
        h->t[i].armed = false;
        kill_timer(&h->t[i].timer);
    }
    spin_unlock_irqrestore(&h->lock, flags);
}
