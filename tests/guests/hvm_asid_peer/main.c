/*
 * The bystander of hvm_asid_reuse (booted as its peer, domain 2, on the
 * same CPU): for about three seconds it only yields, so that it re-enters
 * the guest (a VMRUN, with Keel's ASID check) right after each of the other
 * domain's moves and is still alive when that domain's moves wrap CPU 0's
 * ASIDs.  A peer that computes between yields (hvm_debugreg_peer was used
 * before) could finish before the first wrap on a loaded host and leave the
 * stale-ASID line the test requires unprinted.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"

const char test_title[] = "ASID peer: a domain that only yields";

#define RUN_MS 3000

void test_main(void)
{
    unsigned long yields = 0;
    uint64_t end = tsc_after_ms(RUN_MS);

    while ( rdtsc() < end )
    {
        hypercall_sched_op(SCHEDOP_yield, NULL);
        yields++;
    }
    printk("%lu yields in %u ms\n", yields, RUN_MS);
}
