/*
 * set_gdt: a read-only page of valid descriptors is accepted and usable
 * (a selector from it loads, LAR reads its DPL 3 data type, the reserved
 * FLAT_* selectors keep working).  Refused, leaving the old GDT in place:
 *  - more entries than the guest part of the GDT (7169)  -> -EINVAL
 *  - a frame that is mapped writable                     -> -EINVAL
 *  - a frame that does not exist                         -> -EINVAL
 *  - a frame holding a TSS descriptor                    -> -EINVAL
 *  - the frame list at an unmapped address               -> -EFAULT
 */
#include "pv.h"
#include "console.h"
#include "report.h"

const char test_title[] = "set_gdt accept and reject";

static uint64_t gdt[512] __page_aligned __section(".bss.page_aligned");
static uint64_t bad_gdt[512] __page_aligned __section(".bss.page_aligned");
static uint8_t rw_page[4096] __page_aligned __section(".bss.page_aligned");

static exinfo_t load_es(unsigned int sel)
{
    exinfo_t ex;

    asm volatile ("1: mov %w[s], %%es; 2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex) : "0" (0), [s] "r" (sel) : "memory");
    asm volatile ("mov %w0, %%es" :: "r" (0));
    return ex;
}

static unsigned int lar(unsigned int sel)
{
    unsigned int ar = 0;

    asm volatile ("lar %1, %0" : "+r" (ar) : "r" (sel));
    return ar;
}

static void check_old_gdt(const char *after)
{
    if ( load_es(0x13) )
        xtf_failure("Fail: selector 0x13 unusable after %s\n", after);
}

void test_main(void)
{
    xen_pfn_t frames[16] = { 0 };
    long rc;

    gdt[1] = make_seg_desc(SEG_TYPE_CODE_RX, 3, true, false);
    gdt[2] = make_seg_desc(SEG_TYPE_DATA_RW, 3, false, true);
    bad_gdt[1] = make_seg_desc(SEG_TYPE_DATA_RW, 3, false, true);
    bad_gdt[2] = 0x0000890000000067UL;          /* present 64-bit TSS, DPL 0 */
    if ( make_page_ro(gdt) || make_page_ro(bad_gdt) )
        return xtf_error("Error: cannot remap the GDT pages read-only\n");

    frames[0] = virt_to_mfn(gdt);
    rc = hypercall_set_gdt(frames, 3);
    check_rc("set_gdt(valid page, 3 entries)", rc, 0);
    check_eq("load %es with 0x13", load_es(0x13), 0);
    check_eq("LAR 0x13 (DPL 3 data, present)", lar(0x13) & 0xff00, 0xf300);
    check_eq("load %es with FLAT_KERNEL_DS 0xe02b", load_es(FLAT_KERNEL_SS), 0);
    check_eq("load %es with 0x1b (beyond the 3 entries)", load_es(0x1b), EXINFO_SYM(GP, 0x18));

    rc = hypercall_set_gdt(frames, FIRST_RESERVED_GDT_ENTRY + 1);
    check_rc("set_gdt(7169 entries)", rc, -EINVAL);
    check_old_gdt("too many entries");

    frames[0] = virt_to_mfn(rw_page);
    rc = hypercall_set_gdt(frames, 3);
    check_rc("set_gdt(writable frame)", rc, -EINVAL);
    check_old_gdt("a writable frame");

    frames[0] = 0xfffffffffUL;
    rc = hypercall_set_gdt(frames, 3);
    check_rc("set_gdt(non-existent frame)", rc, -EINVAL);
    check_old_gdt("a non-existent frame");

    frames[0] = virt_to_mfn(bad_gdt);
    rc = hypercall_set_gdt(frames, 3);
    check_rc("set_gdt(frame with a TSS descriptor)", rc, -EINVAL);
    check_old_gdt("a TSS descriptor");

    rc = hypercall_set_gdt((xen_pfn_t *)0x1000, 3);
    check_rc("set_gdt(unmapped frame list)", rc, -EFAULT);
    check_old_gdt("an unmapped frame list");

    /* The page is in use as a GDT: it cannot be made writable. */
    rc = make_page_rw(gdt);
    check_rc("remap a live GDT page writable (Xen 4.17: -EBUSY)", rc, -EBUSY);
}
