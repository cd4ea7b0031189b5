/*
 * The PVH domU of fref_foreign_pvh (its TESTS peer, domain 1): a page of
 * its RAM that dom0 finds, maps and writes through foreign mappings.
 *  - it writes a marker (with its own gfn) at the start of a page of its
 *    image; dom0 scans the gfns of our image for it (mmu_update with
 *    foreigndom = 1, the gfns translated through our p2m);
 *  - dom0 answers through a writable mapping of that gfn: the reply
 *    (marker's gfn xor a constant) must show up in our page within 60 s;
 *  - then we power off, and dom0 destroys us while it still maps the page.
 * Alone (no dom0: EVTCHNOP_status of dom0's port is -ESRCH) there is no
 * one to answer: only the marker is written.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include "evtchn_ops.h"

const char test_title[] = "Foreign mappings: the PVH domU whose page dom0 maps";

#define REPLY_XOR 0x5a5a5a5a00000000ULL

struct fref_page {
    char marker[48];
    uint64_t gfn;
    uint8_t pad[2048 - 56];
    volatile uint64_t reply;            /* dom0 writes gfn ^ REPLY_XOR here */
};

static struct fref_page page __page_aligned __section(".bss.page_aligned");
static const char marker[48] = "fref pvh peer: dom0, map me";

void test_main(void)
{
    struct evtchn_status_arg st;
    uint64_t gfn = (uint64_t)(uintptr_t)&page >> PAGE_SHIFT;   /* paging off: VA = PA */
    bool alone = evtchn_status_of(0, 1, &st) == -ESRCH;

    page.gfn = gfn;
    page.reply = 0;
    memcpy(page.marker, marker, sizeof(marker));
    __asm__ __volatile__("" ::: "memory");
    printk("marker at gfn %#lx\n", (unsigned long)gfn);
    if ( alone )
    {
        printk("No dom0: nobody to map the page\n");
        return;
    }
    if ( !wait_until(page.reply != 0, 60000) )
        return xtf_failure("Fail: dom0 never wrote its reply\n");
    check_eq("dom0's reply through its foreign mapping", page.reply, gfn ^ REPLY_XOR);
    printk("dom0 replied %#lx\n", (unsigned long)page.reply);
}
