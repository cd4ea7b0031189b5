/*
 * System time.  The TSC is calibrated once against the HPET (preferred) or
 * PIT channel 2; NOW() is then the TSC since boot scaled to nanoseconds.
 * All CPUs are assumed to share one TSC rate and epoch (true for QEMU and
 * for any CPU with an invariant TSC).
 *
 * The scale is kept in the form guests get in their vcpu_time_info (a
 * 32-bit fraction and a power-of-two shift) and NOW() uses exactly that
 * arithmetic, so a guest extrapolating from any record it was given never
 * runs ahead of NOW(): records may be old without the guest's clock
 * drifting or stepping back when a new one arrives.
 */
#include <keel/lib.h>
#include <keel/acpi.h>
#include <keel/printk.h>
#include <keel/time.h>
#include <asm/io.h>
#include <asm/mm.h>
#include <asm/msr.h>
#include <asm/guest_time.h>
#include <asm/time.h>

#define PIT_HZ            1193182
#define PIT_CH2           0x42
#define PIT_MODE          0x43
#define PIT_GATE_PORT     0x61
#define CALIBRATE_MS      50

#define HPET_CAPS         0x000        /* bits 63:32: femtoseconds per tick */
#define HPET_CONFIG       0x010
#define  HPET_ENABLE      1u
#define HPET_COUNTER      0x0f0
#define FS_PER_NS         1000000ULL

static uint64_t tsc_hz;
static uint64_t tsc_at_boot;
static struct time_scale tsc_scale;
static uint64_t ticks_per_ns_scaled;   /* (TSC ticks << 24) per ns */

static uint64_t calibrate_with_pit(void)
{
    uint16_t count = PIT_HZ * CALIBRATE_MS / 1000;
    uint64_t start, end;
    uint8_t gate;

    /* Gate channel 2 on, speaker off; mode 0 counts down once and raises OUT2. */
    gate = (inb(PIT_GATE_PORT) & ~0x02) | 0x01;
    outb(gate, PIT_GATE_PORT);
    outb(0xb0, PIT_MODE);              /* channel 2, lobyte/hibyte, mode 0 */
    outb(count & 0xff, PIT_CH2);
    outb(count >> 8, PIT_CH2);
    start = rdtsc_ordered();
    while ( !(inb(PIT_GATE_PORT) & 0x20) )
        ;
    end = rdtsc_ordered();
    return (end - start) * 1000 / CALIBRATE_MS;
}

static uint64_t calibrate_with_hpet(paddr_t hpet_pa)
{
    volatile uint8_t *hpet = ioremap(hpet_pa, 1024);
    uint64_t period_fs, ticks, start_hpet, start_tsc, end_tsc;

    if ( !hpet )
        return 0;
    period_fs = readq(hpet + HPET_CAPS) >> 32;
    if ( period_fs == 0 || period_fs > 100000000 )   /* spec: at most 100 ns */
        return 0;
    writel(readl(hpet + HPET_CONFIG) | HPET_ENABLE, hpet + HPET_CONFIG);
    ticks = CALIBRATE_MS * 1000000ULL * FS_PER_NS / period_fs;
    start_hpet = readq(hpet + HPET_COUNTER);
    start_tsc = rdtsc_ordered();
    while ( readq(hpet + HPET_COUNTER) - start_hpet < ticks )
        ;
    end_tsc = rdtsc_ordered();
    return (end_tsc - start_tsc) * 1000 / CALIBRATE_MS;
}

/*
 * ticks_per_sec is brought into (1e9, 2e9] by a power of two (shift); the
 * fraction 1e9 / that rate then fits in 32 bits.
 */
static void set_time_scale(struct time_scale *ts, uint64_t ticks_per_sec)
{
    uint64_t rate = ticks_per_sec;
    int shift = 0;

    while ( rate > 2 * (uint64_t)NSEC_PER_SEC )
    {
        rate >>= 1;
        shift--;
    }
    while ( rate <= (uint64_t)NSEC_PER_SEC )
    {
        rate <<= 1;
        shift++;
    }
    ts->mul_frac = (uint32_t)(((uint64_t)NSEC_PER_SEC << 32) / rate);
    ts->shift = shift;
}

static uint64_t scale_delta(uint64_t delta, const struct time_scale *ts)
{
    if ( ts->shift < 0 )
        delta >>= -ts->shift;
    else
        delta <<= ts->shift;
    return (uint64_t)(((unsigned __int128)delta * ts->mul_frac) >> 32);
}

const struct time_scale *tsc_time_scale(void)
{
    return &tsc_scale;
}

s_time_t stime_and_tsc(uint64_t *tsc)
{
    uint64_t now = rdtsc();

    *tsc = now;
    return tsc_hz ? (s_time_t)scale_delta(now - tsc_at_boot, &tsc_scale) : 0;
}

void time_init(void)
{
    const char *source = "HPET";

    tsc_hz = acpi_platform.hpet_addr ? calibrate_with_hpet(acpi_platform.hpet_addr) : 0;
    if ( !tsc_hz )
    {
        source = "PIT";
        tsc_hz = calibrate_with_pit();
    }
    set_time_scale(&tsc_scale, tsc_hz);
    ticks_per_ns_scaled = (tsc_hz << 24) / NSEC_PER_SEC;
    tsc_at_boot = rdtsc();
    printk("Time: TSC %lu.%03lu MHz, calibrated against the %s\n",
           tsc_hz / 1000000, tsc_hz / 1000 % 1000, source);
    wallclock_init();
}

s_time_t get_s_time(void)
{
    uint64_t tsc;

    return stime_and_tsc(&tsc);
}

uint64_t tsc_from_stime(s_time_t t)
{
    return tsc_at_boot + (uint64_t)(((unsigned __int128)t * ticks_per_ns_scaled) >> 24);
}

uint64_t cpu_khz_get(void)
{
    return tsc_hz / 1000;
}

void udelay(unsigned long usecs)
{
    uint64_t start = rdtsc();
    uint64_t ticks = tsc_hz ? tsc_hz / 1000000 * usecs : usecs * 1000;

    while ( rdtsc() - start < ticks )
        __builtin_ia32_pause();
}
