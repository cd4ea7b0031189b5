/*
 * start_info and the start-of-day layout of a PV dom0 (ABI doc 1.3-1.5):
 * magic, flags, nr_pages (dom0_mem=64M), shared_info (machine address,
 * mapped by the library), pt_base/nr_pt_frames inside the bootstrap region
 * and mapped read-only, the p2m list and the M2P agree, a walk of the
 * bootstrap page tables from pt_base finds the image's first frame,
 * initial rsp/cs/ss, events masked.
 */
#include "pv.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "start_info and the initial domain layout";

static const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;

/* Returns the VA of the bootstrap-region page holding machine frame mfn. */
static const uint64_t *mfn_to_virt(uint64_t mfn)
{
    unsigned long pfn = m2p[mfn];
    const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;

    if ( pfn >= start_info->nr_pages || p2m[pfn] != mfn )
    {
        xtf_failure("Fail: M2P[%#lx] = %#lx does not round-trip through the p2m\n",
                    (unsigned long)mfn, pfn);
        xtf_exit();
    }
    return (const uint64_t *)(GUEST_VIRT_BASE + (pfn << PAGE_SHIFT));
}

/* Walks the bootstrap page tables for va; returns the L1 entry. */
static uint64_t walk(unsigned long va)
{
    const uint64_t *t = (const uint64_t *)start_info->pt_base;
    unsigned int idx[4] = { l4_index(va), l3_index(va), l2_index(va), l1_index(va) };
    uint64_t e = 0;

    for ( unsigned int lvl = 0; lvl < 4; lvl++ )
    {
        e = t[idx[lvl]];
        if ( !(e & _PAGE_PRESENT) || (lvl < 3 && (e & _PAGE_PSE)) )
        {
            xtf_failure("Fail: walk of %#lx: level %u entry %#lx\n", va, 4 - lvl, e);
            xtf_exit();
        }
        if ( lvl < 3 )
            t = mfn_to_virt((e & PTE_ADDR_MASK) >> PAGE_SHIFT);
    }
    return e;
}

void test_main(void)
{
    const struct start_info *si = start_info;
    unsigned long region_end = GUEST_VIRT_BASE + (si->nr_pages << PAGE_SHIFT);
    unsigned long img_end = (unsigned long)_end_image;
    const unsigned long *p2m = (const unsigned long *)si->mfn_list;
    uint64_t e;

    printk("magic '%.32s' flags %#x nr_pages %lu shared_info %#lx\n",
           si->magic, si->flags, si->nr_pages, si->shared_info);
    printk("pt_base %#lx nr_pt_frames %lu mfn_list %#lx mod %#lx+%lu\n", si->pt_base,
           si->nr_pt_frames, si->mfn_list, si->mod_start, si->mod_len);
    printk("start_info at %p, entry rsp %#lx rflags %#lx, console info %u+%u\n",
           si, entry_rsp, entry_rflags, si->console.dom0.info_off,
           si->console.dom0.info_size);

    if ( strncmp(si->magic, XEN_START_INFO_MAGIC, sizeof(si->magic)) )
        xtf_failure("Fail: magic '%.32s', expected '%s'\n", si->magic, XEN_START_INFO_MAGIC);
    if ( (si->flags & (SIF_INITDOMAIN | SIF_PRIVILEGED)) != (SIF_INITDOMAIN | SIF_PRIVILEGED) )
        xtf_failure("Fail: flags %#x lack SIF_INITDOMAIN|SIF_PRIVILEGED\n", si->flags);
    if ( si->nr_pages < 8192 || si->nr_pages > 16384 )
        xtf_failure("Fail: nr_pages %lu for dom0_mem=64M\n", si->nr_pages);
    if ( !si->shared_info || (si->shared_info & ~PAGE_MASK) )
        xtf_failure("Fail: shared_info maddr %#lx not a page\n", si->shared_info);
    if ( shared_info->vcpu_info[0].evtchn_upcall_mask != 1 )
        xtf_failure("Fail: events not masked at start of day\n");

    if ( (unsigned long)si & ~PAGE_MASK || (unsigned long)si < img_end ||
         (unsigned long)si >= region_end )
        xtf_failure("Fail: start_info at %p, not a page after the image\n", si);
    if ( si->pt_base & ~PAGE_MASK || si->pt_base < img_end ||
         si->pt_base + (si->nr_pt_frames << PAGE_SHIFT) > region_end )
        xtf_failure("Fail: page tables %#lx+%lu frames outside the region\n",
                    si->pt_base, si->nr_pt_frames);
    if ( si->nr_pt_frames < 4 )
        xtf_failure("Fail: nr_pt_frames %lu < 4 (L4, L3, L2, L1)\n", si->nr_pt_frames);
    if ( si->mfn_list < img_end || si->mfn_list & 7 ||
         si->mfn_list + si->nr_pages * 8 > region_end )
        xtf_failure("Fail: mfn_list %#lx outside the region\n", si->mfn_list);
    if ( strnlen((const char *)si->cmd_line, MAX_GUEST_CMDLINE) == MAX_GUEST_CMDLINE )
        xtf_failure("Fail: cmd_line not NUL-terminated\n");
    if ( si->mod_start || si->mod_len )
        xtf_failure("Fail: no initrd given, but mod %#lx+%lu\n", si->mod_start, si->mod_len);
    if ( entry_rsp & ~PAGE_MASK || entry_rsp <= si->pt_base || entry_rsp > region_end )
        xtf_failure("Fail: initial rsp %#lx is not the top of a boot stack page\n", entry_rsp);
    check_eq("cs", read_cs(), FLAT_KERNEL_CS);
    check_eq("ss", read_ss(), FLAT_KERNEL_SS);

    /* p2m and M2P agree for the image's frames. */
    for ( unsigned long pfn = 0; pfn < ((img_end - GUEST_VIRT_BASE) >> PAGE_SHIFT); pfn++ )
        if ( m2p[p2m[pfn]] != pfn )
            xtf_failure("Fail: M2P[p2m[%#lx] = %#lx] = %#lx\n", pfn, p2m[pfn], m2p[p2m[pfn]]);

    e = walk(GUEST_VIRT_BASE);
    check_eq("L1 entry of VIRT_BASE -> mfn", (e & PTE_ADDR_MASK) >> PAGE_SHIFT, p2m[0]);
    e = walk((unsigned long)_start_image + 0x5000);
    check_eq("L1 entry of VIRT_BASE+0x5000 -> mfn", (e & PTE_ADDR_MASK) >> PAGE_SHIFT, p2m[5]);
    for ( unsigned long i = 0; i < si->nr_pt_frames; i++ )
    {
        e = walk(si->pt_base + (i << PAGE_SHIFT));
        if ( e & _PAGE_RW )
            xtf_failure("Fail: page-table frame %lu mapped writable (%#lx)\n", i, e);
    }
    e = walk((unsigned long)si);
    if ( !(e & _PAGE_RW) )
        xtf_failure("Fail: start_info page mapped read-only (%#lx)\n", e);
}
