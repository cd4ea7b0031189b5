/*
 * The emulated CMOS/RTC (ports 0x70/0x71) is this domain's own, kept from
 * Keel's clock.  Before the fix a guest's register reads were port I/O on
 * the host's RTC (unlocked, racing dom0 and Keel), time writes and NVRAM
 * were dropped, and the index port read back the index.
 *
 * Expected (Xen 4.17's vRTC, xen/arch/x86/hvm/rtc.c: registers A = 0x26,
 * B = 0x02 and D = 0x80 at reset, UIP in the last 244 us of a second, the
 * index port reads 0xff and drops bit 7, time writes with SET held until
 * SET clears and then set the domain's own offset; NVRAM per domain, as
 * QEMU keeps it for Xen guests; Xen gives PVH domUs no RTC at all, so this
 * is Keel's HVM platform):
 *  - the time registers are valid BCD, the date a real one, the seconds
 *    advance, UIP is seen, register C reports an ended update (UF);
 *  - binary and 12-hour forms (register B) give the same time;
 *  - NVRAM bytes keep what this domain wrote;
 *  - setting the clock (SET, a new date, SET cleared) shows the new date
 *    and keeps running; an impossible date (30 February) changes nothing.
 * Run twice at once (TESTS peer flag: each domain a random date among
 * 20160 and an NVRAM pattern from a random 32-bit seed, checked over an
 * overlapping 3 s window), no domain sees the other's clock or NVRAM.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "CMOS/RTC: per-domain time and NVRAM";

#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define B_SET 0x80
#define B_BIN 0x04
#define B_24H 0x02
#define NV_BASE 0x40
#define NV_LEN  32

static uint8_t cmos(uint8_t reg)
{
    outb(reg, 0x70);
    return inb(0x71);
}

static void cmos_set(uint8_t reg, uint8_t v)
{
    outb(reg, 0x70);
    outb(v, 0x71);
}

static unsigned int bcd(uint8_t v)
{
    return (v >> 4) * 10 + (v & 0xf);
}

static bool is_bcd(uint8_t v, unsigned int lo, unsigned int hi)
{
    return (v & 0xf) <= 9 && (v >> 4) <= 9 && bcd(v) >= lo && bcd(v) <= hi;
}

static uint8_t to_bcd(unsigned int v)
{
    return ((v / 10) << 4) | (v % 10);
}

/*
 * The date and time, BCD 24-hour as at reset; false if a field is no BCD.
 * The registers are read one by one, so a second may end in between: read
 * until two rounds agree, as an OS does.
 */
struct rtc_time { unsigned int sec, min, hour, mday, mon, year; };
static bool read_time(struct rtc_time *t)
{
    uint8_t r[7], again[7] = { 0 };
    static const uint8_t regs[7] = { 0, 2, 4, 7, 8, 9, 0x32 };

    for ( unsigned int tries = 0; tries < 5; tries++ )
    {
        for ( unsigned int i = 0; i < 7; i++ )
            r[i] = cmos(regs[i]);
        if ( !memcmp(r, again, sizeof(r)) )
            break;
        memcpy(again, r, sizeof(r));
    }
    uint8_t s = r[0], mi = r[1], h = r[2], d = r[3], mo = r[4], y = r[5], c = r[6];

    if ( !is_bcd(s, 0, 59) || !is_bcd(mi, 0, 59) || !is_bcd(h, 0, 23) || !is_bcd(d, 1, 31) ||
         !is_bcd(mo, 1, 12) || !is_bcd(y, 0, 99) || !is_bcd(c, 19, 99) )
    {
        xtf_failure("Fail: RTC %02x%02x-%02x-%02x %02x:%02x:%02x is not valid BCD\n",
                    c, y, mo, d, h, mi, s);
        return false;
    }
    *t = (struct rtc_time){ bcd(s), bcd(mi), bcd(h), bcd(d), bcd(mo), bcd(c) * 100 + bcd(y) };
    return true;
}

static void check_registers(void)
{
    check_eq("index port 0x70 reads", inb(0x70), 0xff);
    check_eq("register A (UIP masked)", cmos(REG_A) & 0x7f, 0x26);
    check_eq("register B at reset", cmos(REG_B), B_24H);
    check_eq("register D", cmos(REG_D), 0x80);
}

static void check_running(void)
{
    struct rtc_time t0, t1;
    bool uip = false, uf = false;
    /*
     * UIP lasts 244 us a second: a loaded host may preempt the polling
     * vCPU across a few windows, so the bound is long (the loop ends at
     * the first window seen, about a second in).
     */
    uint64_t end = tsc_after_ms(20000);

    if ( !read_time(&t0) )
        return;
    printk("RTC %04u-%02u-%02u %02u:%02u:%02u\n", t0.year, t0.mon, t0.mday, t0.hour, t0.min,
           t0.sec);
    if ( t0.year < 2020 )
        xtf_failure("Fail: year %u: not the host's time of day\n", t0.year);
    (void)cmos(REG_C);
    while ( rdtsc() < end && !(uip && uf) )
    {
        uip |= cmos(REG_A) & 0x80;
        uf |= cmos(REG_C) & 0x10;
    }
    if ( !read_time(&t1) )
        return;
    printk("after waiting: %02u:%02u:%02u, UIP %s, UF %s\n", t1.hour, t1.min, t1.sec,
           uip ? "seen" : "never", uf ? "seen" : "never");
    if ( t1.sec == t0.sec && t1.min == t0.min )
        xtf_failure("Fail: the RTC did not advance\n");
    if ( !uip )
        xtf_failure("Fail: register A never showed update-in-progress\n");
    if ( !uf )
        xtf_failure("Fail: register C never showed an ended update\n");
}

static void check_forms(void)
{
    uint8_t h24, hbin, h12, min1, min2;

    min1 = cmos(2);
    h24 = cmos(4);
    cmos_set(REG_B, B_24H | B_BIN);
    hbin = cmos(4);
    check_eq("register B binary", cmos(REG_B), B_24H | B_BIN);
    if ( cmos(0) > 59 )
        xtf_failure("Fail: binary seconds %u\n", cmos(0));
    cmos_set(REG_B, 0);                     /* BCD, 12-hour */
    h12 = cmos(4);
    min2 = cmos(2);
    cmos_set(REG_B, B_24H);
    printk("hour: BCD %02x, binary %u, 12-hour %02x\n", h24, hbin, h12);
    if ( min1 != min2 )
        return;                             /* an hour may have begun in between */
    if ( hbin != bcd(h24) )
        xtf_failure("Fail: binary hour %u, BCD hour %02x\n", hbin, h24);
    if ( !is_bcd(h12 & 0x7f, 1, 12) ||
         (bcd(h12 & 0x7f) % 12) + ((h12 & 0x80) ? 12 : 0) != bcd(h24) )
        xtf_failure("Fail: 12-hour %02x does not match 24-hour %02x\n", h12, h24);
}

static uint8_t pattern(uint32_t seed, unsigned int i)
{
    return (uint8_t)((seed >> (i % 4 * 8)) + i * 29);
}

static unsigned int check_nvram(uint32_t seed, bool write)
{
    unsigned int bad = 0;

    for ( unsigned int i = 0; i < NV_LEN; i++ )
    {
        /* Bit 7 of the index (NMI disable) must not change the register. */
        uint8_t idx = (NV_BASE + i) | (i & 1 ? 0x80 : 0);

        if ( write )
            cmos_set(idx, pattern(seed, i));
        else
            bad += cmos(idx) != pattern(seed, i);
    }
    return bad;
}

/* Sets the clock to year-mon-mday with SET held, then released. */
static void set_date(unsigned int year, unsigned int mon, unsigned int mday)
{
    cmos_set(REG_B, B_24H | B_SET);
    cmos_set(9, to_bcd(year % 100));
    cmos_set(0x32, to_bcd(year / 100));
    cmos_set(8, to_bcd(mon));
    cmos_set(7, to_bcd(mday));
    cmos_set(REG_B, B_24H);
}

/* rdtsc mixed down to 32 bits: each domain's own choice, the same only by chance. */
static uint32_t random_seed(void)
{
    uint64_t x = rdtsc() * 0x9e3779b97f4a7c15ULL;

    return (uint32_t)(x >> 32);
}

void test_main(void)
{
    uint32_t seed = random_seed();
    unsigned int year = 2030 + seed % 60, mon = 1 + seed / 60 % 12, mday = 1 + seed / 720 % 28;
    unsigned int bad = 0;
    struct rtc_time t;
    uint64_t end;

    check_registers();
    check_running();
    check_forms();

    printk("This domain's date: %u-%02u-%02u, NVRAM pattern %#x at %#x\n", year, mon, mday,
           seed, NV_BASE);
    check_nvram(seed, true);
    set_date(year, mon, mday);
    if ( read_time(&t) && (t.year != year || t.mon != mon || t.mday != mday) )
        xtf_failure("Fail: after setting %u-%02u-%02u the RTC reads %u-%02u-%02u\n", year,
                    mon, mday, t.year, t.mon, t.mday);

    /* An impossible date (30 February) is refused: the clock keeps its date. */
    set_date(year, 2, 30);
    if ( read_time(&t) && (t.mon != mon || t.mday != mday) )
        xtf_failure("Fail: setting %u-02-30 gave %u-%02u-%02u\n", year, t.year, t.mon, t.mday);

    /* A window in which a peer domain runs the same: nothing of it shows here. */
    end = tsc_after_ms(3000);
    while ( rdtsc() < end )
    {
        bad += check_nvram(seed, false);
        if ( read_time(&t) && (t.year != year || t.mon != mon || t.mday != mday) )
        {
            xtf_failure("Fail: the date became %u-%02u-%02u (this domain set %u-%02u-%02u)\n",
                        t.year, t.mon, t.mday, year, mon, mday);
            break;
        }
    }
    if ( bad )
        xtf_failure("Fail: %u NVRAM reads differed from what this domain wrote\n", bad);
    else
        printk("NVRAM and clock stayed this domain's own\n");
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable\n");
}
