/*
 * Grants between dom0 and a PVH domU (TESTS peer grant_domu_peer, domain
 * 1), as xenstored/xenconsoled (gntdev: a PTE address) and blkback (a
 * kernel VA) use them.  Semantics are Xen 4.17's (xen/common/grant_table.c,
 * xen/arch/x86/pv/grant_table.c); Xen cannot boot a domU beside a test
 * dom0 without its toolstack, so this runs on Keel only (grant_v1_basic
 * makes the same calls on one domain on Xen too):
 *  - our ref 12 grants page D to d1 (it copies and maps it);
 *  - map of d1's ref 8 (its page G, a gfn of d1) by VA: retried until d1
 *    has granted it, then G's marker reads through it; a second mapping
 *    with GNTMAP_contains_pte | GNTMAP_application_map at another window's
 *    PTE shows the same, with the same dev_bus_addr;
 *  - GNTTABOP_copy into d1's ref 9 (our page -> its page H) and out of its
 *    ref 8 into our page; into its read-only ref 10: GNTST_general_error;
 *  - ref 10 mapped read-only (a writable map of it: GNTST_general_error);
 *  - our reply written into G through the mapping, d1 acks in G; then both
 *    mappings of ref 8 are unmapped (a second unmap: GNTST_bad_handle) and
 *    d1 sees GTF_reading/GTF_writing clear and revokes;
 *  - when d1 has powered off (VIRQ_DOM_EXC) we destroy it while ref 10 is
 *    still mapped: Keel keeps the frame (d1 lingers dying, "1 still
 *    referenced", checked by the TESTS regex), a new map of d1's grants is
 *    GNTST_bad_domain, the page still reads through our mapping; our unmap
 *    releases d1's last frame and d1 is gone (getdomaininfo -ESRCH).
 */
#include "pv.h"
#include "pv_clock.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include "evtchn_ops.h"
#include "grant_ops.h"
#include "grant_pair.h"
#include <public/domctl.h>

const char test_title[] = "Grants between dom0 and a domU";

#define MS 1000000ULL
#define PEER 1


static uint8_t table_va[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t page_c[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t page_d[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t page_e[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t win_a[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t win_b[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t win_k[4096] __page_aligned __section(".bss.page_aligned");

static volatile struct grant_entry_v1 *table = (volatile struct grant_entry_v1 *)table_va;


static long uvm(void *va, uint64_t pte)
{
    return hypercall_update_va_mapping((unsigned long)va, pte, UVMF_INVLPG | UVMF_LOCAL);
}

static long domctl_on(uint32_t cmd, struct xen_domctl *op)
{
    op->cmd = cmd;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = PEER;
    return hypercall1(__HYPERVISOR_domctl, op);
}

static bool peer_gone(void)
{
    struct xen_domctl op = { 0 };
    long rc = domctl_on(XEN_DOMCTL_getdomaininfo, &op);

    return rc == -ESRCH || (rc == 0 && op.u.getdomaininfo.domain != PEER);
}

/* Our own table: ref 12 for d1. */
static bool grant_to_peer(void)
{
    uint64_t frame = 0;
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1,
                                     .frame_list = (unsigned long)&frame };
    long rc = hypercall_grant_table_op(GNTTABOP_setup_table, &st, 1);

    if ( rc || st.status )
        return xtf_error("Error: setup_table: rc %ld status %d\n", rc, st.status), false;
    if ( (rc = uvm(table_va, (frame << PAGE_SHIFT) | PTE_RW)) != 0 )
        return xtf_error("Error: mapping our grant frame: %ld\n", rc), false;
    memcpy(page_d, dom0_data, sizeof(dom0_data));
    grant_access(table, DOM0_REF, PEER, virt_to_mfn(page_d), true);
    return true;
}

void test_main(void)
{
    struct evtchn_bind_virq_arg dom_exc = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
    grant_handle_t ha, hb, hk, hx;
    uint64_t bus_a = 0, bus_b = 0, bus;
    uint64_t pte_b = pte_maddr(win_b);
    unsigned long mfn_a = virt_to_mfn(win_a), mfn_b = virt_to_mfn(win_b), mfn_k = virt_to_mfn(win_k);
    struct xen_domctl op = { 0 };
    int16_t st;
    long rc;

    if ( !grant_to_peer() )
        return;
    rc = hypercall_event_channel_op(EVTCHNOP_bind_virq, &dom_exc);
    if ( rc )
        return xtf_error("Error: bind_virq(VIRQ_DOM_EXC): %ld\n", rc);
    uvm(win_a, 0);
    uvm(win_b, 0);
    uvm(win_k, 0);

    /* d1 grants once it has set up its table (each try is a map: no second one once it worked). */
    st = gnt_map((unsigned long)win_a, GNTMAP_host_map, REF_G, PEER, &ha, &bus_a);
    for ( uint64_t end = pv_now() + 30000 * MS; st != GNTST_okay && pv_now() < end; )
        st = gnt_map((unsigned long)win_a, GNTMAP_host_map, REF_G, PEER, &ha, &bus_a);
    if ( st != GNTST_okay )
        return xtf_failure("Fail: map of d1's ref %u: status %d after 30 s\n", REF_G, st);
    printk("mapped d1's ref %u at %p (machine %#lx)\n", REF_G, win_a, (unsigned long)bus_a);
    check_eq("d1's marker through the VA mapping", vmemeq(win_a, marker_g, sizeof(marker_g)), true);
    grant_check_status("map by PTE address",
                 gnt_map(pte_b, GNTMAP_host_map | GNTMAP_contains_pte | GNTMAP_application_map,
                         REF_G, PEER, &hb, &bus_b), GNTST_okay);
    check_eq("the same frame both ways", bus_b, bus_a);
    check_eq("d1's marker through the PTE mapping", vmemeq(win_b, marker_g, sizeof(marker_g)), true);

    memcpy(page_c, copied, sizeof(copied));
    grant_check_status("copy into d1's ref H",
                 gnt_copy(false, virt_to_mfn(page_c), DOMID_SELF, 0, true, REF_H, PEER, 0, sizeof(copied)),
                 GNTST_okay);
    grant_check_status("copy out of d1's ref G",
                 gnt_copy(true, REF_G, PEER, 0, false, virt_to_mfn(page_e), DOMID_SELF, 0, sizeof(marker_g)),
                 GNTST_okay);
    check_eq("copied out of d1", memcmp(page_e, marker_g, sizeof(marker_g)), 0);
    grant_check_status("copy into d1's read-only ref K",
                 gnt_copy(false, virt_to_mfn(page_c), DOMID_SELF, 0, true, REF_K, PEER, 0, 4),
                 GNTST_general_error);
    grant_check_status("writable map of the read-only ref K",
                 gnt_map((unsigned long)win_k, GNTMAP_host_map, REF_K, PEER, &hk, &bus), GNTST_general_error);
    grant_check_status("read-only map of ref K",
                 gnt_map((unsigned long)win_k, GNTMAP_host_map | GNTMAP_readonly, REF_K, PEER, &hk, &bus),
                 GNTST_okay);
    check_eq("K's marker", vmemeq(win_k, marker_k, sizeof(marker_k)), true);

    memcpy((void *)(win_a + 100), reply, sizeof(reply));
    if ( !wait_ms(vmemeq(win_a + 200, "ack", 4), 30000) )
        return xtf_failure("Fail: no ack from d1 in 30 s\n");
    printk("d1 acked\n");
    grant_check_status("unmap the VA mapping", gnt_unmap((unsigned long)win_a, 0, ha), GNTST_okay);
    grant_check_status("unmap the PTE mapping", gnt_unmap(pte_b, 0, hb), GNTST_okay);
    grant_check_status("unmap the VA mapping again", gnt_unmap((unsigned long)win_a, 0, ha), GNTST_bad_handle);
    uvm(win_a, ((uint64_t)mfn_a << PAGE_SHIFT) | PTE_RW);
    uvm(win_b, ((uint64_t)mfn_b << PAGE_SHIFT) | PTE_RW);

    if ( !wait_ms(evtchn_pending_in(shared_info, dom_exc.port), 60000) )
        return xtf_failure("Fail: no VIRQ_DOM_EXC after d1's poweroff\n");
    /* d1 is shut down; the toolstack destroys it while we still map its ref K. */
    check_rc("destroydomain(1)", domctl_on(XEN_DOMCTL_destroydomain, &op), 0);
    grant_check_status("map of a dying domain's grant",
                 gnt_map((unsigned long)win_a, GNTMAP_host_map | GNTMAP_readonly, REF_K, PEER, &hx, &bus),
                 GNTST_bad_domain);
    check_eq("K still readable after d1's destruction", vmemeq(win_k, marker_k, sizeof(marker_k)), true);
    check_eq("d1 still listed while we map its page", peer_gone(), false);
    grant_check_status("unmap K", gnt_unmap((unsigned long)win_k, 0, hk), GNTST_okay);
    if ( !wait_ms(peer_gone(), 2000) )
        xtf_failure("Fail: d1 still listed 2 s after its last frame was unmapped\n");
    uvm(win_k, ((uint64_t)mfn_k << PAGE_SHIFT) | PTE_RW);
    table[DOM0_REF].flags = 0;
}
