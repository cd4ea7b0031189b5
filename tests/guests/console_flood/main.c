/*
 * Console flood from a domU: console_io writes of 1 MiB each (the most one
 * call takes), back to back for FLOOD_MS, then 16 KiB of lines on the
 * debug port 0xE9.  A hypervisor that prints all of it synchronously keeps
 * the CPU (and its UART) for seconds per call, and every other domain on
 * that CPU waits: with `peer=timer_liveness,smp=1` the partner domain (d2,
 * on the same CPU) times its 1 ms ticks throughout and is the judge.
 *
 * Seen here: the number of calls, each call's result (0) and the worst
 * call's duration in TSC cycles; a call must return within
 * FLOOD_CALL_MAX_CYCLES (2 s at the TSC >= 1 GHz this library assumes,
 * 0.7 s at 3 GHz: room for the partner's 10 ms slices and for QEMU being
 * descheduled on a loaded host; a synchronous 1 MiB print takes some
 * 17 Gcycles under TCG).  With Keel's budget, beyond the
 * first few KiB a domU's output is dropped without being copied.  After
 * the flood the test waits for the budget to refill, so that its own
 * verdict line is printed (Keel reports the dropped bytes once, as
 * "d1: N bytes of console output dropped (rate limit)").
 * Keel's own platform: Xen 4.17 release builds refuse console_io to domUs.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Console flood from a domU";

#define FLOOD_BYTES            (1UL << 20)
#define FLOOD_MS               12000    /* TSC units of 10^6: >= 4 s at <= 3 GHz */
#define PORT_FLOOD_BYTES       (16 * 1024)
#define FLOOD_CALL_MAX_CYCLES  2000000000ULL
#define REFILL_WAIT_MS         3000

static char flood[FLOOD_BYTES];

static void fill(void)
{
    for ( unsigned long i = 0; i < FLOOD_BYTES; i++ )
        flood[i] = (i % 64) == 63 ? '\n' : 'A' + (i % 26);
}

void test_main(void)
{
    uint64_t worst = 0, total = 0, t0, t1;
    unsigned int calls = 0;
    bool slow = false;
    long rc;

    fill();
    for ( uint64_t end = tsc_after_ms(FLOOD_MS); rdtsc() < end; calls++ )
    {
        t0 = rdtsc();
        rc = hypercall_console_io(CONSOLEIO_write, FLOOD_BYTES, flood);
        t1 = rdtsc();
        if ( rc )
            xtf_failure("Fail: call %u: console_io write returned %ld\n", calls, rc);
        worst = t1 - t0 > worst ? t1 - t0 : worst;
        total += t1 - t0;
    }
    t0 = rdtsc();
    for ( unsigned long i = 0; i < PORT_FLOOD_BYTES; i++ )
        outb(flood[i], 0xe9);
    t1 = rdtsc();

    /* The flood used up this domain's budget: let it refill before reporting. */
    wait_until(false, REFILL_WAIT_MS);
    printk("console_io: %u x %lu bytes, worst call %lu Mcycles, all %lu Mcycles\n",
           calls, FLOOD_BYTES, (unsigned long)(worst >> 20),
           (unsigned long)(total >> 20));
    printk("port 0xe9: %u bytes in %lu Mcycles\n", PORT_FLOOD_BYTES,
           (unsigned long)((t1 - t0) >> 20));
    if ( worst > FLOOD_CALL_MAX_CYCLES )
    {
        xtf_failure("Fail: a 1 MiB console_io write kept the CPU %lu Mcycles (bound %lu)\n",
                    (unsigned long)(worst >> 20),
                    (unsigned long)(FLOOD_CALL_MAX_CYCLES >> 20));
        slow = true;
    }
    if ( !slow )
        printk("Not vulnerable\n");
}
