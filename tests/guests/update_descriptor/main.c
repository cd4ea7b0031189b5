/*
 * update_descriptor(maddr, desc) on a live GDT page (read-only to the guest):
 * valid DPL 3 data/code descriptors are written and usable; refused with
 * -EINVAL and nothing written: TSS and LDT system descriptors, a misaligned
 * address, a page-table frame (the L4), a frame that does not exist.
 * A DPL 0 code/data descriptor: Xen 4.17 accepts it and raises the DPL to
 * 3 (the guest kernel's ring); refusing with -EINVAL would be acceptable
 * too.  The test insists that nothing with DPL < 3 ever lands in the table.
 * A call gate: refused, or accepted only with DPL 3 and a target in a
 * FLAT_* / guest code segment (printed).
 * On an ordinary writable page the update is allowed (Xen: writable type).
 */
#include "pv.h"
#include "console.h"
#include "report.h"

const char test_title[] = "update_descriptor accept and reject";

static uint64_t gdt[512] __page_aligned __section(".bss.page_aligned");
static uint64_t plain[512] __page_aligned __section(".bss.page_aligned");

static exinfo_t load_es(unsigned int sel)
{
    exinfo_t ex;

    asm volatile ("1: mov %w[s], %%es; 2:"
                  _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex) : "0" (0), [s] "r" (sel) : "memory");
    asm volatile ("mov %w0, %%es" :: "r" (0));
    return ex;
}

static void refused(const char *what, uint64_t maddr, uint64_t desc, unsigned int idx)
{
    uint64_t before = gdt[idx];
    long rc = hypercall_update_descriptor(maddr, desc);

    check_rc(what, rc, -EINVAL);
    if ( gdt[idx] != before )
        xtf_failure("Fail: %s: entry %u changed to %#lx\n", what, idx, gdt[idx]);
}

static void dpl0(const char *what, uint64_t desc, unsigned int idx)
{
    long rc = hypercall_update_descriptor(virt_to_maddr(&gdt[idx]), desc);

    printk("%s: rc %ld, entry now %#lx\n", what, rc, gdt[idx]);
    if ( rc == 0 && ((gdt[idx] >> 45) & 3) != 3 )
        xtf_failure("Fail: %s accepted with DPL %lu\n", what, (gdt[idx] >> 45) & 3);
    if ( rc && rc != -EINVAL )
        xtf_failure("Fail: %s: rc %ld\n", what, rc);
}

void test_main(void)
{
    uint64_t data3 = make_seg_desc(SEG_TYPE_DATA_RW, 3, false, true);
    uint64_t code3 = make_seg_desc(SEG_TYPE_CODE_RX, 3, true, false);
    uint64_t l4_maddr = virt_to_maddr((void *)start_info->pt_base);
    uint64_t l4e0 = ((const uint64_t *)start_info->pt_base)[0];
    xen_pfn_t frame;
    long rc;

    if ( make_page_ro(gdt) )
        return xtf_error("Error: cannot remap the GDT page read-only\n");
    frame = virt_to_mfn(gdt);
    if ( hypercall_set_gdt(&frame, 16) )
        return xtf_error("Error: set_gdt failed\n");

    rc = hypercall_update_descriptor(virt_to_maddr(&gdt[3]), data3);
    check_rc("data DPL 3 into entry 3", rc, 0);
    check_eq("entry 3 after the update", gdt[3], data3 | (1UL << 40));
    check_eq("load %es with 0x1b", load_es(0x1b), 0);
    rc = hypercall_update_descriptor(virt_to_maddr(&gdt[4]), code3);
    check_rc("code DPL 3 into entry 4", rc, 0);
    check_rc("clear entry 4", hypercall_update_descriptor(virt_to_maddr(&gdt[4]), 0), 0);
    check_eq("entry 4 cleared", gdt[4], 0);

    refused("64-bit TSS descriptor", virt_to_maddr(&gdt[5]), 0x0000890000000067UL, 5);
    refused("LDT descriptor", virt_to_maddr(&gdt[5]), 0x0000820000000fffUL, 5);
    refused("misaligned address", virt_to_maddr(&gdt[5]) + 4, data3, 5);
    refused("non-existent frame", 0xfffffffff000UL, data3, 5);

    rc = hypercall_update_descriptor(l4_maddr, data3);
    check_rc("descriptor into the L4 page-table frame", rc, -EINVAL);
    check_eq("L4 entry 0 unchanged", ((const uint64_t *)start_info->pt_base)[0], l4e0);

    dpl0("data DPL 0", make_seg_desc(SEG_TYPE_DATA_RW, 0, false, true), 6);
    dpl0("code DPL 0", make_seg_desc(SEG_TYPE_CODE_RX, 0, true, false), 7);

    /* 64-bit call gate to FLAT_KERNEL_CS:0, DPL 0 (type 0xc). */
    dpl0("call gate DPL 0", 0x00008c0000000000UL | ((uint64_t)(FLAT_KERNEL_CS & ~3) << 16), 8);

    rc = hypercall_update_descriptor(virt_to_maddr(&plain[2]), data3);
    check_rc("data DPL 3 into an ordinary writable page", rc, 0);
    check_eq("plain entry after the update", plain[2], data3);
}
