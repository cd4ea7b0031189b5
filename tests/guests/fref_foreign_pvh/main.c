/*
 * Foreign mappings of a PVH domU's RAM by dom0 (TESTS peer fref_pvh_peer,
 * domain 1), as Linux's privcmd makes them for a toolstack or device
 * model (xen_remap_domain_gfn_array: mmu_update with foreigndom, the
 * frame numbers gfns of the domU, translated through its p2m), and the
 * domU's death while one is mapped.  Keel only (the runner boots peers as
 * Keel's boot-time domUs; fref_foreign_pv checks the same rules with a PV
 * domain on Xen 4.17 too):
 *  - dom0 scans the gfns of the peer's image with read-only mappings for
 *    its marker, then maps that gfn writable and writes the reply the
 *    peer waits for;
 *  - the machine frame behind it (read back from our own L1 entry) maps
 *    the same page with MMU_PT_UPDATE_NO_TRANSLATE;
 *  - a gfn with no RAM behind it is -EINVAL (Xen: get_page_from_gfn
 *    fails), a frame of dom0's own by NO_TRANSLATE -EBUSY;
 *  - once the peer has powered off, destroydomain leaves it dying with
 *    one page (ours); its gfn no longer translates (-EINVAL), and its
 *    frame takes no new reference (-EBUSY) but still reads the marker;
 *  - unmapping it ends the domain (getdomaininfo -ESRCH) and gives back
 *    at least every page it had (physinfo).
 */
#include "pv.h"
#include "pv_clock.h"
#include "console.h"
#include "report.h"
#include "string.h"
#include "domctl_ops.h"
#include <public/sysctl.h>

const char test_title[] = "Foreign mappings of a PVH domU, and its death while mapped";

#define PEER        1
#define HOLE_SLOT   8                               /* VIRT_BASE + 16 MiB: unused */
#define HOLE_VA     (GUEST_VIRT_BASE + ((unsigned long)HOLE_SLOT << 21))
#define PTE_RO_BITS (_PAGE_PRESENT | _PAGE_ACCESSED)
#define PTE_RW_BITS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define MS          1000000ULL
#define SCAN_FIRST  0x100                           /* the pvh image: linked at 1 MiB */
#define SCAN_END    0x400
#define REPLY_XOR   0x5a5a5a5a00000000ULL

struct fref_page {
    char marker[48];
    uint64_t gfn;
    uint8_t pad[2048 - 56];
    volatile uint64_t reply;
};

static uint64_t l1[512] __page_aligned __section(".bss.page_aligned");
static uint8_t own_page[4096] __page_aligned __section(".bss.page_aligned");
static const char marker[48] = "fref pvh peer: dom0, map me";
static const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;

static uint64_t *table_va(uint64_t entry)
{
    return (uint64_t *)(GUEST_VIRT_BASE + (m2p[(entry & PTE_ADDR_MASK) >> PAGE_SHIFT] << PAGE_SHIFT));
}

static volatile struct fref_page *slot(unsigned int i)
{
    return (volatile struct fref_page *)(HOLE_VA + i * PAGE_SIZE);
}

static long set_slot(unsigned int i, uint64_t frame, uint64_t bits, unsigned int dom,
                     unsigned int cmd)
{
    struct mmu_update u = { .ptr = (virt_to_maddr(l1) + i * 8) | cmd,
                            .val = frame ? (frame << PAGE_SHIFT) | bits : 0 };
    long rc = hypercall_mmu_update(&u, 1, NULL, dom);

    mmuext_one(MMUEXT_INVLPG_LOCAL, (unsigned long)slot(i), 0);
    return rc;
}

static long map_gfn(unsigned int i, uint64_t gfn, uint64_t bits)
{
    return set_slot(i, gfn, bits, PEER, MMU_NORMAL_PT_UPDATE);
}

static long map_mfn(unsigned int i, uint64_t mfn, uint64_t bits)
{
    return set_slot(i, mfn, bits, PEER, MMU_PT_UPDATE_NO_TRANSLATE);
}

static long unmap(unsigned int i)
{
    return set_slot(i, 0, 0, DOMID_SELF, MMU_NORMAL_PT_UPDATE);
}

static bool is_marker(volatile const struct fref_page *p, uint64_t gfn)
{
    return !memcmp((const void *)p->marker, marker, sizeof(marker)) && p->gfn == gfn;
}

/* The peer's marker gfn, scanning its image read-only through slot 0; 0 if none. */
static uint64_t scan(void)
{
    for ( uint64_t g = SCAN_FIRST; g < SCAN_END; g++ )
    {
        bool found;

        if ( map_gfn(0, g, PTE_RO_BITS) )
            continue;
        found = is_marker(slot(0), g);
        unmap(0);
        if ( found )
            return g;
    }
    return 0;
}


static long hook_l1(uint64_t *l2, uint64_t val)
{
    struct mmu_update u = { .ptr = (virt_to_maddr(l2) + HOLE_SLOT * 8) | MMU_NORMAL_PT_UPDATE,
                            .val = val };

    return hypercall_mmu_update(&u, 1, NULL, DOMID_SELF);
}

static void with_hole(void)
{
    struct xen_domctl_getdomaininfo info;
    struct xen_domctl op = { 0 };
    uint64_t gfn = 0, mfn, free_before, tot;

    if ( !wait_ms((gfn = scan()) != 0, 30000) )
        return xtf_failure("Fail: no marker in gfns %#x-%#x of d%u in 30 s\n",
                           SCAN_FIRST, SCAN_END - 1, PEER);
    printk("marker found at gfn %#lx of d%u\n", (unsigned long)gfn, PEER);
    check_rc("map the marker gfn writable", map_gfn(1, gfn, PTE_RW_BITS), 0);
    mfn = (((volatile uint64_t *)l1)[1] & PTE_ADDR_MASK) >> PAGE_SHIFT;
    check_rc("map its machine frame by NO_TRANSLATE", map_mfn(2, mfn, PTE_RO_BITS), 0);
    check_eq("the NO_TRANSLATE mapping reads the marker", is_marker(slot(2), gfn), 1);
    slot(1)->reply = gfn ^ REPLY_XOR;
    check_rc("map a gfn with no RAM", map_gfn(3, 0xfffffUL, PTE_RO_BITS), -EINVAL);
    check_rc("map dom0's own frame as d1's", map_mfn(3, virt_to_mfn(own_page), PTE_RO_BITS),
             -EBUSY);
    if ( xtf_status_is_failing() )
        return;

    if ( !wait_ms(domain_info_from(PEER, &info) == 0 && (info.flags & XEN_DOMINF_shutdown), 60000) )
        return xtf_failure("Fail: d%u did not shut down (flags %#x)\n", PEER, info.flags);
    tot = info.tot_pages;
    free_before = host_free_pages();
    check_rc("destroydomain while its page is mapped", domctl_op(XEN_DOMCTL_destroydomain, PEER, &op), 0);
    check_rc("getdomaininfo of the dying domain", domain_info_from(PEER, &info), 0);
    check_eq("it is the domain", info.domain, PEER);
    check_eq("it is dying", !!(info.flags & XEN_DOMINF_dying), 1);
    check_eq("only our page is left", info.tot_pages, 1);
    check_rc("map its gfn again", map_gfn(3, gfn, PTE_RO_BITS), -EINVAL);
    check_rc("map its frame again", map_mfn(3, mfn, PTE_RO_BITS), -EBUSY);
    check_eq("the frame still reads the marker", is_marker(slot(2), gfn), 1);
    check_rc("destroydomain again", domctl_op(XEN_DOMCTL_destroydomain, PEER, &op), 0);

    check_rc("unmap the writable mapping", unmap(1), 0);
    check_rc("getdomaininfo with one mapping left", domain_info_from(PEER, &info), 0);
    check_eq("still dying", !!(info.flags & XEN_DOMINF_dying), 1);
    check_rc("unmap the last mapping", unmap(2), 0);
    if ( !wait_ms(domain_info_from(PEER, &info) == -ESRCH, 1000) )
        xtf_failure("Fail: d%u still listed after its last page was unmapped (flags %#x)\n",
                    PEER, info.flags);
    printk("free pages: %lu before the destroy, d%u had %lu, now %lu\n",
           (unsigned long)free_before, PEER, (unsigned long)tot, (unsigned long)host_free_pages());
    if ( host_free_pages() < free_before + tot )
        xtf_failure("Fail: %lu pages free, expected at least %lu\n",
                    (unsigned long)host_free_pages(), (unsigned long)(free_before + tot));
}

void test_main(void)
{
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    uint64_t *l3 = table_va(l4[l4_index(GUEST_VIRT_BASE)]);
    uint64_t *l2 = table_va(l3[l3_index(GUEST_VIRT_BASE)]);

    if ( l2[HOLE_SLOT] )
        return xtf_error("Error: L2 slot %u of the image is in use\n", HOLE_SLOT);
    check_rc("make our L1 read-only", make_page_ro(l1), 0);
    check_rc("hook our L1 into the L2", hook_l1(l2, virt_to_maddr(l1) | PTE_RW_BITS), 0);
    if ( xtf_status_is_failing() )
        return;
    with_hole();
    for ( unsigned int i = 0; i < 4; i++ )
        unmap(i);
    check_rc("unhook our L1", hook_l1(l2, 0), 0);
    mmuext_one(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
    check_rc("make our L1 writable again", make_page_rw(l1), 0);
}
