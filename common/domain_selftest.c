/*
 * Boot self-test of the domain lifecycle: create a domain with a vCPU,
 * give it frames of several orders, destroy it, and check that the heap
 * got every frame back (no leak) and that the frames lost their owner.
 */
#include <keel/lib.h>
#include <keel/domain.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <keel/sched.h>

#define SELFTEST_DOMID 0x7fe0

void domain_selftest(void)
{
    unsigned long before = avail_heap_pages();
    struct domain *d = domain_create(SELFTEST_DOMID, 0, 2);
    struct page_info *pg[4];
    unsigned long after;
    mfn_t first;

    if ( !d || !vcpu_create(d, 0, 0) || !vcpu_create(d, 1, 0) )
        panic("domain self-test: cannot create a domain");
    d->max_pages = 1 + 2 + 512 + 1;
    pg[0] = alloc_domheap_pages(d, 0);
    pg[1] = alloc_domheap_pages(d, 1);
    pg[2] = alloc_domheap_pages(d, 9);
    pg[3] = alloc_domheap_pages(d, 1);     /* over max_pages: refused */
    if ( !pg[0] || !pg[1] || !pg[2] || pg[3] || d->tot_pages != 515 ||
         !page_owned_by(pg[2], d) )
        panic("domain self-test: frame accounting is wrong (%lu pages)", d->tot_pages);
    first = page_to_mfn(pg[2]);
    domain_destroy(d);
    after = avail_heap_pages();
    if ( after != before || mfn_to_page(first)->u.inuse.owner == SELFTEST_DOMID ||
         get_domain_by_id(SELFTEST_DOMID) )
        panic("domain self-test: %lu frames leaked", before - after);
    printk("Domain self-test passed: create, 515 frames, destroy, no leak\n");
}
