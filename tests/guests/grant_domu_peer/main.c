/*
 * The PVH domU end of grant_interdomain (its TESTS peer), and on its own the
 * grant-table set-up of an HVM guest as Linux does it.  Semantics are Xen
 * 4.17's (xen/common/grant_table.c, xen/arch/x86/mm.c for add_to_physmap);
 * no Xen run (a boot-time domU needs Xen's toolstack):
 *  - XENMEM_add_to_physmap(XENMAPSPACE_grant_table, idx 0) puts grant frame
 *    0 at our gfn; idx 1 grows the table to 2 frames (query_size says so,
 *    max 64); a v2 status frame (XENMAPIDX_grant_table_status) and idx 64:
 *    -EINVAL;
 *  - query_size of dom0 from a domU: GNTST_bad_domain alone, and beside a
 *    dom0 GNTST_permission_denied (XSM_TARGET): that is how we tell;
 *  - a self-copy through our own grant (gref -> own gfn): the data
 *    arrives, GTF flags clear again after it; a batch of 8000 one-byte
 *    copies (preempted and continued through the re-issued VMMCALL): each
 *    done once, every status 0; 8000 host maps at hole gfns in one batch
 *    (each shows the page) and their unmaps in another: all 0;
 *  - beside dom0: ref 8 (RW, page G), 9 (RW, page H), 10 (read-only, page K)
 *    granted to d0.  We wait for dom0's reply written into G through its
 *    mapping, then check: ref 8 reads GTF_reading|GTF_writing and Linux's
 *    end_foreign_access fails; H holds what dom0 copied into ref 9 with
 *    GNTTABOP_copy and ref 9's flags are clear again.  We ack in G; once
 *    dom0 has unmapped, ref 8's reading/writing bits clear and the revoke
 *    succeeds;
 *  - dom0's grant (its ref 12, for us): a copy into our page gives its
 *    data; a host map at a GPA that is a hole (256 MiB) shows it, and after
 *    the unmap the hole reads as nothing again (all ones); device_map and
 *    contains_pte from an HVM domain: GNTST_general_error;
 *  - ref 10 stays granted (dom0 keeps it mapped across our destruction).
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include "grant_ops.h"
#include "grant_pair.h"

const char test_title[] = "Grant tables: the PVH domU end";

#define HOLE_GPA 0x10000000UL

static uint8_t table0[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t table1[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t page_g[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t page_h[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t page_k[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t page_l[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t page_m[4096] __page_aligned __section(".bss.page_aligned");

static volatile struct grant_entry_v1 *table = (volatile struct grant_entry_v1 *)table0;


static uint32_t gfn_of(const void *p)
{
    return (uint32_t)(unsigned long)p >> PAGE_SHIFT;
}

static long physmap_grant(uint64_t idx, void *where)
{
    struct xen_add_to_physmap x = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = idx, .gpfn = gfn_of(where),
    };

    return hypercall_memory_op(XENMEM_add_to_physmap, &x);
}

/* Our own table, as Linux's PVH gnttab_init sets it up. */
static bool setup(void)
{
    struct gnttab_query_size qs = { .dom = DOMID_SELF };
    long rc;

    if ( (rc = physmap_grant(0, table0)) != 0 )
        return xtf_failure("Fail: add_to_physmap(grant_table, 0): %ld\n", rc), false;
    check_rc("add_to_physmap(grant_table, 1)", physmap_grant(1, table1), 0);
    check_rc("add_to_physmap of a v2 status frame",
             physmap_grant(XENMAPIDX_grant_table_status, page_m), -EINVAL);
    check_rc("add_to_physmap(grant_table, 64)", physmap_grant(64, page_m), -EINVAL);
    check_rc("query_size", hypercall_grant_table_op(GNTTABOP_query_size, &qs, 1), 0);
    grant_check_status("query_size", qs.status, GNTST_okay);
    check_eq("grant frames", qs.nr_frames, 2);
    check_eq("max grant frames", qs.max_nr_frames, 64);
    return true;
}

#define BIG_BATCH 8000
static struct gnttab_copy big[BIG_BATCH];

/* Long enough for preemption points: every op done exactly once. */
static void big_batch(void)
{
    unsigned int bad = 0;

    for ( unsigned int i = 0; i < 4096; i++ )
        page_l[i] = (uint8_t)(i * 13 + 1);
    memset(page_m, 0, sizeof(page_m));
    grant_access(table, 21, 1, gfn_of(page_l), true);
    for ( unsigned int i = 0; i < BIG_BATCH; i++ )
        big[i] = (struct gnttab_copy){
            .source = { .u.ref = 21, .domid = DOMID_SELF, .offset = i % 4096 },
            .dest = { .u.gmfn = gfn_of(page_m), .domid = DOMID_SELF, .offset = i % 4096 },
            .len = 1, .flags = GNTCOPY_source_gref, .status = 0x7777,
        };
    check_rc("batch of 8000 copies", hypercall_grant_table_op(GNTTABOP_copy, big, BIG_BATCH), 0);
    for ( unsigned int i = 0; i < BIG_BATCH; i++ )
        bad += big[i].status != GNTST_okay;
    check_eq("copies of the batch not okay", bad, 0);
    check_eq("the batch copied the page", memcmp(page_m, page_l, 4096), 0);
    check_eq("flags after the batch", table[21].flags, GTF_permit_access | GTF_readonly);
    check_eq("batch grant revoked", grant_end_access(table, 21), true);
}

#define MAP_BATCH 8000
static struct gnttab_map_grant_ref maps[MAP_BATCH];
static struct gnttab_unmap_grant_ref unmaps[MAP_BATCH];

/* Host maps at 8000 hole gfns in one batch, unmapped in another: each op exactly once. */
static void map_unmap_batches(void)
{
    unsigned int bad_map = 0, bad_unmap = 0, bad_data = 0;

    /* 100 maps per grant: Xen's pin counters stop at 128 per kind. */
    for ( unsigned int r = 0; r < MAP_BATCH / 100; r++ )
        grant_access(table, 100 + r, 1, gfn_of(page_l), true);
    for ( unsigned int i = 0; i < MAP_BATCH; i++ )
        maps[i] = (struct gnttab_map_grant_ref){
            .host_addr = HOLE_GPA + ((uint64_t)i << PAGE_SHIFT),
            .flags = GNTMAP_host_map | GNTMAP_readonly, .ref = 100 + i / 100, .dom = 1,
            .status = 0x7777,
        };
    check_rc("batch of 8000 maps", hypercall_grant_table_op(GNTTABOP_map_grant_ref, maps, MAP_BATCH), 0);
    for ( unsigned int i = 0; i < MAP_BATCH; i++ )
    {
        bad_map += maps[i].status != GNTST_okay;
        bad_data += maps[i].status == GNTST_okay &&
                    *(volatile uint8_t *)(unsigned long)(maps[i].host_addr + 5) != page_l[5];
        unmaps[i] = (struct gnttab_unmap_grant_ref){
            .host_addr = maps[i].host_addr, .handle = maps[i].handle, .status = 0x7777,
        };
    }
    check_eq("maps of the batch not okay", bad_map, 0);
    check_eq("mapped gfns not showing the page", bad_data, 0);
    check_rc("batch of 8000 unmaps",
             hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, unmaps, MAP_BATCH), 0);
    for ( unsigned int i = 0; i < MAP_BATCH; i++ )
        bad_unmap += unmaps[i].status != GNTST_okay;
    check_eq("unmaps of the batch not okay", bad_unmap, 0);
    bad_map = 0;
    for ( unsigned int r = 0; r < MAP_BATCH / 100; r++ )
        bad_map += !grant_end_access(table, 100 + r);
    check_eq("batch grants that could not be revoked", bad_map, 0);
}

/* A copy through a grant of ours to ourselves (we are domain 1 here). */
static void self_copy(void)
{
    memset(page_m, 0, sizeof(page_m));
    memcpy(page_l, "self copy", 10);
    grant_access(table, 20, 1, gfn_of(page_l), true);
    grant_check_status("self copy gref -> own gfn",
                 gnt_copy(true, 20, DOMID_SELF, 0, false, gfn_of(page_m), DOMID_SELF, 8, 10),
                 GNTST_okay);
    check_eq("self copy data", memcmp(page_m + 8, "self copy", 10), 0);
    check_eq("flags after the self copy", table[20].flags, GTF_permit_access | GTF_readonly);
    check_eq("self grant revoked", grant_end_access(table, 20), true);
}

static void dom0_grant(void)
{
    volatile uint8_t *hole = (volatile uint8_t *)HOLE_GPA;
    grant_handle_t h;
    uint64_t bus;
    int16_t st;

    memset(page_m, 0, sizeof(page_m));
    /* dom0 grants at its start: allow it some time. */
    for ( uint64_t end = tsc_after_ms(30000);; )
    {
        st = gnt_copy(true, DOM0_REF, 0, 0, false, gfn_of(page_m), DOMID_SELF, 0, sizeof(dom0_data));
        if ( st == GNTST_okay || rdtsc() >= end )
            break;
    }
    if ( st != GNTST_okay )
        return xtf_failure("Fail: copy from dom0's ref %u: status %d\n", DOM0_REF, st);
    check_eq("data copied from dom0's grant", memcmp(page_m, dom0_data, sizeof(dom0_data)), 0);
    grant_check_status("device map from an HVM domain",
                 gnt_map(HOLE_GPA, GNTMAP_device_map, DOM0_REF, 0, &h, &bus), GNTST_general_error);
    grant_check_status("contains_pte from an HVM domain",
                 gnt_map(HOLE_GPA, GNTMAP_host_map | GNTMAP_contains_pte, DOM0_REF, 0, &h, &bus),
                 GNTST_general_error);
    grant_check_status("host map of dom0's grant at a hole",
                 gnt_map(HOLE_GPA, GNTMAP_host_map | GNTMAP_readonly, DOM0_REF, 0, &h, &bus), GNTST_okay);
    check_eq("dom0's page seen at the hole", vmemeq(hole, dom0_data, sizeof(dom0_data)), true);
    grant_check_status("unmap it", gnt_unmap(HOLE_GPA, 0, h), GNTST_okay);
    check_eq("the hole after the unmap", hole[0], 0xff);
    grant_check_status("unmap it again", gnt_unmap(HOLE_GPA, 0, h), GNTST_bad_handle);
}

void test_main(void)
{
    struct gnttab_query_size qs = { .dom = 0 };
    bool alone;

    if ( !setup() )
        return;
    self_copy();
    big_batch();
    map_unmap_batches();
    check_rc("query_size of dom0", hypercall_grant_table_op(GNTTABOP_query_size, &qs, 1), 0);
    printk("query_size of dom0: status %d\n", qs.status);
    if ( qs.status != GNTST_bad_domain && qs.status != GNTST_permission_denied )
        return xtf_failure("Fail: query_size of dom0: status %d\n", qs.status);
    alone = qs.status == GNTST_bad_domain;
    if ( alone )
    {
        printk("No dom0: our own grants only\n");
        return;
    }

    memcpy(page_g, marker_g, sizeof(marker_g));
    memcpy(page_k, marker_k, sizeof(marker_k));
    memset(page_h, 0, sizeof(page_h));
    grant_access(table, REF_H, 0, gfn_of(page_h), false);
    grant_access(table, REF_K, 0, gfn_of(page_k), true);
    grant_access(table, REF_G, 0, gfn_of(page_g), false);
    printk("refs %u, %u, %u granted to d0\n", REF_G, REF_H, REF_K);

    if ( !wait_until(vmemeq(page_g + 100, reply, sizeof(reply)), 60000) )
        return xtf_failure("Fail: no reply from dom0 in page G\n");
    printk("dom0 replied; ref %u flags %#x\n", REF_G, table[REF_G].flags);
    check_eq("ref G flags while dom0 maps it", table[REF_G].flags,
             GTF_permit_access | GTF_reading | GTF_writing);
    check_eq("revoking ref G while mapped", grant_end_access(table, REF_G), false);
    check_eq("what dom0 copied into ref H", memcmp(page_h, copied, sizeof(copied)), 0);
    check_eq("ref H flags after dom0's copy", table[REF_H].flags, GTF_permit_access);
    check_eq("ref K flags while dom0 maps it read-only", table[REF_K].flags,
             GTF_permit_access | GTF_readonly | GTF_reading);
    memcpy(page_g + 200, "ack", 4);

    if ( !wait_until(!(table[REF_G].flags & (GTF_reading | GTF_writing)), 30000) )
        return xtf_failure("Fail: ref G still in use (flags %#x) 30 s after the ack\n",
                           table[REF_G].flags);
    printk("dom0 unmapped ref %u\n", REF_G);
    check_eq("revoking ref G after dom0's unmap", grant_end_access(table, REF_G), true);
    check_eq("revoking ref H", grant_end_access(table, REF_H), true);

    dom0_grant();
}
