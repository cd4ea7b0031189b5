/*
 * update_va_mapping(va, pte, flags) from dom0, Xen 4.17:
 *  - RO / RW / not-present remaps of an own page take effect at once
 *    (write #PF with P|W, no fault, #PF with W only);
 *  - mapping the live L4 writable: -EBUSY (a page table cannot be written);
 *    read-only: allowed;
 *  - reserved PTE bit 51: -EPERM; a frame that does not exist: -EPERM;
 *  - a VA in the hypervisor hole (M2P or beyond), non-canonical, or with no
 *    L1 table (0x1000): -EINVAL;
 *  - the page contents survive the remaps.
 */
#include "pv.h"
#include "report.h"

const char test_title[] = "update_va_mapping accept and reject";

static uint8_t page[4096] __page_aligned __section(".bss.page_aligned");

static exinfo_t poke(volatile uint8_t *p)
{
    exinfo_t ex;

    asm volatile ("1: movb $1, (%[a]); 2:" _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex) : "0" (0), [a] "r" (p) : "memory");
    return ex;
}

static long uvm(unsigned long va, uint64_t pte)
{
    return hypercall_update_va_mapping(va, pte, UVMF_INVLPG | UVMF_LOCAL);
}

void test_main(void)
{
    unsigned long va = (unsigned long)page, mfn = virt_to_mfn(page);
    unsigned long l4mfn = virt_to_mfn((void *)start_info->pt_base);
    uint64_t rw = (mfn << PAGE_SHIFT) | PTE_RW;

    page[100] = 0x77;
    check_rc("remap read-only", make_page_ro(page), 0);
    check_eq("write to the read-only page", poke(page), EXINFO_SYM(PF, X86_PFEC_PRESENT | X86_PFEC_WRITE));
    check_rc("remap read-write", make_page_rw(page), 0);
    check_eq("write to the read-write page", poke(page), 0);
    check_rc("unmap", uvm(va, 0), 0);
    check_eq("write to the unmapped page", poke(page), EXINFO_SYM(PF, X86_PFEC_WRITE));
    check_rc("map again", uvm(va, rw), 0);
    check_eq("contents kept", page[100], 0x77);

    check_rc("map the L4 writable", uvm(va, (l4mfn << PAGE_SHIFT) | PTE_RW), -EBUSY);
    check_rc("map the L4 read-only", uvm(va, (l4mfn << PAGE_SHIFT) | PTE_RO), 0);
    check_eq("L4 slot 511 through the alias", ((uint64_t *)page)[511],
             ((const uint64_t *)start_info->pt_base)[511]);
    check_rc("map back", uvm(va, rw), 0);

    check_rc("reserved bit 51", uvm(va, rw | (1UL << 51)), -EPERM);
    check_rc("frame 0xfffffffff", uvm(va, (0xfffffffffUL << PAGE_SHIFT) | PTE_RW), -EPERM);
    check_eq("mapping intact after refusals", poke(page), 0);

    check_rc("VA in the M2P", uvm(MACH2PHYS_VIRT_START, rw), -EINVAL);
    check_rc("VA in hypervisor data", uvm(0xffff830000000000UL, rw), -EINVAL);
    check_rc("non-canonical VA", uvm(0x8000000000000000UL, rw), -EINVAL);
    check_rc("VA without an L1 (0x1000)", uvm(0x1000, rw), -EINVAL);
}
