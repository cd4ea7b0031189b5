/*
 * mmuext_op, Xen 4.17:
 *  - pinning a writable-mapped page (as L1 or L4), a frame that does not
 *    exist, or an L4 whose entry points at a writable page: -EINVAL;
 *  - unpinning a page that is not pinned, NEW_BASEPTR with a data page,
 *    SET_LDT at a hypervisor address: -EINVAL; unknown command: -ENOSYS;
 *  - pin of a read-only zeroed page as L1: 0; pinning it again or as L2:
 *    -EINVAL; remapping it writable while pinned: -EBUSY; unpin: 0, then
 *    writable again;
 *  - TLB_FLUSH_LOCAL / INVLPG_LOCAL / TLB_FLUSH_ALL: 0;
 *  - a batch stops at the first failure and reports how many were done.
 */
#include "pv.h"
#include "report.h"

const char test_title[] = "mmuext_op pin/unpin/baseptr";

static uint64_t l1[512] __page_aligned __section(".bss.page_aligned");
static uint64_t bad_l4[512] __page_aligned __section(".bss.page_aligned");
static uint8_t data_page[4096] __page_aligned __section(".bss.page_aligned");

void test_main(void)
{
    unsigned long dmfn = virt_to_mfn(data_page), l1mfn = virt_to_mfn(l1);
    struct mmuext_op ops[3] = { { .cmd = MMUEXT_TLB_FLUSH_LOCAL },
                                { .cmd = MMUEXT_UNPIN_TABLE },
                                { .cmd = MMUEXT_TLB_FLUSH_LOCAL } };
    unsigned int done = 99;
    long rc;

    check_rc("pin L1 of a writable page", mmuext_one(MMUEXT_PIN_L1_TABLE, dmfn, 0), -EINVAL);
    check_rc("pin L4 of a writable page", mmuext_one(MMUEXT_PIN_L4_TABLE, dmfn, 0), -EINVAL);
    check_rc("unpin a page never pinned", mmuext_one(MMUEXT_UNPIN_TABLE, dmfn, 0), -EINVAL);
    check_rc("NEW_BASEPTR with a data page", mmuext_one(MMUEXT_NEW_BASEPTR, dmfn, 0), -EINVAL);
    check_rc("pin a frame that does not exist",
             mmuext_one(MMUEXT_PIN_L1_TABLE, 0xfffffffffUL, 0), -EINVAL);
    check_rc("command 99", mmuext_one(99, 0, 0), -ENOSYS);
    check_rc("TLB_FLUSH_LOCAL", mmuext_one(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
    check_rc("INVLPG_LOCAL", mmuext_one(MMUEXT_INVLPG_LOCAL, (unsigned long)data_page, 0), 0);
    check_rc("TLB_FLUSH_ALL", mmuext_one(MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
    check_rc("SET_LDT in hypervisor space",
             mmuext_one(MMUEXT_SET_LDT, 0xffff830000000000UL, 16), -EINVAL);
    check_rc("SET_LDT none", mmuext_one(MMUEXT_SET_LDT, 0, 0), 0);

    ops[1].arg1.mfn = dmfn;
    rc = hypercall_mmuext_op(ops, 3, &done, DOMID_SELF);
    check_rc("batch of 3 with a bad middle op", rc, -EINVAL);
    check_eq("ops done", done, 1);

    check_rc("make the L1 page read-only", make_page_ro(l1), 0);
    check_rc("pin L1", mmuext_one(MMUEXT_PIN_L1_TABLE, l1mfn, 0), 0);
    check_rc("pin L1 again", mmuext_one(MMUEXT_PIN_L1_TABLE, l1mfn, 0), -EINVAL);
    check_rc("pin it as L2", mmuext_one(MMUEXT_PIN_L2_TABLE, l1mfn, 0), -EINVAL);
    check_rc("remap the pinned L1 writable", make_page_rw(l1), -EBUSY);
    check_rc("unpin", mmuext_one(MMUEXT_UNPIN_TABLE, l1mfn, 0), 0);
    check_rc("remap writable after unpin", make_page_rw(l1), 0);

    bad_l4[0] = ((uint64_t)dmfn << PAGE_SHIFT) | PTE_RW;
    check_rc("make the bad L4 read-only", make_page_ro(bad_l4), 0);
    check_rc("pin L4 whose L3 is a writable page",
             mmuext_one(MMUEXT_PIN_L4_TABLE, virt_to_mfn(bad_l4), 0), -EINVAL);
    check_rc("pin the live L4 as an L1",
             mmuext_one(MMUEXT_PIN_L1_TABLE, virt_to_mfn((void *)start_info->pt_base), 0),
             -EINVAL);
}
