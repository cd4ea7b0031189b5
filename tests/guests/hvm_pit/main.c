/*
 * Keel's emulated 8254 PIT, port 0x61 and ACPI PM timer/PM1a blocks, the
 * way Linux 6.1 uses them (quick_pit_calibrate, pit_calibrate_tsc, the
 * PIT clockevent and check_timer()):
 *  - PM blocks: PM1_STS reads 0 and stays 0 after a write of ones, PM1_EN
 *    keeps its enable bits only, PM1_CNT has SCI_EN set, the timer's top
 *    byte is 0 and byte/word reads give the bytes of the count, the gap
 *    at 0xb00a reads all ones;
 *  - channel 2, mode 0, count 0xffff with the gate on counts at 1.193 MHz:
 *    PIT, PM timer and HPET agree within 10% over ~40 ms;
 *  - the counter latch holds its value until read (a second latch before
 *    that is ignored), read-back latches counts and status (status 0x30
 *    for lo/hi mode 0 before terminal count, 0xb0 after), live, latched
 *    and read-back counts are consistent;
 *  - port 0x61 bit 5 (OUT2) rises at terminal count only while the gate
 *    (bit 0) is on; with the gate off the count holds; bit 4 toggles;
 *  - mode 3 on channel 2: OUT2 a 10 ms square wave, even counts <= N;
 *    mode 2: counts stay in 1..N;
 *  - channel 0, mode 2, 10 ms: IRQ 0 arrives through IO-APIC pin 2 (8-12
 *    in 100 ms of PM timer); masked: none; modes 0 and 4: exactly one per
 *    count written;
 *  - hostile: a 2-tick period is floored to 100 us (Keel says so once),
 *    illegal counts, odd-sized accesses: Keel and the guest run on.
 * Expected values are the 8254 data sheet's and the ACPI specification's
 * (Xen 4.17 gives PVH domUs no PIT at all: these are Keel's).
 */
#include "hvm.h"
#include "hvm_timers.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "8254 PIT, port 0x61, ACPI PM timer";

#define VEC_PIT 0x50
static volatile unsigned int irqs;

static void pit_irq(struct cpu_regs *regs)
{
    (void)regs;
    irqs++;
    apic_eoi();
}

static void gate2(bool on)
{
    outb((inb(0x61) & ~0x03) | (on ? 1 : 0), 0x61);
}

static void pit_load(unsigned int ch, uint8_t ctrl, uint16_t count)
{
    outb(ctrl, 0x43);
    outb(count & 0xff, 0x40 + ch);
    outb(count >> 8, 0x40 + ch);
}

static uint16_t read16(unsigned int ch)
{
    uint8_t lo = inb(0x40 + ch);

    return lo | inb(0x40 + ch) << 8;
}

static uint16_t latch2(void)
{
    outb(0x80, 0x43);                    /* counter latch, channel 2 */
    return read16(2);
}

static void check_pm_blocks(void)
{
    uint32_t t = inl(PM_TMR_PORT), b;

    check_eq("PM timer bits 31:24", t >> 24, 0);
    check_eq("PM timer byte 3", inb(PM_TMR_PORT + 3), 0);
    b = inb(PM_TMR_PORT + 2);
    if ( b != ((t >> 16) & 0xff) && b != (((t >> 16) + 1) & 0xff) )
        xtf_failure("Fail: PM timer byte 2 %#x, dword %#x\n", b, t);
    check_eq("PM1_CNT SCI_EN", inw(PM1A_CNT_PORT) & 1, 1);
    check_eq("PM1_STS", inw(PM1A_EVT_PORT), 0);
    outw(0xffff, PM1A_EVT_PORT);
    check_eq("PM1_STS after writing ones", inw(PM1A_EVT_PORT), 0);
    outw(0x0121, PM1A_EVT_PORT + 2);
    check_eq("PM1_EN read back", inw(PM1A_EVT_PORT + 2), 0x0121);
    outw(0xffff, PM1A_EVT_PORT + 2);
    check_eq("PM1_EN defined bits", inw(PM1A_EVT_PORT + 2), 0x4721);
    check_eq("PM1_EN as a dword of PM1a_EVT", inl(PM1A_EVT_PORT), 0x47210000);
    outw(0, PM1A_EVT_PORT + 2);
    outw(0x0002 | (1 << 10), PM1A_CNT_PORT);   /* BM_RLD, SLP_TYP 1, no SLP_EN */
    check_eq("PM1_CNT read back", inw(PM1A_CNT_PORT), 0x0403);
    outw(0, PM1A_CNT_PORT);
    check_eq("gap at 0xb00a", inw(0xb00a), 0xffff);
    outl(0, PM_TMR_PORT);                      /* read-only: ignored */
    if ( pm_ticks(t, pm_tmr()) == 0 )
        xtf_failure("Fail: PM timer does not advance\n");
}

/* Channel 2 against the PM timer and the HPET over about 40 ms. */
static void check_rate(void)
{
    uint32_t pm0, pm1, h0, h1, pit, pm, hp;
    uint16_t c;

    hpet_write32(0x10, 1);                     /* HPET on */
    gate2(true);
    pit_load(2, 0xb0, 0xffff);
    pm0 = pm_tmr();
    h0 = hpet_read32(0xf0);
    pm_wait_us(40000);
    c = latch2();
    pm1 = pm_tmr();
    h1 = hpet_read32(0xf0);
    pit = 0xffff - c;
    pm = pm_ticks(pm0, pm1);
    hp = h1 - h0;
    printk("40 ms: PIT %u ticks, PM %u ticks, HPET %u ticks\n", pit, pm, hp);
    if ( !within_pct((uint64_t)pit * PM_TMR_HZ, (uint64_t)pm * PIT_HZ, 10) )
        xtf_failure("Fail: PIT %u ticks vs PM timer %u ticks\n", pit, pm);
    if ( !within_pct((uint64_t)pit * HPET_HZ, (uint64_t)hp * PIT_HZ, 10) )
        xtf_failure("Fail: PIT %u ticks vs HPET %u ticks\n", pit, hp);
    if ( !within_pct((uint64_t)hp * PM_TMR_HZ, (uint64_t)pm * HPET_HZ, 10) )
        xtf_failure("Fail: HPET %u ticks vs PM timer %u ticks\n", hp, pm);
}

static void check_latches(void)
{
    uint32_t p0, p1, p2;
    uint16_t a, b, c, l1, l2;
    uint8_t st;

    gate2(true);
    pit_load(2, 0xb0, 0xffff);
    pm_wait_us(1000);
    /*
     * A latched count holds while the counter runs on; a second latch is
     * ignored: l1 - l2 spans the time from the first latch (after p0) to
     * the last (between p1 and p2), measured by the PM timer.
     */
    p0 = pm_tmr();
    outb(0x80, 0x43);
    pm_wait_us(5000);
    outb(0x80, 0x43);
    l1 = read16(2);
    p1 = pm_tmr();
    l2 = latch2();
    p2 = pm_tmr();
    if ( l1 <= l2 ||
         (uint64_t)(l1 - l2) * PM_TMR_HZ * 10 < (uint64_t)pm_ticks(p0, p1) * PIT_HZ * 9 ||
         (uint64_t)(l1 - l2) * PM_TMR_HZ * 10 > (uint64_t)pm_ticks(p0, p2) * PIT_HZ * 11 )
        xtf_failure("Fail: latched %#x then %#x, %u-%u PM ticks apart\n",
                    l1, l2, pm_ticks(p0, p1), pm_ticks(p0, p2));

    /* Read-back (count only), latch and live read, in that order: descending. */
    outb(0xd8, 0x43);                          /* read-back: count of channel 2 */
    a = read16(2);
    outb(0x80, 0x43);
    b = read16(2);
    c = read16(2);
    if ( !(a >= b && b >= c) || a - c > 6000 )
        xtf_failure("Fail: latch %#x, read-back %#x, live %#x\n", a, b, c);

    outb(0xe8, 0x43);                          /* read-back: status of channel 2 */
    check_eq("status, mode 0 lo/hi before terminal count", inb(0x42), 0x30);
    outb(0xc8, 0x43);                          /* status and count */
    st = inb(0x42);
    a = read16(2);
    check_eq("status of a status+count read-back", st, 0x30);
    if ( a > l2 )
        xtf_failure("Fail: read-back count %#x above an older one %#x\n", a, l2);
    /* Latched bytes were all read: the live count again, still going down. */
    b = read16(2);
    if ( b > a )
        xtf_failure("Fail: live count %#x after read-back %#x\n", b, a);
}

static void check_gate_out2(void)
{
    uint8_t r1, r2;
    uint16_t a, b;

    gate2(true);
    pit_load(2, 0xb0, PIT_HZ / 1000);          /* 1 ms */
    check_eq("OUT2 before terminal count", inb(0x61) & 0x20, 0);
    pm_wait_us(3000);
    check_eq("OUT2 after terminal count", inb(0x61) & 0x20, 0x20);
    outb(0xe8, 0x43);
    check_eq("status after terminal count", inb(0x42), 0xb0);

    gate2(false);
    pit_load(2, 0xb0, PIT_HZ / 1000);
    a = latch2();
    pm_wait_us(3000);
    b = latch2();
    check_eq("count with the gate off", a, PIT_HZ / 1000);
    check_eq("count with the gate off, 3 ms later", b, a);
    check_eq("OUT2 with the gate off", inb(0x61) & 0x20, 0);
    gate2(true);
    pm_wait_us(3000);
    check_eq("OUT2 once the gate is on", inb(0x61) & 0x20, 0x20);

    /* Paused half way: the count resumes where it stopped. */
    pit_load(2, 0xb0, 0xffff);
    pm_wait_us(2000);
    gate2(false);
    a = latch2();
    pm_wait_us(3000);
    b = latch2();
    check_eq("count paused by the gate", b, a);

    r1 = inb(0x61);
    r2 = inb(0x61);
    check_eq("port 0x61 bit 4 toggles", (r1 ^ r2) & 0x10, 0x10);
    outb(0xf0, 0x61);                          /* bits 7:4 are read-only */
    check_eq("port 0x61 bits 7:6 and 3:0", inb(0x61) & 0xcf, 0);
}

/* Modes 3 and 2 on channel 2, seen through OUT2 and the counts. */
static void check_square_wave(void)
{
    unsigned int rises = 0, odd = 0, bad = 0;
    uint32_t start;
    bool last, out;
    uint16_t c;

    gate2(true);
    pit_load(2, 0xb6, PIT_HZ / 100);           /* mode 3, 10 ms */
    last = inb(0x61) & 0x20;
    start = pm_tmr();
    while ( pm_ticks(start, pm_tmr()) < PM_TMR_HZ / 20 )   /* 50 ms */
    {
        out = inb(0x61) & 0x20;
        rises += out && !last;
        last = out;
        c = latch2();
        odd += c & 1;
        bad += c > PIT_HZ / 100;
    }
    printk("mode 3, 10 ms: %u OUT2 rising edges in 50 ms\n", rises);
    if ( rises < 4 || rises > 6 )
        xtf_failure("Fail: %u OUT2 rising edges in 50 ms of a 10 ms square wave\n", rises);
    check_eq("odd mode 3 counts (even count, counts by 2)", odd, 0);
    check_eq("mode 3 counts above the initial count", bad, 0);

    pit_load(2, 0xb4, 1000);                   /* mode 2 */
    start = pm_tmr();
    bad = 0;
    while ( pm_ticks(start, pm_tmr()) < PM_TMR_HZ / 100 )  /* 10 ms */
    {
        c = latch2();
        bad += c == 0 || c > 1000;
    }
    check_eq("mode 2 counts outside 1..N", bad, 0);
    gate2(false);
}

static unsigned int count_irqs_for_us(uint32_t us)
{
    unsigned int n = irqs;

    pm_wait_us(us);
    return irqs - n;
}

static void check_irq0(void)
{
    unsigned int n;

    irq_handlers[VEC_PIT] = pit_irq;
    apic_enable();
    ioapic_route(2, VEC_PIT, false);
    sti();
    pit_load(0, 0x34, PIT_HZ / 100);           /* mode 2, 10 ms */
    n = count_irqs_for_us(100000);
    printk("mode 2, 10 ms: %u interrupts in 100 ms\n", n);
    if ( n < 8 || n > 12 )
        xtf_failure("Fail: %u IRQ0 interrupts in 100 ms, expected 8-12\n", n);

    ioapic_mask(2);
    pm_wait_us(2000);
    n = count_irqs_for_us(50000);
    check_eq("IRQ0 interrupts with pin 2 masked", n, 0);

    /* Mode 0 (Linux's one-shot clockevent): one interrupt at terminal count. */
    ioapic_route(2, VEC_PIT, false);
    pit_load(0, 0x30, PIT_HZ / 200);           /* 5 ms */
    n = count_irqs_for_us(50000);
    check_eq("mode 0 interrupts", n, 1);

    /* Mode 4 (Linux's pit_set_oneshot, 0x38): each count written is one strobe. */
    outb(0x38, 0x43);
    outb((PIT_HZ / 200) & 0xff, 0x40);
    outb((PIT_HZ / 200) >> 8, 0x40);
    n = count_irqs_for_us(30000);
    check_eq("mode 4 interrupts", n, 1);
    outb((PIT_HZ / 200) & 0xff, 0x40);         /* re-armed without a control word */
    outb((PIT_HZ / 200) >> 8, 0x40);
    n = count_irqs_for_us(30000);
    check_eq("mode 4 interrupts after a second count", n, 1);

    /* Hostile: a 2-tick period (1.7 us) comes at most every 100 us. */
    pit_load(0, 0x34, 2);
    n = count_irqs_for_us(50000);
    printk("mode 2, 2 ticks: %u interrupts in 50 ms\n", n);
    if ( n > 600 || n < 20 )
        xtf_failure("Fail: %u interrupts in 50 ms at a 2-tick period (floor 100 us)\n", n);
    pit_load(0, 0x36, 1);                      /* mode 3, count 1: illegal */
    pit_load(0, 0x34, 1);                      /* mode 2, count 1: illegal */
    pm_wait_us(2000);
    outb(0x30, 0x43);                          /* mode 0 without a count: stopped */
    pm_wait_us(2000);
    n = count_irqs_for_us(30000);
    cli();
    check_eq("interrupts after a control word without a count", n, 0);
    ioapic_mask(2);
}

static void check_hostile(void)
{
    uint32_t v, seed = 4321;

    outb(0xc0, 0x43);                          /* read-back of no channel */
    outb(0xff, 0x43);                          /* read-back of nothing */
    outb(0xbd, 0x43);                          /* channel 2, lo/hi, mode 6 (= 2), BCD */
    outb(0xff, 0x42);
    outb(0xff, 0x42);                          /* BCD "ffff" */
    (void)read16(2);
    outb(0xb6, 0x43);                          /* mode 3 */
    outb(0x01, 0x42);                          /* half a count */
    v = inl(0x40);                             /* bytes of 0x40-0x43 */
    (void)v;
    outl(0xffffffff, 0x40);
    outw(0xffff, 0x42);
    v = inl(0x5e);                             /* 0x5e-0x61: 0x61 in the top byte */
    if ( (v & 0xffffff) != 0xffffff )
        xtf_failure("Fail: inl(0x5e) = %#x, expected all ones below port 0x61\n", v);
    /* 5000 random bytes to the PIT's ports and port 0x61 (pin 2 is masked). */
    for ( unsigned int i = 0; i < 5000; i++ )
    {
        static const uint16_t ports[] = { 0x40, 0x41, 0x42, 0x43, 0x61 };

        seed = seed * 1103515245U + 12345U;
        if ( seed & 0x8000 )
            (void)inb(ports[(seed >> 16) % 5]);
        else
            outb(seed >> 24, ports[(seed >> 16) % 5]);
    }
    /* The PIT still works afterwards. */
    gate2(true);
    pit_load(2, 0xb0, 0xffff);
    pm_wait_us(2000);
    if ( latch2() == 0xffff )
        xtf_failure("Fail: channel 2 no longer counts after hostile accesses\n");
    gate2(false);
}

void test_main(void)
{
    check_pm_blocks();
    check_rate();
    check_latches();
    check_gate_out2();
    check_square_wave();
    check_irq0();
    check_hostile();
}
