/*
 * hvm64: shared_info placed by XENMEM_add_to_physmap (XENMAPSPACE_shared_info,
 * idx 0) over a page of our bss:
 *  - the page's old contents (0x5a everywhere) are replaced by shared_info:
 *    no pending or masked events, wc_version even;
 *  - a value written there (evtchn_mask[63]) is seen at a second gfn after
 *    moving the page there (the old gfn is a hole now: not touched);
 *  - idx 1 is -EINVAL, an unknown space fails, another domain (dom0) is
 *    -EPERM or -ESRCH.
 */
#include "hvm.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "shared_info via XENMEM_add_to_physmap";

static uint8_t page_a[4096] __page_aligned __section(".bss.page_aligned");
static uint8_t page_b[4096] __page_aligned __section(".bss.page_aligned");

static long map_shinfo(uint16_t domid, uint32_t space, uint64_t idx, void *where)
{
    struct xen_add_to_physmap x = {
        .domid = domid, .space = space, .idx = idx,
        .gpfn = (unsigned long)where >> PAGE_SHIFT,
    };

    return hypercall_memory_op(XENMEM_add_to_physmap, &x);
}

void test_main(void)
{
    volatile struct shared_info *si = (volatile struct shared_info *)page_a;
    unsigned int pattern = 0;
    const uint64_t marker = 0x8000000012345678ULL;
    long rc;

    memset(page_a, 0x5a, sizeof(page_a));
    rc = map_shinfo(DOMID_SELF, XENMAPSPACE_shared_info, 0, page_a);
    if ( rc )
        return xtf_failure("Fail: add_to_physmap shared_info at gfn %#lx: %ld\n",
                           (unsigned long)page_a >> PAGE_SHIFT, rc);
    for ( unsigned int i = 0; i < sizeof(page_a); i++ )
        pattern += ((volatile uint8_t *)page_a)[i] == 0x5a;
    if ( pattern > 2048 )
        return xtf_failure("Fail: %u bytes still hold the RAM page's 0x5a pattern\n", pattern);
    for ( unsigned int w = 0; w < 64; w++ )
        if ( si->evtchn_pending[w] || si->evtchn_mask[w] )
        {
            xtf_failure("Fail: evtchn word %u: pending %#llx mask %#llx\n", w,
                        (unsigned long long)si->evtchn_pending[w],
                        (unsigned long long)si->evtchn_mask[w]);
            break;
        }
    if ( si->wc_version & 1 )
        xtf_failure("Fail: wc_version %u is odd (an update in progress)\n", si->wc_version);
    printk("vcpu_info[0]: upcall pending %u mask %u, wc_version %u wc_sec %u\n",
           si->vcpu_info[0].evtchn_upcall_pending, si->vcpu_info[0].evtchn_upcall_mask,
           si->wc_version, si->wc_sec);

    si->evtchn_mask[63] = marker;
    memset(page_b, 0x5a, sizeof(page_b));
    rc = map_shinfo(DOMID_SELF, XENMAPSPACE_shared_info, 0, page_b);
    check_rc("moving shared_info to a second gfn", rc, 0);
    si = (volatile struct shared_info *)page_b;
    if ( !rc && si->evtchn_mask[63] != marker )
        xtf_failure("Fail: evtchn_mask[63] at the new gfn is %#llx, expected %#llx\n",
                    (unsigned long long)si->evtchn_mask[63], (unsigned long long)marker);
    si->evtchn_mask[63] = 0;

    rc = map_shinfo(DOMID_SELF, XENMAPSPACE_shared_info, 1, page_b);
    check_rc("add_to_physmap idx 1", rc, -EINVAL);
    rc = map_shinfo(DOMID_SELF, 0x77, 0, page_b);
    check_rc("add_to_physmap space 0x77", rc, -EINVAL);
    rc = map_shinfo(0, XENMAPSPACE_shared_info, 0, page_b);
    check_rc("add_to_physmap for domain 0 (absent in this run)", rc, -ESRCH);
    rc = map_shinfo(77, XENMAPSPACE_shared_info, 0, page_b);
    check_rc("add_to_physmap for domain 77", rc, -ESRCH);
}
