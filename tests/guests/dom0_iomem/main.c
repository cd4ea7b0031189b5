/*
 * dom0's I/O memory, as Xen 4.17 (no IOMMU) gives it:
 *  - the first MiB (BIOS area 0xf0000, VGA 0xb8000) maps writable, and the
 *    BIOS's bytes read through it;
 *  - the HPET and the IO-APIC, which the hypervisor drives, map only
 *    read-only: a writable request is accepted and made read-only, and a
 *    write through it neither faults nor reaches the device (the
 *    hypervisor drops it: HPET config and IOREGSEL read back unchanged);
 *  - the LAPIC is refused with -EPERM, read-only or not.
 * The machine is QEMU's PC: LAPIC 0xfee00000, IO-APIC 0xfec00000, HPET
 * 0xfed00000 (the test checks nothing else of the platform).
 */
#include "pv.h"
#include "console.h"
#include "report.h"
#include "string.h"

const char test_title[] = "dom0 I/O memory: what maps, what is refused";

static uint8_t window[4096] __page_aligned __section(".bss.page_aligned");

static long map(unsigned long mfn, uint64_t flags)
{
    return hypercall_update_va_mapping((unsigned long)window,
                                       ((uint64_t)mfn << PAGE_SHIFT) | flags, UVMF_INVLPG);
}

static exinfo_t write_byte(volatile uint8_t *p, uint8_t v)
{
    exinfo_t ex;

    asm volatile ("1: movb %[v], (%[p]); 2:" _ASM_EXTABLE(1b, 2b)
                  : "=a" (ex) : "0" (0), [p] "r" (p), [v] "q" (v) : "memory");
    return ex;
}

void test_main(void)
{
    volatile uint8_t *w = window;
    volatile uint32_t *w32 = (volatile uint32_t *)window;
    unsigned long ram_mfn = virt_to_mfn(window);
    bool nonzero = false;
    uint32_t sel, cfg;

    check_rc("map the BIOS area (0xf0000) read-only", map(0xf0, PTE_RO), 0);
    for ( unsigned int i = 0; i < 4096; i++ )
        nonzero |= w[i] != 0;
    if ( !nonzero )
        xtf_failure("Fail: the BIOS page at 0xf0000 reads as zeros\n");
    check_rc("map VGA text memory (0xb8000) writable", map(0xb8, PTE_RW), 0);
    check_eq("write to VGA memory", write_byte(w, ' '), 0);

    check_rc("map the HPET writable (made read-only)", map(0xfed00, PTE_RW), 0);
    if ( (w32[0] & 0xff) == 0 )
        xtf_failure("Fail: HPET capabilities read %#x (no revision)\n", w32[0]);
    cfg = w32[0x10 / 4];
    check_eq("write to the HPET does not fault", write_byte(w + 0x10, (uint8_t)~cfg), 0);
    check_eq("HPET config unchanged (the write was dropped)", w32[0x10 / 4], cfg);

    check_rc("map the LAPIC", map(0xfee00, PTE_RO), -EPERM);
    check_rc("map the LAPIC writable", map(0xfee00, PTE_RW), -EPERM);
    check_rc("map the IO-APIC writable (made read-only)", map(0xfec00, PTE_RW), 0);
    sel = w32[0];
    check_eq("write to IOREGSEL does not fault", write_byte(w, (uint8_t)(sel + 1)), 0);
    check_eq("IOREGSEL unchanged (the write was dropped)", w32[0], sel);

    check_rc("map our own page back", map(ram_mfn, PTE_RW), 0);
}
