/*
 * ASID reuse after a wrap (hvm64; TESTS: smp=1 and a peer domain, so that
 * two domains' vCPUs share CPU 0's ASIDs).  Every XENMEM_add_to_physmap
 * changes this domain's p2m, and a p2m change makes Keel give the vCPU a
 * fresh ASID; QEMU offers 16 ASIDs (15 for guests), so the 48 moves of
 * shared_info done here wrap CPU 0's ASIDs three times, with a yield after
 * each so that the peer runs in between.  Before the fix a wrap simply
 * started again at ASID 1: the peer kept the ASID it had, this domain was
 * soon given the same one, and from then on both ran under one ASID
 * without a flush between them (on hardware, each could use the other's
 * cached translations).  Now each wrap starts a new generation: the next
 * VMRUN flushes every ASID, and a vCPU holding an ASID of an older
 * generation takes a new one.
 *
 * What can be observed: QEMU TCG does not tag its TLB by ASID and flushes
 * it on every VMRUN and #VMEXIT (the CR3 reloads), so no stale translation
 * survives under TCG with or without the fix.  The guest checks what it
 * can (after each move the new gfn shows the shared_info frame, with the
 * marker written just before, and the old gfn does not), and the TESTS
 * regexes check Keel's debug lines for the mechanism: CPU 0 wrapped into
 * generation 2, and the peer's vCPU, which changed nothing, was found
 * holding a generation-1 ASID and given a new one.  Xen does the same
 * (hvm_asid_handle_vmenter); no Xen run for hvm64 tests.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "ASIDs after a wrap: generations, not reuse";

#define MOVES 48

static uint8_t page_a[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t page_b[4096] __page_aligned __section(".bss.page_aligned");

static long map_shinfo(void *where)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0,
        .gpfn = (unsigned long)where >> PAGE_SHIFT,
    };

    return hypercall_memory_op(XENMEM_add_to_physmap, &x);
}

void test_main(void)
{
    uint8_t *pages[2] = { page_a, page_b };
    unsigned int stale = 0;
    long rc;

    rc = map_shinfo(page_a);
    if ( rc )
        return xtf_error("Error: add_to_physmap shared_info at %p: %ld\n", page_a, rc);
    for ( unsigned int i = 1; i <= MOVES; i++ )
    {
        volatile struct shared_info *from = (void *)pages[(i - 1) & 1];
        volatile struct shared_info *to = (void *)pages[i & 1];
        uint64_t marker = 0x5a5a000000000000ULL | i;

        from->evtchn_mask[63] = marker;
        rc = map_shinfo((void *)to);
        if ( rc )
            return xtf_failure("Fail: move %u of shared_info: %ld\n", i, rc);
        if ( to->evtchn_mask[63] != marker )
            xtf_failure("Fail: move %u: the new gfn reads %#llx, not the marker %#llx\n",
                        i, (unsigned long long)to->evtchn_mask[63],
                        (unsigned long long)marker);
        if ( from->evtchn_mask[63] == marker )
            stale++;
        hypercall_sched_op(SCHEDOP_yield, NULL);
    }
    printk("%u moves of shared_info (each a new ASID), %u reads of the old gfn "
           "still showing it\n", MOVES, stale);
    if ( stale )
        xtf_failure("Fail: %u times the old gfn still read the shared_info frame\n", stale);
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable: every move seen at once; ASID generations in Keel's log\n");
}
