/*
 * Attack: turn the shared_info frame into a page table.  The hypervisor
 * writes into shared_info on the guest's behalf (event bits, cr2 on a #PF
 * bounce, time); if the frame could be typed as an L1, those writes would
 * be unvalidated PTEs and the guest could map any machine frame (issue 8,
 * defect 1).  With the frame mapped read-only (so no writable mapping
 * stands in the way) and its contents zeroed (so that they validate as an
 * empty L1 and only the frame's type can stop the attack), Xen 4.17 refuses:
 *  - MMUEXT_PIN_L1_TABLE of it: -EINVAL;
 *  - an L2 entry pointing at it (which would make it an L1): -EINVAL;
 * and the frame is still the domain's to write afterwards.  (Xen answers a
 * decrease_reservation of shared_info with 1 and keeps the page, being its
 * own; Keel refuses it, 0: not compared here.)
 * Prints "Not vulnerable" when every attempt was refused.
 */
#include "pv.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "shared_info cannot become a page table";

#define HOLE_SLOT 9                     /* an unused L2 slot of the image */

static const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;

static uint64_t *table_va(uint64_t entry)
{
    return (uint64_t *)(GUEST_VIRT_BASE + (m2p[(entry & PTE_ADDR_MASK) >> PAGE_SHIFT] << PAGE_SHIFT));
}

void test_main(void)
{
    unsigned long si_mfn = start_info->shared_info >> PAGE_SHIFT;
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    uint64_t *l3 = table_va(l4[l4_index(GUEST_VIRT_BASE)]);
    uint64_t *l2 = table_va(l3[l3_index(GUEST_VIRT_BASE)]);
    struct mmu_update u;
    long rc, pin, hook;

    if ( l2[HOLE_SLOT] )
        return xtf_error("Error: L2 slot %u is in use\n", HOLE_SLOT);
    /*
     * Make its contents a valid (empty) L1 first: with everything zero, only
     * the frame's type can stop the pin.  Events stay off meanwhile (the
     * upcall mask is back to 1 before anything can be pending).
     */
    memset(shared_info, 0, PAGE_SIZE);
    rc = make_page_ro(shared_info);
    check_rc("map shared_info read-only", rc, 0);
    if ( rc )
        return;

    pin = mmuext_one(MMUEXT_PIN_L1_TABLE, si_mfn, 0);
    printk("pin shared_info (mfn %#lx) as L1: %ld\n", si_mfn, pin);
    check_rc("pin shared_info as an L1", pin, -EINVAL);
    if ( pin == 0 )
        mmuext_one(MMUEXT_UNPIN_TABLE, si_mfn, 0);

    u.ptr = (virt_to_maddr(l2) + HOLE_SLOT * 8) | MMU_NORMAL_PT_UPDATE;
    u.val = (start_info->shared_info & PTE_ADDR_MASK) | PTE_RW;
    hook = hypercall_mmu_update(&u, 1, NULL, DOMID_SELF);
    printk("L2 entry at shared_info: %ld\n", hook);
    check_rc("L2 entry pointing at shared_info", hook, -EINVAL);
    if ( hook == 0 )
    {
        u.val = 0;
        hypercall_mmu_update(&u, 1, NULL, DOMID_SELF);
    }

    check_rc("map shared_info writable again", make_page_rw(shared_info), 0);
    shared_info->vcpu_info[0].evtchn_upcall_mask = 1;  /* still ours to write */
    if ( !xtf_status_is_failing() )
        printk("Not vulnerable\n");
}
