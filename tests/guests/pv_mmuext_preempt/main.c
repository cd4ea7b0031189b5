/*
 * Hang class (issue 8, defect 10): long page-table work must be preemptible.
 * A tree of one L4, one L3, NR_L2 L2s and NR_L2 * 512 distinct (empty) L1s
 * is built in frames past the boot region; pinning the L4 validates every
 * one of its tables and unpinning tears them all down again.  With a 1 ms
 * periodic timer running (its event stays masked: only the hypervisor's
 * timer work is pending), the test runs
 *  1. a multicall of NR_MC entries, each an mmuext_op batch of PAIRS
 *     (pin L4, unpin L4) pairs with its own done counter: the multicall
 *     answers 0, every entry 0 with done = 2 * PAIRS; an entry that was
 *     preempted has had its arguments rewritten by the continuation (count
 *     with MMU_UPDATE_PREEMPTED, bit 31): how many is printed, and at least
 *     one must be (so the continuation path really ran);
 *  2. mmu_update hooking the L3 into an empty pinned L4 and unhooking it
 *     (done 1 each), with the same checks as 1 after it;
 *  3. Xen's done semantics for a bad entry in the middle: mmuext_op of
 *     (flush, flush, unpin of an unpinned frame, flush) -EINVAL, done 2 (a
 *     stale value in *done is ignored); mmu_update of (good, bad, good)
 *     -EINVAL, done 1; the same two inside a multicall, per-entry results.
 * After every part the tree pins and unpins again, and an L1 frame maps
 * writable (so no teardown was left unfinished).  Xen 4.17 and Keel.
 * pv_mmuext_preempt_liveness builds this file with RUN_NS = 8 s: part 1
 * then repeats until 8 s of system time have passed, beside the PVH
 * timer_liveness peer on the same CPU (peer=timer_liveness,smp=1), whose
 * timer gaps must stay under its bound (hang class; Xen skips peer tests).
 */
#include "pv.h"
#include "pv_clock.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "preemptible pin/unpin of a large tree in a big multicall";

#define NR_L2      8                    /* 8 * 512 L1 frames: 16 MiB of tables */
#define PAIRS      4
#define NR_MC      6
#define FIRST_PFN  1024                 /* past the 4 MiB boot region */
#define PREEMPTED  0x80000000UL
#define UPPER      (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#ifndef RUN_NS
#define RUN_NS     0ULL                 /* part 1 once */
#endif

static const uint64_t run_ns = RUN_NS;
static uint8_t window[4096] __attribute__((aligned(4096)));
static struct mmuext_op ops[2 * PAIRS];
static struct multicall_entry mc[NR_MC];
static uint32_t done_of[NR_MC];
static unsigned long l4_mfn, l3_mfn, empty_l4_mfn, l2_mfn[NR_L2];

static unsigned long pfn_to_mfn(unsigned long pfn)
{
    return ((const unsigned long *)start_info->mfn_list)[pfn];
}

/* check_rc() as a condition. */
static bool rc_is(const char *what, long rc, long want)
{
    check_rc(what, rc, want);
    return rc == want;
}

/* Map the window at a frame (writable) or back at its own frame. */
static long window_at(unsigned long mfn)
{
    return hypercall_update_va_mapping((unsigned long)window,
                                       ((uint64_t)mfn << PAGE_SHIFT) | PTE_RW,
                                       UVMF_INVLPG | UVMF_LOCAL);
}

/* Fill a frame through the window: zero, then entries [0, n) -> mfns from first. */
static bool fill(unsigned long mfn, unsigned int n, unsigned long first)
{
    uint64_t *t = (uint64_t *)window;

    if ( window_at(mfn) )
        return false;
    memset(window, 0, sizeof(window));
    for ( unsigned int i = 0; i < n; i++ )
        t[i] = ((uint64_t)(first + i) << PAGE_SHIFT) | UPPER;
    return true;
}

/* The tree's frames are consecutive pfns; L2 k maps L1s [k * 512, k * 512 + 512). */
static bool build_tree(void)
{
    unsigned long pfn = FIRST_PFN, l1_first;

    if ( start_info->nr_pages < FIRST_PFN + 4 + NR_L2 * 513 )
        return xtf_error("Error: %lu pages are too few\n", (unsigned long)start_info->nr_pages), false;
    l4_mfn = pfn_to_mfn(pfn++);
    empty_l4_mfn = pfn_to_mfn(pfn++);
    l3_mfn = pfn_to_mfn(pfn++);
    for ( unsigned int k = 0; k < NR_L2; k++ )
        l2_mfn[k] = pfn_to_mfn(pfn++);
    l1_first = pfn;
    /* The PV p2m need not be contiguous: each entry names its own frame. */
    for ( unsigned long i = 0; i < NR_L2 * 512UL; i++ )
        if ( !fill(pfn_to_mfn(l1_first + i), 0, 0) )
            return false;
    for ( unsigned int k = 0; k < NR_L2; k++ )
    {
        uint64_t *t = (uint64_t *)window;

        if ( !fill(l2_mfn[k], 0, 0) )
            return false;
        for ( unsigned int i = 0; i < 512; i++ )
            t[i] = ((uint64_t)pfn_to_mfn(l1_first + k * 512 + i) << PAGE_SHIFT) | UPPER;
    }
    if ( !fill(l3_mfn, 0, 0) )
        return false;
    for ( unsigned int k = 0; k < NR_L2; k++ )
        ((uint64_t *)window)[k] = ((uint64_t)l2_mfn[k] << PAGE_SHIFT) | UPPER;
    if ( !fill(l4_mfn, 0, 0) )
        return false;
    ((uint64_t *)window)[0] = ((uint64_t)l3_mfn << PAGE_SHIFT) | UPPER;
    if ( !fill(empty_l4_mfn, 0, 0) )
        return false;
    return window_at(virt_to_mfn(window)) == 0;
}

/* The tree is whole and unpinned, and its last L1 is a plain page again. */
static void check_tree_free(const char *after)
{
    unsigned long l1 = pfn_to_mfn(FIRST_PFN + 3 + NR_L2 + NR_L2 * 512 - 1);

    printk("after %s: pin %ld", after, mmuext_one(MMUEXT_PIN_L4_TABLE, l4_mfn, 0));
    printk(", unpin %ld", mmuext_one(MMUEXT_UNPIN_TABLE, l4_mfn, 0));
    printk(", an L1 writable %ld\n", window_at(l1));
    check_rc("... the L1 maps writable", window_at(virt_to_mfn(window)), 0);
}

static void part1(void)
{
    unsigned int continued = 0;
    uint64_t t0;
    long rc;

    for ( unsigned int i = 0; i < 2 * PAIRS; i++ )
    {
        ops[i].cmd = (i & 1) ? MMUEXT_UNPIN_TABLE : MMUEXT_PIN_L4_TABLE;
        ops[i].arg1.mfn = l4_mfn;
    }
    for ( unsigned int k = 0; k < NR_MC; k++ )
    {
        done_of[k] = 0xdead;
        mc[k] = (struct multicall_entry){ .op = __HYPERVISOR_mmuext_op, .result = 1,
                                          .args = { (unsigned long)ops, 2 * PAIRS,
                                                    (unsigned long)&done_of[k], DOMID_SELF } };
    }
    t0 = rdtsc();
    rc = hypercall_multicall(mc, NR_MC);
    printk("part 1: multicall of %u x %u pin/unpin: %ld, %lu Mcycles\n", NR_MC, 2 * PAIRS, rc,
           (unsigned long)((rdtsc() - t0) >> 20));
    check_rc("multicall", rc, 0);
    for ( unsigned int k = 0; k < NR_MC; k++ )
    {
        if ( mc[k].args[1] & PREEMPTED )
            continued++;
        if ( mc[k].result != 0 || done_of[k] != 2 * PAIRS )
            xtf_failure("Fail: entry %u: result %ld, done %u (args %#lx %#lx)\n", k,
                        (long)mc[k].result, done_of[k], (unsigned long)mc[k].args[0],
                        (unsigned long)mc[k].args[1]);
    }
    printk("part 1: %u of %u entries were continued\n", continued, NR_MC);
    if ( !continued )
        xtf_failure("Fail: no entry was preempted (the continuation path did not run)\n");
    check_tree_free("part 1");
}

static long hook(unsigned long val, uint32_t *done)
{
    struct mmu_update u = { .ptr = ((uint64_t)empty_l4_mfn << PAGE_SHIFT) | MMU_NORMAL_PT_UPDATE,
                            .val = val };

    *done = 0xdead;
    return hypercall_mmu_update(&u, 1, done, DOMID_SELF);
}

static void part2(void)
{
    uint32_t done;
    uint64_t t0;

    if ( !rc_is("pin the empty L4", mmuext_one(MMUEXT_PIN_L4_TABLE, empty_l4_mfn, 0), 0) )
        return;
    t0 = rdtsc();
    check_rc("mmu_update: hook the L3 in", hook(((uint64_t)l3_mfn << PAGE_SHIFT) | UPPER, &done), 0);
    check_eq("... done", done, 1);
    check_rc("mmu_update: unhook it", hook(0, &done), 0);
    check_eq("... done", done, 1);
    printk("part 2: hook and unhook: %lu Mcycles\n", (unsigned long)((rdtsc() - t0) >> 20));
    check_rc("unpin the empty L4", mmuext_one(MMUEXT_UNPIN_TABLE, empty_l4_mfn, 0), 0);
    check_tree_free("part 2");
}

static void part3(void)
{
    struct mmuext_op bad_ops[4] = { { .cmd = MMUEXT_TLB_FLUSH_LOCAL }, { .cmd = MMUEXT_TLB_FLUSH_LOCAL },
                                    { .cmd = MMUEXT_UNPIN_TABLE }, { .cmd = MMUEXT_TLB_FLUSH_LOCAL } };
    struct mmu_update reqs[3];
    struct multicall_entry m[2];
    uint32_t d1 = 0xdead, d2 = 0xdead;

    bad_ops[2].arg1.mfn = l4_mfn;               /* not pinned */
    for ( unsigned int i = 0; i < 3; i++ )
    {
        reqs[i].ptr = (((uint64_t)empty_l4_mfn << PAGE_SHIFT) + 8) | MMU_NORMAL_PT_UPDATE;
        reqs[i].val = 0;
    }
    reqs[1].ptr = (0xfffffffffUL << PAGE_SHIFT) | MMU_NORMAL_PT_UPDATE;   /* no such frame */
    if ( !rc_is("pin the empty L4", mmuext_one(MMUEXT_PIN_L4_TABLE, empty_l4_mfn, 0), 0) )
        return;
    check_rc("mmuext_op with a bad 3rd op", hypercall_mmuext_op(bad_ops, 4, &d1, DOMID_SELF), -EINVAL);
    check_eq("... done", d1, 2);
    check_rc("mmu_update with a bad 2nd request", hypercall_mmu_update(reqs, 3, &d2, DOMID_SELF), -EINVAL);
    check_eq("... done", d2, 1);
    d1 = d2 = 0xdead;
    m[0] = (struct multicall_entry){ .op = __HYPERVISOR_mmuext_op,
                                     .args = { (unsigned long)bad_ops, 4, (unsigned long)&d1, DOMID_SELF } };
    m[1] = (struct multicall_entry){ .op = __HYPERVISOR_mmu_update,
                                     .args = { (unsigned long)reqs, 3, (unsigned long)&d2, DOMID_SELF } };
    check_rc("multicall of both", hypercall_multicall(m, 2), 0);
    check_rc("... mmuext_op entry", (long)m[0].result, -EINVAL);
    check_eq("... its done", d1, 2);
    check_rc("... mmu_update entry", (long)m[1].result, -EINVAL);
    check_eq("... its done", d2, 1);
    printk("part 3: bad entries: done %u and %u\n", d1, d2);
    check_rc("unpin the empty L4", mmuext_one(MMUEXT_UNPIN_TABLE, empty_l4_mfn, 0), 0);
}

void test_main(void)
{
    struct vcpu_set_periodic_timer period = { .period_ns = 1000000 };
    uint64_t start = pv_now();
    unsigned int passes = 0;

    if ( !build_tree() )
        return (void)xtf_error("Error: could not build the tree\n");
    printk("tree: L4 %#lx, L3 %#lx, %u L2s, %u L1s\n", l4_mfn, l3_mfn, NR_L2, NR_L2 * 512);
    check_rc("1 ms periodic timer", hypercall_vcpu_op(VCPUOP_set_periodic_timer, 0, &period), 0);
    do {
        part1();
        passes++;
    } while ( pv_now() - start < run_ns && !xtf_status_is_failing() );
    if ( run_ns )
        printk("part 1: %u passes in %lu ms\n", passes, (unsigned long)((pv_now() - start) / 1000000));
    part2();
    hypercall_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    part3();
}
