/*
 * Hostile: make Keel grow this domain's p2m (nested page tables) without
 * limit.  XENMEM_add_to_physmap moves shared_info to any guest frame below
 * 2^36; each move to a new GiB needs a new L2 and L1 table (a new 512 GiB a
 * new L3), and before the fix each came from Keel's own heap, uncharged:
 * 4000 moves 1 GiB apart took about 8000 pages (32 MiB) of Keel's memory.
 *
 * Expected: the tables come from a per-domain pool sized by the domain's
 * RAM (Keel: enough for all of it in 4 KiB leaves plus 64 tables); once it
 * is used up a move that needs a table fails with -ENOMEM, Xen's answer
 * when its p2m paging pool is empty (xen/arch/x86/mm/p2m-pt.c
 * p2m_next_level(): no page from the pool is -ENOMEM), and keeps failing;
 * the page stays where it was; a move into a place whose tables exist
 * still works.  So at most a few hundred moves may succeed here (64 MiB of
 * RAM: 35 tables for it, 64 spare), and Keel reports the full pool once
 * (TESTS matches its line).
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "Hostile: p2m growth through XENMEM_add_to_physmap";

#define ATTEMPTS     4000
#define GIB_FRAMES   (1ULL << 18)
#define MAX_ACCEPTED 200            /* 2 tables each: 1.6 MiB, far above Keel's pool */

static uint8_t home[4096] __page_aligned __section(".bss.page_aligned");

static long map_shinfo_at(uint64_t gfn)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0, .gpfn = gfn,
    };

    return hypercall_memory_op(XENMEM_add_to_physmap, &x);
}

void test_main(void)
{
    volatile uint64_t *marker = (volatile uint64_t *)(home + 2048);
    uint64_t home_gfn = (unsigned long)home >> PAGE_SHIFT;
    unsigned int accepted = 0, refused = 0, wrong_rc = 0, after_full = 0;
    long rc, first_rc = 0;
    unsigned int first_refused = 0;

    /* Home first: its table (the split 2 MiB page) exists from now on. */
    rc = map_shinfo_at(home_gfn);
    if ( rc )
        return xtf_error("Error: add_to_physmap at home gfn %#llx: %ld\n",
                         (unsigned long long)home_gfn, rc);
    *marker = 0x5eed5eedc0ffee11ULL;

    printk("Moving shared_info to %u guest frames 1 GiB apart\n", ATTEMPTS);
    for ( unsigned int k = 1; k <= ATTEMPTS; k++ )
    {
        rc = map_shinfo_at(k * GIB_FRAMES);
        if ( !rc )
        {
            accepted++;
            after_full += refused != 0;
            continue;
        }
        if ( !refused++ )
        {
            first_refused = k;
            first_rc = rc;
        }
        wrong_rc += rc != -ENOMEM;
    }
    printk("%u accepted, %u refused (first at move %u, rc %ld)\n", accepted, refused,
           first_refused, first_rc);
    if ( !refused )
        xtf_failure("Fail: all %u moves accepted: Keel's p2m grew without bound\n", ATTEMPTS);
    if ( accepted > MAX_ACCEPTED )
        xtf_failure("Fail: %u moves accepted, more than %u\n", accepted, MAX_ACCEPTED);
    if ( wrong_rc )
        xtf_failure("Fail: %u refusals were not -ENOMEM (first rc %ld)\n", wrong_rc, first_rc);
    if ( after_full )
        xtf_failure("Fail: %u moves accepted after the pool was full\n", after_full);

    /* Back home: no new table needed, so it works with the pool full. */
    rc = map_shinfo_at(home_gfn);
    check_rc("moving shared_info back home with the pool full", rc, 0);
    if ( !rc && *marker != 0x5eed5eedc0ffee11ULL )
        xtf_failure("Fail: the marker in shared_info reads %#llx after the moves\n",
                    (unsigned long long)*marker);
    *marker = 0;
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable\n");
}
