/*
 * Remote TLB flushes: two vCPUs on the same page tables.  vCPU 1 reads a
 * page through its own TLB; vCPU 0 remaps that VA to another frame without
 * a flush, then flushes in one of the ways Linux does, and vCPU 1 reads
 * again: it must see the new frame.  Expected answers are Xen 4.17's:
 *  - update_va_mapping with UVMF_INVLPG|UVMF_ALL, UVMF_TLB_FLUSH|UVMF_ALL,
 *    UVMF_INVLPG|UVMF_MULTI (bitmap {1}), and mmuext TLB_FLUSH_ALL,
 *    INVLPG_ALL, TLB_FLUSH_MULTI, INVLPG_MULTI reach vCPU 1;
 *  - UVMF_MULTI with a bitmap in Xen's range: the entry is changed, then
 *    -EFAULT; MMUEXT_*_MULTI with such a bitmap: -EINVAL; a bitmap with
 *    bits past the last vCPU: 0; INVLPG_ALL of an address in Xen's range: 0.
 * A local-only flush is also tried and what vCPU 1 saw is printed: under
 * QEMU its stale TLB entry usually survives, which shows the check bites.
 */
#include "pv.h"
#include "pv_vcpu.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "UVMF_ALL/MULTI and MMUEXT_*_MULTI/ALL flush another vCPU's TLB";

#define LOOPS 400000UL

static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));
static uint8_t ap_stack[PV_VCPU_STACK] __attribute__((aligned(16)));
static uint64_t vcpu1_mask = 1UL << 1;
static uint64_t far_mask = ~0UL;

static volatile unsigned long ack, go, done, stop, seen;

/* vCPU 1: per round, read the VA (caching it), wait, read it again. */
static void ap_main(unsigned int id)
{
    unsigned long round = 0;

    (void)id;
    while ( !stop )
    {
        round++;
        (void)*(volatile uint32_t *)page_a;
        ack = round;
        while ( go != round && !stop )
            ;
        seen = *(volatile uint32_t *)page_a;
        done = round;
    }
}

static uint64_t pte_of(void *frame_va)
{
    return virt_to_maddr(frame_va) | PTE_RW;
}

/* The ways to flush, after an unflushed remap of page_a. */
enum how { UVMF_INVLPG_ALL, UVMF_FLUSH_ALL, UVMF_INVLPG_MULTI, EXT_FLUSH_ALL,
           EXT_INVLPG_ALL, EXT_FLUSH_MULTI, EXT_INVLPG_MULTI, LOCAL_ONLY, NR_HOW };
static const char *const how_name[NR_HOW] = {
    "UVMF_INVLPG|UVMF_ALL", "UVMF_TLB_FLUSH|UVMF_ALL", "UVMF_INVLPG|UVMF_MULTI",
    "MMUEXT_TLB_FLUSH_ALL", "MMUEXT_INVLPG_ALL", "MMUEXT_TLB_FLUSH_MULTI",
    "MMUEXT_INVLPG_MULTI", "UVMF_INVLPG|UVMF_LOCAL (local only)",
};

static long ext(unsigned int cmd, unsigned long va, uint64_t *mask)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.linear_addr = va;
    op.arg2.vcpumask = (unsigned long)mask;
    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* Point page_a's VA at frame_va's frame, flushing as `how` says. */
static long remap(void *frame_va, enum how how)
{
    unsigned long va = (unsigned long)page_a;
    uint64_t pte = pte_of(frame_va);

    switch ( how )
    {
    case UVMF_INVLPG_ALL:
        return hypercall_update_va_mapping(va, pte, UVMF_INVLPG | UVMF_ALL);
    case UVMF_FLUSH_ALL:
        return hypercall_update_va_mapping(va, pte, UVMF_TLB_FLUSH | UVMF_ALL);
    case UVMF_INVLPG_MULTI:
        return hypercall_update_va_mapping(va, pte, UVMF_INVLPG | (unsigned long)&vcpu1_mask);
    case LOCAL_ONLY:
        return hypercall_update_va_mapping(va, pte, UVMF_INVLPG | UVMF_LOCAL);
    default:
        break;
    }
    if ( hypercall_update_va_mapping(va, pte, UVMF_NONE) )
        return -1;
    switch ( how )
    {
    case EXT_FLUSH_ALL:    return ext(MMUEXT_TLB_FLUSH_ALL, 0, NULL);
    case EXT_INVLPG_ALL:   return ext(MMUEXT_INVLPG_ALL, va, NULL);
    case EXT_FLUSH_MULTI:  return ext(MMUEXT_TLB_FLUSH_MULTI, 0, &vcpu1_mask);
    case EXT_INVLPG_MULTI: return ext(MMUEXT_INVLPG_MULTI, va, &vcpu1_mask);
    default:               return -1;
    }
}

/* One round: vCPU 1 caches the current frame, we remap, it reads again. */
static bool round_with(unsigned long r, void *next, enum how how, uint32_t *got)
{
    if ( !wait_for_value(&ack, r, LOOPS) )
    {
        xtf_failure("Fail: %s: vCPU 1 did not come round\n", how_name[how]);
        return false;
    }
    check_rc(how_name[how], remap(next, how), 0);
    go = r;
    if ( !wait_for_value(&done, r, LOOPS) )
    {
        xtf_failure("Fail: %s: vCPU 1 did not read again\n", how_name[how]);
        return false;
    }
    *got = seen;
    return true;
}

static void hostile(void)
{
    unsigned long va = (unsigned long)page_a;
    uint64_t *xen_area = (uint64_t *)0xffff800000000000UL;

    check_rc("UVMF_MULTI, bitmap in Xen's range",
             hypercall_update_va_mapping(va, pte_of(page_b),
                                         UVMF_INVLPG | (unsigned long)xen_area), -EFAULT);
    check_rc("INVLPG_LOCAL", ext(MMUEXT_INVLPG_LOCAL, va, NULL), 0);
    check_eq("... the entry was changed all the same", *(volatile uint32_t *)page_a, 0xbbbbbbbb);
    check_rc("restore", hypercall_update_va_mapping(va, pte_of(page_a), UVMF_INVLPG | UVMF_ALL), 0);
    check_rc("TLB_FLUSH_MULTI, bitmap in Xen's range",
             ext(MMUEXT_TLB_FLUSH_MULTI, 0, xen_area), -EINVAL);
    check_rc("INVLPG_MULTI, bitmap in Xen's range", ext(MMUEXT_INVLPG_MULTI, va, xen_area),
             -EINVAL);
    check_rc("TLB_FLUSH_MULTI, bits past the last vCPU",
             ext(MMUEXT_TLB_FLUSH_MULTI, 0, &far_mask), 0);
    check_rc("INVLPG_ALL of an address in Xen's range",
             ext(MMUEXT_INVLPG_ALL, 0xffff800000000000UL, NULL), 0);
}

void test_main(void)
{
    unsigned long r = 0;
    uint32_t got;
    long rc;

    memset(page_a, 0xaa, sizeof(page_a));
    memset(page_b, 0xbb, sizeof(page_b));
    hostile();
    if ( pv_nr_vcpus(64) < 2 )
    {
        xtf_skip("Skip: needs 2 vCPUs (QEMU -smp 2)\n");
        return;
    }
    rc = pv_start_vcpu(1, ap_main, ap_stack + sizeof(ap_stack));
    check_rc("start vCPU 1", rc, 0);
    if ( rc )
        return;
    for ( enum how how = 0; how < NR_HOW; how++ )
    {
        void *next = (r & 1) ? page_a : page_b;
        uint32_t want = (r & 1) ? 0xaaaaaaaa : 0xbbbbbbbb;

        if ( !round_with(++r, next, how, &got) )
            break;
        if ( how == LOCAL_ONLY )
            printk("after a local-only flush vCPU 1 read %#x (%s)\n", got,
                   got == want ? "new frame" : "stale TLB entry");
        else if ( got != want )
            xtf_failure("Fail: %s: vCPU 1 read %#x, expected %#x (stale TLB entry)\n",
                        how_name[how], got, want);
    }
    stop = 1;
    hypercall_update_va_mapping((unsigned long)page_a, pte_of(page_a), UVMF_TLB_FLUSH | UVMF_ALL);
}
