/*
 * Keel's emulated HPET at 0xfed00000 (IA-PC HPET 1.0a):
 *  - General Capabilities: revision 1, 3 timers, 64-bit counter, no
 *    LEG_RT_CAP, period 10 ns; timer 0 periodic capable, all 64-bit, route
 *    capability IO-APIC pins 20-23;
 *  - the main counter holds while disabled (a written value reads back
 *    exactly, 32- and 64-bit), runs at 100 MHz (vs the PM timer, 10%)
 *    while enabled; 64-bit and 32-bit reads agree;
 *  - LEG_RT_CNF, the capabilities and an unsupported route are not kept;
 *  - interrupts: timer 1 one-shot edge on pin 21 (exactly one), timer 0
 *    periodic 2 ms on pin 20 (35-55 in 100 ms, none once disabled), timer 2
 *    level on pin 22 (its status bit set until written back, one interrupt);
 *  - hostile: 1- and 2-byte and misaligned accesses read all ones and
 *    write nothing, reserved registers read 0, writes to read-only ones
 *    change nothing: the HPET stays sane;
 *  - the domain powers off with PIT and HPET interrupts every 100 us:
 *    Keel (which kills their timers first) stays up.
 * (Xen 4.17 gives PVH domUs no HPET: the expectations are the spec's.)
 */
#include "hvm.h"
#include "hvm_timers.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "HPET";

#define CAP      0x000
#define CONFIG   0x010
#define ISR      0x020
#define COUNTER  0x0f0
#define TCFG(n)  (0x100 + 0x20 * (n))
#define TCMP(n)  (0x108 + 0x20 * (n))
#define TN_LEVEL    (1U << 1)
#define TN_ENB      (1U << 2)
#define TN_PERIODIC (1U << 3)
#define TN_VAL_SET  (1U << 6)
#define TN_ROUTE(p) ((p) << 9)
#define VEC_T0   0x60
#define VEC_T1   0x61
#define VEC_T2   0x62

static volatile unsigned int n_t0, n_t1, n_t2;
static volatile uint32_t isr_seen;

static void t0_irq(struct cpu_regs *regs) { (void)regs; n_t0++; apic_eoi(); }
static void t1_irq(struct cpu_regs *regs) { (void)regs; n_t1++; apic_eoi(); }
static void t2_irq(struct cpu_regs *regs)
{
    (void)regs;
    n_t2++;
    isr_seen = hpet_read32(ISR);
    hpet_write32(ISR, 1U << 2);                /* the line drops */
    apic_eoi();
}

static uint64_t read64(unsigned int off)
{
#ifdef __x86_64__
    return *(volatile uint64_t *)(HPET_MMIO + off);
#else
    uint32_t lo = hpet_read32(off);

    return (uint64_t)hpet_read32(off + 4) << 32 | lo;
#endif
}

static void write64(unsigned int off, uint64_t v)
{
#ifdef __x86_64__
    *(volatile uint64_t *)(HPET_MMIO + off) = v;
#else
    hpet_write32(off + 4, v >> 32);
    hpet_write32(off, v);
#endif
}

static void check_caps(void)
{
    uint32_t lo = hpet_read32(CAP), hi = hpet_read32(CAP + 4);

    printk("capabilities %#x %#x\n", hi, lo);
    check_eq("low half (the HPET table's event timer block ID)", lo, 0x80862201);
    check_eq("REV_ID", lo & 0xff, 1);
    check_eq("NUM_TIM_CAP", (lo >> 8) & 0x1f, 2);
    check_eq("COUNT_SIZE_CAP", (lo >> 13) & 1, 1);
    check_eq("LEG_RT_CAP", (lo >> 15) & 1, 0);
    check_eq("COUNTER_CLK_PERIOD", hi, 10000000);
    hpet_write32(CAP, 0);
    hpet_write32(CAP + 4, 0);
    check_eq("capabilities after a write", hpet_read32(CAP + 4), 10000000);
    for ( unsigned int n = 0; n < 3; n++ )
    {
        uint32_t c = hpet_read32(TCFG(n));

        check_eq("Tn_PER_INT_CAP", (c >> 4) & 1, n == 0);
        check_eq("Tn_SIZE_CAP", (c >> 5) & 1, 1);
        check_eq("Tn_FSB_INT_DEL_CAP", (c >> 15) & 1, 0);
        check_eq("Tn_INT_ROUTE_CAP", hpet_read32(TCFG(n) + 4), 0x00f00000);
    }
    hpet_write32(TCFG(1), TN_ROUTE(5));        /* not offered: not kept */
    check_eq("route 5", (hpet_read32(TCFG(1)) >> 9) & 0x1f, 0);
    hpet_write32(TCFG(1), TN_ROUTE(21));
    check_eq("route 21", (hpet_read32(TCFG(1)) >> 9) & 0x1f, 21);
    hpet_write32(TCFG(1), TN_PERIODIC);        /* timer 1 is not periodic capable */
    check_eq("timer 1 periodic bit", hpet_read32(TCFG(1)) & TN_PERIODIC, 0);
    hpet_write32(TCFG(1), 0);
}

static void check_counter(void)
{
    uint32_t pm0, pm1, h0, h1, lo, hi;
    uint64_t v;

    hpet_write32(CONFIG, 0);
    write64(COUNTER, 0x123456789abcdef0ULL);
    pm_wait_us(2000);
    check_eq("halted counter, low half", hpet_read32(COUNTER), 0x9abcdef0);
    check_eq("halted counter, high half", hpet_read32(COUNTER + 4), 0x12345678);
    v = read64(COUNTER);
    if ( v != 0x123456789abcdef0ULL )
        xtf_failure("Fail: halted counter %#llx\n", (unsigned long long)v);
    hpet_write32(COUNTER + 4, 0);              /* a half write keeps the other half */
    check_eq("counter after a high-half write", read64(COUNTER), 0x9abcdef0);
    hpet_write32(COUNTER, 0);

    hpet_write32(CONFIG, 3);                   /* ENABLE and LEG_RT (not offered) */
    check_eq("General Configuration", hpet_read32(CONFIG), 1);
    pm0 = pm_tmr();
    h0 = hpet_read32(COUNTER);
    pm_wait_us(30000);
    h1 = hpet_read32(COUNTER);
    pm1 = pm_tmr();
    printk("30 ms: HPET %u ticks, PM timer %u ticks\n", h1 - h0, pm_ticks(pm0, pm1));
    if ( !within_pct((uint64_t)(h1 - h0) * PM_TMR_HZ, (uint64_t)pm_ticks(pm0, pm1) * HPET_HZ, 10) )
        xtf_failure("Fail: HPET %u ticks vs PM timer %u ticks\n", h1 - h0, pm_ticks(pm0, pm1));

    lo = hpet_read32(COUNTER);
    v = read64(COUNTER);
    hi = hpet_read32(COUNTER + 4);
    if ( (uint32_t)(v >> 32) != hi || (uint32_t)v < lo || (uint32_t)v - lo > 10000000 )
        xtf_failure("Fail: 32-bit %#x:%#x vs 64-bit %#llx\n", hi, lo, (unsigned long long)v);

    /* Halting keeps the count. */
    hpet_write32(CONFIG, 0);
    v = read64(COUNTER);
    pm_wait_us(2000);
    if ( read64(COUNTER) != v )
        xtf_failure("Fail: counter moved while halted\n");
    hpet_write32(CONFIG, 1);
    pm_wait_us(1000);
    if ( read64(COUNTER) <= v )
        xtf_failure("Fail: counter did not resume\n");
}

static void check_interrupts(void)
{
    uint64_t now;
    unsigned int n;

    irq_handlers[VEC_T0] = t0_irq;
    irq_handlers[VEC_T1] = t1_irq;
    irq_handlers[VEC_T2] = t2_irq;
    apic_enable();
    ioapic_route(20, VEC_T0, false);
    ioapic_route(21, VEC_T1, false);
    ioapic_route(22, VEC_T2, true);
    sti();

    /* Timer 1, one-shot, 2 ms ahead: one edge. */
    now = read64(COUNTER);
    write64(TCMP(1), now + 200000);
    hpet_write32(TCFG(1), TN_ENB | TN_ROUTE(21));
    pm_wait_us(30000);
    check_eq("timer 1 one-shot interrupts", n_t1, 1);

    /*
     * Timer 0, periodic, 2 ms: with VAL_SET a comparator write sets the
     * comparator (one half per VAL_SET, as 32-bit writes go), without it
     * the period.
     */
    now = read64(COUNTER) + 100000;
    hpet_write32(TCFG(0), TN_ENB | TN_PERIODIC | TN_VAL_SET | TN_ROUTE(20));
    hpet_write32(TCMP(0) + 4, now >> 32);
    hpet_write32(TCFG(0), TN_ENB | TN_PERIODIC | TN_VAL_SET | TN_ROUTE(20));
    hpet_write32(TCMP(0), now);
    check_eq("VAL_SET clears itself", hpet_read32(TCFG(0)) & TN_VAL_SET, 0);
    hpet_write32(TCMP(0) + 4, 0);
    hpet_write32(TCMP(0), 200000);
    pm_wait_us(5000);
    n = n_t0;
    pm_wait_us(100000);
    n = n_t0 - n;
    printk("timer 0, 2 ms periodic: %u interrupts in 100 ms\n", n);
    /* Ticks taken late are skipped, not replayed: a loaded host loses some. */
    if ( n < 35 || n > 55 )
        xtf_failure("Fail: %u periodic interrupts in 100 ms, expected 35-55\n", n);
    if ( read64(TCMP(0)) + 1000000 <= read64(COUNTER) )  /* 10 ms of lateness allowed */
        xtf_failure("Fail: periodic comparator does not advance\n");
    hpet_write32(TCFG(0), TN_PERIODIC | TN_ROUTE(20));
    pm_wait_us(2000);
    n = n_t0;
    pm_wait_us(20000);
    check_eq("timer 0 interrupts once disabled", n_t0 - n, 0);

    /* Timer 2, level: the status bit is set, one interrupt (cleared by the handler). */
    check_eq("ISR before", hpet_read32(ISR), 0);
    now = read64(COUNTER);
    write64(TCMP(2), now + 100000);
    hpet_write32(TCFG(2), TN_ENB | TN_LEVEL | TN_ROUTE(22));
    pm_wait_us(20000);
    check_eq("timer 2 level interrupts", n_t2, 1);
    check_eq("ISR in the handler", isr_seen, 1U << 2);
    check_eq("ISR after the handler cleared it", hpet_read32(ISR), 0);

    /* A level timer without INT_ENB still sets its status bit, no interrupt. */
    now = read64(COUNTER);
    write64(TCMP(2), now + 100000);
    hpet_write32(TCFG(2), TN_LEVEL | TN_ROUTE(22));
    pm_wait_us(10000);
    check_eq("ISR of a level timer with INT_ENB clear", hpet_read32(ISR), 1U << 2);
    check_eq("interrupts with INT_ENB clear", n_t2, 1);
    hpet_write32(ISR, 0);                      /* writing 0 clears nothing */
    check_eq("ISR after writing 0", hpet_read32(ISR), 1U << 2);
    hpet_write32(ISR, 0xffffffff);
    check_eq("ISR after writing ones", hpet_read32(ISR), 0);
    hpet_write32(TCFG(2), 0);
    cli();
    ioapic_mask(20);
    ioapic_mask(21);
    ioapic_mask(22);
}

static void check_hostile(void)
{
    uint32_t seed = 12345;
    volatile uint8_t *b = (volatile uint8_t *)HPET_MMIO;
    volatile uint16_t *w = (volatile uint16_t *)HPET_MMIO;
    uint64_t v;

    check_eq("byte read of the capabilities", b[0], 0xff);
    check_eq("word read of the capabilities", w[0], 0xffff);
    check_eq("misaligned dword read", *(volatile uint32_t *)(HPET_MMIO + 2), 0xffffffff);
    b[0x10] = 0;                               /* byte write: ignored */
    w[0x08] = 0;
    *(volatile uint32_t *)(HPET_MMIO + 0x12) = 0;
    check_eq("General Configuration after odd writes", hpet_read32(CONFIG), 1);
    hpet_write32(0x30, 0xdeadbeef);            /* reserved */
    check_eq("reserved register", hpet_read32(0x30), 0);
    check_eq("past the last timer", hpet_read32(TCFG(3)), 0);
    check_eq("last dword of the page", hpet_read32(0xffc), 0);
    hpet_write32(TCFG(0) + 4, 0);              /* route capability: read-only */
    check_eq("route capability after a write", hpet_read32(TCFG(0) + 4), 0x00f00000);
    /* Every bit: only the defined ones stay, route 31 is refused (21 stays). */
    hpet_write32(TCFG(1), TN_ROUTE(21));
    hpet_write32(TCFG(1), 0xffffffff);
    check_eq("timer 1 config after all ones", hpet_read32(TCFG(1)) & 0xffff,
             TN_LEVEL | TN_ENB | (1U << 5) | (1U << 8) | TN_ROUTE(21));
    hpet_write32(TCFG(1), 0);

    /* 3000 random dwords anywhere in the first 0x180 bytes (IO-APIC pins masked). */
    for ( unsigned int i = 0; i < 3000; i++ )
    {
        seed = seed * 1103515245U + 12345U;
        hpet_write32((seed >> 8) % 0x180 & ~3U, seed * 2654435761U);
    }
    for ( unsigned int n = 0; n < 3; n++ )
        hpet_write32(TCFG(n), 0);
    hpet_write32(CONFIG, 1);
    v = read64(COUNTER);
    pm_wait_us(1000);
    if ( read64(COUNTER) <= v )
        xtf_failure("Fail: counter stopped after hostile accesses\n");
    check_eq("capabilities after hostile accesses", hpet_read32(CAP) & 0xffff, 0x2201);
}

/*
 * The domain powers off with the PIT and the HPET interrupting every
 * 100 us: Keel kills their timers before the vCPUs go (a timer firing
 * into the dying domain, or re-armed after the kill, would panic Keel).
 */
static void leave_timers_running(void)
{
    uint64_t now = read64(COUNTER) + 10000;

    ioapic_route(2, VEC_T1, false);
    ioapic_route(20, VEC_T0, false);
    outb(0x34, 0x43);                          /* PIT channel 0, mode 2, 120 ticks */
    outb(120, 0x40);
    outb(0, 0x40);
    hpet_write32(TCFG(0), TN_ENB | TN_PERIODIC | TN_VAL_SET | TN_ROUTE(20));
    hpet_write32(TCMP(0) + 4, now >> 32);
    hpet_write32(TCFG(0), TN_ENB | TN_PERIODIC | TN_VAL_SET | TN_ROUTE(20));
    hpet_write32(TCMP(0), now);
    hpet_write32(TCMP(0) + 4, 0);
    hpet_write32(TCMP(0), 10000);
    sti();
    pm_wait_us(5000);
    if ( n_t0 == 0 )
        xtf_failure("Fail: no HPET interrupt at a 100 us period\n");
}

void test_main(void)
{
    check_caps();
    check_counter();
    check_interrupts();
    check_hostile();
    leave_timers_running();
}
