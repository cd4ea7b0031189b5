/*
 * A PV dom0 that never yields must not starve a domU on the same CPU
 * (TESTS: peer=timer_liveness, smp=1).  dom0 spins in guest kernel mode for
 * 8 s of system time, with no hypercall, while the PVH peer measures its
 * own timer's gaps (it fails above 300 ms).  Keel's scheduler must preempt
 * the spinning PV vCPU at its slice.  8 s covers the peer's boot and its
 * 4 s measurement, so dom0's poweroff (which ends the machine) comes after
 * the peer's verdict.  This is also the runner's own check that two-domain
 * tests work (both verdicts and both end lines are required).
 */
#include "pv.h"
#include "pv_clock.h"
#include "console.h"
#include "report.h"

const char test_title[] = "PV dom0 spinning beside a PVH domU on one CPU";

#define SPIN_NS (8000ULL * 1000000ULL)

void test_main(void)
{
    printk("Spinning for %llu ms without a hypercall\n",
           (unsigned long long)(SPIN_NS / 1000000ULL));
    spin_ns(SPIN_NS);
    printk("Done spinning\n");
}
