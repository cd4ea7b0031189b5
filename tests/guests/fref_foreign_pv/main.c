/*
 * Foreign mappings of a PV domain's frames by dom0 (mmu_update with
 * foreigndom, as libxc and Linux's privcmd use it), and a dying domain's
 * lifetime while dom0 still maps one of its frames.  The PV domain is one
 * dom0 builds itself, as a toolstack does: createdomain, max_mem, four
 * frames by populate_physmap (their machine frame numbers come back).
 * Dom0 maps them through an L1 of its own hooked into its page tables.
 * Expected answers are Xen 4.17's (xen/arch/x86/mm.c: get_page_from_l1e,
 * do_mmu_update, do_mmuext_op; xen/common/domain.c: domain_kill):
 *  - a frame of the domain maps writable (foreigndom = its id), the
 *    marker written through it reads back through a second, read-only
 *    mapping; MMU_PT_UPDATE_NO_TRANSLATE maps it the same (PV: no p2m);
 *  - a frame mapped writable cannot be pinned as the domain's L1 (foreign
 *    mmuext_op: -EINVAL); once unmapped it can, and then it maps
 *    read-only only: writable -EBUSY ("could_not_pin");
 *  - a frame the domain does not own is -EBUSY: dom0's own, and one the
 *    domain gave back (decrease_reservation on its behalf);
 *  - an unknown foreigndom is -ESRCH;
 *  - destroydomain while a frame is mapped: the domain stays, dying
 *    (XEN_DOMINF_dying), with only that frame (tot_pages 1), and the frame
 *    still reads the marker; destroying it again is 0, unpausing it (the
 *    toolstack's pause from createdomain) is 0 and it stays dying and
 *    not running; then unmapping the
 *    frame ends it: getdomaininfo -ESRCH and physinfo's free pages are
 *    back to where they were before the domain was created.
 *  Keel is stricter than Xen in one point, checked on Keel only (the
 *  extraversion says which): a dying domain's frame takes no new
 *  reference (-EBUSY), where Xen maps it again.
 */
#include "pv.h"
#include "pv_clock.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include "domctl_ops.h"
#include <public/memory.h>
#include <public/sysctl.h>

const char test_title[] = "Foreign mappings of a PV domain, and its death while mapped";

#define HOLE_SLOT   8                               /* VIRT_BASE + 16 MiB: unused */
#define HOLE_VA     (GUEST_VIRT_BASE + ((unsigned long)HOLE_SLOT << 21))
#define PTE_RO_BITS (_PAGE_PRESENT | _PAGE_ACCESSED)
#define PTE_RW_BITS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define MS          1000000ULL
#define NR_FRAMES   4

static uint64_t l1[512] __page_aligned __section(".bss.page_aligned");
static uint8_t own_page[4096] __page_aligned __section(".bss.page_aligned");
static const char marker[] = "fref: a foreign frame, mapped by dom0";
static const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;

static uint64_t *table_va(uint64_t entry)
{
    return (uint64_t *)(GUEST_VIRT_BASE + (m2p[(entry & PTE_ADDR_MASK) >> PAGE_SHIFT] << PAGE_SHIFT));
}

static void *slot_va(unsigned int i)
{
    return (void *)(HOLE_VA + i * PAGE_SIZE);
}

/* Entry i of our hole L1 := val, frames of domain dom, with command cmd. */
static long set_slot_cmd(unsigned int i, uint64_t val, unsigned int dom, unsigned int cmd)
{
    struct mmu_update u = { .ptr = (virt_to_maddr(l1) + i * 8) | cmd, .val = val };
    long rc = hypercall_mmu_update(&u, 1, NULL, dom);

    mmuext_one(MMUEXT_INVLPG_LOCAL, (unsigned long)slot_va(i), 0);
    return rc;
}

static long map(unsigned int i, unsigned long mfn, uint64_t bits, unsigned int dom)
{
    return set_slot_cmd(i, ((uint64_t)mfn << PAGE_SHIFT) | bits, dom, MMU_NORMAL_PT_UPDATE);
}

static long unmap(unsigned int i)
{
    return set_slot_cmd(i, 0, DOMID_SELF, MMU_NORMAL_PT_UPDATE);
}

static long foreign_pin(unsigned int cmd, unsigned long mfn, unsigned int dom)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = mfn;
    return hypercall_mmuext_op(&op, 1, NULL, dom);
}

static long reservation_for(domid_t_abi dom, unsigned int cmd, xen_pfn_t *list, unsigned long nr)
{
    struct xen_memory_reservation r = {
        .extent_start = (uint64_t)(uintptr_t)list, .nr_extents = nr,
        .extent_order = 0, .mem_flags = 0, .domid = dom,
    };

    return hypercall_memory_op(cmd, &r);
}

static bool on_keel(void)
{
    char extra[16] = { 0 };

    hypercall_xen_version(XENVER_extraversion, extra);
    return !strncmp(extra, "-keel", 5);
}


static long hook_l1(uint64_t *l2, uint64_t val)
{
    struct mmu_update u = { .ptr = (virt_to_maddr(l2) + HOLE_SLOT * 8) | MMU_NORMAL_PT_UPDATE,
                            .val = val };

    return hypercall_mmu_update(&u, 1, NULL, DOMID_SELF);
}

/* The mappings and refusals on a live domain; m[] its frames. */
static void live_checks(domid_t_abi id, xen_pfn_t *m)
{
    struct xen_domctl_getdomaininfo info;

    check_rc("map frame 0 writable", map(0, m[0], PTE_RW_BITS, id), 0);
    memcpy(slot_va(0), marker, sizeof(marker));
    check_rc("map frame 0 read-only", map(1, m[0], PTE_RO_BITS, id), 0);
    check_eq("marker through the read-only mapping", !memcmp(slot_va(1), marker, sizeof(marker)), 1);
    check_rc("map frame 0 by NO_TRANSLATE",
             set_slot_cmd(5, ((uint64_t)m[0] << PAGE_SHIFT) | PTE_RO_BITS, id,
                          MMU_PT_UPDATE_NO_TRANSLATE), 0);
    check_eq("marker through the NO_TRANSLATE mapping",
             !memcmp(slot_va(5), marker, sizeof(marker)), 1);
    check_rc("unmap the NO_TRANSLATE mapping", unmap(5), 0);

    /* Frame 1 becomes the domain's L1: zeroed through a writable mapping first. */
    check_rc("map frame 1 writable", map(2, m[1], PTE_RW_BITS, id), 0);
    memset(slot_va(2), 0, PAGE_SIZE);
    check_rc("pin frame 1 as L1 while dom0 maps it writable",
             foreign_pin(MMUEXT_PIN_L1_TABLE, m[1], id), -EINVAL);
    check_rc("unmap frame 1", unmap(2), 0);
    check_rc("pin frame 1 as L1", foreign_pin(MMUEXT_PIN_L1_TABLE, m[1], id), 0);
    check_rc("map the pinned L1 writable", map(2, m[1], PTE_RW_BITS, id), -EBUSY);
    check_rc("map the pinned L1 read-only", map(2, m[1], PTE_RO_BITS, id), 0);
    check_eq("the L1 reads back zeroed", ((volatile uint64_t *)slot_va(2))[7], 0);
    check_rc("unmap the L1", unmap(2), 0);

    check_rc("map dom0's own frame as the domain's",
             map(3, virt_to_mfn(own_page), PTE_RO_BITS, id), -EBUSY);
    check_rc("give frame 3 back (decrease_reservation for the domain)",
             reservation_for(id, XENMEM_decrease_reservation, &m[3], 1), 1);
    check_rc("map the frame the domain gave back", map(3, m[3], PTE_RO_BITS, id), -EBUSY);
    check_rc("map from an unknown domain", map(3, m[0], PTE_RO_BITS, 1000), -ESRCH);

    check_rc("getdomaininfo", domain_info_from(id, &info), 0);
    check_eq("tot_pages with 3 frames", info.tot_pages, 3);
}

void test_main(void)
{
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    uint64_t *l3 = table_va(l4[l4_index(GUEST_VIRT_BASE)]);
    uint64_t *l2 = table_va(l3[l3_index(GUEST_VIRT_BASE)]);
    struct xen_domctl_getdomaininfo info;
    struct xen_domctl op = { 0 };
    xen_pfn_t m[NR_FRAMES] = { 0, 1, 2, 3 };
    uint64_t free0, free_dying;
    domid_t_abi id;
    bool keel = on_keel();

    if ( l2[HOLE_SLOT] )
        return xtf_error("Error: L2 slot %u of the image is in use\n", HOLE_SLOT);
    free0 = host_free_pages();
    op.u.createdomain = domain_config(false, 1);
    check_rc("createdomain", domctl_op(XEN_DOMCTL_createdomain, 0, &op), 0);
    id = op.domain;
    op.u.max_mem.max_memkb = 1024;
    check_rc("max_mem", domctl_op(XEN_DOMCTL_max_mem, id, &op), 0);
    check_rc("populate_physmap for the domain",
             reservation_for(id, XENMEM_populate_physmap, m, NR_FRAMES), NR_FRAMES);
    printk("d%u: frames %#lx %#lx %#lx %#lx (%s)\n", id, m[0], m[1], m[2], m[3],
           keel ? "Keel" : "Xen");
    if ( xtf_status_is_failing() )
        return;

    check_rc("make our L1 read-only", make_page_ro(l1), 0);
    check_rc("hook our L1 into the L2", hook_l1(l2, virt_to_maddr(l1) | PTE_RW_BITS), 0);
    if ( xtf_status_is_failing() )
        return;
    live_checks(id, m);
    check_rc("unmap frame 0 writable (the read-only mapping stays)", unmap(0), 0);

    /* Death while frame 0 is mapped. */
    check_rc("destroydomain while frame 0 is mapped", domctl_op(XEN_DOMCTL_destroydomain, id, &op), 0);
    check_rc("getdomaininfo of the dying domain", domain_info_from(id, &info), 0);
    check_eq("it is the domain", info.domain, id);
    check_eq("it is dying", !!(info.flags & XEN_DOMINF_dying), 1);
    check_eq("only the mapped frame is left", info.tot_pages, 1);
    check_eq("the frame still reads the marker", !memcmp(slot_va(1), marker, sizeof(marker)), 1);
    check_rc("destroydomain again", domctl_op(XEN_DOMCTL_destroydomain, id, &op), 0);
    check_rc("unpause the dying domain (its toolstack pause)",
             domctl_op(XEN_DOMCTL_unpausedomain, id, &op), 0);
    check_rc("getdomaininfo after the unpause", domain_info_from(id, &info), 0);
    check_eq("still dying", !!(info.flags & XEN_DOMINF_dying), 1);
    check_eq("not running", !!(info.flags & XEN_DOMINF_running), 0);
    if ( keel )
        check_rc("map the dying domain's frame again (Keel)", map(4, m[0], PTE_RO_BITS, id), -EBUSY);
    else if ( map(4, m[0], PTE_RO_BITS, id) == 0 )
        unmap(4);                       /* Xen takes the reference */
    free_dying = host_free_pages();
    printk("free pages: %lu before, %lu while dying\n", (unsigned long)free0,
           (unsigned long)free_dying);

    check_rc("unmap the last frame", unmap(1), 0);
    if ( !wait_ms(domain_info_from(id, &info) == -ESRCH, 1000) )
        xtf_failure("Fail: d%u still listed 1 s after its last frame was unmapped "
                    "(flags %#x, tot_pages %lu)\n", id, info.flags, (unsigned long)info.tot_pages);
    if ( !wait_ms(host_free_pages() == free0, 1000) )
        xtf_failure("Fail: free pages %lu, expected %lu as before the domain\n",
                    (unsigned long)host_free_pages(), (unsigned long)free0);

    check_rc("unhook our L1", hook_l1(l2, 0), 0);
    mmuext_one(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
    check_rc("make our L1 writable again", make_page_rw(l1), 0);
}
