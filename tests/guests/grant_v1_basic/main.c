/*
 * Grant tables v1 from dom0 on its own grants, with Xen 4.17's answers
 * (xen/common/grant_table.c, xen/arch/x86/pv/grant_table.c):
 *  - query_size(SELF): status 0, at least 1 frame, max 64 (Xen's default
 *    max_grant_frames); count 2: -EINVAL; get_version: 1;
 *    set_version(1): 0; (3): -EINVAL with version 1 written back; (2):
 *    -ENOSYS where v2 is not offered (Keel, Xen with max-ver:1), or 0 where
 *    it is (Xen's default), and then back to 1 with no grant in use;
 *  - setup_table(SELF, 1): status 0 and the frame's MFN, which we map and
 *    write entries into; 65 frames: status -1 (GNTST_general_error), rc 0;
 *    an unknown domain: -2; count 2: -EINVAL;
 *  - an unknown cmd: -ENOSYS; continuation bits in cmd: -EINVAL; a count
 *    with bit 31: -EINVAL;
 *  - map of a self-grant (host_map at a VA): status 0, dev_bus_addr the
 *    frame's machine address, the page seen and written through the
 *    mapping, GTF_reading|GTF_writing set while mapped and clear after the
 *    unmap; a second unmap: -4 (bad_handle); the same with
 *    GNTMAP_contains_pte (host_addr = the PTE's machine address), a
 *    misaligned PTE address: -1; a device map (bus address only), unmapped
 *    with a wrong bus address: -6, then with the right one;
 *  - hostile maps: ref beyond the table -3, an entry for another domain -1,
 *    a read-only grant mapped writable -1 (read-only: 0), no map kind in
 *    flags -3, an unknown domain -2, DOMID_SELF -2 (map names a domain by
 *    id), an unknown handle -4;
 *  - revocation: while mapped, Linux's end_foreign_access (cmpxchg to 0
 *    unless reading/writing) fails; the frame field changed by the granter
 *    changes nothing: a second map of the ref gets the first frame; after
 *    both unmaps the revoke succeeds, and a map of the revoked entry is -1;
 *  - copy: gref -> own frame (gmfn, DOMID_SELF) and frame -> gref, the data
 *    arrives; offset + len > 4096: -10; a frame named with a domain id
 *    other than DOMID_SELF: -8; an unknown domain: -2; a read-only grant
 *    as destination: -1; a page table as destination: -1; a frame that
 *    does not exist: -9; a ref beyond the table: -3;
 *  - a batch of two maps and one of two unmaps; a batch of 8000 one-byte
 *    copies (long enough to be preempted and continued): every op done
 *    once, every status 0, the grant's flags clear after it; 4000 device
 *    maps of 40 grants in a batch and their 4000 unmaps in another (an op
 *    done twice would show as a lost handle or GNTST_bad_handle): all 0,
 *    the flags clear after;
 *  - pins per kind are Xen's 8-bit counters: 130 read-only device maps of
 *    one grant, the first 128 succeed, the rest GNTST_general_error.
 */
#include "pv.h"
#include "console.h"
#include "report.h"
#include "grant_ops.h"
#include "string.h"

const char test_title[] = "Grant tables v1: own grants and hostile arguments";

#define MY_DOM 0
#define REF_P  8                        /* the first non-reserved entry */
#define REF_OTHER 9
#define REF_RO 10
#define REF_Q  11

static uint8_t table_va[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t page_p[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t page_q[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t page_r[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t win[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t win2[4096] __page_aligned __section(".bss.page_aligned");

static volatile struct grant_entry_v1 *table = (volatile struct grant_entry_v1 *)table_va;
static unsigned long win_mfn, win2_mfn, table_orig_mfn;

static long uvm(void *va, uint64_t pte)
{
    return hypercall_update_va_mapping((unsigned long)va, pte, UVMF_INVLPG | UVMF_LOCAL);
}

/* A mapping window starts as a hole (as Linux's ballooned pages are) and is put back after. */
static void window_hole(void *va)
{
    long rc = uvm(va, 0);

    if ( rc )
        xtf_error("Error: unmapping the window %p: %ld\n", va, rc), xtf_exit();
}

static void window_back(void *va, unsigned long mfn)
{
    long rc = uvm(va, ((uint64_t)mfn << PAGE_SHIFT) | PTE_RW);

    if ( rc )
        xtf_error("Error: remapping the window %p: %ld\n", va, rc), xtf_exit();
}

static void queries(void)
{
    struct gnttab_query_size qs = { .dom = DOMID_SELF };
    struct gnttab_get_version gv = { .dom = DOMID_SELF };
    struct gnttab_set_version sv;
    long rc;

    check_rc("query_size", hypercall_grant_table_op(GNTTABOP_query_size, &qs, 1), 0);
    printk("query_size: status %d, %u of %u frames\n", qs.status, qs.nr_frames, qs.max_nr_frames);
    grant_check_status("query_size", qs.status, GNTST_okay);
    if ( qs.nr_frames < 1 )
        xtf_failure("Fail: query_size: %u frames\n", qs.nr_frames);
    check_eq("max_nr_frames", qs.max_nr_frames, 64);
    check_rc("query_size count 2", hypercall_grant_table_op(GNTTABOP_query_size, &qs, 2), -EINVAL);
    qs = (struct gnttab_query_size){ .dom = 0x1234 };
    check_rc("query_size of an unknown domain", hypercall_grant_table_op(GNTTABOP_query_size, &qs, 1), 0);
    grant_check_status("query_size of an unknown domain", qs.status, GNTST_bad_domain);

    check_rc("get_version", hypercall_grant_table_op(GNTTABOP_get_version, &gv, 1), 0);
    check_eq("version", gv.version, 1);
    gv.dom = 0x1234;
    check_rc("get_version of an unknown domain",
             hypercall_grant_table_op(GNTTABOP_get_version, &gv, 1), -ESRCH);
    sv.version = 1;
    check_rc("set_version(1)", hypercall_grant_table_op(GNTTABOP_set_version, &sv, 1), 0);
    sv.version = 3;
    check_rc("set_version(3)", hypercall_grant_table_op(GNTTABOP_set_version, &sv, 1), -EINVAL);
    check_eq("version written back by set_version(3)", sv.version, 1);
    sv.version = 2;
    rc = hypercall_grant_table_op(GNTTABOP_set_version, &sv, 1);
    printk("set_version(2): %ld, version %u\n", rc, sv.version);
    if ( rc == -ENOSYS )
        check_eq("version after set_version(2) refused", sv.version, 1);
    else if ( rc == 0 && sv.version == 2 )
    {
        sv.version = 1;                 /* v2 offered: back to v1, nothing is in use */
        check_rc("set_version(1) after v2", hypercall_grant_table_op(GNTTABOP_set_version, &sv, 1), 0);
    }
    else
        xtf_failure("Fail: set_version(2): rc %ld, version %u\n", rc, sv.version);
    gv.dom = DOMID_SELF;
    check_rc("get_version again", hypercall_grant_table_op(GNTTABOP_get_version, &gv, 1), 0);
    check_eq("version again", gv.version, 1);

    check_rc("unknown cmd 99", hypercall_grant_table_op(99, &qs, 1), -ENOSYS);
    check_rc("query_size with continuation bits",
             hypercall_grant_table_op(GNTTABOP_query_size | (1u << 12), &qs, 1), -EINVAL);
    check_rc("map with count 0x80000000",
             hypercall_grant_table_op(GNTTABOP_map_grant_ref, &qs, 0x80000000u), -EINVAL);
}

/* setup_table: our frame, mapped at table_va for the rest of the test. */
static bool setup_table(void)
{
    uint64_t frames[65] = { 0 };
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1,
                                     .frame_list = (unsigned long)frames };
    long rc;

    check_rc("setup_table count 2", hypercall_grant_table_op(GNTTABOP_setup_table, &st, 2), -EINVAL);
    st.nr_frames = 65;
    st.status = 0x777;
    check_rc("setup_table 65 frames", hypercall_grant_table_op(GNTTABOP_setup_table, &st, 1), 0);
    grant_check_status("setup_table 65 frames", st.status, GNTST_general_error);
    st = (struct gnttab_setup_table){ .dom = 0x1234, .nr_frames = 1,
                                      .frame_list = (unsigned long)frames };
    check_rc("setup_table unknown domain", hypercall_grant_table_op(GNTTABOP_setup_table, &st, 1), 0);
    grant_check_status("setup_table unknown domain", st.status, GNTST_bad_domain);

    st = (struct gnttab_setup_table){ .dom = DOMID_SELF, .nr_frames = 1,
                                      .frame_list = (unsigned long)frames };
    rc = hypercall_grant_table_op(GNTTABOP_setup_table, &st, 1);
    printk("setup_table: rc %ld, status %d, frame %#lx\n", rc, st.status, (unsigned long)frames[0]);
    if ( rc || st.status )
        return xtf_failure("Fail: setup_table(SELF, 1): rc %ld status %d\n", rc, st.status), false;
    table_orig_mfn = virt_to_mfn(table_va);
    rc = uvm(table_va, (frames[0] << PAGE_SHIFT) | PTE_RW);
    if ( rc )
        return xtf_failure("Fail: mapping the grant frame writable: %ld\n", rc), false;
    return true;
}

static void self_map(void)
{
    grant_handle_t h, h2;
    uint64_t bus;
    unsigned long p_mfn = virt_to_mfn(page_p);
    uint64_t pte = pte_maddr(win);

    memset(page_p, 0x5a, sizeof(page_p));
    grant_access(table, REF_P, MY_DOM, p_mfn, false);

    /* By linear address. */
    window_hole(win);
    grant_check_status("map self-grant", gnt_map((unsigned long)win, GNTMAP_host_map, REF_P, MY_DOM, &h, &bus),
                 GNTST_okay);
    check_eq("dev_bus_addr", bus, (uint64_t)p_mfn << PAGE_SHIFT);
    check_eq("page seen through the mapping", ACCESS_ONCE(win[100]), 0x5a);
    ACCESS_ONCE(win[200]) = 0xa5;
    check_eq("write through the mapping", ACCESS_ONCE(page_p[200]), 0xa5);
    check_eq("flags while mapped", table[REF_P].flags,
             GTF_permit_access | GTF_reading | GTF_writing);
    grant_check_status("unmap", gnt_unmap((unsigned long)win, 0, h), GNTST_okay);
    check_eq("flags after the unmap", table[REF_P].flags, GTF_permit_access);
    grant_check_status("unmap again", gnt_unmap((unsigned long)win, 0, h), GNTST_bad_handle);
    grant_check_status("unmap of an unknown handle", gnt_unmap((unsigned long)win, 0, 0xfffff), GNTST_bad_handle);

    /* By the PTE's machine address (Linux's gntdev for user mappings). */
    grant_check_status("map with a misaligned PTE address",
                 gnt_map(pte + 3, GNTMAP_host_map | GNTMAP_contains_pte, REF_P, MY_DOM, &h, &bus),
                 GNTST_general_error);
    grant_check_status("map with contains_pte",
                 gnt_map(pte, GNTMAP_host_map | GNTMAP_contains_pte | GNTMAP_application_map,
                         REF_P, MY_DOM, &h, &bus), GNTST_okay);
    check_eq("page seen through the PTE mapping", ACCESS_ONCE(win[200]), 0xa5);
    grant_check_status("unmap by PTE address", gnt_unmap(pte, 0, h), GNTST_okay);
    check_eq("flags after the PTE unmap", table[REF_P].flags, GTF_permit_access);
    window_back(win, win_mfn);

    /* A device mapping: only the bus address. */
    grant_check_status("device map", gnt_map(0, GNTMAP_device_map, REF_P, MY_DOM, &h, &bus), GNTST_okay);
    check_eq("device map bus address", bus, (uint64_t)p_mfn << PAGE_SHIFT);
    grant_check_status("device unmap, wrong bus address", gnt_unmap(0, bus + PAGE_SIZE, h), GNTST_bad_dev_addr);
    grant_check_status("device unmap", gnt_unmap(0, bus, h), GNTST_okay);
    check_eq("flags after the device unmap", table[REF_P].flags, GTF_permit_access);

    /* Two in one batch. */
    {
        struct gnttab_map_grant_ref m[2] = {
            { .host_addr = (unsigned long)win, .flags = GNTMAP_host_map | GNTMAP_readonly,
              .ref = REF_P, .dom = MY_DOM },
            { .host_addr = (unsigned long)win2, .flags = GNTMAP_host_map, .ref = REF_P, .dom = MY_DOM },
        };
        struct gnttab_unmap_grant_ref u[2];

        window_hole(win);
        window_hole(win2);
        check_rc("batch of two maps", hypercall_grant_table_op(GNTTABOP_map_grant_ref, m, 2), 0);
        grant_check_status("batch map 0", m[0].status, GNTST_okay);
        grant_check_status("batch map 1", m[1].status, GNTST_okay);
        check_eq("read through both", ACCESS_ONCE(win[200]) + ACCESS_ONCE(win2[200]), 2 * 0xa5);
        u[0] = (struct gnttab_unmap_grant_ref){ .host_addr = (unsigned long)win, .handle = m[0].handle };
        u[1] = (struct gnttab_unmap_grant_ref){ .host_addr = (unsigned long)win2, .handle = m[1].handle };
        check_rc("batch of two unmaps", hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, u, 2), 0);
        grant_check_status("batch unmap 0", u[0].status, GNTST_okay);
        grant_check_status("batch unmap 1", u[1].status, GNTST_okay);
        window_back(win, win_mfn);
        window_back(win2, win2_mfn);
    }
    (void)h2;
}

static void hostile_maps(void)
{
    grant_handle_t h;
    uint64_t bus;
    struct gnttab_query_size qs = { .dom = DOMID_SELF };
    unsigned long p_mfn = virt_to_mfn(page_p);

    hypercall_grant_table_op(GNTTABOP_query_size, &qs, 1);
    grant_access(table, REF_OTHER, 5, p_mfn, false);
    grant_access(table, REF_RO, MY_DOM, p_mfn, true);
    window_hole(win);
    grant_check_status("ref beyond the table",
                 gnt_map((unsigned long)win, GNTMAP_host_map, qs.nr_frames * 512, MY_DOM, &h, &bus),
                 GNTST_bad_gntref);
    grant_check_status("ref 0xffffffff", gnt_map((unsigned long)win, GNTMAP_host_map, 0xffffffffu, MY_DOM, &h, &bus),
                 GNTST_bad_gntref);
    grant_check_status("entry granted to another domain",
                 gnt_map((unsigned long)win, GNTMAP_host_map, REF_OTHER, MY_DOM, &h, &bus),
                 GNTST_general_error);
    grant_check_status("read-only grant mapped writable",
                 gnt_map((unsigned long)win, GNTMAP_host_map, REF_RO, MY_DOM, &h, &bus),
                 GNTST_general_error);
    check_eq("flags of the refused entry", table[REF_RO].flags, GTF_permit_access | GTF_readonly);
    grant_check_status("no map kind in flags", gnt_map((unsigned long)win, GNTMAP_readonly, REF_P, MY_DOM, &h, &bus),
                 GNTST_bad_gntref);
    grant_check_status("unknown domain", gnt_map((unsigned long)win, GNTMAP_host_map, REF_P, 0x1234, &h, &bus),
                 GNTST_bad_domain);
    grant_check_status("DOMID_SELF", gnt_map((unsigned long)win, GNTMAP_host_map, REF_P, DOMID_SELF, &h, &bus),
                 GNTST_bad_domain);
    grant_check_status("read-only grant mapped read-only",
                 gnt_map((unsigned long)win, GNTMAP_host_map | GNTMAP_readonly, REF_RO, MY_DOM, &h, &bus),
                 GNTST_okay);
    check_eq("flags of the read-only mapping", table[REF_RO].flags,
             GTF_permit_access | GTF_readonly | GTF_reading);
    check_eq("read through the read-only mapping", ACCESS_ONCE(win[200]), 0xa5);
    grant_check_status("unmap read-only", gnt_unmap((unsigned long)win, 0, h), GNTST_okay);
    check_eq("flags after it", table[REF_RO].flags, GTF_permit_access | GTF_readonly);
    window_back(win, win_mfn);
}

static void revocation(void)
{
    grant_handle_t h1, h2;
    uint64_t bus;
    unsigned long p_mfn = virt_to_mfn(page_p), q_mfn = virt_to_mfn(page_q);

    memset(page_q, 0x33, sizeof(page_q));
    grant_access(table, REF_Q, MY_DOM, p_mfn, false);
    grant_check_status("map for revocation", gnt_map(0, GNTMAP_device_map, REF_Q, MY_DOM, &h1, &bus), GNTST_okay);
    check_eq("revoke while mapped refused", grant_end_access(table, REF_Q), false);
    check_eq("flags still in use", table[REF_Q].flags, GTF_permit_access | GTF_reading | GTF_writing);
    table[REF_Q].frame = q_mfn;         /* the granter changes its mind: no effect on the mapping */
    grant_check_status("second map of the changed entry",
                 gnt_map(0, GNTMAP_device_map | GNTMAP_readonly, REF_Q, MY_DOM, &h2, &bus), GNTST_okay);
    check_eq("second map gets the first frame", bus, (uint64_t)p_mfn << PAGE_SHIFT);
    grant_check_status("unmap the first", gnt_unmap(0, (uint64_t)p_mfn << PAGE_SHIFT, h1), GNTST_okay);
    check_eq("reading still set by the second", table[REF_Q].flags & (GTF_reading | GTF_writing),
             GTF_reading);
    check_eq("revoke with a reader refused", grant_end_access(table, REF_Q), false);
    grant_check_status("unmap the second", gnt_unmap(0, (uint64_t)p_mfn << PAGE_SHIFT, h2), GNTST_okay);
    check_eq("revoke after the unmaps", grant_end_access(table, REF_Q), true);
    grant_check_status("map of the revoked entry", gnt_map(0, GNTMAP_device_map, REF_Q, MY_DOM, &h1, &bus),
                 GNTST_general_error);
}

static void copies(void)
{
    unsigned long r_mfn = virt_to_mfn(page_r), l4_mfn = virt_to_mfn((void *)start_info->pt_base);
    struct gnttab_query_size qs = { .dom = DOMID_SELF };

    hypercall_grant_table_op(GNTTABOP_query_size, &qs, 1);
    memset(page_r, 0, sizeof(page_r));
    for ( unsigned int i = 0; i < 64; i++ )
        page_p[1000 + i] = i + 1;
    grant_check_status("copy gref -> own frame",
                 gnt_copy(true, REF_P, MY_DOM, 1000, false, r_mfn, DOMID_SELF, 2000, 64), GNTST_okay);
    check_eq("copied bytes", memcmp(page_r + 2000, page_p + 1000, 64), 0);
    check_eq("bytes around untouched", page_r[1999] | page_r[2064], 0);
    check_eq("flags after the copy", table[REF_P].flags, GTF_permit_access);
    page_r[0] = 0x42;
    grant_check_status("copy own frame -> gref",
                 gnt_copy(false, r_mfn, DOMID_SELF, 0, true, REF_P, DOMID_SELF, 3000, 1), GNTST_okay);
    check_eq("copied into the granted page", page_p[3000], 0x42);

    grant_check_status("copy offset + len > 4096",
                 gnt_copy(true, REF_P, MY_DOM, 4000, false, r_mfn, DOMID_SELF, 0, 200), GNTST_bad_copy_arg);
    grant_check_status("copy dest offset + len > 4096",
                 gnt_copy(true, REF_P, MY_DOM, 0, false, r_mfn, DOMID_SELF, 4095, 2), GNTST_bad_copy_arg);
    grant_check_status("copy from a frame named with domain 0",
                 gnt_copy(false, r_mfn, MY_DOM, 0, false, r_mfn, DOMID_SELF, 0, 8), GNTST_permission_denied);
    grant_check_status("copy from an unknown domain",
                 gnt_copy(true, REF_P, 0x1234, 0, false, r_mfn, DOMID_SELF, 0, 8), GNTST_bad_domain);
    grant_check_status("copy to a read-only grant",
                 gnt_copy(false, r_mfn, DOMID_SELF, 0, true, REF_RO, MY_DOM, 0, 8), GNTST_general_error);
    check_eq("flags of the read-only grant after the refusal", table[REF_RO].flags,
             GTF_permit_access | GTF_readonly);
    grant_check_status("copy to our L4",
                 gnt_copy(false, r_mfn, DOMID_SELF, 0, false, l4_mfn, DOMID_SELF, 0, 8), GNTST_general_error);
    grant_check_status("copy from a frame that does not exist",
                 gnt_copy(false, 0xfffffffffUL, DOMID_SELF, 0, false, r_mfn, DOMID_SELF, 0, 8), GNTST_bad_page);
    grant_check_status("copy from a ref beyond the table",
                 gnt_copy(true, qs.nr_frames * 512, MY_DOM, 0, false, r_mfn, DOMID_SELF, 0, 8), GNTST_bad_gntref);
    grant_check_status("copy from an entry for another domain",
                 gnt_copy(true, REF_OTHER, MY_DOM, 0, false, r_mfn, DOMID_SELF, 0, 8), GNTST_general_error);
}

/* Long enough for a preemption point or several: each op must be done exactly once. */
#define BIG_BATCH 8000
static struct gnttab_copy big[BIG_BATCH];

static void big_batch(void)
{
    unsigned long r_mfn = virt_to_mfn(page_r);
    unsigned int bad = 0;

    for ( unsigned int i = 0; i < 4096; i++ )
        page_p[i] = (uint8_t)(i * 13 + 1);
    memset(page_r, 0, sizeof(page_r));
    for ( unsigned int i = 0; i < BIG_BATCH; i++ )
        big[i] = (struct gnttab_copy){
            .source = { .u.ref = REF_P, .domid = MY_DOM, .offset = i % 4096 },
            .dest = { .u.gmfn = r_mfn, .domid = DOMID_SELF, .offset = i % 4096 },
            .len = 1, .flags = GNTCOPY_source_gref, .status = 0x7777,
        };
    check_rc("batch of 8000 copies", hypercall_grant_table_op(GNTTABOP_copy, big, BIG_BATCH), 0);
    for ( unsigned int i = 0; i < BIG_BATCH; i++ )
        bad += big[i].status != GNTST_okay;
    check_eq("copies of the batch not okay", bad, 0);
    check_eq("the batch copied the page", memcmp(page_r, page_p, 4096), 0);
    check_eq("flags after the batch", table[REF_P].flags, GTF_permit_access);
}

#define MAP_BATCH 4000
#define BATCH_REFS 40                   /* 100 pins each: below Xen's 128 per kind */
#define BATCH_REF0 100
static struct gnttab_map_grant_ref maps[MAP_BATCH];
static struct gnttab_unmap_grant_ref unmaps[MAP_BATCH];

static void map_unmap_batches(void)
{
    unsigned int bad_map = 0, bad_unmap = 0, bad_flags = 0;

    for ( unsigned int r = 0; r < BATCH_REFS; r++ )
        grant_access(table, BATCH_REF0 + r, MY_DOM, virt_to_mfn(page_p), true);
    for ( unsigned int i = 0; i < MAP_BATCH; i++ )
        maps[i] = (struct gnttab_map_grant_ref){
            .flags = GNTMAP_device_map | GNTMAP_readonly, .ref = BATCH_REF0 + i % BATCH_REFS,
            .dom = MY_DOM, .status = 0x7777,
        };
    check_rc("batch of 4000 maps", hypercall_grant_table_op(GNTTABOP_map_grant_ref, maps, MAP_BATCH), 0);
    for ( unsigned int i = 0; i < MAP_BATCH; i++ )
    {
        bad_map += maps[i].status != GNTST_okay;
        unmaps[i] = (struct gnttab_unmap_grant_ref){
            .dev_bus_addr = maps[i].dev_bus_addr, .handle = maps[i].handle, .status = 0x7777,
        };
    }
    check_eq("maps of the batch not okay", bad_map, 0);
    for ( unsigned int r = 0; r < BATCH_REFS; r++ )
        bad_flags += table[BATCH_REF0 + r].flags != (GTF_permit_access | GTF_readonly | GTF_reading);
    check_eq("batch grants not reading while mapped", bad_flags, 0);
    check_rc("batch of 4000 unmaps",
             hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, unmaps, MAP_BATCH), 0);
    for ( unsigned int i = 0; i < MAP_BATCH; i++ )
        bad_unmap += unmaps[i].status != GNTST_okay;
    check_eq("unmaps of the batch not okay", bad_unmap, 0);
    bad_flags = 0;
    for ( unsigned int r = 0; r < BATCH_REFS; r++ )
    {
        bad_flags += table[BATCH_REF0 + r].flags != (GTF_permit_access | GTF_readonly);
        table[BATCH_REF0 + r].flags = 0;
    }
    check_eq("batch grants still in use after the unmaps", bad_flags, 0);

    /* 130 pins of one kind on one entry: Xen's counter stops at 128. */
    bad_map = bad_unmap = 0;
    for ( unsigned int i = 0; i < 130; i++ )
        maps[i] = (struct gnttab_map_grant_ref){
            .flags = GNTMAP_device_map | GNTMAP_readonly, .ref = REF_P, .dom = MY_DOM,
            .status = 0x7777,
        };
    check_rc("130 maps of one grant", hypercall_grant_table_op(GNTTABOP_map_grant_ref, maps, 130), 0);
    for ( unsigned int i = 0; i < 128; i++ )
    {
        bad_map += maps[i].status != GNTST_okay;
        unmaps[i] = (struct gnttab_unmap_grant_ref){
            .dev_bus_addr = maps[i].dev_bus_addr, .handle = maps[i].handle, .status = 0x7777,
        };
    }
    check_eq("of the first 128 maps, not okay", bad_map, 0);
    grant_check_status("map 129 of one grant", maps[128].status, GNTST_general_error);
    grant_check_status("map 130 of one grant", maps[129].status, GNTST_general_error);
    check_rc("128 unmaps", hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, unmaps, 128), 0);
    for ( unsigned int i = 0; i < 128; i++ )
        bad_unmap += unmaps[i].status != GNTST_okay;
    check_eq("of the 128 unmaps, not okay", bad_unmap, 0);
    check_eq("flags after them", table[REF_P].flags, GTF_permit_access);
}

void test_main(void)
{
    win_mfn = virt_to_mfn(win);
    win2_mfn = virt_to_mfn(win2);
    queries();
    if ( !setup_table() )
        return;
    self_map();
    hostile_maps();
    revocation();
    copies();
    big_batch();
    map_unmap_batches();
    for ( unsigned int r = 8; r < 16; r++ )
        table[r].flags = 0;
    check_rc("grant frame unmapped", uvm(table_va, ((uint64_t)table_orig_mfn << PAGE_SHIFT) | PTE_RW), 0);
}
