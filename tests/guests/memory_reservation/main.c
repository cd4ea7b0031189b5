/*
 * memory_op reservation calls of a PV guest, as Linux's balloon driver and
 * swiotlb-xen make them (Xen 4.17):
 *  - decrease_reservation of an unmapped page: 1 extent done; of a frame
 *    that is not ours (a frame past RAM), with an order beyond the limit,
 *    or with an unmapped extent list: 0 done (Xen counts, it does not fail);
 *  - populate_physmap: 1 extent, the machine frame written back, the M2P
 *    says the pfn we asked for, the page maps, reads all zeroes (the frame
 *    given back by decrease_reservation held a pattern, and the heap hands
 *    the last freed frame out first: without scrubbing it comes back with
 *    the pattern, as another domain's freed memory would), and holds data.
 *    xfail on Xen 4.17: it scrubs only the memory of dying domains, and
 *    hands a page a live domain released back as it was (Linux's balloon
 *    driver clears pages itself, xen_scrub_pages); Keel clears every frame
 *    it gives a domain;
 *    increase_reservation: 1 extent with a frame;
 *  - exchange: two order-0 pages for one order-1 extent below 4 GiB:
 *    0, nr_exchanged 2, the new extent aligned and below the limit, the M2P
 *    set for both frames; a still-mapped input page: -EINVAL with nothing
 *    exchanged; sizes that do not match: -EINVAL; nr_exchanged past the
 *    end: -EINVAL.
 */
#include "pv.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "memory_op reservation: populate, decrease, exchange";

static uint8_t victim[3][4096] __page_aligned __section(".bss.page_aligned");
static uint8_t mapped[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t window[4096] __page_aligned __section(".bss.page_aligned");

static xen_pfn_t released_mfn;

static const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;

static long unmap(void *va)
{
    return hypercall_update_va_mapping((unsigned long)va, 0, UVMF_INVLPG);
}

static long reservation(unsigned int cmd, xen_pfn_t *list, unsigned long nr,
                        unsigned int order, unsigned int flags)
{
    struct xen_memory_reservation r = {
        .extent_start = (uint64_t)(uintptr_t)list, .nr_extents = nr,
        .extent_order = order, .mem_flags = flags, .domid = DOMID_SELF,
    };

    return hypercall_memory_op(cmd, &r);
}

static void decrease(void)
{
    xen_pfn_t f = virt_to_mfn(victim[0]), bad = 0xfffffffUL;

    memset(victim[0], 0xa5, sizeof(victim[0]));
    released_mfn = f;
    check_rc("unmap the victim page", unmap(victim[0]), 0);
    check_rc("decrease_reservation of an unmapped page",
             reservation(XENMEM_decrease_reservation, &f, 1, 0, 0), 1);
    check_rc("decrease_reservation of a frame that is not ours",
             reservation(XENMEM_decrease_reservation, &bad, 1, 0, 0), 0);
    check_rc("decrease_reservation, order 40",
             reservation(XENMEM_decrease_reservation, &bad, 1, 40, 0), 0);
    check_rc("decrease_reservation, list in hypervisor space",
             reservation(XENMEM_decrease_reservation, (xen_pfn_t *)0xffff830000000000UL, 1, 0, 0), 0);
}

static void populate(void)
{
    unsigned long pfn = (((unsigned long)window - GUEST_VIRT_BASE) >> PAGE_SHIFT);
    xen_pfn_t f = pfn, g = 0;

    check_rc("populate_physmap of one page", reservation(XENMEM_populate_physmap, &f, 1, 0, 0), 1);
    if ( f == pfn )
        return xtf_failure("Fail: populate_physmap did not write the frame back\n");
    check_eq("M2P of the new frame", m2p[f], pfn);
    check_rc("map the new frame", hypercall_update_va_mapping((unsigned long)window,
             (f << PAGE_SHIFT) | PTE_RW, UVMF_INVLPG), 0);
    printk("populate_physmap gave frame %#lx (decrease_reservation released %#lx)\n",
           (unsigned long)f, (unsigned long)released_mfn);
    for ( unsigned int i = 0; i < sizeof(window); i++ )
        if ( window[i] != 0 )
            return xtf_failure("Fail: the new page holds %#x at byte %u: not scrubbed\n",
                               window[i], i);
    memset(window, 0x3c, sizeof(window));
    check_eq("the new page holds data", window[4095], 0x3c);
    check_rc("increase_reservation of one page",
             reservation(XENMEM_increase_reservation, &g, 1, 0, 0), 1);
    if ( g == 0 )
        xtf_failure("Fail: increase_reservation did not write a frame back\n");
}

static long exchange(xen_pfn_t *in, unsigned long nin, unsigned int oin, xen_pfn_t *out,
                     unsigned long nout, unsigned int oout, unsigned int bits,
                     uint64_t *done)
{
    struct xen_memory_exchange x = {
        .in = { .extent_start = (uint64_t)(uintptr_t)in, .nr_extents = nin,
                .extent_order = oin, .domid = DOMID_SELF },
        .out = { .extent_start = (uint64_t)(uintptr_t)out, .nr_extents = nout,
                 .extent_order = oout, .mem_flags = bits, .domid = DOMID_SELF },
        .nr_exchanged = *done,
    };
    long rc = hypercall_memory_op(XENMEM_exchange, &x);

    *done = x.nr_exchanged;
    return rc;
}

static void exchanges(void)
{
    xen_pfn_t in[2] = { virt_to_mfn(victim[1]), virt_to_mfn(victim[2]) };
    xen_pfn_t busy[2] = { virt_to_mfn(mapped), virt_to_mfn(mapped) + 0 };
    unsigned long pfn = (((unsigned long)victim[1] - GUEST_VIRT_BASE) >> PAGE_SHIFT);
    xen_pfn_t out = pfn;
    uint64_t done = 0;

    check_rc("exchange of a mapped page", exchange(busy, 1, 0, &out, 1, 0, 32, &done), -EINVAL);
    check_eq("nothing exchanged", done, 0);
    done = 0;
    check_rc("exchange with sizes that differ", exchange(in, 2, 0, &out, 1, 0, 32, &done), -EINVAL);
    done = 3;
    check_rc("exchange with nr_exchanged past the end", exchange(in, 2, 0, &out, 1, 1, 32, &done),
             -EINVAL);

    check_rc("unmap the first input page", unmap(victim[1]), 0);
    check_rc("unmap the second input page", unmap(victim[2]), 0);
    done = 0;
    check_rc("exchange 2 pages for an order-1 extent below 4 GiB",
             exchange(in, 2, 0, &out, 1, 1, 32, &done), 0);
    check_eq("nr_exchanged", done, 2);
    if ( out == pfn )
        return xtf_failure("Fail: exchange did not write the new extent back\n");
    check_eq("the extent is order-1 aligned", out & 1, 0);
    if ( out >= (1UL << (32 - PAGE_SHIFT)) )
        xtf_failure("Fail: extent %#lx is not below 4 GiB\n", (unsigned long)out);
    check_eq("M2P of the first frame", m2p[out], pfn);
    check_eq("M2P of the second frame", m2p[out + 1], pfn + 1);
}

void test_main(void)
{
    decrease();
    populate();
    exchanges();
}
