/*
 * Emulated Intel 8254 PIT (ports 0x40-0x43) and port 0x61 of an HVM domain.
 *
 * Nothing ticks: each channel keeps the PIT tick (1.193182 MHz of Keel's
 * NOW()) at which its cycle began, and its count and OUT are computed
 * from the ticks gone since, per the 8254 data sheet's mode rules:
 *  0  interrupt on terminal count: OUT low from the control word, high
 *     once the count reaches 0; the first byte of a lo/hi count stops it;
 *  1  retriggerable one-shot: a gate rising edge loads the count, OUT low
 *     until it runs out;
 *  2  rate generator: OUT low for the tick at count 1, reload every N;
 *  3  square wave: OUT high for (N+1)/2 ticks, low for N/2, count by 2;
 *  4  software strobe: OUT low for the tick at count 0;
 *  5  hardware strobe: mode 4 started by a gate rising edge.
 * The gate pauses modes 0 and 4, stops modes 2 and 3 (OUT high, a rising
 * edge reloads) and triggers modes 1 and 5.  Channels 0 and 1 have their
 * gate tied high; channel 2's is port 0x61 bit 0.  A count written to a
 * counting channel in mode 2 or 3 takes over at the end of the period.
 *
 * Channel 0's OUT rising edges raise ISA IRQ 0 from a Keel timer: every
 * period in modes 2 and 3 (no faster than VPIT_MIN_PERIOD, Xen's vpt
 * floor; ticks taken late are skipped in one step), once at terminal
 * count in modes 0 and 4.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/printk.h>
#include <keel/time.h>
#include <keel/timer.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/irq.h>
#include <asm/hvm/vpit.h>

#define PIT_PORT_CH0    0x40
#define PIT_PORT_CTRL   0x43
#define PIT_PORT_61     0x61
#define VPIT_MIN_PERIOD MICROSECS(100)
/* Keel's timers may run a little before their deadline (TIMER_SLOP). */
#define VPIT_EARLY      MICROSECS(50)

#define RW_LATCH        0
#define RW_LSB          1
#define RW_MSB          2
#define RW_LOHI         3
#define CTRL_BCD        0x01
#define P61_GATE2       0x01
#define P61_WRITABLE    0x0f
#define P61_REFRESH     0x10
#define P61_OUT2        0x20

static struct hvm_pit *vpit(struct domain *d)
{
    return &d->arch.hvm.pit;
}

/* x * mul / div without overflow for the x Keel's clock gives (mul, div <= 2^32). */
static uint64_t scale(uint64_t x, uint64_t mul, uint64_t div)
{
    return (x / div) * mul + (x % div) * mul / div;
}

static uint64_t ns_to_tick(s_time_t ns)
{
    return scale(ns, VPIT_HZ, NSEC_PER_SEC);
}

/* The first nanosecond at which tick has begun. */
static s_time_t tick_to_ns(uint64_t tick)
{
    return scale(tick, NSEC_PER_SEC, VPIT_HZ) + 1;
}

static unsigned int rw_of(const struct hvm_pit_channel *c)
{
    return (c->ctrl >> 4) & 3;
}

static uint32_t modulus(const struct hvm_pit_channel *c)
{
    return c->ctrl & CTRL_BCD ? 10000 : 0x10000;
}

static bool gate(const struct hvm_pit *p, unsigned int ch)
{
    return ch < 2 || (p->port61 & P61_GATE2);
}

static uint64_t elapsed(const struct hvm_pit_channel *c, uint64_t now)
{
    return c->running ? now - c->start : c->frozen;
}

/* Modes 2 and 3: a count written while counting takes over at its period's end. */
static void sync(struct hvm_pit_channel *c, uint64_t now)
{
    if ( !c->next_n || !c->running || now < c->switch_tick )
        return;
    c->start = c->switch_tick;
    c->n = c->next_n;
    c->next_n = 0;
    c->null_count = false;
}

static uint32_t count_of(const struct hvm_pit_channel *c, uint64_t now)
{
    uint64_t e = elapsed(c, now), m = modulus(c), p;

    if ( !c->loaded || ((c->mode == 1 || c->mode == 5) && !c->running && !c->frozen) )
        return c->stale;
    switch ( c->mode )
    {
    case 2:
        return (c->n - e % c->n) % m;
    case 3:
        p = e % c->n;
        if ( p >= (c->n + 1) / 2 )
            p -= (c->n + 1) / 2;
        return ((c->n & ~1u) - 2 * p) % m;
    default:                              /* 0, 1, 4, 5: down through 0 and on */
        return (c->n + m - e % m) % m;
    }
}

static bool out_of(const struct hvm_pit_channel *c, uint64_t now)
{
    uint64_t e = elapsed(c, now);

    switch ( c->mode )
    {
    case 0:
        return c->loaded && e >= c->n;
    case 1:
        return !c->running || e >= c->n;
    case 2:
        return !c->running || e % c->n != c->n - 1u;
    case 3:
        return !c->running || e % c->n < (c->n + 1) / 2;
    case 4:
        return !c->loaded || e != c->n;
    default:                              /* 5 */
        return !c->running || e != c->n;
    }
}

static uint16_t to_bcd(uint32_t v)
{
    return (v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10;
}

/* Digits above 9 make no decimal count: the result stays below 10000 anyway. */
static uint32_t from_bcd(uint16_t v)
{
    return (((v >> 12) & 0xf) * 1000 + ((v >> 8) & 0xf) * 100 + ((v >> 4) & 0xf) * 10 +
            (v & 0xf)) % 10000;
}

/*
 * Channel 0's next OUT rising edge, armed on the timer (pit lock held).
 * from: the edges up to this tick have been delivered.
 */
static void arm_irq(struct domain *d, uint64_t now, uint64_t from)
{
    struct hvm_pit *p = vpit(d);
    struct hvm_pit_channel *c = &p->ch[0];
    uint64_t base = from > now ? from : now, edge;
    s_time_t due;

    p->irq_armed = false;
    if ( p->dying || !c->loaded || !c->running )
    {
        stop_timer(&p->timer);
        return;
    }
    if ( c->mode == 0 || c->mode == 4 )
    {
        edge = c->start + c->n;
        if ( edge <= from )
        {
            stop_timer(&p->timer);        /* terminal count already signalled */
            return;
        }
    }
    else if ( c->mode == 2 || c->mode == 3 )
    {
        if ( c->next_n && c->switch_tick > base )
            edge = c->switch_tick;
        else
            edge = c->start + ((base - c->start) / c->n + 1) * c->n;
    }
    else
    {
        stop_timer(&p->timer);            /* 1, 5: the gate of channel 0 never rises */
        return;
    }
    due = tick_to_ns(edge);
    if ( (c->mode == 2 || c->mode == 3) && p->last_irq &&
         due < p->last_irq + VPIT_MIN_PERIOD )
    {
        if ( !p->warned_period )
            printk(KLOG_WARNING "d%u: PIT channel 0 period of %u ticks raised to %lu ns\n",
                   d->domain_id, c->n, (unsigned long)VPIT_MIN_PERIOD);
        p->warned_period = true;
        due = p->last_irq + VPIT_MIN_PERIOD;
    }
    p->irq_armed = true;
    p->irq_due = due;
    p->irq_tick = edge;
    set_timer(&p->timer, due);
}

static void irq_fire(void *data)
{
    struct domain *d = data;
    struct hvm_pit *p = vpit(d);
    unsigned long flags;
    s_time_t now = NOW();
    bool pulse = false;

    spin_lock_irqsave(&p->lock, flags);
    if ( p->dying || !p->irq_armed )
        goto out;
    if ( now + VPIT_EARLY < p->irq_due )
    {
        set_timer(&p->timer, p->irq_due); /* a stale run: the channel was reprogrammed */
        goto out;
    }
    /* Early by a little: the edge's own tick, so a count switching there is used. */
    sync(&p->ch[0], ns_to_tick(now) > p->irq_tick ? ns_to_tick(now) : p->irq_tick);
    pulse = true;
    p->nr_irqs++;
    p->last_irq = now > p->irq_due ? now : p->irq_due;
    arm_irq(d, ns_to_tick(p->last_irq), p->irq_tick);
 out:
    spin_unlock_irqrestore(&p->lock, flags);
    if ( pulse )
        hvm_isa_irq_pulse(d, 0);
}

static void control_word(struct domain *d, uint8_t val, uint64_t now)
{
    struct hvm_pit *p = vpit(d);
    unsigned int ch = val >> 6;
    struct hvm_pit_channel *c;

    if ( ch == 3 )
    {
        /* Read-back: bit 5 clear latches the counts, bit 4 clear the statuses. */
        for ( ch = 0; ch < VPIT_CHANNELS; ch++ )
        {
            if ( !(val & (2u << ch)) )
                continue;
            c = &p->ch[ch];
            sync(c, now);
            if ( !(val & 0x20) && !c->latch_left )
            {
                c->latched = count_of(c, now);
                c->latch_left = rw_of(c) == RW_LOHI ? 2 : 1;
            }
            if ( !(val & 0x10) && !c->status_latched )
            {
                c->status = out_of(c, now) << 7 | c->null_count << 6 | c->ctrl;
                c->status_latched = true;
            }
        }
        return;
    }
    c = &p->ch[ch];
    sync(c, now);
    if ( ((val >> 4) & 3) == RW_LATCH )
    {
        if ( !c->latch_left )             /* a second latch before reading is ignored */
        {
            c->latched = count_of(c, now);
            c->latch_left = rw_of(c) == RW_LOHI ? 2 : 1;
        }
        return;
    }
    c->stale = count_of(c, now);
    c->ctrl = val & 0x3f;
    c->mode = (val >> 1) & 7;
    if ( c->mode > 5 )
        c->mode -= 4;
    c->loaded = c->running = false;
    c->frozen = 0;
    c->next_n = 0;
    c->null_count = true;
    c->write_msb = c->read_msb = false;
    c->latch_left = 0;
    c->status_latched = false;
    if ( ch == 0 )
        arm_irq(d, now, now);
}

/* A whole count was written (value as the guest's bytes say it). */
static void load_count(struct domain *d, unsigned int ch, uint16_t raw, uint64_t now)
{
    struct hvm_pit *p = vpit(d);
    struct hvm_pit_channel *c = &p->ch[ch];
    uint32_t v = c->ctrl & CTRL_BCD ? from_bcd(raw) : raw;

    c->cr = v ? v : modulus(c);
    switch ( c->mode )
    {
    case 2:
    case 3:
        if ( c->loaded && c->running )
        {
            /* Takes over when the current period ends (a pending one is replaced). */
            if ( !c->next_n )
                c->switch_tick = c->start + ((now - c->start) / c->n + 1) * c->n;
            c->next_n = c->cr;
            c->null_count = true;
            break;
        }
        /* The first count starts counting if the gate is high. */
        __attribute__((fallthrough));
    case 0:
    case 4:
        c->loaded = true;
        c->n = c->cr;
        c->next_n = 0;
        c->null_count = false;
        c->frozen = 0;
        c->start = now;
        c->running = gate(p, ch);
        break;
    default:                              /* 1, 5: used at the next gate rising edge */
        c->loaded = true;
        c->null_count = true;
        break;
    }
    if ( ch == 0 )
    {
        p->last_irq = 0;                  /* a new period: no floor from the old one */
        arm_irq(d, now, now);
    }
}

static void counter_write(struct domain *d, unsigned int ch, uint8_t val, uint64_t now)
{
    struct hvm_pit_channel *c = &vpit(d)->ch[ch];

    sync(c, now);
    switch ( rw_of(c) )
    {
    case RW_LSB:
        load_count(d, ch, val, now);
        break;
    case RW_MSB:
        load_count(d, ch, val << 8, now);
        break;
    case RW_LOHI:
        if ( !c->write_msb )
        {
            c->write_lsb = val;
            c->write_msb = true;
            if ( c->mode == 0 )
            {
                /* Writing the first byte stops the count; OUT goes low. */
                c->stale = count_of(c, now);
                c->loaded = c->running = false;
                if ( ch == 0 )
                    arm_irq(d, now, now);
            }
            break;
        }
        c->write_msb = false;
        load_count(d, ch, c->write_lsb | val << 8, now);
        break;
    }
    /* RW_LATCH cannot be a channel's access mode: a control word never sets it. */
}

static uint8_t pick_byte(struct hvm_pit_channel *c, uint16_t v)
{
    switch ( rw_of(c) )
    {
    case RW_LSB:
        return v;
    case RW_MSB:
        return v >> 8;
    default:
        c->read_msb = !c->read_msb;
        return c->read_msb ? v : v >> 8;
    }
}

static uint8_t counter_read(struct hvm_pit_channel *c, uint64_t now)
{
    uint16_t v;

    sync(c, now);
    if ( c->status_latched )
    {
        c->status_latched = false;
        return c->status;
    }
    if ( c->latch_left )
    {
        c->latch_left--;
        return pick_byte(c, c->latched);
    }
    if ( !c->ctrl )
        return 0;                         /* never programmed: nothing to show */
    v = count_of(c, now);
    return pick_byte(c, c->ctrl & CTRL_BCD ? to_bcd(v) : v);
}

/* Channel 2's gate changed level (pit lock held). */
static void gate2_edge(struct hvm_pit_channel *c, bool rising, uint64_t now)
{
    sync(c, now);
    if ( !c->loaded )
        return;
    if ( !rising )
    {
        if ( c->running && c->mode != 1 && c->mode != 5 )
        {
            c->frozen = now - c->start;
            c->running = false;
        }
        return;
    }
    if ( c->mode == 0 || c->mode == 4 )
        c->start = now - c->frozen;       /* resumes where it paused */
    else
    {
        /* 1, 5: triggered; 2, 3: reloaded.  A pending count is used now. */
        c->n = c->next_n ? c->next_n : c->cr;
        c->next_n = 0;
        c->null_count = false;
        c->start = now;
        c->frozen = 0;
    }
    c->running = true;
}

static uint8_t port61_read(struct hvm_pit *p, uint64_t now)
{
    struct hvm_pit_channel *c = &p->ch[2];

    sync(c, now);
    p->refresh = !p->refresh;
    return (p->port61 & P61_WRITABLE) | (p->refresh ? P61_REFRESH : 0) |
           (out_of(c, now) ? P61_OUT2 : 0);
}

static void port61_write(struct hvm_pit *p, uint8_t val, uint64_t now)
{
    bool was = p->port61 & P61_GATE2, is = val & P61_GATE2;

    p->port61 = val & P61_WRITABLE;
    if ( was != is )
        gate2_edge(&p->ch[2], is, now);
}

static uint8_t byte_io(struct domain *d, uint16_t port, bool in, uint8_t val)
{
    struct hvm_pit *p = vpit(d);
    uint64_t now = ns_to_tick(NOW());

    if ( port == PIT_PORT_61 )
    {
        if ( in )
            return port61_read(p, now);
        port61_write(p, val, now);
    }
    else if ( port == PIT_PORT_CTRL )
    {
        if ( in )
            return 0;                     /* the control register cannot be read */
        control_word(d, val, now);
    }
    else if ( port >= PIT_PORT_CH0 && port < PIT_PORT_CTRL )
    {
        if ( in )
            return counter_read(&p->ch[port - PIT_PORT_CH0], now);
        counter_write(d, port - PIT_PORT_CH0, val, now);
    }
    else if ( in )
        return 0xff;                      /* a neighbour nobody decodes */
    return 0;
}

bool vpit_claims(uint16_t port, unsigned int bytes)
{
    return (port < PIT_PORT_CTRL + 1 && port + bytes > PIT_PORT_CH0) ||
           (port <= PIT_PORT_61 && port + bytes > PIT_PORT_61);
}

void vpit_io(struct domain *d, uint16_t port, unsigned int bytes, bool in, uint32_t *val)
{
    struct hvm_pit *p = vpit(d);
    unsigned long flags;
    uint32_t out = 0;

    spin_lock_irqsave(&p->lock, flags);
    for ( unsigned int i = 0; i < bytes && i < 4; i++ )
        out |= (uint32_t)byte_io(d, port + i, in, in ? 0 : *val >> (i * 8)) << (i * 8);
    spin_unlock_irqrestore(&p->lock, flags);
    if ( in )
        *val = out;
}

void vpit_init(struct domain *d)
{
    struct hvm_pit *p = vpit(d);

    memset(p, 0, sizeof(*p));
    spin_lock_init(&p->lock);
    init_timer(&p->timer, irq_fire, d, 0);
    p->timer_initialised = true;
}

void vpit_dying(struct domain *d)
{
    struct hvm_pit *p = vpit(d);
    unsigned long flags;

    if ( !p->timer_initialised )
        return;
    spin_lock_irqsave(&p->lock, flags);
    p->dying = true;                      /* a handler running now re-arms nothing */
    p->irq_armed = false;
    kill_timer(&p->timer);
    spin_unlock_irqrestore(&p->lock, flags);
}
